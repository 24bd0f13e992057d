package project

import (
	"bytes"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// Lookup walks the file's YAML tree along path (mapping keys, or decimal
// indexes for sequences), following aliases and << merge keys as compose
// does. It returns the value node and the key node that led to it (nil for a
// sequence item or the root), or nil, nil.
func (f *ComposeFile) Lookup(path ...string) (value, key *yaml.Node) {
	if f == nil || f.Root == nil {
		return nil, nil
	}
	n := f.Root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, p := range path {
		n = resolveAlias(n)
		switch n.Kind {
		case yaml.MappingNode:
			k, v := mappingGet(n, p, 0)
			if v == nil {
				return nil, nil
			}
			n, key = v, k
		case yaml.SequenceNode:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil, nil
			}
			n, key = n.Content[i], nil
		default:
			return nil, nil
		}
	}
	return n, key
}

// MappingPairs returns the key/value pairs of a mapping node in document
// order, merged keys (<<) after the node's own keys, own keys winning.
func MappingPairs(n *yaml.Node) [][2]*yaml.Node {
	return mappingPairs(resolveAlias(n), 0)
}

func mappingPairs(n *yaml.Node, depth int) [][2]*yaml.Node {
	if n != nil && n.Kind == yaml.MappingNode && depth <= 32 && !hasMergeKey(n) {
		return ownPairs(n) // no merge to follow: no visited set
	}
	return collectPairs(n, depth, map[*yaml.Node]bool{})
}

// ownPairs are the pairs of a mapping node without merges, in order.
func ownPairs(n *yaml.Node) [][2]*yaml.Node {
	own := make([][2]*yaml.Node, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		own = append(own, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
	}
	return own
}

// collectPairs flattens a mapping with its merges. Each merged mapping is
// visited once: a second visit could add no key the first did not, and
// without the check an alias bomb of merges (each level merging the one
// before nine times) takes exponential time.
func collectPairs(n *yaml.Node, depth int, visited map[*yaml.Node]bool) [][2]*yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode || depth > 32 || visited[n] {
		return nil
	}
	visited[n] = true
	if !hasMergeKey(n) {
		// Without merges the pairs are the node's own, in order.
		return ownPairs(n)
	}
	own := make([][2]*yaml.Node, 0, len(n.Content)/2)
	var merged [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if isMergeKey(k) {
			for _, src := range mergeSources(v) {
				merged = append(merged, collectPairs(src, depth+1, visited)...)
			}
			continue
		}
		own = append(own, [2]*yaml.Node{k, v})
		seen[k.Value] = true
	}
	for _, kv := range merged {
		if !seen[kv[0].Value] {
			own = append(own, kv)
			seen[kv[0].Value] = true
		}
	}
	return own
}

func hasMergeKey(n *yaml.Node) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if isMergeKey(n.Content[i]) {
			return true
		}
	}
	return false
}

// MappingValue returns the value of key in a mapping node, aliases and
// merges followed (the first of MappingPairs with that key), or nil. It
// allocates nothing for a mapping without merges.
func MappingValue(n *yaml.Node, key string) *yaml.Node {
	_, v := mappingGet(resolveAlias(n), key, 0)
	return v
}

func mappingGet(n *yaml.Node, key string, depth int) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode || depth > 32 {
		return nil, nil
	}
	// The node's own keys come first and win: look there without
	// flattening the merges.
	merges := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		if isMergeKey(n.Content[i]) {
			merges = true
		} else if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	if !merges {
		return nil, nil
	}
	for _, kv := range mappingPairs(n, depth) {
		if kv[0].Value == key {
			return kv[0], kv[1]
		}
	}
	return nil, nil
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && (k.Tag == "!!merge" || k.Tag == "" || k.Style == 0)
}

func mergeSources(v *yaml.Node) []*yaml.Node {
	v = resolveAlias(v)
	if v == nil {
		return nil
	}
	if v.Kind == yaml.SequenceNode {
		var out []*yaml.Node
		for _, c := range v.Content {
			out = append(out, resolveAlias(c))
		}
		return out
	}
	return []*yaml.Node{v}
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	return n
}

