package rules

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/secrets"
)

// secretInBuild is DF013: an ARG or ENV whose name looks secret (BuildKit's
// SecretsUsedInArgOrEnv check, same name pattern) or whose value the secret
// detectors recognise. ENV values are stored in the image config; ARG
// values end up in the image history and build provenance of every RUN
// that sees them. Neither is a place for a secret.
func secretInBuild() *Rule {
	return &Rule{
		ID:       "DF013",
		Name:     "secret-in-build",
		Title:    "Secret passed through ARG or ENV",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Security: true,
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				for i := range d.MetaArgs {
					checkSecretArg(p, d, &d.MetaArgs[i], -1, seen)
				}
				for si, st := range d.Stages {
					for _, cmd := range st.Commands {
						switch c := cmd.(type) {
						case *instructions.ArgCommand:
							checkSecretArg(p, d, c, si, seen)
						case *instructions.EnvCommand:
							for _, kv := range c.Env {
								value := kv.Value
								checkSecretVar(p, d, "ENV", kv.Key, &value, c.Location(), si, seen)
							}
						}
					}
				}
			}
		},
	}
}

func checkSecretArg(p *Pass, d *project.Dockerfile, c *instructions.ArgCommand, si int, seen reportOnce) {
	for _, kv := range c.Args {
		checkSecretVar(p, d, "ARG", kv.Key, kv.Value, c.Location(), si, seen)
	}
}

// checkSecretVar reports one ARG or ENV key (value nil: an ARG without a
// default). si is the stage, -1 for an ARG before the first FROM.
func checkSecretVar(p *Pass, d *project.Dockerfile, instr, key string, value *string, loc []parser.Range, si int, seen reportOnce) {
	byName := secrets.NameLooksSecret(key)
	var m secrets.Match
	byValue := false
	if value != nil && len(project.ScanVarRefs(*value)) == 0 {
		m, byValue = secrets.CheckValue(key, unquote(*value))
	}
	if !byName && !byValue {
		return
	}
	where := "ENV values are stored in the image config: every container and `docker inspect` shows them"
	if instr == "ARG" {
		where = "build args end up in the image history (`docker history`) and build provenance of every RUN that uses them"
	}
	var msg string
	switch {
	case byValue && byName:
		msg = fmt.Sprintf("%s %q holds what looks like %s: %s", instr, key, matchPhrase(m), where)
	case byValue:
		msg = fmt.Sprintf("%s %q holds what looks like %s, though its name does not say so: %s", instr, key, matchPhrase(m), where)
	default:
		msg = fmt.Sprintf("%s %q looks like a secret by its name: %s", instr, key, where)
	}

	id := strings.ToLower(key)
	fix := fmt.Sprintf("remove the %s and mount the secret only in the RUN that needs it: RUN --mount=type=secret,id=%s,env=%s <command> "+
		"(or read /run/secrets/%s); build with `docker build --secret id=%s,env=%s`, or in compose give the service build: secrets: [%s] and a top-level secrets: %s: environment: %s",
		instr, id, key, id, id, key, id, id, key)
	if instr == "ENV" {
		fix = fmt.Sprintf("remove the ENV: give %s to the container at run time (compose environment: %s: ${%s}, or compose secrets:), and if a build step needs it, "+
			"RUN --mount=type=secret,id=%s,env=%s <command> with `docker build --secret id=%s,env=%s` (compose: build: secrets: [%s])",
			key, key, key, id, key, id, key, id)
	}
	f := finding.Finding{Range: secretKeyRange(d, loc, key), Message: msg, Fix: &finding.Fix{Message: fix}}
	f.Related = append(f.Related, secretUses(d, key, si)...)
	if instr == "ARG" {
		f.Related = append(f.Related, composeLiteralArgs(p.Project, d, key)...)
	}
	if seen.first(f) {
		p.Report(f)
	}
}

