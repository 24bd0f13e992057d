package rules

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/shellcmd"
)

// copyBeforeInstall is DF001: a COPY/ADD of the whole build context before
// a dependency install of the same stage. Any change to any file then
// invalidates the install's cached layer, so every build downloads and
// installs every dependency again.
func copyBeforeInstall() *Rule {
	return &Rule{
		ID:       "DF001",
		Name:     "copy-before-install",
		Title:    "Whole build context copied before the dependency install",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				ed := newDFEditor(p.Project, d)
				for _, ds := range dockerfileStages(d) {
					if f, ok := copyBeforeInstallStage(p, d, ed, ds); ok && seen.first(f) {
						p.Report(f)
					}
				}
			}
		},
	}
}

// wholeCopy is the first COPY/ADD of the whole context in a stage.
type wholeCopy struct {
	step    int
	keyword string // COPY or ADD, as written
	loc     []parser.Range
	in      *project.InstructionText
	dest    string // as written
	destAbs string // resolved against the WORKDIR, "" when unknown
	vars    bool   // the instruction's text uses $variables
}

// installRun is a RUN after the whole copy with its dependency installs.
type installRun struct {
	step     int
	ctx      dfStepContext
	installs []depInstall
}

func copyBeforeInstallStage(p *Pass, d *project.Dockerfile, ed *dfEditor, ds dfStage) (finding.Finding, bool) {
	var whole *wholeCopy
	before := map[string]bool{} // ecosystems installed before the whole copy
	var after []installRun
	runs := map[int]dfStepContext{}
	for _, r := range stageRuns(d, ds) {
		runs[r.step] = r
	}
	for i, step := range ds.steps {
		switch c := step.cmd.(type) {
		case *instructions.CopyCommand:
			if whole == nil && c.From == "" {
				whole = newWholeCopy(d, step, c.SourcePaths, c.DestPath, c.Location())
			}
		case *instructions.AddCommand:
			if whole == nil {
				whole = newWholeCopy(d, step, c.SourcePaths, c.DestPath, c.Location())
			}
		case *instructions.RunCommand:
			r, ok := runs[i]
			if !ok {
				continue
			}
			var installs []depInstall
			for _, cmd := range r.script.Commands {
				di, ok := dependencyInstall(r.script.Src, cmd)
				if !ok || di.global {
					continue
				}
				if whole == nil {
					before[di.eco] = true
					continue
				}
				if !before[di.eco] {
					installs = append(installs, di)
				}
			}
			if whole != nil && len(installs) > 0 {
				after = append(after, installRun{step: i, ctx: r, installs: installs})
			}
		}
	}
	if whole == nil || len(after) == 0 {
		return finding.Finding{}, false
	}

	first := after[0]
	// A build that needs the sources (go build after go mod download)
	// runs after the copy in the fixed file too: it is not listed when a
	// command that fetches the same ecosystem's dependencies is.
	fetches := map[string]bool{}
	for _, a := range after {
		for _, di := range a.installs {
			if !di.needsSources {
				fetches[di.eco] = true
			}
		}
	}
	var lines []string
	var related []finding.Related
	for _, a := range after {
		for _, di := range a.installs {
			if di.needsSources && fetches[di.eco] {
				continue
			}
			lines = append(lines, fmt.Sprintf("line %d: %q", lineOf(d, a.ctx.run.Location()), commandText(a.ctx.script, di.cmd)))
			related = append(related, finding.Related{
				Range:   a.ctx.script.CommandRange(di.cmd),
				Message: "re-run on every change to any file of the build context",
			})
		}
	}
	what := "the dependency install"
	if len(lines) > 1 {
		what = fmt.Sprintf("%d dependency installs", len(lines))
	}
	if len(lines) > 3 {
		lines = append(lines[:3], fmt.Sprintf("and %d more", len(lines)-3))
		related = related[:3]
	}
	copyText := strings.Join(strings.Fields(whole.in.Text), " ")
	msg := fmt.Sprintf("%s copies the whole build context before %s (%s): any change to any file invalidates the install's cached layer, so every build installs all dependencies again",
		copyText, what, strings.Join(lines, ", "))

	ignored := dockerignoreMatcher(p.Project, d)
	plan := planCopyFirst(d, ds, whole, first, ignored)
	// Later installs are fine once the first RUN's are before the copy
	// when they are of the same ecosystems (go build after go mod download).
	ecos := map[string]bool{}
	for _, di := range first.installs {
		ecos[di.eco] = true
	}
	for _, a := range after[1:] {
		for _, di := range a.installs {
			if !ecos[di.eco] {
				plan.ok = false
				var ctxManifests []string
				if d.Context != nil {
					ctxManifests = d.Context.Manifests
				}
				files, _ := installFiles(di, whole.destAbs, a.ctx.state.workdir, ctxManifests, ignored)
				plan.manifests = appendNew(plan.manifests, files...)
				if di.eco != "pip" || di.needsSources {
					plan.hints = appendNew(plan.hints, ecoHints[di.eco])
				}
			}
		}
	}
	fix := &finding.Fix{Message: plan.message(copyText)}
	if plan.ok {
		if e, ok := plan.edit(ed, whole, first); ok {
			fix.Edits = []finding.Edit{e}
		}
	}
	return finding.Finding{
		RuleID:   p.Rule.ID,
		Severity: p.Rule.Severity,
		Range:    d.InstructionRange(whole.loc),
		Message:  lowerFirst(msg),
		Related:  related,
		Fix:      fix,
	}, true
}

