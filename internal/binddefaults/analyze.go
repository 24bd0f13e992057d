package binddefaults

import (
	"encoding/json"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// Input is a container's command line and what else decides where its
// server listens.
type Input struct {
	// Argv is the command as the engine runs it: the ENTRYPOINT followed
	// by the CMD, a shell form already written as ["/bin/sh", "-c", script].
	Argv []Word
	// Env is the container's environment (Dockerfile ENV, then compose
	// environment and env_file); UnknownEnv names variables that are set
	// to values envdoctor cannot know (ENV X=$UNSET_ARG).
	Env        map[string]string
	UnknownEnv map[string]bool
	// Files returns a file of the application by its path relative to the
	// application directory (manage.py, vite.config.ts), or false when
	// envdoctor did not read one. It may be nil.
	Files func(name string) (string, bool)
	// Script returns the project file a program word names in the
	// container (/docker-entrypoint.sh), when envdoctor read it; viaShell
	// is true when a shell reads it (sh entry.sh). It may be nil.
	Script func(word string, viaShell bool) (ScriptFile, bool)
	// Image is the base image the container runs on ("jupyter/base-notebook:x"),
	// or "" when unknown.
	Image string
}

// Source says what decided a server's address.
type Source int

// The sources of an address.
const (
	// FromDefault: the server's built-in default.
	FromDefault Source = iota
	// FromOption: an option on the command line (Result.HostWords).
	FromOption
	// FromEnv: an environment variable (Result.Origin names it).
	FromEnv
	// FromConfig: a file next to the application (Result.Origin names it).
	FromConfig
)

// Result is the server a command starts and where it listens.
type Result struct {
	Server *Server
	// Command are the words that start the server: the program (after any
	// wrapper such as exec, poetry run or python -m) through its
	// subcommand ("flask", "run").
	Command []Word
	// Host is the address it listens on; "" when it cannot be known
	// (Unknown says why). Port is 0 when unknown.
	Host    string
	Port    int
	Unknown string
	From    Source
	// HostWords are the option and value that set the host (FromOption).
	HostWords []Word
	// Origin names the variable (FromEnv) or the file (FromConfig).
	Origin string
	// Via are the words that run a package.json script that starts the
	// server (npm run dev), and Script the script's name; the server's
	// words then have no place in the file.
	Via    []Word
	Script string
	// Through are the scripts the command runs through, outermost first:
	// each ends in exec "$@", so the container runs their arguments.
	Through []Through
	// Loopback is true when the server listens on loopback only.
	Loopback bool
	// Fix says how to make it listen on all interfaces (only when
	// Loopback).
	Fix Fix
}

// Fix is the change that makes a server listen on all interfaces.
type Fix struct {
	// Text is what to write: the option and value to add ("--host
	// 0.0.0.0") or, when Replace, the new value of HostWords.
	Text    string
	Replace bool
	// Command is the server's command line with the fix applied
	// ("flask run --host 0.0.0.0"), from the program word on (or the
	// script run: "npm run dev -- --host 0.0.0.0"). It is nil when the fix
	// belongs in package.json.
	Command []string
	// Edits are exact text edits, when every word involved has a place.
	Edits []finding.Edit
}

// Analyze finds the first server the command line starts and says where it
// listens. ok is false when no server of the table is started (or the
// command cannot be read).
func Analyze(in Input) (Result, bool) {
	a := &analyzer{in: in, table: sharedTable()}
	env := make(map[string]string, len(in.Env))
	for k, v := range in.Env {
		env[k] = v
	}
	for k := range in.UnknownEnv {
		delete(env, k)
		env[unknownPrefix+k] = ""
	}
	return a.find(in.Argv, env, 0)
}

// sharedTable is Table built once: a command is analysed for every
// service, and the analyzer only reads the table.
var sharedTable = sync.OnceValue(Table)

type analyzer struct {
	in    Input
	table []Server
	// noInsert: a flag added after the command's name would not reach it.
	noInsert bool
}

const maxDepth = 12

func (a *analyzer) file(name string) (string, bool) {
	if a.in.Files == nil {
		return "", false
	}
	return a.in.Files(name)
}

// progName is the name a program is matched by: its basename without a
// script extension.
func progName(s string) string {
	b := path.Base(s)
	for _, ext := range []string{".py", ".js", ".cjs", ".mjs"} {
		b = strings.TrimSuffix(b, ext)
	}
	return b
}

var pythonName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(python|pypy)[0-9.]*$`) })

// find strips wrappers until it reaches a program it knows.
func (a *analyzer) find(words []Word, env map[string]string, depth int) (Result, bool) {
	for len(words) > 0 && depth < maxDepth {
		depth++
		if words[0].Unknown {
			return Result{}, false
		}
		prog := progName(words[0].Value)
		arg := func(i int) string {
			if i < len(words) {
				return words[i].Value
			}
			return ""
		}
		switch {
		case prog == "exec" || prog == "nohup" || prog == "command" || prog == "setsid":
			words = skipOptions(words[1:], []string{"-a"})
		case prog == "env":
			words = a.envWrapper(words[1:], env)
		case prog == "tini" || prog == "dumb-init" || prog == "catatonit":
			words = skipOptions(words[1:], []string{"-p", "-e", "-r", "--rewrite", "-g"})
		case prog == "gosu" || prog == "su-exec":
			if len(words) < 3 {
				return Result{}, false
			}
			words = words[2:]
		case isShell(prog):
			return a.shell(words, env, depth)
		case (prog == "poetry" || prog == "pipenv" || prog == "pdm" || prog == "hatch" || prog == "rye") && arg(1) == "run":
			words = skipOptions(words[2:], []string{"--env", "-e", "-p", "--project"})
		case prog == "uv" && arg(1) == "run":
			words = skipOptions(words[2:], uvValueOptions)
		case prog == "uv" && arg(1) == "tool" && arg(2) == "run":
			words = skipOptions(words[3:], uvValueOptions)
		case prog == "uvx":
			words = skipOptions(words[1:], uvValueOptions)
		case prog == "npx" || prog == "bunx" || prog == "pnpx":
			if hasOption(words[1:], "-c", "--call") {
				return Result{}, false
			}
			words = skipOptions(words[1:], []string{"-p", "--package"})
		case prog == "npm" || prog == "yarn" || prog == "pnpm" || prog == "bun":
			if r, ok, handled := a.packageScript(words, env, depth); handled {
				return r, ok
			}
			next, ok := a.packageBinary(words)
			if !ok {
				return Result{}, false
			}
			words = next
		case prog == "bundle" && arg(1) == "exec":
			words = words[2:]
		case prog == "ruby" && (progName(arg(1)) == "rails"):
			words = words[1:]
		case prog == "node" || prog == "nodejs":
			words = skipOptions(words[1:], []string{"-r", "--require", "--import", "--loader", "--inspect-port"})
			if len(words) == 0 || !a.isServerProgram(progName(words[0].Value)) {
				return Result{}, false
			}
		case pythonName().MatchString(prog):
			return a.python(words, env)
		case prog == "php":
			rest := skipOptions(words[1:], []string{"-c", "-d", "-f"})
			if len(rest) == 0 || path.Base(rest[0].Value) != "artisan" {
				return Result{}, false
			}
			return a.match(words[:len(words)-len(rest)+1], rest[1:], func(s *Server) bool { return s.Script == "artisan" }, env)
		default:
			if r, ok := a.match(words[:1], words[1:], func(s *Server) bool { return contains(s.Programs, prog) }, env); ok {
				return r, true
			}
			return a.through(words[0], false, words[1:], env, depth)
		}
	}
	return Result{}, false
}

var uvValueOptions = []string{"--with", "-w", "--python", "-p", "--package", "--directory",
	"--project", "--env-file", "--extra", "--group", "--index", "--from", "--with-requirements",
	"--only-group", "--no-group", "--index-url", "--extra-index-url", "--config-file"}

func isShell(prog string) bool {
	switch prog {
	case "sh", "bash", "ash", "dash", "zsh", "ksh", "mksh":
		return true
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (a *analyzer) isServerProgram(name string) bool {
	for i := range a.table {
		if contains(a.table[i].Programs, name) {
			return true
		}
	}
	return false
}

// skipOptions drops leading options (and the values of valueOptions) and
// a "--" that ends them.
func skipOptions(words []Word, valueOptions []string) []Word {
	for len(words) > 0 {
		v := words[0].Value
		switch {
		case v == "--":
			return words[1:]
		case strings.HasPrefix(v, "-") && len(v) > 1:
			name, _, joined := strings.Cut(v, "=")
			if !joined && contains(valueOptions, name) && len(words) > 1 {
				words = words[2:]
				continue
			}
			words = words[1:]
		default:
			return words
		}
	}
	return words
}

func hasOption(words []Word, names ...string) bool {
	for _, w := range words {
		if !strings.HasPrefix(w.Value, "-") {
			return false
		}
		name, _, _ := strings.Cut(w.Value, "=")
		if contains(names, name) {
			return true
		}
	}
	return false
}

// envWrapper applies `env [-i] [-u NAME] [NAME=VALUE...] cmd`.
func (a *analyzer) envWrapper(words []Word, env map[string]string) []Word {
	for len(words) > 0 {
		v := words[0].Value
		switch {
		case v == "-i" || v == "--ignore-environment" || v == "-":
			for k := range env {
				delete(env, k)
			}
		case (v == "-u" || v == "--unset") && len(words) > 1:
			delete(env, words[1].Value)
			words = words[1:]
		case strings.HasPrefix(v, "--unset="):
			delete(env, strings.TrimPrefix(v, "--unset="))
		case v == "--":
		case strings.HasPrefix(v, "-"):
		case strings.Contains(v, "=") && !strings.HasPrefix(v, "="):
			k, val, _ := strings.Cut(v, "=")
			if words[0].Unknown {
				delete(env, k)
				env[unknownPrefix+k] = ""
			} else {
				env[k] = val
				delete(env, unknownPrefix+k)
			}
		default:
			return words
		}
		words = words[1:]
	}
	return words
}

// unknownPrefix marks, in an environment map, a variable that is set to a
// value envdoctor cannot know.
const unknownPrefix = "\x00unknown:"

// lookupEnv returns a variable's value; unknown is true when it is set to
// something envdoctor cannot know.
func lookupEnv(env map[string]string, name string) (value string, set, unknown bool) {
	if _, ok := env[unknownPrefix+name]; ok {
		return "", true, true
	}
	v, ok := env[name]
	return v, ok, false
}

// python handles `python [options] -m module ...` and `python script ...`.
func (a *analyzer) python(words []Word, env map[string]string) (Result, bool) {
	i := 1
	for i < len(words) {
		w := words[i]
		v := w.Value
		switch {
		case w.Unknown:
			return Result{}, false
		case v == "-m" && i+1 < len(words):
			mod := words[i+1].Value
			return a.match(words[:i+2], words[i+2:], func(s *Server) bool { return contains(s.Modules, mod) }, env)
		case strings.HasPrefix(v, "-m") && len(v) > 2:
			mod := v[2:]
			return a.match(words[:i+1], words[i+1:], func(s *Server) bool { return contains(s.Modules, mod) }, env)
		case v == "-c" || strings.HasPrefix(v, "-c"):
			return Result{}, false // inline code: unknown
		case v == "-X" || v == "-W" || v == "--check-hash-based-pycs":
			i += 2
			continue
		case strings.HasPrefix(v, "-") && v != "-":
			i++
			continue
		}
		break
	}
	if i >= len(words) {
		return Result{}, false
	}
	script := path.Base(words[i].Value)
	return a.match(words[:i+1], words[i+1:], func(s *Server) bool { return s.Script == script }, env)
}

// match picks the table row for a program whose name words are prog and
// whose arguments are args.
func (a *analyzer) match(prog, args []Word, candidate func(*Server) bool, env map[string]string) (Result, bool) {
	var rows []*Server
	for i := range a.table {
		if candidate(&a.table[i]) {
			rows = append(rows, &a.table[i])
		}
	}
	if len(rows) == 0 {
		return Result{}, false
	}
	for _, s := range rows {
		sub, subIdx := subcommand(s, args)
		if len(s.Subcommands) > 0 && !subMatches(s, sub, subIdx) {
			continue
		}
		cmd := append([]Word(nil), prog...)
		rest := args
		if subIdx >= 0 && sub != "" && contains(s.Subcommands, sub) {
			cmd = append(cmd, args[:subIdx+1]...)
			rest = args[subIdx+1:]
		}
		if s.Script == "manage.py" {
			var ok bool
			if s, ok = a.managePy(rows); !ok {
				return Result{}, false
			}
		}
		return a.evaluate(s, cmd, rest, env), true
	}
	return Result{}, false
}

// subcommand is the first argument that is not an option (nor the value of
// an option), and its index in args, or "", -1.
func subcommand(s *Server, args []Word) (string, int) {
	for i := 0; i < len(args); i++ {
		v := args[i].Value
		if strings.HasPrefix(v, "-") && len(v) > 1 {
			name, _, joined := strings.Cut(v, "=")
			if !joined && takesValue(s, name) && i+1 < len(args) && !strings.HasPrefix(args[i+1].Value, "-") {
				i++
			}
			continue
		}
		if args[i].Unknown {
			return "", -1
		}
		return v, i
	}
	return "", -1
}

// takesValue reports whether an option of s takes a value.
func takesValue(s *Server, name string) bool {
	for _, list := range [][]string{s.GlobalValueOptions, s.HostOptions, s.PortOptions, s.BindOptions, s.ValueOptions, s.ConfigOptions} {
		if contains(list, name) {
			return true
		}
	}
	return false
}

func subMatches(s *Server, sub string, idx int) bool {
	if contains(s.Subcommands, sub) && sub != "" {
		return true
	}
	if !contains(s.Subcommands, "") {
		return false
	}
	// The default command (vite [root]): no argument, or a root directory.
	return idx < 0 || strings.ContainsAny(sub, "/.")
}

// managePy decides what `python manage.py runserver` starts from the
// project's manage.py: Django's runserver, or Flask-Script's Server.
func (a *analyzer) managePy(rows []*Server) (*Server, bool) {
	byID := map[string]*Server{}
	for _, r := range rows {
		byID[r.ID] = r
	}
	src, ok := a.file("manage.py")
	if !ok {
		// Not read: runserver is Django's by far most often.
		return byID["django"], byID["django"] != nil
	}
	lower := strings.ToLower(src)
	switch {
	case strings.Contains(lower, "flask_script") || strings.Contains(lower, "flask.ext.script"):
		if customRunserver().MatchString(src) {
			// A runserver of the project's own (often app.run(host=...)):
			// its address is in code envdoctor does not evaluate.
			return nil, false
		}
		return byID["flask-script"], byID["flask-script"] != nil
	case strings.Contains(lower, "django"):
		return byID["django"], byID["django"] != nil
	}
	return nil, false
}

// customRunserver matches a Flask-Script manage.py that defines its own
// runserver command or configures the Server command's host.
var customRunserver = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`def\s+runserver\b|Server\([^)]*host|add_command\(\s*['"]runserver['"]\s*,\s*[^S]`)
})

// packageBinary handles `npm exec vite`, `npx`-like `bun x`, `pnpm exec`,
// `yarn dlx` and `yarn vite` (a package's binary): it returns the binary's
// command line.
func (a *analyzer) packageBinary(words []Word) ([]Word, bool) {
	prog := progName(words[0].Value)
	sub := ""
	if len(words) > 1 {
		sub = words[1].Value
	}
	switch {
	case (prog == "npm" && (sub == "exec" || sub == "x")) || (prog == "bun" && sub == "x"):
		if hasOption(words[2:], "-c", "--call") {
			return nil, false
		}
		words = skipOptions(words[2:], []string{"-p", "--package", "-w", "--workspace"})
		if len(words) > 1 && words[1].Value == "--" {
			// npm exec vite -- --port 3000: npm drops the "--". A flag
			// added before it would be npm's, so no edit is made.
			words = append([]Word{words[0]}, words[2:]...)
			a.noInsert = true
		}
		return words, true
	case (prog == "pnpm" || prog == "yarn") && (sub == "exec" || sub == "dlx"):
		return skipOptions(words[2:], []string{"--package"}), true
	case a.isServerProgram(progName(sub)):
		// yarn vite, pnpm vite, bun node_modules/.bin/vite.
		return words[1:], true
	}
	return nil, false
}

// packageScript handles `npm run dev`, `npm start`, `yarn dev`, `pnpm run
// dev`, `bun run dev`: the script is read from the application's
// package.json and run as `sh -c "<script> <args>"`, as npm does. handled is
// false when the words are not a script run (yarn vite runs a binary).
func (a *analyzer) packageScript(words []Word, env map[string]string, depth int) (r Result, ok, handled bool) {
	prog := progName(words[0].Value)
	rest := words[1:]
	for len(rest) > 0 && strings.HasPrefix(rest[0].Value, "-") {
		name, _, _ := strings.Cut(rest[0].Value, "=")
		switch name {
		case "--prefix", "-C", "--dir", "--cwd", "--filter", "-F", "-w", "--workspace", "--workspaces":
			return Result{}, false, true // another package.json
		}
		rest = rest[1:]
	}
	if len(rest) == 0 || rest[0].Unknown {
		return Result{}, false, false
	}
	sub := rest[0].Value
	var name string
	var after []Word
	switch {
	case sub == "run" || sub == "run-script":
		rest = skipOptions(rest[1:], nil)
		if len(rest) == 0 || rest[0].Unknown {
			return Result{}, false, true
		}
		name, after = rest[0].Value, rest[1:]
	case sub == "start" && prog != "bun":
		name, after = "start", rest[1:]
	case prog == "yarn" || prog == "pnpm":
		name, after = sub, rest[1:]
	default:
		return Result{}, false, false
	}
	pkg, found := a.file("package.json")
	if !found {
		return Result{}, false, sub == "run" || sub == "run-script" || sub == "start"
	}
	var manifest struct {
		Scripts map[string]string `json:"scripts"`
	}
	if json.Unmarshal([]byte(pkg), &manifest) != nil {
		return Result{}, false, true
	}
	script, found := manifest.Scripts[name]
	if !found {
		// yarn vite, pnpm vite: a binary, not a script.
		return Result{}, false, sub == "run" || sub == "run-script" || sub == "start"
	}
	// Arguments after the script name are appended to it; npm reads the
	// ones before a "--" as its own options.
	sep := len(after) > 0 && after[0].Value == "--"
	if sep {
		after = after[1:]
	} else if prog == "npm" {
		after = nil
	}
	text := script
	for _, w := range after {
		if w.Unknown || !plainWord().MatchString(w.Value) {
			return Result{}, false, true
		}
		text += " " + w.Value
	}
	res, ok := a.script(Word{Value: text}, env, depth)
	if !ok {
		return Result{}, false, true
	}
	res.Via, res.Script = words, name
	if !res.Loopback {
		return res, true, true
	}
	// The fix goes at the end of the command that runs the script, after
	// a "--" for npm; a host written in package.json is changed there.
	res.Fix.Edits = nil
	if res.Fix.Replace {
		res.Fix.Command = nil
		return res, true, true
	}
	add := strings.Fields(res.Fix.Text)
	// The arguments go to the script's last command: check that they fix
	// the server.
	if fixed, ok := a.script(Word{Value: text + " " + res.Fix.Text}, env, depth); !ok || fixed.Loopback || fixed.Host == "" {
		res.Fix.Command = nil
		return res, true, true
	}
	if !sep && prog == "npm" {
		add = append([]string{"--"}, add...)
	}
	if e, ok := insertAfter(words[len(words)-1], add); ok {
		res.Fix.Edits = []finding.Edit{e}
	}
	res.Fix.Command = append(Values(words), add...)
	return res, true, true
}
