package rules

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// bindMountHidesBuild is CP011: a bind mount over the directory where the
// service's Dockerfile installed dependencies or built files (`.:/app`
// over a WORKDIR /app holding node_modules, a virtualenv, vendor/bundle, a
// compiled binary or assets). The container sees the host's directory
// instead, without them: "Cannot find module", "No module named ...".
func bindMountHidesBuild() *Rule {
	return &Rule{
		ID:       "CP011",
		Name:     "bind-mount-hides-build",
		Title:    "Bind mount hides what the image built",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil || c.Model == nil {
				return
			}
			services := modelServices(c)
			built := map[string][]builtPath{}
			for _, v := range volumeItems(p.Project) {
				if v.typ != types.VolumeTypeBind || v.target == "" {
					continue
				}
				svc := services[v.svc.name]
				if svc.Build == nil {
					continue
				}
				items, ok := built[v.svc.name]
				if !ok {
					items = imageBuiltPaths(p.Project, v.svc.name, svc.Build.Target)
					built[v.svc.name] = items
				}
				var hidden []builtPath
				for _, b := range items {
					if underPath(b.path, v.target) && !protectedByVolume(svc, b, v.target) {
						hidden = append(hidden, b)
					}
				}
				if len(hidden) > 0 {
					p.Report(hidesBuildFinding(v, hidden))
				}
			}
		},
	}
}

// builtPath is a path of the image the Dockerfile filled.
type builtPath struct {
	path string // absolute, clean
	// what says what is there: "node_modules installed by npm ci".
	what string
	// outputs are the directory names a build step may write to (dist,
	// build): any of them protected by a volume protects the step.
	outputs []string
	// file is true for a single file (a go build -o binary): a volume
	// cannot be put over it.
	file bool
	df   *project.Dockerfile
	rng  finding.Range
}

// imageBuiltPaths follows the service's Dockerfile from the root of the
// target stage's chain (FROM an earlier stage builds on it) to the target
// stage, and lists what its RUN and COPY --from instructions put where.
func imageBuiltPaths(p *project.Project, service, target string) []builtPath {
	df := serviceDockerfile(p, service)
	if df == nil || len(df.Stages) == 0 {
		return nil
	}
	idx := len(df.Stages) - 1
	if target != "" {
		idx = -1
		for i, st := range df.Stages {
			if strings.EqualFold(st.Name, target) {
				idx = i
			}
		}
		if idx < 0 {
			return nil
		}
	}
	// The chain of stages the target builds on, root first.
	var chain []int
	for i, guard := idx, 0; i >= 0 && guard <= len(df.Stages); guard++ {
		chain = append([]int{i}, chain...)
		base := strings.ToLower(df.Stages[i].BaseName)
		next := -1
		for j := 0; j < i; j++ {
			if strings.ToLower(df.Stages[j].Name) == base {
				next = j
			}
		}
		i = next
	}
	st := &buildState{env: map[string]string{}, lex: project.GetLexer(df.EscapeToken())}
	defer project.PutLexer(df.EscapeToken(), st.lex)
	var out []builtPath
	for _, i := range chain {
		for _, cmd := range df.Stages[i].Commands {
			out = append(out, st.apply(df, cmd)...)
		}
	}
	return out
}

// buildState is what the walk through a stage knows: the working
// directory ("" when the base image's is unknown) and ENV/ARG values.
type buildState struct {
	workdir string
	env     map[string]string
	lex     *shell.Lex
}

// Get and Keys make the state BuildKit's shell.EnvGetter.
func (s *buildState) Get(k string) (string, bool) { v, ok := s.env[k]; return v, ok }

