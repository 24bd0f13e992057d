package project

import (
	"strings"

	interp "github.com/compose-spec/compose-go/v2/interpolation"
	"github.com/compose-spec/compose-go/v2/tree"
	"go.yaml.in/yaml/v4"
)

// prunedCasts returns compose-go's interpolation type casts without those
// that cannot apply to this project: a cast whose path names a key
// ("ulimits", "external"...) that no compose file holds matches no value.
// compose-go tries every cast on every interpolated value (splitting both
// paths each time), which is a sixth of its load time on a large file; the
// result is the same. The casts are kept whole when a file includes or
// extends another file, whose keys are not known here.
func (l *loader) prunedCasts(casts map[tree.Path]interp.Cast) map[tree.Path]interp.Cast {
	if l.castKeys == nil {
		l.castKeys = composeKeys(l.p.Compose)
	}
	if len(l.castKeys) == 0 {
		return casts
	}
	out := make(map[tree.Path]interp.Cast, len(casts))
	for p, c := range casts {
		if castMayApply(p, l.castKeys) {
			out[p] = c
		}
	}
	return out
}

func castMayApply(p tree.Path, keys map[string]bool) bool {
	for _, part := range strings.Split(string(p), ".") {
		if part != tree.PathMatchAll && part != tree.PathMatchList && !keys[part] {
			return false
		}
	}
	return true
}

// composeKeys is the set of mapping keys of every compose file, or an empty
// set when another file's keys could matter (include, extends: file) or a
// file did not parse.
func composeKeys(c *Compose) map[string]bool {
	keys := map[string]bool{}
	for _, cf := range c.Files {
		if cf.Root == nil {
			return map[string]bool{}
		}
		stack := []*yaml.Node{cf.Root}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					keys[n.Content[i].Value] = true
				}
			}
			stack = append(stack, n.Content...)
		}
	}
	if keys["include"] || keys["file"] && keys["extends"] {
		return map[string]bool{}
	}
	return keys
}
