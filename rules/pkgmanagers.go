package rules

import (
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/shellcmd"
)

// What the rules know about package managers, from each tool's manual:
// which words are subcommands, which options take a value (so operands
// are found), where caches live.

// operandIndex returns the index in c.Args of the first operand (a word
// not starting with "-") at or after from, skipping option values.
func operandIndex(c *shellcmd.Command, from int, valueOpts ...string) int {
	for i := from; i < len(c.Args); i++ {
		w := c.Args[i]
		if !w.Static {
			return i
		}
		v := w.Value
		if v == "--" {
			if i+1 < len(c.Args) {
				return i + 1
			}
			return -1
		}
		if len(v) > 1 && v[0] == '-' {
			for _, o := range valueOpts {
				if v == o {
					i++
					break
				}
			}
			continue
		}
		return i
	}
	return -1
}

// osPackageCommand is a system package manager call (apt-get install,
// apk add, dnf makecache...).
type osPackageCommand struct {
	family string // "apt", "apk", "rpm" (yum, dnf, microdnf, tdnf), "zypper"
	verb   string
	verbAt int // index of the verb in Args
}

// osPackageManagers maps program names to their family and the options
// that take a value (apt-get(8), apk(8), dnf(8), yum(8), zypper(8)).
var osPackageManagers = map[string]struct {
	family    string
	valueOpts []string
}{
	"apt-get":  {"apt", []string{"-o", "-c", "-t", "--option", "--config-file", "--target-release", "--default-release"}},
	"apt":      {"apt", []string{"-o", "-c", "-t", "--option", "--config-file", "--target-release", "--default-release"}},
	"aptitude": {"apt", []string{"-o", "-t", "-F", "-w", "--target-release", "--display-format", "--width"}},
	"apk": {"apk", []string{"-X", "--repository", "-p", "--root", "--arch", "--cache-dir", "--keys-dir",
		"--repositories-file", "-t", "--virtual", "--cache-max-age", "--timeout"}},
	"yum":      {"rpm", []string{"-c", "--config", "-x", "--exclude", "--enablerepo", "--disablerepo", "--installroot", "--releasever", "--setopt", "-d", "-e"}},
	"dnf":      {"rpm", []string{"-c", "--config", "-x", "--exclude", "--enablerepo", "--disablerepo", "--installroot", "--releasever", "--setopt", "--repo", "-d", "-e"}},
	"microdnf": {"rpm", []string{"--enablerepo", "--disablerepo", "--installroot", "--releasever", "--setopt", "--config"}},
	"tdnf":     {"rpm", []string{"-c", "--config", "--enablerepo", "--disablerepo", "--installroot", "--releasever", "--setopt"}},
	"zypper":   {"zypper", []string{"-R", "--root", "--installroot", "-D", "--reposd-dir", "-C", "--cache-dir", "--raw-cache-dir"}},
}

// The verbs that refresh package lists, and those that install from them.
var (
	osUpdateVerbs = map[string][]string{
		"apt":    {"update"},
		"apk":    {"update"},
		"rpm":    {"makecache"},
		"zypper": {"refresh", "ref"},
	}
	osInstallVerbs = map[string][]string{
		"apt":    {"install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "reinstall", "satisfy"},
		"apk":    {"add", "upgrade", "fix"},
		"rpm":    {"install", "upgrade", "update", "groupinstall", "reinstall", "localinstall", "distro-sync", "builddep"},
		"zypper": {"install", "in", "update", "up", "dist-upgrade", "dup", "patch", "source-install", "si"},
	}
)

func osPackage(c *shellcmd.Command) (osPackageCommand, bool) {
	m, ok := osPackageManagers[c.Name()]
	if !ok {
		return osPackageCommand{}, false
	}
	i := operandIndex(c, 1, m.valueOpts...)
	if i < 0 || !c.Args[i].Static {
		return osPackageCommand{}, false
	}
	return osPackageCommand{family: m.family, verb: c.Args[i].Value, verbAt: i}, true
}

func (o osPackageCommand) isUpdate() bool  { return contains(osUpdateVerbs[o.family], o.verb) }
func (o osPackageCommand) isInstall() bool { return contains(osInstallVerbs[o.family], o.verb) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// aptInstall reports whether c is `apt-get install` (or apt, aptitude).
func aptInstall(c *shellcmd.Command) (osPackageCommand, bool) {
	o, ok := osPackage(c)
	return o, ok && o.family == "apt" && (o.verb == "install" || o.verb == "reinstall")
}

var (
	pipName    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^pip[0-9.]*$`) })
	pythonName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^python[0-9.]*$`) })
)