// Keys lists the known variables.
func (s *buildState) Keys() []string {
	keys := make([]string, 0, len(s.env))
	for k := range s.env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// expand expands variables in a word as BuildKit does for WORKDIR, COPY
// and ENV; ok is false when it names a variable not known here.
func (s *buildState) expand(word string) (string, bool) {
	if !strings.Contains(word, "$") {
		return word, true
	}
	res, err := s.lex.ProcessWordWithMatches(word, s)
	if err != nil || len(res.Unmatched) > 0 {
		return "", false
	}
	return res.Result, true
}

// resolve makes p absolute against dir; "" when it cannot be known.
func resolve(dir, p string) string {
	switch {
	case p == "":
		return ""
	case strings.HasPrefix(p, "/"):
		return path.Clean(p)
	case dir == "":
		return ""
	}
	return path.Join(dir, p)
}

func (s *buildState) apply(df *project.Dockerfile, cmd instructions.Command) []builtPath {
	rng := df.InstructionRange(cmd.Location())
	switch c := cmd.(type) {
	case *instructions.EnvCommand:
		for _, kv := range c.Env {
			if v, ok := s.expand(kv.Value); ok {
				s.env[kv.Key] = v
			}
		}
	case *instructions.ArgCommand:
		for _, a := range c.Args {
			if _, set := s.env[a.Key]; !set && a.Value != nil {
				if v, ok := s.expand(*a.Value); ok {
					s.env[a.Key] = v
				}
			}
		}
	case *instructions.WorkdirCommand:
		w, ok := s.expand(c.Path)
		if !ok {
			s.workdir = ""
			return nil
		}
		s.workdir = resolve(s.workdir, w)
	case *instructions.CopyCommand:
		if c.From == "" {
			return nil
		}
		dest, ok := s.expand(c.DestPath)
		if !ok {
			return nil
		}
		abs := resolve(s.workdir, dest)
		if abs == "" || abs == "/" {
			return nil
		}
		return []builtPath{{path: abs, what: fmt.Sprintf("files copied from %s", c.From), df: df, rng: rng}}
	case *instructions.RunCommand:
		// The script as the shell reads it (mvdan.cc/sh, shared with the
		// DF rules): commands in source order, nested ones (sh -c, $(...))
		// included, wrappers (sudo, env, exec, nice...) taken off.
		rs := df.RunScript(c)
		if rs == nil || rs.Err != nil {
			return nil // the build stops on a script the shell cannot parse
		}
		cmds := make([][]string, 0, len(rs.Commands))
		for _, sc := range rs.Commands {
			words := make([]string, len(sc.Args))
			for i, w := range sc.Args {
				words[i] = w.Value
			}
			cmds = append(cmds, words)
		}
		return s.runPaths(cmds, df, rng)
	}
	return nil
}

// runPaths recognises the commands of a RUN script (each one's words) that
// fill a directory.
func (s *buildState) runPaths(cmds [][]string, df *project.Dockerfile, rng finding.Range) []builtPath {
	var out []builtPath
	dir := s.workdir
	add := func(p, what string, outputs ...string) {
		if abs := resolve(dir, p); abs != "" && abs != "/" {
			out = append(out, builtPath{path: abs, what: what, outputs: outputs, df: df, rng: rng})
		}
	}
	for _, words := range cmds {
		if len(words) == 0 {
			continue
		}
		name := path.Base(words[0])
		args := words[1:]
		sub := ""
		if len(args) > 0 {
			sub = args[0]
		}
		switch {
		case name == "cd" && len(args) > 0:
			dir = resolve(dir, args[0])
		case (name == "npm" && isOneOf(sub, "install", "i", "ci", "add", "in", "isntall", "install-clean")) ||
			(name == "pnpm" && isOneOf(sub, "install", "i", "add")) ||
			(name == "bun" && isOneOf(sub, "install", "i", "add")) ||
			(name == "yarn" && (sub == "" || isOneOf(sub, "install", "add") || strings.HasPrefix(sub, "-"))):
			if !hasFlag(args, "-g", "--global") {
				add("node_modules", fmt.Sprintf("node_modules installed by %s %s", name, sub))
			}
		case isOneOf(name, "npm", "pnpm", "yarn", "bun") && buildScript(args):
			add("dist", fmt.Sprintf("the output of %s", strings.Join(words, " ")), "dist", "build", ".next", "out")
		case strings.HasPrefix(name, "python") && len(args) >= 3 && args[0] == "-m" && args[1] == "venv":
			add(lastArg(args[2:]), "a virtualenv created by python -m venv")
		case name == "virtualenv" && len(args) > 0:
			add(lastArg(args), "a virtualenv created by virtualenv")
		case name == "uv" && sub == "venv":
			venv := ".venv"
			if rest := nonFlags(args[1:]); len(rest) > 0 {
				venv = rest[0]
			}
			add(venv, "a virtualenv created by uv venv")
		case name == "uv" && sub == "sync":
			venv := ".venv"
			if v := s.env["UV_PROJECT_ENVIRONMENT"]; v != "" {
				venv = v
			}
			add(venv, "the virtualenv uv sync creates")
		case (name == "poetry" && sub == "install" && isTruthy(s.env["POETRY_VIRTUALENVS_IN_PROJECT"])) ||
			(name == "pipenv" && sub == "install" && s.env["PIPENV_VENV_IN_PROJECT"] != ""):
			add(".venv", fmt.Sprintf("the virtualenv %s install creates in the project", name))
		case isPipInstall(name, args):
			if t := flagValue(args, "-t", "--target"); t != "" {
				add(t, "packages installed by pip install --target")
			}
		case name == "go" && sub == "build":
			if o := flagValue(args, "-o"); o != "" && !strings.HasSuffix(o, "/") {
				if abs := resolve(dir, o); abs != "" {
					out = append(out, builtPath{path: abs, what: "the binary built by go build", file: true, df: df, rng: rng})
				}
			}
		case name == "bundle" && sub == "config":
			// bundle config [set] [--local] deployment true / path vendor/bundle
			if rest := nonFlags(args[1:]); len(rest) >= 2 {
				k, v := rest[len(rest)-2], rest[len(rest)-1]
				switch {
				case k == "deployment" && isTruthy(v):
					s.env["BUNDLE_DEPLOYMENT"] = "true"
				case k == "path":
					s.env["BUNDLE_PATH"] = v
				}
			}
		case name == "bundle" && (sub == "install" || sub == ""):
			switch p := flagValue(args, "--path"); {
			case p != "":
				add(p, "gems installed by bundle install --path")
			case s.env["BUNDLE_PATH"] != "":
				add(s.env["BUNDLE_PATH"], "gems installed by bundle install (BUNDLE_PATH)")
			case isTruthy(s.env["BUNDLE_DEPLOYMENT"]) || hasFlag(args, "--deployment"):
				add("vendor/bundle", "gems installed by bundle install in deployment mode")
			}
		case name == "composer" && isOneOf(sub, "install", "require", "update"):
			add("vendor", fmt.Sprintf("vendor/ installed by composer %s", sub))
		case name == "cargo" && sub == "build" && s.env["CARGO_TARGET_DIR"] == "":
			add("target", "the output of cargo build")
		}
	}
	return out
}

// buildScript reports whether package-manager arguments run a build
// script: run build, run-script build, build, run build:prod.
func buildScript(args []string) bool {
	rest := nonFlags(args)
	if len(rest) > 0 && isOneOf(rest[0], "run", "run-script") {
		rest = rest[1:]
	}
	return len(rest) > 0 && (rest[0] == "build" || strings.HasPrefix(rest[0], "build:"))
}

func isPipInstall(name string, args []string) bool {
	if strings.HasPrefix(name, "pip") {
		return len(args) > 0 && args[0] == "install"
	}
	if strings.HasPrefix(name, "python") && len(args) >= 3 && args[0] == "-m" && args[1] == "pip" {
		return args[2] == "install"
	}
	return name == "uv" && len(args) >= 2 && args[0] == "pip" && args[1] == "install"
}

// protectedByVolume reports whether a named or anonymous volume of the
// service, mounted under the bind target, keeps the image's copy of b (a
// volume is filled from the image the first time; a bind is not).
func protectedByVolume(svc types.ServiceConfig, b builtPath, bindTarget string) bool {
	candidates := []string{b.path}
	if len(b.outputs) > 0 {
		candidates = make([]string, 0, len(b.outputs))
		dir := path.Dir(b.path)
		for _, o := range b.outputs {
			candidates = append(candidates, path.Join(dir, o))
		}
	}
	for _, m := range svc.Volumes {
		if m.Type != types.VolumeTypeVolume {
			continue
		}
		t := cleanTarget(m.Target)
		if t == bindTarget || !underPath(t, bindTarget) {
			continue
		}
		for _, c := range candidates {
			if underPath(c, t) {
				return true
			}
		}
	}
	return false
}

func hidesBuildFinding(v volumeItem, hidden []builtPath) finding.Finding {
	rng := v.targetRange
	if !v.long {
		rng = project.NodeRange(v.svc.file.Source, v.node)
	}
	var parts, volumes []string
	var related []finding.Related
	seen := map[string]bool{}
	for _, h := range hidden {
		where := h.path
		if len(h.outputs) > 0 {
			where = path.Dir(h.path) + "/{" + strings.Join(h.outputs, ",") + "}"
		}
		key := where + "\x00" + h.what
		if seen[key] {
			continue
		}
		seen[key] = true
		parts = append(parts, fmt.Sprintf("%s (%s)", where, h.what))
		related = append(related, finding.Related{Range: h.rng, Message: fmt.Sprintf("%s: %s", h.what, where)})
		if !h.file && len(h.outputs) == 0 && h.path != v.target && !seen[h.path] {
			seen[h.path] = true
			volumes = append(volumes, h.path)
		}
	}
	f := finding.Finding{
		Range: rng,
		Message: fmt.Sprintf("the bind mount of %q over %s in service %q hides what the image built there: %s; the container sees the host's directory instead",
			v.source, v.target, v.svc.name, strings.Join(parts, ", ")),
		Related: related,
	}
	sub := fmt.Sprintf("mount only the source directory you edit (for example ./src:%s)", path.Join(v.target, "src"))
	for _, h := range hidden {
		if h.path == v.target {
			f.Fix = &finding.Fix{Message: fmt.Sprintf("the image filled %s itself: remove the bind mount to use what it built, or mount your files at another path", v.target)}
			return f
		}
	}
	if len(volumes) == 0 {
		f.Fix = &finding.Fix{Message: sub + ", or build those files outside " + v.target}
		return f
	}
	lines := make([]string, len(volumes))
	for i, p := range volumes {
		lines[i] = "- " + p
	}
	f.Fix = &finding.Fix{Message: fmt.Sprintf("keep the image's copy with an anonymous volume under the bind mount (%s in the service's volumes; after changing dependencies, run docker compose up --renew-anon-volumes), or %s",
		strings.Join(lines, ", "), sub)}
	if edit, ok := anonVolumeEdit(v, volumes); ok {
		f.Fix.Edits = []finding.Edit{edit}
	}
	return f
}

// anonVolumeEdit inserts "- <path>" lines before the bind mount's item of
// a block list (the order of volumes does not matter).
func anonVolumeEdit(v volumeItem, paths []string) (finding.Edit, bool) {
	src := v.svc.file.Source
	n := v.node
	if src == nil || n == nil || n.Column < 3 {
		return finding.Edit{}, false
	}
	line := src.Line(n.Line)
	dash := n.Column - 3
	if dash >= len(line) || !strings.HasPrefix(line[dash:], "- ") || strings.TrimSpace(line[:dash]) != "" {
		return finding.Edit{}, false
	}
	var b strings.Builder
	for _, p := range paths {
		fmt.Fprintf(&b, "%s- %s\n", line[:dash], p)
	}
	at := finding.Pos{Line: n.Line, Col: 1}
	return finding.Edit{Range: finding.Range{File: src.Path, Start: at, End: at}, NewText: b.String()}, true
}

func isOneOf(s string, set ...string) bool {
	for _, x := range set {
		if s == x {
			return true
		}
	}
	return false
}

func hasFlag(args []string, names ...string) bool {
	for _, a := range args {
		if isOneOf(a, names...) {
			return true
		}
	}
	return false
}

// flagValue reads "-o x", "-o=x", "--target x", "--target=x".
func flagValue(args []string, names ...string) string {
	for i, a := range args {
		for _, n := range names {
			if a == n && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, n+"="); ok {
				return v
			}
		}
	}
	return ""
}

func nonFlags(args []string) []string {
	var out []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
		}
	}
	return out
}

func lastArg(args []string) string {
	rest := nonFlags(args)
	if len(rest) == 0 {
		return ""
	}
	return rest[len(rest)-1]
}

func isTruthy(s string) bool {
	return isOneOf(strings.ToLower(strings.TrimSpace(s)), "1", "true", "yes", "on")
}
