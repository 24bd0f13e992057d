package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
	"github.com/envdoctor/envdoctor/internal/finding"
)

// alternativeTimeout bounds each attempt at a well-known other socket.
const alternativeTimeout = 300 * time.Millisecond

// engineUnreachable is DK001: no Docker engine answers at the endpoint the
// docker CLI would use. Permission problems are DK002's.
func engineUnreachable() *Check {
	return &Check{
		ID:       "DK001",
		Name:     "engine-unreachable",
		Title:    "No Docker engine answers at the chosen endpoint",
		Section:  SectionEngine,
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Timeout:  EngineTimeout + 2*time.Second,
		Run: func(ctx context.Context, p *Probe) {
			e := p.Facts.Engine(ctx)
			if isContextError(e.EndpointErr) {
				p.Skip("the selected docker context cannot be used (DK003)")
				return
			}
			if e.EndpointErr != nil {
				p.Reportf("`docker context ls` lists the contexts; `docker context use default` selects the default engine",
					"no Docker engine can be chosen: %v", e.EndpointErr)
				return
			}
			if e.Up() {
				via := ""
				if e.Endpoint.Source != "default" {
					via = ", chosen by " + e.Endpoint.Source
				}
				p.Detail("Docker %s, API %s, %s/%s at %s%s", e.Version.Version, e.Version.APIVersion, e.Version.Os, e.Version.Arch, e.Endpoint.Host, via)
				return
			}
			kind := dockerengine.KindOf(e.Err)
			if kind == dockerengine.KindPermission {
				p.Skip("the engine socket exists but may not be opened (DK002)")
				return
			}
			p.Report(finding.Finding{
				Message: fmt.Sprintf("no Docker engine answers at %s: %s", endpointWords(e.Endpoint), why(kind, e.Err)),
				Fix:     &finding.Fix{Message: unreachableFix(ctx, p.Env, e, kind)},
			})
		},
	}
}

// why says in words what went wrong.
func why(kind dockerengine.Kind, err error) string {
	switch kind {
	case dockerengine.KindNoSocket:
		return "the socket does not exist (the engine is not running, or runs elsewhere)"
	case dockerengine.KindRefused:
		return "connection refused (the engine is not running)"
	case dockerengine.KindTimeout:
		return fmt.Sprintf("no answer within %s (the engine is starting, hung, or the address is wrong)", EngineTimeout)
	case dockerengine.KindNotDocker:
		return "something answered, but not the Docker API"
	case dockerengine.KindUnsupported:
		var e *dockerengine.Error
		if errors.As(err, &e) {
			return e.Err.Error()
		}
	}
	var e *dockerengine.Error
	if errors.As(err, &e) {
		return e.Err.Error()
	}
	return err.Error()
}

func unreachableFix(ctx context.Context, env *Env, e *Engine, kind dockerengine.Kind) string {
	var fixes []string
	fromDockerHost := e.Endpoint.Source == "DOCKER_HOST"
	alt, altOK := answeringAlternative(ctx, env, e.Endpoint.Host)
	switch {
	case altOK && fromDockerHost && alt.Host == dockerengine.DefaultHost(env.GOOS):
		fixes = append(fixes, fmt.Sprintf("%s answers at %s: %s", alt.Name, alt.Host, unsetHostAdvice(env)))
	case altOK && fromDockerHost:
		fixes = append(fixes, fmt.Sprintf("%s answers at %s: %s", alt.Name, alt.Host, setHostAdvice(env, alt.Host)))
	case altOK:
		fixes = append(fixes, fmt.Sprintf("%s answers at %s: `%s`", alt.Name, alt.Host, alt.Fix))
	}
	switch {
	case altOK && fromDockerHost:
	case fromDockerHost:
		fixes = append(fixes, "check DOCKER_HOST, or "+unsetHostAdvice(env)+" to use the default engine")
	case kind == dockerengine.KindTimeout:
		fixes = append(fixes, "restart the engine (`sudo systemctl restart docker`, or restart Docker Desktop)")
	case kind == dockerengine.KindUnsupported:
		fixes = append(fixes, "check that `docker version` works; envdoctor then checks the rest locally")
	}
	fixes = append(fixes, startEngineAdvice(env, e.Endpoint))
	return strings.Join(fixes, "; or ")
}

// answeringAlternative tries the well-known sockets of other engines, to
// advise only: a user whose Docker Desktop runs but whose CLI points at the
// default socket learns which context to use.
func answeringAlternative(ctx context.Context, env *Env, chosen string) (dockerengine.Alternative, bool) {
	if env.Dial == nil {
		return dockerengine.Alternative{}, false
	}
	for _, alt := range dockerengine.Alternatives(env.engineLookup(), chosen) {
		if deadline, ok := ctx.Deadline(); ctx.Err() != nil || (ok && time.Until(deadline) < 2*alternativeTimeout) {
			break // keep time to report what was found
		}
		client, err := dockerengine.New(alt.Host, env.Dial)
		if err != nil {
			continue
		}
		actx, cancel := context.WithTimeout(ctx, alternativeTimeout)
		_, err = client.Ping(actx)
		cancel()
		client.Close()
		if err == nil {
			return alt, true
		}
	}
	return dockerengine.Alternative{}, false
}
