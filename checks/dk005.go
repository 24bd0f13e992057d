package checks

import (
	"context"
	"fmt"
	"time"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// composeV1 is DK005: the only compose that works is the legacy Compose
// v1, and (then) the places where the project's compose files use
// features v1 lacks, each at its YAML node.
func composeV1() *Check {
	return &Check{
		ID:       "DK005",
		Name:     "compose-v1",
		Title:    "Only the legacy Compose v1 is installed",
		Section:  SectionComposeCLI,
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Timeout:  ComposeTimeout + 500*time.Millisecond,
		Run: func(ctx context.Context, p *Probe) {
			c := p.Facts.ComposeCLI(ctx)
			switch {
			case c == nil:
				p.Skip("cannot run programs here")
				return
			case !c.AnyWorks():
				p.Skip("no compose command works (DK004)")
				return
			}
			v1, only := c.OnlyV1()
			if !only {
				if c.Standalone.V1() {
					p.Detail("docker-compose is the legacy v1 (%s): use `docker compose`", c.Standalone.Version)
				}
				return
			}
			p.Report(finding.Finding{
				Message: fmt.Sprintf("the only compose here is the legacy Compose v1 (%s): it stopped receiving updates in July 2023, rejects compose files that use newer features, and names containers project_service_1 where v2 uses project-service-1 (switching later recreates them)", v1.Label()),
				Fix:     &finding.Fix{Message: installComposeAdvice(p.Env)},
			})
			for _, f := range composeV1Gaps(p.Project, v1) {
				p.Report(f)
			}
		},
	}
}
