package rules

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// multipleInstructionsDisallowed is DF111, BuildKit's
// MultipleInstructionsDisallowed: a second CMD, ENTRYPOINT or HEALTHCHECK
// in one stage. As BuildKit does, it points at the earlier instruction,
// which has no effect.
func multipleInstructionsDisallowed() *Rule {
	return bkCheck("DF111", linter.RuleMultipleInstructionsDisallowed.Name, "CMD, ENTRYPOINT or HEALTHCHECK set twice in a stage", true,
		bkDispatchWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			name := strings.ToUpper(w.Cmd.Name())
			f := finding.Finding{
				Range:   d.InstructionRange(w.Loc),
				Related: []finding.Related{{Range: d.InstructionRange(w.Other), Message: fmt.Sprintf("this %s is the one that is used", name)}},
				Fix:     &finding.Fix{Message: fmt.Sprintf("delete this %s: only the last one in the stage is used", name)},
			}
			if start, end := bkInstructionLines(w.Loc); start > 0 {
				// Deleting an instruction that is overridden changes nothing.
				f.Fix.Edits = []finding.Edit{{Range: d.DeleteLinesRange(start, end)}}
				f.Fix.Safe = true
			}
			return f
		})
}
