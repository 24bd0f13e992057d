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

// serviceContexts maps each service to its build contexts, in the order of
// p.Contexts.
func serviceContexts(p *project.Project) map[string][]*project.BuildContext {
	return projectFact(p, "serviceContexts", nil, func() map[string][]*project.BuildContext {
		out := map[string][]*project.BuildContext{}
		for _, bc := range p.Contexts {
			out[bc.Service] = append(out[bc.Service], bc)
		}
		return out
	})
}

// serviceDockerfile is the Dockerfile a service is built from (the last of
// p.Dockerfiles that names it), or nil.
func serviceDockerfile(p *project.Project, service string) *project.Dockerfile {
	return projectFact(p, "serviceDockerfiles", nil, func() map[string]*project.Dockerfile {
		out := map[string]*project.Dockerfile{}
		for _, d := range p.Dockerfiles {
			for _, s := range d.Services {
				out[s] = d
			}
		}
		return out
	})[service]
}
