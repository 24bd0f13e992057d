package rules

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// noEmptyContinuation is DF102, BuildKit's NoEmptyContinuation: an empty
// line inside an instruction continued with "\". BuildKit's parser warns
// once per instruction, at its last line; the finding points at the first
// empty line and the fix deletes every one.
func noEmptyContinuation() *Rule {
	return bkCheck("DF102", linter.RuleNoEmptyContinuation.Name, "Empty line inside a continued instruction", true,
		bkParseWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			_, last := bkInstructionLines(w.Loc)
			start := bkInstructionStart(d, last)
			var empty []int
			for l := start + 1; start > 0 && l < last; l++ {
				if strings.TrimSpace(d.Source.Line(l)) == "" {
					empty = append(empty, l)
				}
			}
			if len(empty) == 0 {
				return finding.Finding{Range: d.InstructionRange(w.Loc)}
			}
			f := finding.Finding{Range: d.InstructionRange(w.Loc), Fix: &finding.Fix{
				Message: "delete the empty line, or end the instruction before it",
				Safe:    true,
			}}
			// The empty line itself (zero-width when it holds nothing).
			l := empty[0]
			f.Range = d.OwnRange(finding.Pos{Line: l, Col: 1}, finding.Pos{Line: l, Col: len(d.Source.Line(l)) + 1})
			// One edit per run of consecutive empty lines.
			for i := 0; i < len(empty); {
				j := i
				for j+1 < len(empty) && empty[j+1] == empty[j]+1 {
					j++
				}
				f.Fix.Edits = append(f.Fix.Edits, finding.Edit{Range: d.DeleteLinesRange(empty[i], empty[j])})
				i = j + 1
			}
			return f
		})
}

// bkInstructionStart is the first line of the instruction whose logical
// line ends on line last (own lines), from BuildKit's AST.
func bkInstructionStart(d *project.Dockerfile, last int) int {
	if d.AST == nil || d.AST.AST == nil {
		return 0
	}
	for _, n := range d.AST.AST.Children {
		if n.StartLine <= last && last <= n.EndLine {
			return n.StartLine
		}
	}
	return 0
}
