package rules

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// unpinnedBaseImage is DF005: a FROM image without a tag, or with the
// floating "latest" tag, after BuildKit's ARG expansion.
func unpinnedBaseImage() *Rule {
	return &Rule{
		ID:       "DF005",
		Name:     "unpinned-base-image",
		Title:    "Base image has no tag or uses latest",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				// Stage names seen so far, lowercased: FROM <stage> builds on
				// an earlier stage, not on an image.
				stages := map[string]bool{}
				for _, st := range d.Stages {
					if f, ok := unpinnedFrom(p, d, st, stages); ok && seen.first(f) {
						p.Report(f)
					}
					if st.Name != "" {
						stages[strings.ToLower(st.Name)] = true
					}
				}
			}
		},
	}
}

func unpinnedFrom(p *Pass, d *project.Dockerfile, st instructions.Stage, stages map[string]bool) (finding.Finding, bool) {
	image, ok := d.ExpandFromImage(st)
	if !ok {
		return finding.Finding{}, false // depends on a value we cannot know
	}
	if strings.EqualFold(image, "scratch") || stages[strings.ToLower(image)] {
		return finding.Finding{}, false
	}
	repo, problem, unpinned := imagePinProblem(image)
	if !unpinned {
		return finding.Finding{}, false
	}
	if problem == "has no tag" {
		problem += ": every build may pull a different version"
	}

	r, ok := d.ArgRange(st.Location, 0)
	if !ok {
		r = d.InstructionRange(st.Location)
	}
	written, unquoted := "", ""
	if in := d.Instruction(st.Location); in != nil && len(in.Args) > 0 {
		written, unquoted = in.Args[0].Text, in.Args[0].Value
	}

	var msg, fix string
	if written != "" && unquoted != image {
		msg = fmt.Sprintf("base image %q (from %q) %s", image, written, problem)
		fix = fmt.Sprintf("pin a version tag where %s gets its value (the ARG default or the compose build arg), for example %s:<version>, or a digest (%s@sha256:<digest>)", written, repo, repo)
	} else {
		msg = fmt.Sprintf("base image %q %s", image, problem)
		fix = fmt.Sprintf("pin a version tag, for example FROM %s:<version>, or a digest (FROM %s@sha256:<digest>)", repo, repo)
	}
	return finding.Finding{
		RuleID:   p.Rule.ID,
		Severity: p.Rule.Severity,
		Range:    r,
		Message:  msg,
		Fix:      &finding.Fix{Message: fix},
	}, true
}

// imagePinProblem says whether an image reference floats: no tag and no
// digest (Docker pulls :latest), or the "latest" tag. It follows BuildKit
// and the engine (ParseNormalizedNamed + TagNameOnly): ":5000" in
// "localhost:5000/app" is a registry port, not a tag. An invalid reference
// is not reported here (the build or pull fails with its own error).
func imagePinProblem(image string) (repo, problem string, unpinned bool) {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return "", "", false
	}
	if _, digested := named.(reference.Digested); digested {
		return "", "", false
	}
	if tagged, ok := named.(reference.Tagged); ok {
		if tagged.Tag() != "latest" {
			return "", "", false
		}
		return strings.TrimSuffix(image, ":"+tagged.Tag()), `uses the floating "latest" tag`, true
	}
	return image, "has no tag", true
}
