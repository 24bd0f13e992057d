package rules

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// undefinedVar is DF110, BuildKit's UndefinedVar: an instruction that
// BuildKit expands (ENV, LABEL, COPY, ADD, WORKDIR, USER, VOLUME,
// STOPSIGNAL, ARG defaults, RUN --mount; not the shell command of RUN, CMD
// or ENTRYPOINT) uses a variable no ARG or ENV of the stage defines. In a
// stage built on a registry image, whose ENV envdoctor cannot see, only
// the sure cases are reported (see bkReportUnmatched).
func undefinedVar() *Rule {
	return bkCheck("DF110", linter.RuleUndefinedVar.Name, "Variable is used before it is defined", true,
		bkDispatchWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			fix := fmt.Sprintf("define it before this line in the same stage: ARG %s (an ARG before the first FROM is only visible to FROM lines until a stage declares it again) or ENV %s=<value>", w.Word, w.Word)
			var edits []finding.Edit
			if _, sugg, ok := strings.Cut(w.Message, "(did you mean "); ok {
				sugg = strings.TrimSuffix(sugg, "?)")
				fix = fmt.Sprintf("write %s if that is what you meant, or define %s before this line: ARG %s or ENV %s=<value>", sugg, w.Word, w.Word, w.Word)
				// A guess from the names in scope: unsafe.
				if e, ok := bkRenameVarEdit(d, w.Loc, w.Word, strings.TrimPrefix(sugg, "$")); ok {
					edits = append(edits, e)
				}
			}
			if env, ok := w.Cmd.(*instructions.EnvCommand); ok {
				for _, kv := range env.Env {
					if kv.Key == w.Word {
						edits = nil
						fix = fmt.Sprintf("set %s in an ENV of its own before this one: the pairs of one ENV are expanded with the values from before it", w.Word)
						break
					}
				}
			}
			return finding.Finding{Range: bkVarRange(d, w.Loc, w.Word), Fix: &finding.Fix{Message: fix, Edits: edits}}
		})
}
