package checks

import (
	"strconv"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// yamlMatch is a node of a compose file found by a path pattern.
type yamlMatch struct {
	file *project.ComposeFile
	// key is the mapping key that led to value (nil for a sequence item).
	key, value *yaml.Node
	// wild holds what each "*" or "[]" of the pattern matched, in order
	// (mapping keys, or sequence indexes).
	wild []string
}

// keyRange is the span of the match's key, or of its value when it is a
// sequence item.
func (m yamlMatch) keyRange() finding.Range {
	if m.key != nil {
		return project.NodeRange(m.file.Source, m.key)
	}
	return project.NodeRange(m.file.Source, m.value)
}

// matchPath finds the nodes of a compose file along pattern: a literal
// mapping key, "*" for every key of a mapping, "[]" for every item of a
// sequence. Merge keys (<<) and aliases are followed as compose does.
func matchPath(cf *project.ComposeFile, pattern ...string) []yamlMatch {
	if cf == nil || cf.Root == nil || cf.Source == nil {
		return nil
	}
	root := cf.Root
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil
		}
		root = root.Content[0]
	}
	cur := []yamlMatch{{file: cf, value: root}}
	for _, seg := range pattern {
		var next []yamlMatch
		for _, m := range cur {
			v := resolve(m.value)
			switch seg {
			case "[]":
				if v == nil || v.Kind != yaml.SequenceNode {
					continue
				}
				for i, item := range v.Content {
					next = append(next, yamlMatch{file: cf, value: item, wild: appendWild(m.wild, strconv.Itoa(i))})
				}
			default:
				if v == nil || v.Kind != yaml.MappingNode {
					continue
				}
				for _, kv := range project.MappingPairs(v) {
					switch {
					case seg == "*":
						next = append(next, yamlMatch{file: cf, key: kv[0], value: kv[1], wild: appendWild(m.wild, kv[0].Value)})
					case kv[0].Value == seg:
						next = append(next, yamlMatch{file: cf, key: kv[0], value: kv[1], wild: m.wild})
					}
				}
			}
		}
		cur = next
	}
	return cur
}

func appendWild(wild []string, s string) []string {
	out := make([]string, len(wild), len(wild)+1)
	copy(out, wild)
	return append(out, s)
}

// resolve follows an alias to its anchored node.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	return n
}

// scalarValue is the value of a scalar node ("" for anything else).
func scalarValue(n *yaml.Node) string {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}
