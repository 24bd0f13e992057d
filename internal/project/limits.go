package project

import (
	"fmt"

	"go.yaml.in/yaml/v4"
)

// MaxYAMLDepth is the deepest nesting of a compose file envdoctor hands to
// compose-go. Real compose files nest about ten levels; compose-go's
// transform takes time and memory quadratic in the depth (3,000 levels:
// 8 GiB), so a deeper file is reported instead of loaded.
const MaxYAMLDepth = 128

// depthError reports a compose file nested deeper than MaxYAMLDepth, at the
// first node that crosses it. Aliases are not followed (each anchor is
// visited where it is defined).
func depthError(cf *ComposeFile) *SyntaxError {
	if cf.Root == nil {
		return nil
	}
	type item struct {
		n     *yaml.Node
		depth int
	}
	stack := []item{{cf.Root, 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.depth > MaxYAMLDepth {
			return &SyntaxError{Range: NodeRange(cf.Source, it.n),
				Message: fmt.Sprintf("YAML nested deeper than %d levels: not loaded (compose files nest about ten)", MaxYAMLDepth)}
		}
		for _, c := range it.n.Content {
			stack = append(stack, item{c, it.depth + 1})
		}
	}
	return nil
}
