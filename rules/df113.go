package rules

import (
	"fmt"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// redundantTargetPlatform is DF113, BuildKit's RedundantTargetPlatform:
// FROM --platform=$TARGETPLATFORM, which is what FROM does anyway.
func redundantTargetPlatform() *Rule {
	return bkCheck("DF113", linter.RuleRedundantTargetPlatform.Name, "FROM --platform=$TARGETPLATFORM is redundant", true,
		bkDispatchWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			in := d.Instruction(w.Loc)
			if in == nil {
				return finding.Finding{Range: d.InstructionRange(w.Loc)}
			}
			flag, ok := in.Flag("platform")
			if !ok {
				return finding.Finding{Range: d.InstructionRange(w.Loc)}
			}
			// Delete the flag and the blanks after it.
			end := flag.End
			for end < len(in.Text) && (in.Text[end] == ' ' || in.Text[end] == '\t') {
				end++
			}
			return finding.Finding{Range: flag.Range, Fix: &finding.Fix{
				Message: fmt.Sprintf("remove %s: FROM uses the target platform by default", flag.Text),
				Edits:   []finding.Edit{{Range: in.Range(flag.Start, end)}},
				Safe:    true,
			}}
		})
}
