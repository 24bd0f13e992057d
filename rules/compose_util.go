package rules

import (
	"sort"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/project"
)

// serviceNode is one service's mapping in one compose file.
type serviceNode struct {
	file *project.ComposeFile
	name string
	node *yaml.Node
}

// serviceNodes lists every service of every compose file, in load order
// (a service defined in an override file appears once per file). The list
// is computed once per project; callers must not change it.
func serviceNodes(c *project.Compose) []serviceNode {
	return composeFact(c, "serviceNodes", nil, func() []serviceNode {
		var out []serviceNode
		for _, cf := range c.Files {
			services, _ := cf.Lookup("services")
			for _, kv := range project.MappingPairs(services) {
				out = append(out, serviceNode{file: cf, name: kv[0].Value, node: kv[1]})
			}
		}
		return out
	})
}

// serviceNodesOf is serviceNodes of one service, in load order.
func serviceNodesOf(c *project.Compose, name string) []serviceNode {
	byName := composeFact(c, "serviceNodesByName", nil, func() map[string][]serviceNode {
		out := map[string][]serviceNode{}
		for _, s := range serviceNodes(c) {
			out[s.name] = append(out[s.name], s)
		}
		return out
	})
	return byName[name]
}

// serviceNames is the set of services defined anywhere in the project,
// profile-disabled ones included.
func serviceNames(c *project.Compose) map[string]bool {
	names := map[string]bool{}
	for _, s := range serviceNodes(c) {
		names[s.name] = true
	}
	if c.Model != nil {
		for n := range c.Model.Services {
			names[n] = true
		}
		for n := range c.Model.DisabledServices {
			names[n] = true
		}
	}
	return names
}

// lastDefinition returns, for each service, the last file's node for key
// (override files win), with the file. The map is computed once per
// project and key; callers must not change it.
func lastDefinition(c *project.Compose, key string) map[string]serviceNode {
	return composeFact(c, "lastDefinition", key, func() map[string]serviceNode {
		out := map[string]serviceNode{}
		for _, s := range serviceNodes(c) {
			for _, kv := range project.MappingPairs(s.node) {
				if kv[0].Value == key {
					out[s.name] = serviceNode{file: s.file, name: s.name, node: kv[1]}
				}
			}
		}
		return out
	})
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
