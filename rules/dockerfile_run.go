package rules

import (
	"path"
	"strings"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/shellcmd"
)

// dfState is what is in effect before an instruction of a stage, as far
// as the Dockerfile itself says (the base image's own WORKDIR, USER and
// ENV are unknown).
type dfState struct {
	// workdir is the absolute working directory, or "" when unknown (an
	// image's own WORKDIR, a variable).
	workdir string
	// user is the last USER of the stage (or of the stage it builds on),
	// "" when none was written.
	user string
	// shell is the SHELL in effect, nil for the default.
	shell []string
	// env holds the ENV and ARG names set so far, with their values as
	// written (ARG without a default: ""). It is immutable: shared by the
	// states of the stage until an ENV or ARG makes a new layer.
	env *dfEnv
	// image is the base image of the stage (through FROM <stage>).
	image string
}

func (s *dfState) clone() *dfState {
	c := *s
	c.shell = append([]string(nil), s.shell...)
	return &c
}

// dfEnv is an immutable set of variables: the values one instruction set
// over the ones before it. Lookups walk the layers; every dfEnvFlatten
// layers they are merged into one, so a stage of thousands of ENV lines
// costs neither a copy of every variable per instruction nor long walks.
type dfEnv struct {
	parent *dfEnv
	vals   map[string]string
	depth  int
}

const dfEnvFlatten = 32

func (e *dfEnv) get(k string) (string, bool) {
	for x := e; x != nil; x = x.parent {
		if v, ok := x.vals[k]; ok {
			return v, true
		}
	}
	return "", false
}

// with returns e with the values of set added (set is kept, not copied).
func (e *dfEnv) with(set map[string]string) *dfEnv {
	if len(set) == 0 {
		return e
	}
	n := &dfEnv{parent: e, vals: set, depth: 1}
	if e != nil {
		n.depth = e.depth + 1
	}
	if n.depth < dfEnvFlatten {
		return n
	}
	flat := map[string]string{}
	for x := n; x != nil; x = x.parent {
		for k, v := range x.vals {
			if _, ok := flat[k]; !ok {
				flat[k] = v
			}
		}
	}
	return &dfEnv{vals: flat, depth: 1}
}