// newWholeCopy returns the copy when its only source is the whole context
// (".", "./").
func newWholeCopy(d *project.Dockerfile, step dfStep, sources []string, dest string, loc []parser.Range) *wholeCopy {
	if len(sources) != 1 || path.Clean(sources[0]) != "." {
		return nil
	}
	in := d.Instruction(loc)
	if in == nil {
		return nil
	}
	w := &wholeCopy{step: step.index, keyword: in.Keyword.Text, loc: loc, in: in, dest: dest, vars: strings.Contains(in.Text, "$")}
	w.destAbs = resolveDir(d, step.state, step.state.workdir, dest)
	return w
}

// copyPlan is how to copy the manifests first.
type copyPlan struct {
	// copies are the COPY lines to write before the install (without the
	// keyword), grouped by directory.
	copies []string
	// prefetch is the RUN to write after them when the install itself
	// needs the sources ("" to move the install up instead).
	prefetch string
	// installText is the install's RUN as written (for the message).
	installText string
	// manifests names the files, for the message when there is no edit.
	manifests []string
	// hints are ecosystem-specific advice for the message.
	hints       []string
	ok          bool
	keywordCase func(string) string
}

func (pl copyPlan) message(copyText string) string {
	if !pl.ok {
		files := "the dependency manifests and lock files"
		if len(pl.manifests) > 0 {
			files = strings.Join(pl.manifests, " ")
		}
		msg := fmt.Sprintf("copy %s first and install, then copy the rest (%s) after the install", files, copyText)
		var hints []string
		for _, h := range pl.hints {
			if h != "" {
				hints = append(hints, h)
			}
		}
		if len(hints) > 0 {
			msg += "; " + strings.Join(hints, "; ")
		}
		return msg
	}
	var steps []string
	for _, c := range pl.copies {
		steps = append(steps, pl.keywordCase("COPY")+" "+c)
	}
	if pl.prefetch != "" {
		steps = append(steps, pl.keywordCase("RUN")+" "+pl.prefetch, copyText, pl.installText)
		return "copy the dependency files and fetch the dependencies before the rest, keeping the install after it: " + strings.Join(steps, ", then ")
	}
	steps = append(steps, pl.installText, copyText)
	return "copy the dependency files and install before the rest: " + strings.Join(steps, ", then ")
}

