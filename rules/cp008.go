package rules

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/binddefaults"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// composeLocalhostBind is CP008: a service publishes ports while the server
// its command starts listens on 127.0.0.1 or localhost inside the
// container, so the published ports get no answer.
//
// The command is the service's command/entrypoint, or the CMD/ENTRYPOINT of
// the stage it builds; the environment is the Dockerfile's ENV with the
// service's environment and env_file over it (FLASK_RUN_HOST=0.0.0.0 there
// makes it quiet). When the service runs the Dockerfile's command
// unchanged and the image alone already listens on loopback, DF012 reports
// it at the CMD (naming this service's ports): CP008 stays quiet to avoid
// two findings for one line to fix. CP008 reports the cases compose
// causes: its own command or entrypoint, or an environment that turns an
// image listening on all interfaces into one that listens on loopback.
func composeLocalhostBind() *Rule {
	return &Rule{
		ID: "CP008",
		// RULES.md names it localhost-bind like DF012, but names must be
		// unique (they are accepted in place of IDs).
		Name:     "service-localhost-bind",
		Title:    "Service publishes ports but its server listens on localhost only",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			for _, run := range serviceRuns(p.Project) {
				if len(run.svc.Ports) == 0 || !run.cmdKnown || run.svc.NetworkMode == "host" {
					continue
				}
				r, ok := binddefaults.Analyze(run.bindInput(p.Project))
				if !ok || !r.Loopback {
					continue
				}
				if !run.fromCompose && run.img != nil {
					ir, ok := binddefaults.Analyze(imageInput(p.Project, run.img))
					if ok && ir.Loopback && ir.Server.ID == r.Server.ID {
						continue // DF012 reports it at the Dockerfile
					}
				}
				p.Report(cp008Finding(p, run, r))
			}
		},
	}
}

func cp008Finding(p *Pass, run *serviceRun, r binddefaults.Result) finding.Finding {
	c := p.Project.Compose
	f := finding.Finding{
		Message: fmt.Sprintf("service %q publishes %s, but %s", run.name, publishedText(run), listenMessage(r)),
	}
	ports, hasPorts := lastDefinition(c, "ports")[run.name]
	rng, located := serverRange(r)
	inCompose := located && isComposeFile(c, rng.File)
	envRange, envInCompose := finding.Range{}, false
	if r.From == binddefaults.FromEnv {
		envRange, envInCompose = composeEnvRange(c, run.name, r.Origin)
	}
	switch {
	case envInCompose:
		f.Range = envRange
	case inCompose:
		f.Range = rng
	case hasPorts:
		f.Range = projectNodeRange(ports)
	default:
		f.Range = rng
	}
	if located && !inCompose {
		f.Related = append(f.Related, finding.Related{Range: rng, Message: "the command comes from the Dockerfile here"})
	}
	f.Related = append(f.Related, throughRelated(r)...)

	fix := &finding.Fix{Message: fixCommand(r)}
	if inCompose && len(r.Fix.Edits) > 0 {
		fix.Edits = r.Fix.Edits
		e := r.Fix.Edits[0]
		if src := p.Project.Sources[e.Range.File]; src != nil {
			line, ok := applyEdits(src, e.Range.Start.Line, r.Fix.Edits)
			if ok && (strings.HasPrefix(line, "command:") || strings.HasPrefix(line, "entrypoint:")) {
				fix.Message = "make it listen on all interfaces: " + line
			}
		}
	}
	if r.From == binddefaults.FromEnv {
		fix = &finding.Fix{Message: fmt.Sprintf("set %s=%s in the service's environment, or %s",
			r.Origin, r.Server.AllInterfacesHost, strings.TrimPrefix(fixCommand(r), "make it "))}
	}
	f.Fix = fix
	return f
}

func isComposeFile(c *project.Compose, path string) bool {
	for _, cf := range c.Files {
		if cf.Path == path {
			return true
		}
	}
	return false
}

// composeEnvRange locates a variable in the service's environment (the
// last compose file that sets it): the "KEY=value" item or the "KEY:"
// entry.
func composeEnvRange(c *project.Compose, service, key string) (finding.Range, bool) {
	var out finding.Range
	found := false
	for _, s := range serviceNodesOf(c, service) {
		env, _ := s.file.Lookup("services", service, "environment")
		if env == nil {
			continue
		}
		switch env.Kind {
		case yaml.MappingNode:
			for _, kv := range project.MappingPairs(env) {
				if kv[0].Value == key {
					r := project.NodeRange(s.file.Source, kv[0])
					r.End = project.NodeRange(s.file.Source, kv[1]).End
					out, found = r, true
				}
			}
		case yaml.SequenceNode:
			for _, item := range env.Content {
				if k, _, _ := strings.Cut(item.Value, "="); k == key {
					out, found = project.NodeRange(s.file.Source, item), true
				}
			}
		}
	}
	return out, found
}
