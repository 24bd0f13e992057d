package checks

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
	"github.com/envdoctor/envdoctor/internal/finding"
)

// contextMismatch is DK003: the docker CLI's context settings contradict
// each other or cannot be used: DOCKER_HOST overriding a selected context,
// a selected context with no metadata, a config.json the CLI ignores, a
// credential helper that is not installed. Another engine answering while
// the chosen one does not is DK001's advice, not repeated here.
func contextMismatch() *Check {
	return &Check{
		ID:       "DK003",
		Name:     "context-mismatch",
		Title:    "The docker CLI's context settings contradict each other",
		Section:  SectionEngine,
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Timeout:  EngineTimeout + time.Second,
		Run: func(ctx context.Context, p *Probe) {
			e := p.Facts.Engine(ctx)
			ep := e.Endpoint
			var ce *dockerengine.ContextError
			if errors.As(e.EndpointErr, &ce) {
				p.Report(unusableContext(p.Env, ep, ce))
			}
			if ep.Overridden != "" {
				overriddenContext(p, ep)
			}
			if ep.ConfigErr != nil {
				p.Report(badConfig(p.Env, ep))
			} else {
				missingCredentialHelpers(p, ep)
			}
			// Only beside a working engine: when DK001 has no detail of its
			// own, this one must not become the section's status line.
			if len(p.result.Findings) == 0 && e.Up() {
				p.Detail("docker context %q, %s", ep.Context, contextChoice(ep))
			}
		},
	}
}

// contextChoice says how the context was chosen, for the detail line.
func contextChoice(ep dockerengine.Endpoint) string {
	if ep.Source == "default" {
		return "the default"
	}
	return "chosen by " + ep.Source
}

// unusableContext reports a selected context the CLI cannot load: every
// docker command fails, so this one is an error whatever DK003's default.
func unusableContext(env *Env, ep dockerengine.Endpoint, ce *dockerengine.ContextError) finding.Finding {
	var msg string
	if ce.Missing {
		msg = fmt.Sprintf("the docker context %q (selected by %s) does not exist: there is no %s, so every docker and docker compose command fails with \"unable to resolve docker endpoint: context %q: context not found\"",
			ce.Name, ce.Source, ce.MetaPath, ce.Name)
	} else {
		msg = fmt.Sprintf("the docker context %q (selected by %s) cannot be used: %v; every docker and docker compose command fails", ce.Name, ce.Source, ce.Err)
	}
	var fix string
	switch {
	case ce.Source == "--context flag":
		fix = "pass a context that `docker context ls` lists, or leave --context out"
	case strings.HasPrefix(ce.Source, "DOCKER_CONTEXT"):
		fix = unsetAdvice(env, "DOCKER_CONTEXT") + ", or set it to a context that `docker context ls` lists"
	case ce.Missing:
		fix = fmt.Sprintf("`docker context use default` (it rewrites currentContext in %s), or `docker context ls` and `docker context use <name>`", dockerengine.Lookup{GOOS: env.GOOS}.ConfigFile(ep.ConfigDir))
	default:
		fix = fmt.Sprintf("`docker context rm -f %s` and create it again, or `docker context use default`", ce.Name)
	}
	if strings.HasPrefix(ce.Name, "desktop-") {
		fix += "; Docker Desktop creates its " + ce.Name + " context again when it starts"
	}
	return finding.Finding{Severity: finding.SeverityError, Message: msg, Fix: &finding.Fix{Message: fix}}
}

// overriddenContext reports DOCKER_HOST overriding a selected context,
// unless both name the same engine.
func overriddenContext(p *Probe, ep dockerengine.Endpoint) {
	l := p.Env.engineLookup()
	other, err := l.ContextHost(ep.ConfigDir, ep.Overridden)
	if err == nil && other == ep.Host {
		p.Detail("DOCKER_HOST and the context %q name the same engine (%s)", ep.Overridden, ep.Host)
		return
	}
	where := "whose metadata is missing"
	if err == nil {
		where = "which names " + other
	}
	msg := fmt.Sprintf("DOCKER_HOST=%s overrides the docker context %q selected by %s, %s: docker and docker compose use DOCKER_HOST's engine, not the context's (and `docker context use` does not change that)",
		ep.Host, ep.Overridden, ep.OverriddenBy, where)
	keep := "`docker context use default`"
	if strings.HasPrefix(ep.OverriddenBy, "DOCKER_CONTEXT") {
		keep = unsetAdvice(p.Env, "DOCKER_CONTEXT")
	}
	fix := fmt.Sprintf("to use the context, %s; to keep DOCKER_HOST, %s so that both agree", unsetHostAdvice(p.Env), keep)
	p.Report(finding.Finding{Message: msg, Fix: &finding.Fix{Message: fix}})
}

