package rules

import (
	"fmt"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// reservedStageName is DF105, BuildKit's ReservedStageName: a stage named
// "scratch" or "context", which mean the empty image and the build context.
func reservedStageName() *Rule {
	return bkCheck("DF105", linter.RuleReservedStageName.Name, "Build stage uses a reserved name", false,
		bkDispatchWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			return finding.Finding{
				Range: bkArgRange(d, w.Loc, 2),
				Fix:   &finding.Fix{Message: fmt.Sprintf("give the stage another name than %q (\"scratch\" and \"context\" are reserved), and rename its references", w.Stage.Name)},
			}
		})
}
