package rules

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// fromAsCasing is DF101, BuildKit's FromAsCasing: "FROM x as y" or
// "from x AS y". BuildKit reports it while parsing.
func fromAsCasing() *Rule {
	return bkCheck("DF101", linter.RuleFromAsCasing.Name, "AS keyword casing does not match FROM", true,
		bkParseWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			in := d.Instruction(w.Loc)
			if in == nil || len(in.Args) < 3 {
				return finding.Finding{Range: d.InstructionRange(w.Loc)}
			}
			as := in.Args[1]
			want := "AS"
			if in.Keyword.Text == strings.ToLower(in.Keyword.Text) {
				want = "as"
			}
			return finding.Finding{Range: as.Range, Fix: &finding.Fix{
				Message: fmt.Sprintf("write %s to match %s", want, in.Keyword.Text),
				Edits:   []finding.Edit{{Range: as.Range, NewText: want}},
				Safe:    true,
			}}
		})
}