// secretKeyRange is the span of key in the ARG or ENV instruction at loc.
func secretKeyRange(d *project.Dockerfile, loc []parser.Range, key string) finding.Range {
	in := d.Instruction(loc)
	if in == nil {
		return d.InstructionRange(loc)
	}
	for _, w := range in.Args {
		name, _, _ := strings.Cut(w.Value, "=")
		if name != key {
			continue
		}
		if strings.HasPrefix(w.Text, key) {
			return in.Range(w.Start, w.Start+len(key))
		}
		return w.Range
	}
	return d.InstructionRange(loc)
}

// secretUses points at the RUN instructions that read the variable (in its
// stage, or in every stage for a global ARG): the ones to give the secret
// mount. At most three.
func secretUses(d *project.Dockerfile, key string, si int) []finding.Related {
	var out []finding.Related
	for i, st := range d.Stages {
		if si >= 0 && i != si {
			continue
		}
		for _, cmd := range st.Commands {
			run, ok := cmd.(*instructions.RunCommand)
			if !ok || len(out) >= 3 {
				continue
			}
			in := d.Instruction(run.Location())
			if in == nil || !mentionsVar(in.ArgsText(), key) {
				continue
			}
			out = append(out, finding.Related{Range: in.Keyword.Range,
				Message: fmt.Sprintf("this RUN uses %s: give it --mount=type=secret,id=%s,env=%s instead", key, strings.ToLower(key), key)})
		}
	}
	return out
}

// mentionsVar reports whether s holds $key or ${key...}.
func mentionsVar(s, key string) bool {
	for _, lead := range []string{"$" + key, "${" + key} {
		for i := strings.Index(s, lead); i >= 0; {
			end := i + len(lead)
			if end >= len(s) || !isNameByte(s[end]) {
				return true
			}
			j := strings.Index(s[end:], lead)
			if j < 0 {
				break
			}
			i = end + j
		}
	}
	return false
}

// matchPhrase names a secret match without its value: "a GitHub personal
// access token ghp_… (40 chars)", "a password in a postgres URL (10 chars)".
func matchPhrase(m secrets.Match) string {
	article := "a"
	if strings.ContainsRune("aeiouAEIOU", rune(m.Description[0])) || strings.HasPrefix(m.Description, "npm ") ||
		strings.HasPrefix(m.Description, "RSA ") || strings.HasPrefix(m.Description, "SSH ") {
		article = "an"
	}
	return article + " " + m.Description + " " + strings.TrimPrefix(m.Redacted(), "… ")
}

// unquote removes one pair of matching quotes around a value.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

func isNameByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// composeLiteralArgs finds the compose build args that give key a literal
// value for this Dockerfile's builds: the secret is then written in the
// compose file as well.
func composeLiteralArgs(p *project.Project, d *project.Dockerfile, key string) []finding.Related {
	if p.Compose == nil {
		return nil
	}
	var out []finding.Related
	for _, svc := range d.Services {
		for _, cf := range p.Compose.Files {
			args, _ := cf.Lookup("services", svc, "build", "args")
			if args == nil {
				continue
			}
			var node *yaml.Node
			var value string
			switch args.Kind {
			case yaml.MappingNode:
				for _, kv := range project.MappingPairs(args) {
					if kv[0].Value == key && kv[1].Kind == yaml.ScalarNode && kv[1].Tag != "!!null" {
						node, value = kv[1], kv[1].Value
					}
				}
			case yaml.SequenceNode:
				for _, item := range args.Content {
					if k, v, ok := strings.Cut(item.Value, "="); ok && k == key {
						node, value = item, v
					}
				}
			}
			if node == nil || value == "" || len(project.ScanVarRefs(value)) > 0 {
				continue
			}
			out = append(out, finding.Related{Range: project.NodeRange(cf.Source, node),
				Message: fmt.Sprintf("service %q passes %s a literal value here: the secret is in the compose file too", svc, key)})
		}
	}
	return out
}
