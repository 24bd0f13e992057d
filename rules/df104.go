package rules

import (
	"fmt"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// duplicateStageName is DF104, BuildKit's DuplicateStageName: two stages
// with the same name (compared in lowercase, as BuildKit stores them).
func duplicateStageName() *Rule {
	return bkCheck("DF104", linter.RuleDuplicateStageName.Name, "Two build stages have the same name", false,
		bkDispatchWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			f := finding.Finding{
				Range: bkArgRange(d, w.Loc, 2),
				Fix:   &finding.Fix{Message: fmt.Sprintf("rename one of the %q stages, and the FROM and COPY --from lines that mean it", w.Stage.Name)},
			}
			if w.Other != nil {
				f.Related = []finding.Related{{Range: bkArgRange(d, w.Other, 2), Message: "first stage with this name"}}
			}
			return f
		})
}