// planCopyFirst works out the COPY lines and, when everything is known
// exactly, marks the plan ok for an edit.
func planCopyFirst(d *project.Dockerfile, ds dfStage, whole *wholeCopy, ir installRun, ignored func(string) bool) copyPlan {
	pl := copyPlan{keywordCase: keywordCaser(whole.keyword)}
	rs := ir.ctx.script
	pl.installText = strings.Join(strings.Fields(rs.Instr.Text), " ")

	var manifests []string
	var ctxManifests []string
	known := d.Context != nil && d.Context.Remote == ""
	if known {
		ctxManifests = d.Context.Manifests
	}
	exact := known && whole.destAbs != "" && !whole.in.JSON
	cwd := ir.ctx.state.workdir
	for _, c := range rs.Commands {
		if c.Name() == "cd" {
			cwd = "" // the install may not run in the WORKDIR
		}
	}
	moveOK := rs.Flat && !rs.Exec
	var prefetch []string
	for _, di := range ir.installs {
		files, ok := installFiles(di, whole.destAbs, cwd, ctxManifests, ignored)
		manifests = appendNew(manifests, files...)
		if di.eco != "pip" || di.needsSources {
			pl.hints = appendNew(pl.hints, ecoHints[di.eco])
		}
		if !ok {
			exact = false
		}
		if di.needsSources {
			moveOK = false
			if di.prefetch == "" {
				exact = false
			}
		}
		if di.cmd.Depth > 0 && di.cmd.In&shellcmd.InShellString == 0 {
			moveOK = false
		}
	}
	// Every command of the RUN must be an install for it to move up.
	for _, c := range rs.Commands {
		if di, ok := dependencyInstall(rs.Src, c); ok && !di.needsSources {
			continue
		}
		if mode, _ := c.Shell(); mode == shellcmd.ShellString && c.Depth == 0 && len(rs.Commands) > 1 {
			continue
		}
		switch c.Name() {
		case "echo", "true", "set":
			continue
		}
		moveOK = false
	}
	if !moveOK {
		for _, di := range ir.installs {
			p := di.prefetch
			if !di.needsSources {
				// Fetch with the install itself; running it again after
				// the copy is then quick, except for npm ci, which always
				// starts over.
				if di.eco == "npm" && contains([]string{"ci", "clean-install", "ic", "install-clean", "isntall-clean", "install-ci-test", "cit"}, firstOperand(di.cmd)) {
					exact = false
				}
				p = commandTextWith(rs.Src, di.cmd)
			}
			if p == "" {
				exact = false
				break
			}
			prefetch = appendNew(prefetch, p)
		}
		pl.prefetch = strings.Join(prefetch, " && ")
	}
	pl.manifests = manifests
	if len(manifests) == 0 && pl.prefetch != "" {
		exact = false
	}
	if exact && !betweenAllowsMove(ds, whole, ir.step) {
		exact = false
	}
	if !exact {
		return pl
	}
	flags := ""
	for _, f := range whole.in.Flags {
		n := strings.ToLower(strings.TrimPrefix(f.Value, "--"))
		if strings.HasPrefix(n, "chown") || strings.HasPrefix(n, "chmod") || n == "link" || strings.HasPrefix(n, "link=") {
			flags += f.Text + " "
		}
	}
	dest := strings.TrimSuffix(whole.in.Args[len(whole.in.Args)-1].Text, "/")
	if dest == "" || strings.ContainsAny(dest, `"'`) {
		return pl
	}
	// Group files by directory: COPY flattens its sources into the
	// destination.
	groups := map[string][]string{}
	var dirs []string
	var order []string
	for _, m := range manifests {
		if strings.HasSuffix(m, "/") {
			dirs = append(dirs, strings.TrimSuffix(m, "/"))
			continue
		}
		dir := path.Dir(m)
		if _, ok := groups[dir]; !ok {
			order = append(order, dir)
		}
		groups[dir] = append(groups[dir], m)
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i] == "." && order[j] != "." })
	for _, dir := range order {
		to := dest + "/"
		if dir != "." {
			to = dest + "/" + dir + "/"
		}
		pl.copies = append(pl.copies, flags+strings.Join(groups[dir], " ")+" "+to)
	}
	for _, dir := range dirs {
		pl.copies = append(pl.copies, flags+dir+" "+dest+"/"+dir+"/")
	}
	if len(pl.copies) == 0 && pl.prefetch == "" {
		// Nothing to copy: the install reads no project file (moved up as is).
		pl.ok = true
		return pl
	}
	pl.ok = true
	return pl
}

