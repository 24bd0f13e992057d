package rules

import (
	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// fromPlatformFlagConstDisallowed is DF115, BuildKit's
// FromPlatformFlagConstDisallowed: FROM --platform with a constant
// (--platform=linux/amd64), unless the stage name mentions that OS or
// architecture.
func fromPlatformFlagConstDisallowed() *Rule {
	return bkCheck("DF115", linter.RuleFromPlatformFlagConstDisallowed.Name, "FROM --platform uses a constant", false,
		bkDispatchWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			r, ok := d.FlagRange(w.Loc, "platform")
			if !ok {
				r = d.InstructionRange(w.Loc)
			}
			return finding.Finding{Range: r, Fix: &finding.Fix{
				Message: "drop --platform and build with --platform " + w.Word + " when you need it, or use --platform=$BUILDPLATFORM for a stage that only runs build tools",
			}}
		})
}
