package rules

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// Helpers the DF1xx rules share to place findings and build fixes.

// bkKeyword writes keyword (upper case) in the case of written: lower case
// when written is all lower case, upper case otherwise.
func bkKeyword(keyword, written string) string {
	if written != "" && written == strings.ToLower(written) {
		return strings.ToLower(keyword)
	}
	return strings.ToUpper(keyword)
}

// bkQuote writes s as a double-quoted Dockerfile word: BuildKit's lexer
// reads it back as s, with no variable expanded (the escape token escapes
// the quote, itself and the dollar).
func bkQuote(s string, esc rune) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '$' || r == esc {
			b.WriteRune(esc)
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// bkArgRange is the span of argument i of the instruction at loc, or the
// instruction when it has no such argument.
func bkArgRange(d *project.Dockerfile, loc []parser.Range, i int) finding.Range {
	if r, ok := d.ArgRange(loc, i); ok {
		return r
	}
	return d.InstructionRange(loc)
}

// bkArgsRange is the span of all the arguments of the instruction at loc
// (after the keyword and flags), or the instruction when it has none.
func bkArgsRange(d *project.Dockerfile, loc []parser.Range) finding.Range {
	in := d.Instruction(loc)
	if in == nil || len(in.Args) == 0 {
		return d.InstructionRange(loc)
	}
	return in.Range(in.Args[0].Start, in.Args[len(in.Args)-1].End)
}

// bkInstructionLines are the first and last own line of the instruction at
// loc (continuation lines and heredoc bodies included).
func bkInstructionLines(loc []parser.Range) (start, end int) {
	for _, r := range loc {
		for _, l := range []int{r.Start.Line, r.End.Line} {
			if l <= 0 {
				continue
			}
			if start == 0 || l < start {
				start = l
			}
			if l > end {
				end = l
			}
		}
	}
	return start, end
}

// bkVarRange finds the first use of variable name ($name or ${name...) in
// the instruction at loc and returns its span ("$name" or "${name"), or the
// instruction's span.
func bkVarRange(d *project.Dockerfile, loc []parser.Range, name string) finding.Range {
	in := d.Instruction(loc)
	if in == nil {
		return d.InstructionRange(loc)
	}
	text := in.Text
	for i := 0; i+1 < len(text); i++ {
		if text[i] != '$' {
			continue
		}
		j := i + 1
		if text[j] == '{' {
			j++
		}
		if strings.HasPrefix(text[j:], name) {
			k := j + len(name)
			if k == len(text) || !isVarChar(text[k]) {
				end := k
				if text[i+1] == '{' {
					if c := strings.IndexByte(text[k:], '}'); c >= 0 {
						end = k + c + 1
					}
				}
				return in.Range(i, end)
			}
		}
	}
	return d.InstructionRange(loc)
}

// bkRenameVarEdit replaces the name of the first use of variable name in
// the instruction at loc ($name or ${name...}) with to; ok is false when
// the use is not found where BuildKit's warning points.
func bkRenameVarEdit(d *project.Dockerfile, loc []parser.Range, name, to string) (finding.Edit, bool) {
	in := d.Instruction(loc)
	if in == nil || name == "" || to == "" || to == name {
		return finding.Edit{}, false
	}
	text := in.Text
	for i := 0; i+1 < len(text); i++ {
		if text[i] != '$' {
			continue
		}
		j := i + 1
		if text[j] == '{' {
			j++
		}
		if k := j + len(name); strings.HasPrefix(text[j:], name) && (k == len(text) || !isVarChar(text[k])) {
			return finding.Edit{Range: in.Range(j, k), NewText: to}, true
		}
	}
	return finding.Edit{}, false
}

func isVarChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// bkClamp keeps a range inside the lines of its file. A dockerfile_inline's
// positions are its own plus the block's indentation, and an empty line of
// the block may have no indentation at all in the compose file.
func bkClamp(p *project.Project, r finding.Range) finding.Range {
	src := p.Sources[r.File]
	if src == nil {
		return r
	}
	clamp := func(pos finding.Pos) finding.Pos {
		if pos.Line >= 1 && pos.Line <= src.LineCount() {
			if n := len(src.Line(pos.Line)) + 1; pos.Col > n {
				pos.Col = n
			}
		}
		return pos
	}
	r.Start, r.End = clamp(r.Start), clamp(r.End)
	return r
}

// bkClampFinding applies bkClamp to every range of a finding.
func bkClampFinding(p *project.Project, f *finding.Finding) {
	f.Range = bkClamp(p, f.Range)
	for i := range f.Related {
		f.Related[i].Range = bkClamp(p, f.Related[i].Range)
	}
	if f.Fix != nil {
		for i := range f.Fix.Edits {
			f.Fix.Edits[i].Range = bkClamp(p, f.Fix.Edits[i].Range)
		}
	}
}
