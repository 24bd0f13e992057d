package rules

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// consistentInstructionCasing is DF103, BuildKit's
// ConsistentInstructionCasing: an instruction keyword whose case differs
// from the majority of the file's keywords (or is mixed, like "Run").
func consistentInstructionCasing() *Rule {
	return bkCheck("DF103", linter.RuleConsistentInstructionCasing.Name, "Instruction keyword casing differs from the rest of the file", true,
		bkDispatchWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			in := d.Instruction(w.Loc)
			if in == nil {
				return finding.Finding{Range: d.InstructionRange(w.Loc)}
			}
			kw := in.Keyword
			want := strings.ToUpper(kw.Text)
			if w.Word == "lowercase" {
				want = strings.ToLower(kw.Text)
			}
			return finding.Finding{Range: kw.Range, Fix: &finding.Fix{
				Message: fmt.Sprintf("write %s in %s like the other instructions", want, w.Word),
				Edits:   []finding.Edit{{Range: kw.Range, NewText: want}},
				Safe:    true,
			}}
		})
}