// NodeRange is the span of a node's own text in src: the whole scalar
// (quotes included), or the first line of a collection or block scalar.
func NodeRange(src *Source, n *yaml.Node) finding.Range {
	if n == nil || src == nil || n.Line == 0 {
		return finding.Range{File: pathOf(src)}
	}
	start := finding.Pos{Line: n.Line, Col: n.Column}
	line := src.Line(n.Line)
	from := n.Column - 1
	if from < 0 || from > len(line) {
		return finding.Range{File: src.Path, Start: start, End: start}
	}
	rest := line[from:]
	if n.Kind != yaml.AliasNode {
		// The parser places a node with an anchor or a tag at its first
		// property (&a !!str "x"): the span is the value after them.
		skip := nodePropertiesWidth(rest)
		rest = rest[skip:]
		start.Col += skip
	}
	var width int
	switch {
	case n.Kind == yaml.AliasNode:
		width = 1 + len(n.Value)
	case n.Kind != yaml.ScalarNode:
		width = len(strings.TrimRight(stripComment(rest), " \t"))
	case n.Style&yaml.DoubleQuotedStyle != 0:
		width = quotedWidth(rest, '"')
	case n.Style&yaml.SingleQuotedStyle != 0:
		width = quotedWidth(rest, '\'')
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		width = len(strings.TrimRight(stripComment(rest), " \t"))
	default:
		// Plain scalar: on one line, its value is its text.
		if !strings.Contains(n.Value, "\n") && strings.HasPrefix(rest, n.Value) {
			width = len(n.Value)
		} else {
			width = len(strings.TrimRight(stripComment(rest), " \t"))
		}
	}
	if width < 1 {
		width = 1
	}
	return finding.Range{File: src.Path, Start: start, End: finding.Pos{Line: n.Line, Col: start.Col + width}}
}

func pathOf(src *Source) string {
	if src == nil {
		return ""
	}
	return src.Path
}

// quotedWidth is the width of a quoted scalar starting at s[0]; when it does
// not close on this line, the rest of the line.
func quotedWidth(s string, q byte) int {
	for i := 1; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case q == '\'' && s[i] == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
		case s[i] == q:
			return i + 1
		}
	}
	return len(s)
}

func stripComment(s string) string {
	if i := strings.Index(s, " #"); i >= 0 {
		return s[:i]
	}
	return s
}

// ScalarRefs locates the variable references of a scalar node in its source
// text. It searches the raw text from the node's start for each reference,
// so quoted, folded and multi-line scalars are located too.
func ScalarRefs(src *Source, n *yaml.Node) []LocatedRef {
	if n == nil || n.Kind != yaml.ScalarNode || src == nil || !strings.Contains(n.Value, "$") {
		return nil
	}
	refs := ScanVarRefs(n.Value)
	if len(refs) == 0 {
		return nil
	}
	start := src.Offset(finding.Pos{Line: n.Line, Col: n.Column})
	if start < 0 {
		return nil
	}
	// The scalar's raw text is searched from its start, within a window
	// its value bounds (quotes, escapes and folding make the raw text
	// longer than the value, never by this much): a reference that is not
	// found must not cost a scan of the rest of the file, for each scalar.
	end := min(len(src.Data), start+8*len(n.Value)+4096)
	data := src.Data[start:end]
	var out []LocatedRef
	cursor := 0
	locate := func(from int, r VarRef) (LocatedRef, bool) {
		text := n.Value[r.Start:r.End]
		if from < 0 || from > len(data) {
			return LocatedRef{}, false
		}
		at := bytes.Index(data[from:], []byte(text))
		if at < 0 {
			return LocatedRef{}, false
		}
		s := start + from + at
		return LocatedRef{Ref: r, Text: text, Range: finding.Range{File: src.Path, Start: src.Pos(s), End: src.Pos(s + len(text))}}, true
	}
	for _, r := range refs {
		if lr, ok := locate(cursor, r); ok {
			out = append(out, lr)
			cursor = src.Offset(lr.Range.Start) - start + len(lr.Text)
		}
	}
	// Nested references are located inside their parent's text.
	for _, lr := range append([]LocatedRef(nil), out...) {
		if len(lr.Ref.Nested) == 0 {
			continue
		}
		base := src.Offset(lr.Range.Start) - start
		for _, nr := range flattenNested(lr.Ref) {
			if nl, ok := locate(base, nr); ok {
				out = append(out, nl)
			}
		}
	}
	return out
}

func flattenNested(r VarRef) []VarRef {
	out := make([]VarRef, 0, len(r.Nested))
	for _, n := range r.Nested {
		out = append(out, n)
		out = append(out, flattenNested(n)...)
	}
	return out
}

// LocatedRef is a variable reference with its place in a file.
type LocatedRef struct {
	Ref   VarRef
	Text  string
	Range finding.Range
}

// WalkScalars calls fn for every scalar value node of the tree (mapping keys
// excluded: compose never interpolates keys). Aliased subtrees are visited
// once, at their anchor.
func WalkScalars(root *yaml.Node, fn func(n *yaml.Node)) {
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 200 {
			return
		}
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, depth+1)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], depth+1)
			}
		case yaml.ScalarNode:
			fn(n)
		}
	}
	walk(root, 0)
}

// nodePropertiesWidth is the width of the anchor and tag properties (and
// the blanks after them) at the start of s, when they are followed by a
// value on the same line.
func nodePropertiesWidth(s string) int {
	i := 0
	for k := 0; k < 2 && i < len(s) && (s[i] == '&' || s[i] == '!'); k++ {
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' {
			j++
		}
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
		if j >= len(s) || s[j] == '#' {
			break // the value is on a later line
		}
		i = j
	}
	return i
}
