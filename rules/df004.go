package rules

import (
	"fmt"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// pipCacheKeptRule is DF004: a pip install in a stage of the built image
// that leaves pip's download cache in the layer.
func pipCacheKeptRule() *Rule {
	return &Rule{
		ID:       "DF004",
		Name:     "pip-cache-kept",
		Title:    "pip install keeps its download cache in the image",
		Severity: finding.SeverityInfo,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				ed := newDFEditor(p.Project, d)
				for _, ds := range dockerfileStages(d) {
					if !ds.shipped {
						continue // a build stage's size does not matter
					}
					for _, r := range stageRuns(d, ds) {
						for _, c := range r.script.Commands {
							pc, ok := pipInstall(c)
							if !ok || !pipCacheKept(r.state, r.script, c) {
								continue
							}
							mount := "RUN --mount=type=cache,target=/root/.cache/pip"
							if !r.state.rootUser() {
								mount = fmt.Sprintf("RUN --mount=type=cache,target=<home of %s>/.cache/pip,uid=<uid of %s>", r.state.user, r.state.user)
							}
							f := finding.Finding{
								RuleID:   p.Rule.ID,
								Severity: p.Rule.Severity,
								Range:    r.script.CommandRange(c),
								Message:  fmt.Sprintf("%q keeps pip's download cache (~/.cache/pip) in the image layer: it only makes the image bigger", commandText(r.script, c)),
								Fix: &finding.Fix{
									Message: "add --no-cache-dir after install, or keep the cache out of the image and between builds with " + mount,
									Safe:    true,
								},
							}
							sub := c.Args[pc.subAt]
							if e, ok := ed.scriptEdit(r.script, sub.End, sub.End, argInsert(r.script, c, "--no-cache-dir")); ok {
								f.Fix.Edits = []finding.Edit{e}
							}
							if seen.first(f) {
								p.Report(f)
							}
						}
					}
				}
			}
		},
	}
}
