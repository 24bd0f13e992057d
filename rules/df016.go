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
// everything again. It does not report a command DF003 or DF004 already
// reports (their fix names the same mount): one finding per command at
// most, and one per RUN.
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
func cacheUses(d *project.Dockerfile, ds dfStage, r dfStepContext) []cacheUse {
	var out []cacheUse
	for _, c := range r.script.Commands {
		m := ""
		if _, ok := aptInstall(c); ok {
			if rec, lists := aptReported(r, c); ds.shipped && (rec || lists) {
				continue // DF003 reports it and names the mount
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
			case ds.shipped && pipCacheKept(r.state, r.run, r.script, c):
				continue // DF004 reports it and names the mount
			default:
				m = "pip"
			}
		} else if di, ok := dependencyInstall(r.script.Src, c); ok {
			switch di.eco {
			case "uv", "npm", "yarn", "pnpm", "go":
				m = di.eco
				if m == "go" && !strings.Contains(" mod build install test ", " "+firstOperand(c)+" ") {
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
	var out []string
	for _, dir := range m.cacheDirs(st) {
		f := "--mount=type=cache,target=" + dir
		if m.locked {
			f += ",sharing=locked"
		}
		out = append(out, f)
	}
	return out
}

func cacheMountFinding(p *Pass, d *project.Dockerfile, ed *dfEditor, ds dfStage, r dfStepContext) (finding.Finding, bool) {
	uses := cacheUses(d, ds, r)
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
	fixMsg := "add a cache mount to the RUN: RUN " + strings.Join(flags, " ") + " ..."
	notes := []string{}
	var edits []finding.Edit
	exact := r.state.rootUser()
	for _, u := range uses {
		switch u.manager {
		case "apt":
			notes = append(notes, "for apt, also delete /etc/apt/apt.conf.d/docker-clean in an earlier RUN (Debian and Ubuntu images remove downloaded packages) and stop removing /var/lib/apt/lists in this RUN")
			exact = false
		case "yarn":
			if d.Context != nil && contains(d.Context.Manifests, ".yarnrc.yml") {
				notes = append(notes, "Yarn 2+ keeps its cache in the project (.yarn/cache) or /root/.yarn/berry/cache: mount that instead")
				exact = false
			}
		case "pip":
			if w, ok := u.cmd.Find("--no-cache-dir"); ok {
				notes = appendNew(notes, "drop --no-cache-dir, which turns the cache off")
				if e, ok := dropWord(ed, r.script, w); ok {
					edits = append(edits, e)
				} else {
					exact = false
				}
			}
			if _, ok := r.state.env["PIP_NO_CACHE_DIR"]; ok {
				notes = appendNew(notes, "PIP_NO_CACHE_DIR is set in this stage and turns the cache off")
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
			f.Fix.Edits = append([]finding.Edit{ins}, edits...)
		}
	}
	return f, true
}

// dropWord is an edit removing a word and the blank before it.
func dropWord(ed *dfEditor, rs *project.RunScript, w shellcmd.Word) (finding.Edit, bool) {
	if rs.Exec {
		return finding.Edit{}, false
	}
	start := w.Start
	for start > 0 && (rs.Src[start-1] == ' ' || rs.Src[start-1] == '\t') {
		start--
	}
	if start == w.Start {
		return finding.Edit{}, false
	}
	r := rs.Range(start, w.End)
	if r.Start.Line != r.End.Line {
		return finding.Edit{}, false
	}
	return ed.scriptEdit(rs, start, w.End, "")
}
