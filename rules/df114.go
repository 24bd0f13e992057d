package rules

import (
	"fmt"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// invalidDefaultArgInFrom is DF114, BuildKit's InvalidDefaultArgInFrom: with
// the default values of the ARGs before the first FROM (no build arg given),
// the base image is empty or not a valid image name.
func invalidDefaultArgInFrom() *Rule {
	return bkCheck("DF114", linter.RuleInvalidDefaultArgInFrom.Name, "ARG defaults give an invalid base image name", false,
		bkDispatchWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			got := "an empty name"
			if w.Word != "" {
				got = fmt.Sprintf("%q", w.Word)
			}
			return finding.Finding{Range: bkArgRange(d, w.Loc, 0), Fix: &finding.Fix{Message: fmt.Sprintf(
				"give the ARGs it uses defaults that make a valid image name (now %s), for example ARG IMAGE=python:3.12, so a build without --build-arg still works", got)}}
		})
}
