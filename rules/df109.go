package rules

import (
	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// workdirRelativePath is DF109, BuildKit's WorkdirRelativePath: the first
// WORKDIR of a stage (and the stages it builds on) is a relative path, so
// it depends on the base image's WORKDIR.
func workdirRelativePath() *Rule {
	return bkCheck("DF109", linter.RuleWorkdirRelativePath.Name, "First WORKDIR is a relative path", false,
		bkDispatchWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			return finding.Finding{Range: bkArgRange(d, w.Loc, 0), Fix: &finding.Fix{
				Message: "use an absolute path, for example WORKDIR /" + w.Word + " (a relative one is resolved against the base image's WORKDIR, which can change)",
			}}
		})
}