// keys lists every name once.
func (e *dfEnv) keys() []string {
	seen := map[string]bool{}
	var out []string
	for x := e; x != nil; x = x.parent {
		for k := range x.vals {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// rootUser reports whether the stage runs as root as far as the
// Dockerfile says (no USER, or USER root / 0).
func (s *dfState) rootUser() bool {
	u, _, _ := strings.Cut(s.user, ":")
	return u == "" || u == "root" || u == "0"
}

// dfStep is one instruction of a stage with the state before it.
type dfStep struct {
	index int // in the stage's Commands
	cmd   instructions.Command
	state *dfState
}

// dfStage is a stage with its steps.
type dfStage struct {
	index int
	stage instructions.Stage
	steps []dfStep
	// shipped is true when the stage's layers end up in the built image:
	// the target stage (compose build.target, else the last one) and the
	// stages it is built FROM.
	shipped bool
}

// dfStagesKey memoises dockerfileStages per Dockerfile.
type dfStagesKey struct{}

// dockerfileStages walks every stage of d, tracking WORKDIR, USER, SHELL
// and ENV/ARG, and inheriting them from an earlier stage named in FROM.
// It is computed once per Dockerfile and shared by the rules: read only.
func dockerfileStages(d *project.Dockerfile) []dfStage {
	return d.Derived(dfStagesKey{}, func() any { return walkDockerfileStages(d) }).([]dfStage)
}

func walkDockerfileStages(d *project.Dockerfile) []dfStage {
	out := make([]dfStage, 0, len(d.Stages))
	final := map[string]*dfState{} // stage name (lowercase) -> state at its end
	for i, st := range d.Stages {
		state := &dfState{image: st.BaseName}
		if prev, ok := final[strings.ToLower(st.BaseName)]; ok {
			state = prev.clone()
		} else if st.BaseName == "scratch" {
			state.workdir = "/"
		}
		ds := dfStage{index: i, stage: st}
		for j, c := range st.Commands {
			ds.steps = append(ds.steps, dfStep{index: j, cmd: c, state: state})
			state = state.after(d, c)
		}
		if st.Name != "" {
			final[strings.ToLower(st.Name)] = state
		}
		out = append(out, ds)
	}
	markShipped(d, out)
	return out
}

// after returns the state after instruction c.
func (s *dfState) after(d *project.Dockerfile, c instructions.Command) *dfState {
	switch c := c.(type) {
	case *instructions.WorkdirCommand:
		n := s.clone()
		n.workdir = resolveDir(d, s, s.workdir, c.Path)
		return n
	case *instructions.UserCommand:
		n := s.clone()
		n.user = c.User
		return n
	case *instructions.ShellCommand:
		n := s.clone()
		n.shell = append([]string(nil), c.Shell...)
		return n
	case *instructions.EnvCommand:
		n := s.clone()
		set := make(map[string]string, len(c.Env))
		for _, kv := range c.Env {
			set[kv.Key] = kv.Value
		}
		n.env = s.env.with(set)
		return n
	case *instructions.ArgCommand:
		n := s.clone()
		set := make(map[string]string, len(c.Args))
		for _, kv := range c.Args {
			v := ""
			if kv.Value != nil {
				v = *kv.Value
			}
			_, had := set[kv.Key]
			if !had {
				_, had = s.env.get(kv.Key)
			}
			if !had || kv.Value != nil {
				set[kv.Key] = v
			}
		}
		n.env = s.env.with(set)
		return n
	}
	return s
}

// resolveDir resolves a WORKDIR, cd or mkdir path against dir; "" when it
// cannot be known.
func resolveDir(d *project.Dockerfile, s *dfState, dir, p string) string {
	if strings.Contains(p, "$") {
		v, ok := expandStageVars(d, s, p)
		if !ok {
			return ""
		}
		p = v
	}
	if p == "" {
		return ""
	}
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	if dir == "" {
		return ""
	}
	return path.Join(dir, p)
}

// stageEnv is the shell lexer's view of a stage's ENV/ARG values.
type stageEnv struct {
	vals    *dfEnv
	missing bool
}

func (e *stageEnv) Get(k string) (string, bool) {
	v, ok := e.vals.get(k)
	if !ok || strings.Contains(v, "$") {
		e.missing = true
	}
	return v, ok
}

func (e *stageEnv) Keys() []string { return e.vals.keys() }

// expandStageVars expands $VAR in word with the stage's ENV/ARG values,
// the way BuildKit does for WORKDIR; ok is false when a value is unknown.
func expandStageVars(d *project.Dockerfile, s *dfState, word string) (string, bool) {
	env := &stageEnv{vals: s.env}
	res, err := project.ProcessWord(d.EscapeToken(), word, env)
	if err != nil || env.missing {
		return "", false
	}
	return res.Result, true
}

func markShipped(d *project.Dockerfile, stages []dfStage) {
	if len(stages) == 0 {
		return
	}
	target := len(stages) - 1
	if d.Target != "" {
		target = -1
		for i, s := range stages {
			if strings.EqualFold(s.stage.Name, d.Target) {
				target = i
			}
		}
		if target < 0 {
			return
		}
	}
	for i := target; i >= 0; {
		stages[i].shipped = true
		base := strings.ToLower(stages[i].stage.BaseName)
		next := -1
		for j := i - 1; j >= 0; j-- {
			if strings.ToLower(stages[j].stage.Name) == base {
				next = j
				break
			}
		}
		i = next
	}
}

// posixShell reports whether RUN's shell form runs a POSIX-style shell:
// the default /bin/sh (unless the escape token is a backtick, the mark of
// a Windows Dockerfile whose default shell is cmd), or a SHELL naming one.
func posixShell(d *project.Dockerfile, s *dfState) bool {
	if len(s.shell) == 0 {
		return d.EscapeToken() != '`'
	}
	return shellcmd.IsShell(path.Base(s.shell[0]))
}

// runScript parses a RUN's script when its shell is POSIX-style (an exec
// form RUN is always parsed); nil otherwise or when the text is missing.
func runScript(d *project.Dockerfile, run *instructions.RunCommand, s *dfState) *project.RunScript {
	if run.PrependShell && !posixShell(d, s) {
		return nil
	}
	rs := d.RunScript(run)
	if rs == nil || rs.Err != nil {
		return nil
	}
	return rs
}

// runMount is one --mount flag of a RUN.
type runMount struct {
	typ    string // bind (the default), cache, tmpfs, secret, ssh
	target string
}

// runMounts reads a RUN's --mount flags as written (BuildKit's parsed
// mounts are only filled in when the build expands variables).
func runMounts(in *project.InstructionText) []runMount {
	if in == nil {
		return nil
	}
	var out []runMount
	for _, f := range in.Flags {
		name, val, ok := strings.Cut(strings.TrimPrefix(f.Value, "--"), "=")
		if !ok || !strings.EqualFold(name, "mount") {
			continue
		}
		m := runMount{typ: "bind"}
		for _, field := range strings.Split(val, ",") {
			k, v, _ := strings.Cut(field, "=")
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "type":
				m.typ = strings.ToLower(strings.TrimSpace(v))
			case "target", "dst", "destination":
				m.target = strings.Trim(strings.TrimSpace(v), `"'`)
			}
		}
		if m.target != "" {
			out = append(out, m)
		}
	}
	return out
}

// mountCovers reports whether a RUN mounts a cache, tmpfs or bind
// directory at dir or above it (so files written under dir stay out of the
// image).
func mountCovers(in *project.InstructionText, dir string) bool {
	for _, m := range runMounts(in) {
		if m.typ != "cache" && m.typ != "tmpfs" && m.typ != "bind" {
			continue
		}
		t := path.Clean(m.target)
		if t == dir || strings.HasPrefix(dir, strings.TrimSuffix(t, "/")+"/") {
			return true
		}
	}
	return false
}

// ownLines returns the first and last line (the Dockerfile's own lines)
// of an instruction location, heredoc bodies included.
func ownLines(loc []parser.Range) (start, end int) {
	for _, r := range loc {
		for _, l := range []int{r.Start.Line, r.End.Line} {
			if l <= 0 {
				continue
			}
			if start == 0 || l < start {
				start = l
			}
			if l > end {
				end = l
			}
		}
	}
	return start, end
}

// dfEditor builds line edits for a Dockerfile, in its own file or, for a
// dockerfile_inline block, in the compose file (each line indented). It
// refuses lines it cannot map exactly.
type dfEditor struct {
	d      *project.Dockerfile
	file   *project.Source
	indent string
}

func newDFEditor(p *project.Project, d *project.Dockerfile) *dfEditor {
	if d.Source == nil {
		return nil
	}
	if !d.Inline {
		return &dfEditor{d: d, file: d.Source}
	}
	src := p.Sources[d.Path]
	if src == nil {
		return nil
	}
	return &dfEditor{d: d, file: src, indent: strings.Repeat(" ", d.ColOffset)}
}

// lineOK reports whether own line n is exactly a line of the file.
func (e *dfEditor) lineOK(n int) bool {
	if e == nil || n < 1 || n > e.d.Source.LineCount() {
		return false
	}
	if !e.d.Inline {
		return true
	}
	own := e.d.Source.Line(n)
	got := e.file.Line(n + e.d.LineOffset)
	if own == "" {
		return strings.TrimSpace(got) == ""
	}
	return got == e.indent+own
}

// lines returns the range of own lines from..to (whole lines, line ends
// included) in the file, with their text as the file has it.
func (e *dfEditor) lines(from, to int) (finding.Range, string, bool) {
	if e == nil || from < 1 || to < from {
		return finding.Range{}, "", false
	}
	var b strings.Builder
	for n := from; n <= to; n++ {
		if !e.lineOK(n) {
			return finding.Range{}, "", false
		}
		b.WriteString(e.file.Line(n + e.d.LineOffset))
		b.WriteByte('\n')
	}
	last := to + e.d.LineOffset
	r := finding.Range{File: e.d.Path, Start: finding.Pos{Line: from + e.d.LineOffset, Col: 1}}
	if last < e.file.LineCount() || strings.HasSuffix(string(e.file.Data), "\n") {
		r.End = finding.Pos{Line: last + 1, Col: 1}
		return r, b.String(), true
	}
	// The last line of a file without a final line end.
	r.End = finding.Pos{Line: last, Col: len(e.file.Line(last)) + 1}
	return r, strings.TrimSuffix(b.String(), "\n"), true
}

// newLines renders new Dockerfile lines for insertion (indented for an
// inline Dockerfile), each ending in a newline.
func (e *dfEditor) newLines(lines ...string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(e.indent)
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// deleteLines is an edit removing own lines from..to.
func (e *dfEditor) deleteLines(from, to int) (finding.Edit, bool) {
	r, text, ok := e.lines(from, to)
	if !ok {
		return finding.Edit{}, false
	}
	if !strings.HasSuffix(text, "\n") && r.Start.Line > 1 {
		// Last line without a line end: take the previous line end.
		prev := e.file.Line(r.Start.Line - 1)
		r.Start = finding.Pos{Line: r.Start.Line - 1, Col: len(prev) + 1}
	}
	return finding.Edit{Range: r}, true
}

// scriptEdit is an edit of a RUN's script text at script offsets
// [start, end), refused when a touched line cannot be mapped exactly.
func (e *dfEditor) scriptEdit(rs *project.RunScript, start, end int, text string) (finding.Edit, bool) {
	if e == nil {
		return finding.Edit{}, false
	}
	r := rs.Range(start, end)
	for l := r.Start.Line; l <= r.End.Line; l++ {
		if !e.lineOK(l - e.d.LineOffset) {
			return finding.Edit{}, false
		}
	}
	return finding.Edit{Range: r, NewText: text}, true
}

// commandText is a command's text for messages, shortened (an exec-form
// command as the words it runs). Variable assignments before the command
// (CGO_ENABLED=0 go build) are left out, and a long text is cut after a
// word.
func commandText(rs *project.RunScript, c *shellcmd.Command) string {
	text := rs.Text(c)
	if n := len(c.Assigns); n > 0 && len(c.Wrappers)+len(c.Args) > 0 {
		first := c.Args
		if len(c.Wrappers) > 0 {
			first = c.Wrappers
		}
		if off := first[0].Start - c.Start; off > 0 && off <= len(text) && c.Assigns[n-1].End <= first[0].Start {
			text = text[off:]
		}
	}
	t := strings.Join(strings.Fields(text), " ")
	if rs.Exec && c.Depth == 0 {
		words := make([]string, 0, len(c.Wrappers)+len(c.Args))
		for _, w := range append(append([]shellcmd.Word(nil), c.Wrappers...), c.Args...) {
			words = append(words, w.Value)
		}
		t = strings.Join(words, " ")
	}
	return shortText(t, 60)
}

// commandFull is a command's whole text with its blanks collapsed (an
// exec-form command as the words it runs), for a fix that writes it.
func commandFull(rs *project.RunScript, c *shellcmd.Command) string {
	if rs.Exec && c.Depth == 0 {
		words := make([]string, 0, len(c.Assigns)+len(c.Wrappers)+len(c.Args))
		for _, w := range append(append(append([]shellcmd.Word(nil), c.Assigns...), c.Wrappers...), c.Args...) {
			words = append(words, w.Value)
		}
		return strings.Join(words, " ")
	}
	return strings.Join(strings.Fields(rs.Text(c)), " ")
}

// shortText cuts t to at most max bytes, after a word when one ends in
// the last third, and marks the cut with "...".
func shortText(t string, max int) string {
	if len(t) <= max {
		return t
	}
	cut := max - 3
	for cut > 0 && !utf8.RuneStart(t[cut]) {
		cut--
	}
	if i := strings.LastIndexByte(t[:cut], ' '); i > max*2/3 {
		return t[:i] + " ..."
	}
	return t[:cut] + "..."
}

// lineOf is the line (in the file) where an instruction starts.
func lineOf(d *project.Dockerfile, loc []parser.Range) int {
	return d.InstructionRange(loc).Start.Line
}

// argInsert is the text that adds an argument after a word of c: " arg"
// in a shell script, `, "arg"` between the JSON strings of an exec form.
func argInsert(rs *project.RunScript, c *shellcmd.Command, arg string) string {
	if rs.Exec && c.Depth == 0 {
		return `, "` + arg + `"`
	}
	return " " + arg
}
