package ports

import (
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// Span is a byte range [Start, End) in a short entry's text.
type Span struct{ Start, End int }

// Empty reports whether the span is empty.
func (s Span) Empty() bool { return s.End <= s.Start }

// Layout is where the parts of a short entry are in its text: host IP
// (brackets included), host port and container port (with its /protocol).
// Missing parts are empty spans at the place they would go.
type Layout struct {
	Parts     int // 1 (container), 2 (host:container) or 3 (ip:host:container)
	HostIP    Span
	HostPort  Span
	Container Span
}

// SplitText finds the parts of a short entry as written, which may hold
// ${VAR} references: colons inside ${...} do not separate. It reports false
// for text it cannot split the way compose would (an IPv6 address without
// brackets, an unclosed ${ or [).
func SplitText(s string) (Layout, bool) {
	var cuts []int
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '$':
			i++
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			depth++
			i++
		case s[i] == '}' && depth > 0:
			depth--
		case s[i] == '[' && depth == 0 && len(cuts) == 0:
			end := strings.Index(s[i:], "]")
			if i != 0 || end < 0 {
				return Layout{}, false
			}
			i += end
		case s[i] == ':' && depth == 0:
			cuts = append(cuts, i)
		}
	}
	if depth != 0 {
		return Layout{}, false
	}
	switch len(cuts) {
	case 0:
		return Layout{Parts: 1, HostIP: Span{0, 0}, HostPort: Span{0, 0}, Container: Span{0, len(s)}}, true
	case 1:
		return Layout{Parts: 2, HostIP: Span{0, 0}, HostPort: Span{0, cuts[0]}, Container: Span{cuts[0] + 1, len(s)}}, true
	case 2:
		return Layout{Parts: 3, HostIP: Span{0, cuts[0]}, HostPort: Span{cuts[0] + 1, cuts[1]}, Container: Span{cuts[1] + 1, len(s)}}, true
	}
	return Layout{}, false
}

// RawText returns a short entry's text as written in its file (inside the
// quotes, ${VAR} references not substituted) and where that text starts.
// ok is false for an inherited or long entry, a multi-line scalar, or a
// quoted one with escapes, whose text an edit could not keep exact.
func (b Binding) RawText() (text string, start finding.Pos, ok bool) {
	n := b.Node
	if b.Long || n == nil || b.Source == nil || n.Kind != yaml.ScalarNode || strings.ContainsAny(n.Value, "\n\r") {
		return "", finding.Pos{}, false
	}
	r := project.NodeRange(b.Source, n)
	line := b.Source.Line(r.Start.Line)
	if r.End.Line != r.Start.Line || r.Start.Col < 1 || r.End.Col-1 > len(line) || r.End.Col <= r.Start.Col {
		return "", finding.Pos{}, false
	}
	seg := line[r.Start.Col-1 : r.End.Col-1]
	start = r.Start
	switch {
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		if len(seg) < 2 || seg[len(seg)-1] != seg[0] {
			return "", finding.Pos{}, false
		}
		seg = seg[1 : len(seg)-1]
		start.Col++
		if seg != n.Value {
			return "", finding.Pos{}, false
		}
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return "", finding.Pos{}, false
	case n.Tag != "!!int" && seg != n.Value:
		return "", finding.Pos{}, false
	}
	return seg, start, true
}