// pipGlobalValueOpts are pip's general options that take a value (pip
// documentation, "General Options").
var pipGlobalValueOpts = []string{"--log", "--proxy", "--retries", "--timeout", "--exists-action",
	"--trusted-host", "--cert", "--client-cert", "--cache-dir", "--python", "--keyring-provider",
	"--use-feature", "--use-deprecated"}

// pipInstallValueOpts are `pip install` options that take a value.
var pipInstallValueOpts = append([]string{"-r", "--requirement", "-c", "--constraint", "-e", "--editable",
	"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix",
	"--root", "--platform", "--python-version", "--implementation", "--abi", "--src",
	"--upgrade-strategy", "--no-binary", "--only-binary", "--progress-bar", "--global-option",
	"--config-settings", "-C", "--report", "--group"}, pipGlobalValueOpts...)

// pipCall is a pip invocation: pip, pip3, python -m pip, or uv pip.
type pipCall struct {
	sub   string // install, download, wheel...
	subAt int    // index of the subcommand in Args
	uv    bool   // `uv pip`, which has its own cache
}

func pipCommand(c *shellcmd.Command) (pipCall, bool) {
	name := c.Name()
	start := -1
	uv := false
	switch {
	case pipName().MatchString(name):
		start = 1
	case pythonName().MatchString(name):
		for i := 1; i+1 < len(c.Args); i++ {
			v := c.Args[i].Value
			if v == "-m" && c.Args[i+1].Value == "pip" {
				start = i + 2
				break
			}
			if v == "-mpip" {
				start = i + 1
				break
			}
			if !strings.HasPrefix(v, "-") || v == "-c" {
				break
			}
		}
	case name == "uv":
		if len(c.Args) > 1 && c.Args[1].Value == "pip" {
			start, uv = 2, true
		}
	}
	if start < 0 {
		return pipCall{}, false
	}
	i := operandIndex(c, start, pipGlobalValueOpts...)
	if i < 0 || !c.Args[i].Static {
		return pipCall{}, false
	}
	return pipCall{sub: c.Args[i].Value, subAt: i, uv: uv}, true
}

// pipInstall reports whether c is `pip install` (not uv's).
func pipInstall(c *shellcmd.Command) (pipCall, bool) {
	pc, ok := pipCommand(c)
	return pc, ok && !pc.uv && pc.sub == "install"
}

// envDisables reports whether an environment value turns a pip boolean
// option on (pip reads PIP_NO_CACHE_DIR=1, true, yes, on).
func envDisables(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "0", "false", "no", "off":
		return false
	}
	return true
}

