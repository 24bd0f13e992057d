package rules

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// stageNameCasing is DF100, BuildKit's StageNameCasing: a stage name with
// upper-case letters (FROM x AS Builder). BuildKit reports it while parsing;
// the loader keeps the warning.
func stageNameCasing() *Rule {
	return bkCheck("DF100", linter.RuleStageNameCasing.Name, "Stage name is not lowercase", true,
		bkParseWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			in := d.Instruction(w.Loc)
			if in == nil || len(in.Args) < 3 {
				return finding.Finding{Range: d.InstructionRange(w.Loc)}
			}
			name := in.Args[2]
			lower := strings.ToLower(name.Value)
			fix := &finding.Fix{Message: fmt.Sprintf("write the stage name in lowercase: AS %s", lower)}
			if name.Text == name.Value {
				// BuildKit lowercases stage names and looks them up
				// case-insensitively (FROM, COPY --from, --target), so
				// nothing that refers to the stage changes.
				fix.Edits = []finding.Edit{{Range: name.Range, NewText: lower}}
				fix.Safe = true
			}
			return finding.Finding{Range: name.Range, Fix: fix}
		})
}
