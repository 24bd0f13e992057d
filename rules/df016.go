package rules

import (
	"fmt"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/shellcmd"
)

// aptNoCacheMount is DF016: a package manager that downloads in a RUN
// without a cache mount, so every rebuild of the layer downloads
// everything again. apt and pip in the image's own stages are left to
// DF003 and DF004, whose fixes offer the same mount (a user who chose
// --no-cache-dir there is not asked again); npm, Yarn, pnpm, uv and Go,
// which no size rule covers, are reported in every stage. One finding per
// RUN.
func aptNoCacheMount() *Rule {
	return &Rule{
		ID:       "DF016",
		Name:     "apt-no-cache-mount",
		Title:    "Package downloads without a BuildKit cache mount",
		Severity: finding.SeverityInfo,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				ed := newDFEditor(p.Project, d)
				for _, ds := range dockerfileStages(d) {
					for _, r := range stageRuns(d, ds) {
						if f, ok := cacheMountFinding(p, d, ed, ds, r); ok && seen.first(f) {
							p.Report(f)
						}
					}
				}
			}
		},
	}
}

// cacheUse is one command that would use a cache mount.
type cacheUse struct {
	manager string
	cmd     *shellcmd.Command
}

// cacheUses lists, in order, the commands of a RUN that download through
// a manager's cache and have no cache mount for it.
func cacheUses(ds dfStage, r dfStepContext) []cacheUse {
	var out []cacheUse
	for _, c := range r.script.Commands {
		m := ""
		if _, ok := aptInstall(c); ok {
			if ds.shipped {
				continue // DF003's territory: it names the mount
			}
			m = "apt"
		} else if pc, ok := pipCommand(c); ok && (pc.sub == "install" || pc.sub == "sync") {
			switch {
			case pc.uv:
				if c.Has("--no-cache", "-n") {
					continue
				}
				m = "uv"
			case pc.sub != "install":
				continue
			case ds.shipped || !pipCacheKept(r.state, r.script, c):
				// DF004's territory, or the cache is off on purpose.
				continue
			default:
				m = "pip"
			}
		} else if di, ok := dependencyInstall(r.script.Src, c); ok {
			switch di.eco {
			case "uv", "npm", "yarn", "pnpm", "go":
				m = di.eco
				if m == "go" && !contains([]string{"mod", "build", "install", "test"}, firstOperand(c)) {
					continue
				}
			}
		}
		if m == "" || cacheMounted(r.script.Instr, r.state, m) {
			continue
		}
		out = append(out, cacheUse{manager: m, cmd: c})
	}
	return out
}

func firstOperand(c *shellcmd.Command) string {
	if i := operandIndex(c, 1, "-C"); i > 0 {
		return c.Args[i].Value
	}
	return ""
}

// mountFlags are the --mount flags a manager needs in this stage.
func mountFlags(st *dfState, name string) []string {
	m := cacheManagers[name]
	dirs := m.cacheDirs(st)
	out := make([]string, 0, len(dirs))
	for _, dir := range dirs {
		f := "--mount=type=cache,target=" + dir
		if m.locked {
			f += ",sharing=locked"
		}
		out = append(out, f)
	}
	return out
}

func cacheMountFinding(p *Pass, d *project.Dockerfile, ed *dfEditor, ds dfStage, r dfStepContext) (finding.Finding, bool) {
	uses := cacheUses(ds, r)
	if len(uses) == 0 {
		return finding.Finding{}, false
	}
	var flags, texts []string
	seenManager := map[string]bool{}
	for _, u := range uses {
		t := fmt.Sprintf("%q", commandText(r.script, u.cmd))
		if !contains(texts, t) {
			texts = append(texts, t)
		}
		if seenManager[u.manager] {
			continue
		}
		seenManager[u.manager] = true
		flags = append(flags, mountFlags(r.state, u.manager)...)
	}
	what := strings.Join(texts, " and ")
	verb := "downloads"
	if len(texts) > 1 {
		verb = "download"
	}
	msg := fmt.Sprintf("%s %s every package again each time this layer is rebuilt: a cache mount keeps the downloads between builds, outside the image", what, verb)
	if goBuildsOnly(uses) {
		verb = "compiles"
		if len(texts) > 1 {
			verb = "compile"
		}
		msg = fmt.Sprintf("%s %s every package from scratch each time this layer is rebuilt: a cache mount keeps Go's build cache (and the module downloads) between builds, outside the image", what, verb)
	}
	fixMsg := "add a cache mount to the RUN: RUN " + strings.Join(flags, " ") + " ..."
	notes := []string{}
	exact := r.state.rootUser()
	for _, u := range uses {
		switch u.manager {
		case "apt":
			notes = append(notes, "for apt, also delete /etc/apt/apt.conf.d/docker-clean in an earlier RUN (Debian and Ubuntu images remove downloaded packages) and do not remove /var/lib/apt/lists in this RUN")
			exact = false
		case "yarn":
			if d.Context != nil && contains(d.Context.Manifests, ".yarnrc.yml") {
				notes = append(notes, "Yarn 2+ keeps its cache in the project (.yarn/cache) or /root/.yarn/berry/cache: mount that instead")
				exact = false
			}
		}
	}
	if !r.state.rootUser() {
		notes = append(notes, "the paths above are root's: with USER "+r.state.user+", mount the cache directories under that user's home, with uid= set to it")
	}
	if len(notes) > 0 {
		fixMsg += "; " + strings.Join(notes, "; ")
	}
	f := finding.Finding{
		RuleID:   p.Rule.ID,
		Severity: p.Rule.Severity,
		Range:    r.script.CommandRange(uses[0].cmd),
		Message:  msg,
		Fix:      &finding.Fix{Message: fixMsg},
	}
	if exact && ed != nil {
		in := r.script.Instr
		at := in.Keyword.Range.End
		if n := len(in.Flags); n > 0 {
			at = in.Flags[n-1].Range.End
		}
		if ed.lineOK(at.Line - d.LineOffset) {
			ins := finding.Edit{Range: finding.Range{File: d.Path, Start: at, End: at}, NewText: " " + strings.Join(flags, " ")}
			f.Fix.Edits = []finding.Edit{ins}
		}
	}
	return f, true
}

// goBuildsOnly reports uses that are all Go builds (go build, install,
// test), whose cost is compiling more than downloading.
func goBuildsOnly(uses []cacheUse) bool {
	for _, u := range uses {
		if u.manager != "go" || !contains([]string{"build", "install", "test"}, firstOperand(u.cmd)) {
			return false
		}
	}
	return len(uses) > 0
}