// pipCacheKept reports whether a `pip install` leaves pip's download
// cache in the image layer: no --no-cache-dir, no PIP_NO_CACHE_DIR in the
// stage or on the command, no cache mount over the cache, and no removal
// of the cache in the same RUN.
func pipCacheKept(st *dfState, rs *project.RunScript, c *shellcmd.Command) bool {
	if c.Has("--no-cache-dir") {
		return false
	}
	if v, ok := st.env.get("PIP_NO_CACHE_DIR"); ok && envDisables(v) {
		return false
	}
	for _, ws := range [][]shellcmd.Word{c.Assigns, c.Wrappers} {
		for _, w := range ws {
			if v, ok := strings.CutPrefix(w.Value, "PIP_NO_CACHE_DIR="); ok && envDisables(v) {
				return false
			}
		}
	}
	if cacheMounted(rs.Instr, st, "pip") {
		return false
	}
	for _, o := range rs.Commands {
		switch o.Name() {
		case "export":
			for _, w := range o.Args[1:] {
				if v, ok := strings.CutPrefix(w.Value, "PIP_NO_CACHE_DIR="); ok && envDisables(v) {
					return false
				}
			}
		case "rm":
			for _, w := range o.Args[1:] {
				v := strings.TrimSuffix(w.Value, "/")
				if strings.Contains(v, ".cache/pip") || strings.HasSuffix(v, "/.cache") || strings.HasSuffix(v, "/.cache/*") {
					return false
				}
			}
		default:
			if pc, ok := pipCommand(o); ok && !pc.uv && pc.sub == "cache" && o.Arg(pc.subAt+1) == "purge" {
				return false
			}
		}
	}
	return true
}

// aptProblems says what an `apt-get install` leaves in the image: the
// recommended packages (no --no-install-recommends and no apt setting
// against them) and the package lists (no rm -rf /var/lib/apt/lists/* in
// the same RUN and no mount over them).
func aptProblems(st dfStepContext, c *shellcmd.Command) (recommends, lists bool) {
	recommends = !c.Has("--no-install-recommends") && !aptRecommendsOff(c) && !st.recommendsConfigured
	lists = !mountCovers(st.script.Instr, "/var/lib/apt/lists")
	for _, o := range st.script.Commands {
		if o.Name() != "rm" {
			continue
		}
		for _, w := range o.Args[1:] {
			if strings.HasPrefix(w.Value, "/var/lib/apt/lists") {
				lists = false
			}
		}
	}
	return recommends, lists
}

// aptRecommendsOff reports -o APT::Install-Recommends=false (or 0).
func aptRecommendsOff(c *shellcmd.Command) bool {
	for i, w := range c.Args {
		v := w.Value
		if v == "-o" || v == "--option" {
			v = c.Arg(i + 1)
		} else if o, ok := strings.CutPrefix(v, "-o"); ok {
			v = o
		} else {
			continue
		}
		k, val, _ := strings.Cut(v, "=")
		if strings.EqualFold(k, "APT::Install-Recommends") && (val == "0" || strings.EqualFold(val, "false")) {
			return true
		}
	}
	return false
}

// dfStepContext is a parsed RUN with its stage state.
type dfStepContext struct {
	step   int // index in the stage's steps
	state  *dfState
	run    *instructions.RunCommand
	script *project.RunScript
	// recommendsConfigured is true when this RUN or an earlier one of the
	// stage writes an apt setting about Install-Recommends.
	recommendsConfigured bool
}

// stageRunsKey memoises stageRuns per Dockerfile and stage.
type stageRunsKey struct{ stage int }

// stageRuns returns the parsed RUNs of a stage, in order. It is computed
// once per stage and shared by the rules: read only.
func stageRuns(d *project.Dockerfile, ds dfStage) []dfStepContext {
	return d.Derived(stageRunsKey{ds.index}, func() any { return parseStageRuns(d, ds) }).([]dfStepContext)
}

func parseStageRuns(d *project.Dockerfile, ds dfStage) []dfStepContext {
	var out []dfStepContext
	configured := false
	for _, step := range ds.steps {
		run, ok := step.cmd.(*instructions.RunCommand)
		if !ok {
			continue
		}
		rs := runScript(d, run, step.state)
		if rs == nil {
			continue
		}
		if !configured {
			for _, c := range rs.Commands {
				for _, w := range c.Args {
					if strings.Contains(w.Value, "Install-Recommends") {
						configured = true
					}
				}
			}
		}
		out = append(out, dfStepContext{step: step.index, state: step.state, run: run, script: rs, recommendsConfigured: configured})
	}
	return out
}

