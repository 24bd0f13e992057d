package rules

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/textdist"
)

// undefinedService is CP014: depends_on, links, extends, volumes_from or
// network_mode: service:x naming a service that does not exist. Compose
// stops at the first one; envdoctor reports them all.
func undefinedService() *Rule {
	return &Rule{
		ID:       "CP014",
		Name:     "undefined-service",
		Title:    "Reference to a service that does not exist",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil {
				return
			}
			defined := serviceNames(c)
			for _, s := range serviceNodes(c) {
				for _, ref := range serviceRefs(s) {
					if defined[ref.target] {
						continue
					}
					msg := fmt.Sprintf("service %q: %s names service %q, which is not defined", s.name, ref.key, ref.target)
					fix := "define the service, or correct the name"
					if near := nearestName(ref.target, defined); near != "" {
						fix = fmt.Sprintf("did you mean %q? correct the name, or define the service", near)
					}
					p.Report(finding.Finding{Range: ref.rng, Message: msg, Fix: &finding.Fix{Message: fix}})
				}
			}
		},
	}
}

type serviceRef struct {
	key    string
	target string
	rng    finding.Range
}

// serviceRefs finds the service names a service refers to, in every syntax.
func serviceRefs(s serviceNode) []serviceRef {
	var refs []serviceRef
	add := func(key, target string, n *yaml.Node) {
		refs = append(refs, serviceRef{key: key, target: target, rng: project.NodeRange(s.file.Source, n)})
	}
	for _, kv := range project.MappingPairs(s.node) {
		key, v := kv[0].Value, kv[1]
		switch key {
		case "depends_on":
			if v.Kind == yaml.SequenceNode {
				for _, item := range v.Content {
					add(key, item.Value, item)
				}
			} else {
				for _, dep := range project.MappingPairs(v) {
					add(key, dep[0].Value, dep[0])
				}
			}
		case "links":
			for _, item := range v.Content {
				name, _, _ := strings.Cut(item.Value, ":")
				add(key, name, item)
			}
		case "volumes_from":
			for _, item := range v.Content {
				if strings.HasPrefix(item.Value, "container:") {
					continue
				}
				name, _, _ := strings.Cut(item.Value, ":")
				add(key, name, item)
			}
		case "network_mode":
			if name, ok := strings.CutPrefix(v.Value, "service:"); ok {
				add(key, name, v)
			}
		case "extends":
			if v.Kind == yaml.ScalarNode {
				add(key, v.Value, v)
				continue
			}
			hasFile := false
			var svc *yaml.Node
			for _, e := range project.MappingPairs(v) {
				switch e[0].Value {
				case "file":
					hasFile = true
				case "service":
					svc = e[1]
				}
			}
			if svc != nil && !hasFile {
				add(key, svc.Value, svc)
			}
		}
	}
	return refs
}

// nearestName suggests a defined name close enough to be a typo: within a
// third of the name's length in edits (at least one).
func nearestName(name string, defined map[string]bool) string {
	best, bestDist := "", max(1, len(name)/3)+1
	for _, d := range sortedNames(defined) {
		if dist := textdist.Distance(strings.ToLower(name), strings.ToLower(d)); dist < bestDist {
			best, bestDist = d, dist
		}
	}
	return best
}
