package rules

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/envdoctor/envdoctor/internal/eol"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// eolBaseImage is DF006: a FROM of an official image whose version, or
// whose base distribution, is past its end of life (python:3.6,
// node:10-alpine, python:3.12-slim-buster). ARG defaults and compose build
// args are resolved as BuildKit does. The dates come from internal/eol's
// table and are compared with the day the table was checked.
func eolBaseImage() *Rule {
	return &Rule{
		ID:       "DF006",
		Name:     "eol-base-image",
		Title:    "Base image version is end of life",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Security: true,
		Run: func(p *Pass) {
			table := eol.MustLoad()
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				stages := map[string]bool{}
				for _, st := range d.Stages {
					for _, f := range eolFrom(p, table, d, st, stages) {
						if seen.first(f) {
							p.Report(f)
						}
					}
					if st.Name != "" {
						stages[strings.ToLower(st.Name)] = true
					}
				}
			}
		},
	}
}

func eolFrom(p *Pass, table *eol.Table, d *project.Dockerfile, st instructions.Stage, stages map[string]bool) []finding.Finding {
	loc := st.Location
	image, ok := d.ExpandFromImage(st)
	if !ok || strings.EqualFold(image, "scratch") || stages[strings.ToLower(image)] {
		return nil
	}
	found := table.Check(image)
	if len(found) == 0 {
		return nil
	}
	r, ok := d.ArgRange(loc, 0)
	if !ok {
		r = d.InstructionRange(loc)
	}
	shown := fmt.Sprintf("%q", image)
	if in := d.Instruction(loc); in != nil && len(in.Args) > 0 && in.Args[0].Value != image {
		shown = fmt.Sprintf("%q (from %q)", image, in.Args[0].Text)
	}
	out := make([]finding.Finding, 0, len(found))
	for _, f := range found {
		out = append(out, finding.Finding{
			RuleID:   p.Rule.ID,
			Severity: p.Rule.Severity,
			Range:    r,
			Message:  fmt.Sprintf("base image %s %s", shown, eolProblem(f, table.Checked)),
			Fix:      &finding.Fix{Message: eolFix(f, "FROM ")},
		})
	}
	return out
}
