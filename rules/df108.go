package rules

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// undefinedArgInFrom is DF108, BuildKit's UndefinedArgInFrom: FROM uses a
// variable that no ARG before the first FROM declares (and that is not one
// of BuildKit's platform args).
func undefinedArgInFrom() *Rule {
	return bkCheck("DF108", linter.RuleUndefinedArgInFrom.Name, "FROM uses an undeclared ARG", true,
		bkDispatchWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			fix := fmt.Sprintf("declare it before the first FROM: ARG %s=<default>", w.Word)
			var edits []finding.Edit
			if _, sugg, ok := strings.Cut(w.Message, "(did you mean "); ok {
				sugg = strings.TrimSuffix(sugg, "?)")
				fix = fmt.Sprintf("write $%s, or declare %s before the first FROM: ARG %s=<default>", sugg, w.Word, w.Word)
				// A guess from the declared names: unsafe.
				if e, ok := bkRenameVarEdit(d, w.Loc, w.Word, sugg); ok {
					edits = append(edits, e)
				}
			}
			return finding.Finding{Range: bkVarRange(d, w.Loc, w.Word), Fix: &finding.Fix{Message: fix, Edits: edits}}
		})
}
