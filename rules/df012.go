package rules

import (
	"fmt"
	"strings"

	"github.com/envdoctor/envdoctor/internal/binddefaults"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// localhostBind is DF012: the image's ENTRYPOINT/CMD starts a development
// server that listens on 127.0.0.1 or localhost, explicitly or by its
// framework's default (internal/binddefaults). Inside a container that is
// the container's own loopback: `docker run -p 5000:5000` forwards to the
// container's network interface, and the browser gets "connection reset".
//
// When compose services build the Dockerfile and run its command, and
// every one of them fixes the address through its environment
// (FLASK_RUN_HOST=0.0.0.0), the project never runs the image as written and
// DF012 stays quiet. Services that publish ports and run it on loopback are
// named as related locations; CP008 then does not report them again.
func localhostBind() *Rule {
	return &Rule{
		ID:       "DF012",
		Name:     "localhost-bind",
		Title:    "Container command starts a server that listens on localhost only",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			runs := serviceRuns(p.Project)
			seen := reportOnce{}
			for _, df := range p.Project.Dockerfiles {
				if df.ParseError != nil {
					continue
				}
				for _, i := range builtStages(df, runs) {
					if f, ok := df012Stage(p, df, i, runs); ok && seen.first(f) {
						p.Report(f)
					}
				}
			}
		},
	}
}

// builtStages are the stages of df that are built: the build targets of
// the services that build it, else the target compose gave or the last.
func builtStages(df *project.Dockerfile, runs []*serviceRun) []int {
	seen := map[int]bool{}
	var out []int
	for _, run := range runs {
		if run.img != nil && run.img.df == df && !seen[run.stage] {
			seen[run.stage] = true
			out = append(out, run.stage)
		}
	}
	if len(out) == 0 {
		if i, ok := builtStage(df, df.Target); ok {
			out = append(out, i)
		}
	}
	return out
}

// df012Stage checks the image built from stage i.
func df012Stage(p *Pass, df *project.Dockerfile, i int, runs []*serviceRun) (finding.Finding, bool) {
	cfg := stageConfig(p.Project, df, i)
	if cfg.entrypoint == nil && cfg.cmd == nil {
		return finding.Finding{}, false
	}
	r, ok := binddefaults.Analyze(imageInput(p.Project, cfg))
	if !ok || !r.Loopback {
		return finding.Finding{}, false
	}
	related := throughRelated(r)
	users, fixed := 0, 0
	for _, run := range runs {
		if run.img == nil || run.img.df != df || run.stage != i || run.fromCompose {
			continue
		}
		users++
		sr, ok := binddefaults.Analyze(run.bindInput(p.Project))
		if ok && !sr.Loopback && sr.Host != "" {
			fixed++
			continue
		}
		if rel, ok := publishedRelated(p, run); ok {
			related = append(related, rel)
		}
	}
	if users > 0 && fixed == users {
		return finding.Finding{}, false // every service that runs it fixes the address
	}
	return finding.Finding{
		RuleID:   p.Rule.ID,
		Severity: p.Rule.Severity,
		Range:    imageServerRange(cfg, r),
		Message:  "the container's command " + listenMessage(r),
		Related:  related,
		Fix:      dockerfileFix(p, r),
	}, true
}

// imageServerRange is where a DF012 finding points: the ENV that sets a
// loopback address, the option, or the words that start the server; the
// CMD (or ENTRYPOINT) instruction when the words have no place.
func imageServerRange(cfg *imageConfig, r binddefaults.Result) finding.Range {
	if r.From == binddefaults.FromEnv {
		if rng, ok := cfg.envLoc[r.Origin]; ok {
			return rng
		}
	}
	if rng, ok := serverRange(r); ok {
		return rng
	}
	if cfg.cmd != nil {
		return cfg.df.InstructionRange(cfg.cmd.loc)
	}
	return cfg.df.InstructionRange(cfg.entrypoint.loc)
}

// dockerfileFix shows the corrected instruction when the edits make one.
func dockerfileFix(p *Pass, r binddefaults.Result) *finding.Fix {
	fix := &finding.Fix{Edits: r.Fix.Edits}
	fix.Message = fixCommand(r)
	if len(r.Fix.Edits) > 0 {
		e := r.Fix.Edits[0]
		if src := p.Project.Sources[e.Range.File]; src != nil {
			line, ok := applyEdits(src, e.Range.Start.Line, r.Fix.Edits)
			kw, _, _ := strings.Cut(line, " ")
			kw = strings.ToUpper(kw)
			if ok && (kw == "CMD" || kw == "ENTRYPOINT") && !strings.HasSuffix(line, `\`) && !strings.HasSuffix(line, "`") {
				fix.Message = "make it listen on all interfaces: " + line
			}
		}
	}
	if r.From == binddefaults.FromEnv {
		fix.Message = fmt.Sprintf("set %s=%s where it is set, or %s", r.Origin, r.Server.AllInterfacesHost,
			strings.TrimPrefix(fix.Message, "make it "))
	}
	return fix
}

// shellJoin writes a command line for a message, quoting words that need it.
func shellJoin(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		if w == "" || strings.ContainsAny(w, " \t\n'\"\\$`|&;<>()*?[]#~") {
			out[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		} else {
			out[i] = w
		}
	}
	return strings.Join(out, " ")
}

// publishedRelated points at the ports a service publishes, when it has any.
func publishedRelated(p *Pass, run *serviceRun) (finding.Related, bool) {
	if len(run.svc.Ports) == 0 || p.Project.Compose == nil {
		return finding.Related{}, false
	}
	def, ok := lastDefinition(p.Project.Compose, "ports")[run.name]
	if !ok {
		return finding.Related{}, false
	}
	return finding.Related{
		Range:   projectNodeRange(def),
		Message: fmt.Sprintf("service %q runs this command and publishes %s", run.name, publishedText(run)),
	}, true
}