// installFiles returns the context paths of the files an install reads;
// ok is false when they cannot be known exactly.
func installFiles(di depInstall, destAbs, cwd string, ctxManifests []string, ignored func(string) bool) ([]string, bool) {
	if di.eco == "pip" && di.needsSources {
		var out []string
		for _, f := range []string{"pyproject.toml", "setup.py", "setup.cfg"} {
			if contains(ctxManifests, f) {
				out = append(out, f)
			}
		}
		return out, false
	}
	if di.eco == "pip" {
		var out []string
		for _, w := range di.files {
			if !w.Static || w.Value == "" {
				return out, false
			}
			abs := w.Value
			if !path.IsAbs(abs) {
				if cwd == "" {
					return out, false
				}
				abs = path.Join(cwd, abs)
			}
			if destAbs == "" {
				return append(out, path.Clean(w.Value)), false
			}
			rel := strings.TrimPrefix(abs, strings.TrimSuffix(destAbs, "/")+"/")
			if rel == abs || strings.HasPrefix(rel, "../") {
				return out, false
			}
			if ignored(rel) {
				return out, false
			}
			out = append(out, rel)
		}
		return out, true
	}
	spec, ok := ecoManifests[di.eco]
	if !ok {
		return nil, false
	}
	have := map[string]bool{}
	for _, m := range ctxManifests {
		have[m] = true
	}
	var out []string
	primary := false
	for _, f := range spec.files {
		if have[f] {
			if ignored(strings.TrimSuffix(f, "/")) {
				// Excluded from the context: a COPY of it would fail.
				if contains(spec.primary, f) {
					return []string{f}, false
				}
				continue
			}
			out = append(out, f)
			if contains(spec.primary, f) {
				primary = true
			}
		}
	}
	if di.eco == "maven" && !strings.Contains(di.cmd.Arg(0), "mvnw") {
		out = removeAll(out, "mvnw", ".mvn/")
	}
	if di.eco == "gradle" && !strings.Contains(di.cmd.Arg(0), "gradlew") {
		out = removeAll(out, "gradlew", "gradle/")
	}
	if !primary {
		return spec.files[:1], false
	}
	// The install reads them from its working directory: the copy's
	// destination.
	return out, cwd != "" && cwd == destAbs
}

func removeAll(list []string, drop ...string) []string {
	var out []string
	for _, v := range list {
		if !contains(drop, v) {
			out = append(out, v)
		}
	}
	return out
}

