package checks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// composeMissing is DK004: neither `docker compose` (the v2 plugin) nor
// `docker-compose` works, so no compose command can run the project.
func composeMissing() *Check {
	return &Check{
		ID:       "DK004",
		Name:     "compose-missing",
		Title:    "Neither docker compose nor docker-compose works",
		Section:  SectionComposeCLI,
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Timeout:  ComposeTimeout + 500*time.Millisecond,
		Run: func(ctx context.Context, p *Probe) {
			c := p.Facts.ComposeCLI(ctx)
			if c == nil {
				p.Skip("cannot run programs here")
				return
			}
			if c.AnyWorks() {
				var works []string
				for _, cmd := range []ComposeCommand{c.Plugin, c.Standalone} {
					switch {
					case cmd.V1():
						works = append(works, cmd.Label()+" (v1)")
					case cmd.Works:
						works = append(works, cmd.Label())
					}
				}
				p.Detail("%s", strings.Join(works, ", "))
				return
			}
			p.Report(finding.Finding{
				Message: fmt.Sprintf("neither `docker compose` nor `docker-compose` works, so the project cannot be started: `docker compose version`: %s; `docker-compose version`: %s",
					c.Plugin.Problem, c.Standalone.Problem),
				Fix: &finding.Fix{Message: installComposeAdvice(p.Env)},
			})
		},
	}
}

// installComposeAdvice is how to get Compose v2 on this machine.
func installComposeAdvice(env *Env) string {
	switch {
	case env.GOOS == "windows":
		return "Docker Desktop includes Compose: install, update or repair Docker Desktop (https://docs.docker.com/desktop/setup/install/windows-install/)"
	case env.GOOS == "darwin":
		return "Docker Desktop includes Compose: install or update it; with Colima or another engine, `brew install docker-compose` and add its plugin directory to \"cliPluginsExtraDirs\" in ~/.docker/config.json as brew's message says"
	case isWSL(env):
		return "enable this distribution in Docker Desktop > Settings > Resources > WSL integration (it provides docker and docker compose), or install the plugin inside WSL: `sudo apt-get install docker-compose-plugin` from Docker's apt repository"
	}
	return "install the Compose v2 plugin: `sudo apt-get install docker-compose-plugin` from Docker's apt repository (https://docs.docker.com/compose/install/linux/), or your distribution's package (Ubuntu: `sudo apt-get install docker-compose-v2`); then use `docker compose`"
}
