package rules

import (
	"fmt"

	"github.com/envdoctor/envdoctor/internal/eol"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// eolImage is CP018: a service's official image (postgres:10, redis:5,
// python:3.9-slim-buster) whose version, or whose base distribution, is
// past its end of life. The image still pulls and runs, but no longer gets
// security fixes. The dates come from internal/eol's table and are compared
// with the day the table was checked, so results do not change with the
// clock.
func eolImage() *Rule {
	return &Rule{
		ID:       "CP018",
		Name:     "eol-image",
		Title:    "Service image version is end of life",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Security: true,
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil {
				return
			}
			table := eol.MustLoad()
			images := lastDefinition(c, "image")
			builds := lastDefinition(c, "build")
			for _, name := range sortedNames(images) {
				def := images[name]
				if _, built := builds[name]; built {
					continue // image: names what compose builds (DF006 checks its FROM)
				}
				image := def.node.Value
				if c.Model != nil {
					if svc, ok := c.Model.Services[name]; ok {
						image = svc.Image
					} else if svc, ok := c.Model.DisabledServices[name]; ok {
						image = svc.Image
					}
				}
				if image == "" || len(project.ScanVarRefs(image)) > 0 {
					continue // unresolved: CP001 says why
				}
				for _, f := range table.Check(image) {
					p.Report(finding.Finding{
						Range:   project.NodeRange(def.file.Source, def.node),
						Message: fmt.Sprintf("service %q: image %q %s", name, image, eolProblem(f, table.Checked)),
						Fix:     &finding.Fix{Message: eolFix(f, "image: ")},
					})
				}
			}
		},
	}
}