func appendNew(list []string, vals ...string) []string {
	for _, v := range vals {
		if !contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

// betweenAllowsMove reports whether the whole copy can move down to just
// after the install without changing what the instructions in between do.
func betweenAllowsMove(ds dfStage, whole *wholeCopy, installStep int) bool {
	for s := whole.step + 1; s < installStep; s++ {
		switch ds.steps[s].cmd.(type) {
		case *instructions.LabelCommand, *instructions.ExposeCommand, *instructions.CmdCommand,
			*instructions.EntrypointCommand, *instructions.HealthCheckCommand, *instructions.StopSignalCommand,
			*instructions.MaintainerCommand, *instructions.OnbuildCommand, *instructions.ShellCommand,
			*instructions.UserCommand:
		case *instructions.EnvCommand, *instructions.ArgCommand:
			if whole.vars {
				return false
			}
		case *instructions.WorkdirCommand:
			if whole.vars || !path.IsAbs(whole.dest) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// edit rewrites the lines from the whole copy to the end of the install's
// RUN: the lines in between stay, then the manifest COPY lines, then
// either the install and the whole copy (the install moves up), or the
// prefetch RUN, the whole copy and the install.
func (pl copyPlan) edit(ed *dfEditor, whole *wholeCopy, ir installRun) (finding.Edit, bool) {
	if ed == nil {
		return finding.Edit{}, false
	}
	cs, ce := ownLines(whole.loc)
	rsLine, re := ownLines(ir.ctx.run.Location())
	if cs == 0 || rsLine <= ce {
		return finding.Edit{}, false
	}
	_, copyText, ok1 := ed.lines(cs, ce)
	between := ""
	ok2 := true
	if rsLine > ce+1 {
		_, between, ok2 = ed.lines(ce+1, rsLine-1)
	}
	runRange, runText, ok3 := ed.lines(rsLine, re)
	if !ok1 || !ok2 || !ok3 {
		return finding.Edit{}, false
	}
	noFinalNewline := !strings.HasSuffix(runText, "\n")
	if noFinalNewline {
		runText += "\n"
	}
	var b strings.Builder
	b.WriteString(between)
	for _, c := range pl.copies {
		b.WriteString(ed.newLines(pl.keywordCase("COPY") + " " + c))
	}
	if pl.prefetch != "" {
		flags := ""
		for _, f := range ir.ctx.script.Instr.Flags {
			if strings.HasPrefix(strings.ToLower(f.Value), "--mount=type=cache") {
				flags += f.Text + " "
			}
		}
		b.WriteString(ed.newLines(pl.keywordCase("RUN") + " " + flags + pl.prefetch))
		b.WriteString(copyText)
		b.WriteString(runText)
	} else {
		b.WriteString(runText)
		b.WriteString(copyText)
	}
	text := b.String()
	if noFinalNewline {
		text = strings.TrimSuffix(text, "\n")
	}
	r := runRange
	r.Start = finding.Pos{Line: cs + ed.d.LineOffset, Col: 1}
	return finding.Edit{Range: r, NewText: text}, true
}

// keywordCaser writes new instruction keywords in the case of an
// existing one (copy or COPY).
func keywordCaser(keyword string) func(string) string {
	if keyword != "" && keyword == strings.ToLower(keyword) {
		return strings.ToLower
	}
	return func(s string) string { return s }
}

// ecoHints is advice for ecosystems whose install cannot simply move.
var ecoHints = map[string]string{
	"cargo":  "cargo needs a target to fetch: build once with a stub src/main.rs (or use cargo-chef), then copy the sources",
	"gradle": "run the wrapper's dependency resolution (./gradlew dependencies) before copying the sources",
	"pip":    "for pip install ., install the dependencies first (a requirements file), then copy the sources and install the project with --no-deps",
}

// dockerignoreMatcher reports whether a context path is left out of the
// build context by its ignore file, with the engine's semantics
// (project.Dockerignore: patternmatcher, "!" exceptions, "**"): a COPY of
// it would fail. A directory counts as left out only when no exception
// brings back anything in it. An ignore file that does not parse fails the
// build: everything then counts as left out, so no edit is offered.
func dockerignoreMatcher(p *project.Project, d *project.Dockerfile) func(string) bool {
	never := func(string) bool { return false }
	if d.Context == nil || d.Context.Dockerignore == "" {
		return never
	}
	src := p.Sources[d.Context.Dockerignore]
	if src == nil {
		return never
	}
	ignore := parsedIgnore(p, src)
	if ignore.Err != nil {
		return func(string) bool { return true }
	}
	files := d.Context.Files()
	return func(name string) bool {
		if e, ok := files.Lookup(name); ok {
			excluded, _ := entryExcluded(files, ignore, e)
			return excluded
		}
		excluded, _ := ignore.Excluded(name)
		return excluded
	}
}