// badConfig reports a config.json the docker CLI ignores.
func badConfig(env *Env, ep dockerengine.Endpoint) finding.Finding {
	file := dockerengine.Lookup{GOOS: env.GOOS}.ConfigFile(ep.ConfigDir)
	msg := fmt.Sprintf("%v: the docker CLI ignores the whole file (\"WARNING: Error loading config file\"), so its currentContext, registry logins, credential helpers and proxy settings are not used", ep.ConfigErr)
	fix := fmt.Sprintf("repair the JSON of %s (`python3 -m json.tool %s` shows where it breaks), or move it aside and log in to your registries again", file, file)
	if errors.Is(ep.ConfigErr, fs.ErrPermission) {
		msg = fmt.Sprintf("%v: the docker CLI cannot read its own config, so its currentContext, registry logins and credential helpers are not used", ep.ConfigErr)
		fix = fmt.Sprintf("`sudo chown -R $USER %s` (it was probably created by `sudo docker ...`)", ep.ConfigDir)
		if env.GOOS == "windows" {
			fix = fmt.Sprintf("give your user access to %s again (Properties > Security), or move it aside", ep.ConfigDir)
		}
	}
	return finding.Finding{Message: msg, Fix: &finding.Fix{Message: fix}}
}

// missingCredentialHelpers reports credsStore/credHelpers naming a
// docker-credential-<name> program that is not on PATH: every pull and
// build that needs credentials then fails.
func missingCredentialHelpers(p *Probe, ep dockerengine.Endpoint) {
	env := p.Env
	if env.Stat == nil || env.Getenv("PATH") == "" {
		return
	}
	l := env.engineLookup()
	cfg, err := l.ReadConfig(ep.ConfigDir)
	if err != nil {
		return
	}
	type use struct{ helper, where string }
	var uses []use
	if cfg.CredsStore != "" {
		uses = append(uses, use{cfg.CredsStore, `"credsStore"`})
	}
	registries := make([]string, 0, len(cfg.CredHelpers))
	for r := range cfg.CredHelpers {
		registries = append(registries, r)
	}
	slices.Sort(registries)
	for _, r := range registries {
		uses = append(uses, use{cfg.CredHelpers[r], fmt.Sprintf(`"credHelpers" for %s`, r)})
	}
	seen := map[string]bool{}
	file := l.ConfigFile(ep.ConfigDir)
	for _, u := range uses {
		if u.helper == "" || seen[u.helper] || strings.ContainsAny(u.helper, `/\`) {
			continue
		}
		seen[u.helper] = true
		program := "docker-credential-" + u.helper
		if onPath(env, program) {
			continue
		}
		msg := fmt.Sprintf("%s names the credential helper %s (%s), which is not on PATH: pulls, pushes and builds fail with \"error getting credentials - err: exec: %q: executable file not found in $PATH\"",
			file, program, u.where, program)
		fix := fmt.Sprintf("remove %s from %s (typical after uninstalling Docker Desktop, or in WSL without Docker Desktop's integration), or install %s", u.where, file, program)
		p.Report(finding.Finding{Message: msg, Fix: &finding.Fix{Message: fix}})
	}
}

// onPath is true when program (plus .exe on Windows) is in a PATH
// directory.
func onPath(env *Env, program string) bool {
	sep, name := ":", program
	if env.GOOS == "windows" {
		sep, name = ";", program+".exe"
	}
	for _, dir := range strings.Split(env.Getenv("PATH"), sep) {
		if dir == "" {
			continue
		}
		full := path.Join(dir, name)
		if env.GOOS == "windows" {
			full = strings.TrimRight(dir, `\/`) + `\` + name
		}
		if fi, err := env.Stat(full); err == nil && !fi.IsDir() {
			return true
		}
	}
	return false
}

// unsetAdvice tells how to remove an environment variable for good.
func unsetAdvice(env *Env, name string) string {
	if env.GOOS == "windows" {
		return fmt.Sprintf("`Remove-Item Env:%s` (and remove it from your PowerShell $PROFILE)", name)
	}
	return fmt.Sprintf("`unset %s` (and remove it from ~/.bashrc, ~/.zshrc or ~/.profile)", name)
}
