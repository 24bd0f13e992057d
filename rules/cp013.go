package rules

import (
	"fmt"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// unpinnedImage is CP013: a service's image without a tag or with :latest.
// Each `docker compose pull` may bring a different version, and two
// developers run different databases from the same file.
func unpinnedImage() *Rule {
	return &Rule{
		ID:       "CP013",
		Name:     "unpinned-image",
		Title:    "Service image has no tag or uses latest",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil {
				return
			}
			images := lastDefinition(c, "image")
			builds := lastDefinition(c, "build")
			for _, name := range sortedNames(images) {
				def := images[name]
				if _, built := builds[name]; built {
					continue // image: names what compose builds, it is not pulled
				}
				image := def.node.Value
				if c.Model != nil {
					if svc, ok := c.Model.Services[name]; ok {
						image = svc.Image // interpolated, as compose pulls it
					} else if svc, ok := c.Model.DisabledServices[name]; ok {
						image = svc.Image
					}
				}
				if len(project.ScanVarRefs(image)) > 0 || image == "" {
					continue // unresolved: CP001 says why
				}
				repo, problem, unpinned := imagePinProblem(image)
				if !unpinned {
					continue
				}
				if problem == "has no tag" {
					problem += ": each pull may bring a different version"
				}
				p.Report(finding.Finding{
					Range:   project.NodeRange(def.file.Source, def.node),
					Message: fmt.Sprintf("service %q: image %q %s", name, image, problem),
					Fix: &finding.Fix{Message: fmt.Sprintf(
						"pin the version you test with, for example image: %s:<version> (`docker image ls %s` shows what you run now), or a digest", repo, repo)},
				})
			}
		},
	}
}
