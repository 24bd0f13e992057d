package checks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
	"github.com/envdoctor/envdoctor/internal/finding"
)

// engineTooOld is DK006: the engine's API version is older than what a
// feature of the compose file needs (see apiFeatures), each reported at
// the YAML key that uses it.
func engineTooOld() *Check {
	return &Check{
		ID:       "DK006",
		Name:     "engine-too-old",
		Title:    "The engine is older than the compose file needs",
		Section:  SectionEngine,
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Timeout:  EngineTimeout + time.Second,
		Run: func(ctx context.Context, p *Probe) {
			if p.Project == nil || p.Project.Compose == nil {
				p.Skip("no compose file")
				return
			}
			e, ok := upEngine(ctx, p)
			if !ok {
				return
			}
			api := e.Version.APIVersion
			if api == "" {
				api = e.Ping.APIVersion
			}
			if api == "" {
				p.Skip("the engine did not say its API version")
				return
			}
			var needed string
			for _, u := range apiFeatureUses(p.Project) {
				if dockerengine.CompareVersions(api, u.Feature.API) >= 0 {
					if needed == "" || dockerengine.CompareVersions(u.Feature.API, needed) > 0 {
						needed = u.Feature.API
					}
					continue
				}
				p.Report(finding.Finding{
					Range: u.Range,
					Message: fmt.Sprintf("`%s` needs Docker Engine %s (API %s), but this engine is %s (API %s): %s",
						u.Where, u.Feature.Engine, u.Feature.API, engineVersion(e), api, u.Feature.Effect),
					Fix: &finding.Fix{Message: fmt.Sprintf("upgrade the engine to Docker %s or later (%s), or remove `%s`", u.Feature.Engine, upgradeEngineAdvice(p.Env, e), u.Where)},
				})
			}
			if len(p.result.Findings) == 0 && needed != "" {
				p.Detail("the compose file needs API %s; the engine speaks %s", needed, api)
			}
		},
	}
}

// engineVersion is the engine's release, or "an older release".
func engineVersion(e *Engine) string {
	if e.Version.Version != "" {
		return e.Version.Version
	}
	if e.Info.ServerVersion != "" {
		return e.Info.ServerVersion
	}
	return "an older release"
}

// upgradeEngineAdvice says how engines are upgraded here.
func upgradeEngineAdvice(env *Env, e *Engine) string {
	switch {
	case env.GOOS == "windows" || env.GOOS == "darwin" || isDockerDesktop(e):
		return "update Docker Desktop"
	case isWSL(env):
		return "update Docker Desktop, or the engine inside WSL"
	}
	return "Docker's packages for your distribution are newer than most distributions' own docker.io: https://docs.docker.com/engine/install/"
}

// isDockerDesktop recognises Docker Desktop's engine by its /info.
func isDockerDesktop(e *Engine) bool {
	return strings.Contains(e.Info.OperatingSystem, "Docker Desktop") || e.Info.Name == "docker-desktop"
}
