package rules

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/envdoctor/envdoctor/internal/eol"
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
		Fixable:  true,
		Run: func(p *Pass) {
			table := eol.MustLoad()
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				// Stage names seen so far, lowercased: FROM <stage> builds on
				// an earlier stage, not on an image.
				stages := map[string]bool{}
				for _, st := range d.Stages {
					if f, ok := unpinnedFrom(p, table, d, st, stages); ok && seen.first(f) {
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

func unpinnedFrom(p *Pass, table *eol.Table, d *project.Dockerfile, st instructions.Stage, stages map[string]bool) (finding.Finding, bool) {
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

	// For an official image of the end-of-life table, the newest version
	// still supported when the table was checked is a concrete pin.
	version, example := "<version>", ""
	if product, tag, ok := table.Newest(image); ok {
		version = tag
		example = fmt.Sprintf(" (the newest supported %s as of %s)", product, table.Checked)
	}
	var msg string
	fix := &finding.Fix{}
	if written != "" && unquoted != image {
		msg = fmt.Sprintf("base image %q (from %q) %s", image, written, problem)
		fix.Message = fmt.Sprintf("pin a version tag where %s gets its value (the ARG default or the compose build arg), for example %s:%s%s, or a digest (%s@sha256:<digest>)", written, repo, version, example, repo)
	} else {
		msg = fmt.Sprintf("base image %q %s", image, problem)
		fix.Message = fmt.Sprintf("pin a version tag, for example FROM %s:%s%s, or a digest (FROM %s@sha256:<digest>)", repo, version, example, repo)
		ed := newDFEditor(p.Project, d)
		if version != "<version>" && written == image && ed.lineOK(r.Start.Line-d.LineOffset) {
			// Unsafe: the pinned version may differ from the one the
			// floating reference pulls today.
			fix.Edits = []finding.Edit{{Range: r, NewText: repo + ":" + version}}
		}
	}
	return finding.Finding{
		RuleID:   p.Rule.ID,
		Severity: p.Rule.Severity,
		Range:    r,
		Message:  msg,
		Fix:      fix,
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