// cacheManager is a package manager whose downloads a cache mount keeps
// between builds. dirs are its cache directories for root; env names the
// variables that move them. Sources: Docker's "Optimize cache usage in
// builds" (docs.docker.com/build/cache/optimize/#use-cache-mounts: pip,
// apt, Go), npm's `cache` setting (~/.npm), Yarn 1's cache folder for root
// (/usr/local/share/.cache/yarn), pnpm's store-dir
// ($XDG_DATA_HOME/pnpm/store), uv's cache (~/.cache/uv).
type cacheManager struct {
	name    string
	dirs    []string
	env     []string
	markers []string // a cache mount target containing one is taken as this cache
	// locked: concurrent builds must not share the cache (apt's lock files).
	locked bool
}

var cacheManagers = map[string]cacheManager{
	"pip":  {name: "pip", dirs: []string{"/root/.cache/pip"}, env: []string{"PIP_CACHE_DIR"}, markers: []string{"pip"}},
	"uv":   {name: "uv", dirs: []string{"/root/.cache/uv"}, env: []string{"UV_CACHE_DIR"}, markers: []string{"/uv"}},
	"npm":  {name: "npm", dirs: []string{"/root/.npm"}, env: []string{"npm_config_cache", "NPM_CONFIG_CACHE"}, markers: []string{"/.npm", "npm-cache"}},
	"yarn": {name: "yarn", dirs: []string{"/usr/local/share/.cache/yarn"}, env: []string{"YARN_CACHE_FOLDER"}, markers: []string{"yarn"}},
	"pnpm": {name: "pnpm", dirs: []string{"/root/.local/share/pnpm/store"}, env: []string{"PNPM_STORE_DIR", "npm_config_store_dir"}, markers: []string{"pnpm"}},
	"go":   {name: "go", dirs: []string{"/go/pkg/mod", "/root/.cache/go-build"}, env: []string{"GOMODCACHE", "GOCACHE"}, markers: []string{"go-build", "pkg/mod"}},
	"apt":  {name: "apt", dirs: []string{"/var/cache/apt", "/var/lib/apt"}, markers: []string{"/apt"}, locked: true},
}

// cacheDirs are the manager's cache directories in this stage: the
// variables that move them win, and Go's module cache is /go/pkg/mod only
// in the golang images (GOPATH=/go), else $HOME/go/pkg/mod.
func (m cacheManager) cacheDirs(st *dfState) []string {
	dirs := append([]string(nil), m.dirs...)
	if m.name == "go" {
		if gp, ok := st.env.get("GOPATH"); ok && path.IsAbs(gp) && !strings.Contains(gp, "$") {
			dirs[0] = path.Join(gp, "pkg/mod")
		} else if !isGolangImage(st.image) {
			dirs[0] = "/root/go/pkg/mod"
		}
	}
	for i, e := range m.env {
		if v, ok := st.env.get(e); ok && path.IsAbs(v) && !strings.Contains(v, "$") && i < len(dirs) {
			dirs[i] = path.Clean(v)
		}
	}
	return dirs
}

func isGolangImage(image string) bool {
	repo, _, _ := strings.Cut(image, "@")
	if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
		repo = repo[:i]
	}
	repo = strings.TrimPrefix(strings.TrimPrefix(repo, "docker.io/"), "library/")
	return repo == "golang"
}

// cacheMounted reports whether the RUN has a cache mount for manager
// name: at (or above) one of its directories, or at a target whose path
// names it.
func cacheMounted(in *project.InstructionText, st *dfState, name string) bool {
	m := cacheManagers[name]
	for _, mt := range runMounts(in) {
		if mt.typ != "cache" {
			continue
		}
		t := path.Clean(mt.target)
		if name == "pip" && strings.HasSuffix(t, "/.cache") {
			return true
		}
		for _, mk := range m.markers {
			if strings.Contains(strings.ToLower(t), mk) {
				return true
			}
		}
		for _, d := range m.cacheDirs(st) {
			if t == d || strings.HasPrefix(d, t+"/") || strings.HasPrefix(t, d+"/") {
				return true
			}
		}
	}
	return false
}
