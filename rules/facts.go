package rules

import (
	"github.com/envdoctor/envdoctor/internal/project"
)

// Facts several rules derive from the same project (the services' nodes,
// what each service runs, BuildKit's dispatch-time warnings...) are
// computed once per project and shared: see project.Project.Derived. The
// values are read-only for the rules that get them.

// factKey names one derived fact; arg tells apart the facts of one kind
// (a compose key, a Dockerfile).
type factKey struct {
	kind string
	arg  any
}

// projectFact returns the fact (kind, arg) of p, computed once.
func projectFact[T any](p *project.Project, kind string, arg any, compute func() T) T {
	v, _ := p.Derived(factKey{kind, arg}, func() any { return compute() }).(T)
	return v
}

// composeFact is projectFact for facts of the compose files alone.
func composeFact[T any](c *project.Compose, kind string, arg any, compute func() T) T {
	v, _ := c.Derived(factKey{kind, arg}, func() any { return compute() }).(T)
	return v
}
