package rules

// Helpers of the bind rules (DF012 localhost-bind, CP008 localhost-bind,
// CP009 port-mismatch): what command a container runs, with what
// environment, as words that know where they are written.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/binddefaults"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// imageCmd is a CMD or ENTRYPOINT instruction as the engine runs it.
type imageCmd struct {
	shellForm bool
	words     []binddefaults.Word
	loc       []parser.Range
}

// exposed is one EXPOSEd port (or range).
type exposed struct {
	from, to int
	proto    string
}

// imageConfig is what a Dockerfile stage gives its containers, following
// FROM <earlier stage> like BuildKit.
type imageConfig struct {
	df         *project.Dockerfile
	stage      int // the stage's index in df
	entrypoint *imageCmd
	cmd        *imageCmd
	// cmdInherited is true while the CMD comes from a parent stage (an
	// ENTRYPOINT in this stage resets it, as Docker does).
	cmdInherited bool
	env          map[string]string
	unknownEnv   map[string]bool
	// envLoc is where each variable was last set (the KEY=value word).
	envLoc map[string]finding.Range
	expose []exposed
	// exposeUnknown: an EXPOSE depends on a value envdoctor cannot know.
	exposeUnknown bool
	// baseImage is the image the first stage of the chain is built FROM
	// ("" when it depends on an unknown ARG).
	baseImage string
	shell     []string
	// args are the stage's ARG values, for expanding ENV and EXPOSE.
	args map[string]string
}

// builtStage is the stage a build produces: the target, else the last.
func builtStage(df *project.Dockerfile, target string) (int, bool) {
	return project.BuiltStage(df, target)
}

// stageConfig computes the config of stage i of df, once per project;
// callers must not change it.
func stageConfig(p *project.Project, df *project.Dockerfile, i int) *imageConfig {
	type key struct {
		df *project.Dockerfile
		i  int
	}
	return projectFact(p, "stageConfig", key{df, i}, func() *imageConfig { return stageConfigDepth(df, i, 0) })
}

func stageConfigDepth(df *project.Dockerfile, i, depth int) *imageConfig {
	st := df.Stages[i]
	var cfg *imageConfig
	base, _ := df.ExpandMetaArgs(st.BaseName)
	for j := i - 1; j >= 0 && depth < 64; j-- {
		if df.Stages[j].Name != "" && strings.EqualFold(df.Stages[j].Name, base) {
			cfg = stageConfigDepth(df, j, depth+1).clone()
			break
		}
	}
	if cfg == nil {
		cfg = &imageConfig{env: map[string]string{}, unknownEnv: map[string]bool{}, envLoc: map[string]finding.Range{}}
		if img, ok := df.ExpandFromImage(st); ok {
			cfg.baseImage = img
		}
	}
	cfg.df, cfg.stage = df, i
	cfg.args = map[string]string{}
	for _, c := range st.Commands {
		cfg.apply(c)
	}
	return cfg
}

func (c *imageConfig) clone() *imageConfig {
	n := *c
	n.env, n.unknownEnv, n.envLoc = map[string]string{}, map[string]bool{}, map[string]finding.Range{}
	for k, v := range c.env {
		n.env[k] = v
	}
	for k, v := range c.unknownEnv {
		n.unknownEnv[k] = v
	}
	for k, v := range c.envLoc {
		n.envLoc[k] = v
	}
	n.expose = append([]exposed(nil), c.expose...)
	n.cmdInherited = c.cmd != nil
	return &n
}

func (c *imageConfig) apply(cmd instructions.Command) {
	switch x := cmd.(type) {
	case *instructions.ArgCommand:
		for _, kv := range x.Args {
			if v, ok := c.df.BuildArgs[kv.Key]; ok && v != nil {
				c.args[kv.Key] = *v
			} else if kv.Value != nil {
				if s, ok := c.expand(*kv.Value); ok {
					c.args[kv.Key] = s
				}
			}
		}
	case *instructions.EnvCommand:
		in := c.df.Instruction(x.Location())
		for i, kv := range x.Env {
			v, ok := c.expand(kv.Value)
			if ok {
				c.env[kv.Key] = v
				delete(c.unknownEnv, kv.Key)
			} else {
				delete(c.env, kv.Key)
				c.unknownEnv[kv.Key] = true
			}
			c.envLoc[kv.Key] = c.df.InstructionRange(x.Location())
			if in != nil && len(in.Args) == len(x.Env) && !kv.NoDelim {
				c.envLoc[kv.Key] = in.Args[i].Range
			}
		}
	case *instructions.ExposeCommand:
		for _, p := range x.Ports {
			v, ok := c.expand(p)
			if !ok {
				c.exposeUnknown = true
				continue
			}
			for _, f := range strings.Fields(v) {
				if e, ok := parseExposed(f); ok {
					c.expose = append(c.expose, e)
				} else {
					c.exposeUnknown = true
				}
			}
		}
	case *instructions.ShellCommand:
		c.shell = append([]string(nil), x.Shell...)
	case *instructions.EntrypointCommand:
		c.entrypoint = c.command(&x.ShellDependantCmdLine, x.Location())
		if c.cmdInherited {
			c.cmd, c.cmdInherited = nil, false
		}
	case *instructions.CmdCommand:
		c.cmd, c.cmdInherited = c.command(&x.ShellDependantCmdLine, x.Location()), false
	}
}

// expand expands an ENV, ARG or EXPOSE value as BuildKit does; false when
// it depends on a value envdoctor does not know.
func (c *imageConfig) expand(word string) (string, bool) {
	if !strings.ContainsAny(word, `$"'\`) {
		return word, true
	}
	env := &bindEnvGetter{c: c}
	res, err := project.ProcessWord(c.df.EscapeToken(), word, env)
	if err != nil || env.unknown {
		return "", false
	}
	return res.Result, true
}

type bindEnvGetter struct {
	c       *imageConfig
	unknown bool
}

func (g *bindEnvGetter) Get(key string) (string, bool) {
	if v, ok := g.c.env[key]; ok {
		return v, true
	}
	if v, ok := g.c.args[key]; ok {
		return v, true
	}
	g.unknown = true
	return "", false
}

func (g *bindEnvGetter) Keys() []string {
	keys := make([]string, 0, len(g.c.env)+len(g.c.args))
	for k := range g.c.env {
		keys = append(keys, k)
	}
	for k := range g.c.args {
		keys = append(keys, k)
	}
	return keys
}

// parseExposed reads "8000", "8000/udp", "8000-8010/tcp".
func parseExposed(s string) (exposed, bool) {
	port, proto, _ := strings.Cut(s, "/")
	if proto == "" {
		proto = "tcp"
	}
	from, to, isRange := strings.Cut(port, "-")
	if !isRange {
		to = from
	}
	a, err1 := strconv.Atoi(from)
	b, err2 := strconv.Atoi(to)
	if err1 != nil || err2 != nil || a < 1 || b < a || b > 65535 {
		return exposed{}, false
	}
	return exposed{from: a, to: b, proto: strings.ToLower(proto)}, true
}

// command turns a CMD or ENTRYPOINT into the words the engine runs: exec
// form as written, shell form as [shell..., script].
func (c *imageConfig) command(cl *instructions.ShellDependantCmdLine, loc []parser.Range) *imageCmd {
	ic := &imageCmd{loc: loc, shellForm: cl.PrependShell}
	in := c.df.Instruction(loc)
	if !cl.PrependShell {
		if in != nil && in.JSON && len(in.Args) == len(cl.CmdLine) {
			for i, a := range in.Args {
				w := binddefaults.Word{Value: cl.CmdLine[i], Loc: binddefaults.Loc{Range: a.Range, Syntax: binddefaults.SyntaxJSON}}
				if len(a.Text) >= 2 && a.Text[1:len(a.Text)-1] == cl.CmdLine[i] {
					w.Loc.At = instructionAt(in, a.Start+1)
				}
				ic.words = append(ic.words, w)
			}
			return ic
		}
		ic.words = binddefaults.Words(cl.CmdLine...)
		return ic
	}
	sh := c.shell
	if len(sh) == 0 {
		sh = []string{"/bin/sh", "-c"}
	}
	ic.words = binddefaults.Words(sh...)
	script := strings.Join(cl.CmdLine, " ")
	w := binddefaults.Word{Value: script}
	if in != nil && len(cl.Files) == 0 {
		text := in.ArgsText()
		if strings.HasPrefix(text, script) {
			w.Loc = binddefaults.Loc{Range: in.Range(in.ArgsStart, in.ArgsStart+len(script)), Syntax: binddefaults.SyntaxShell,
				At: instructionAt(in, in.ArgsStart)}
		}
	}
	ic.words = append(ic.words, w)
	return ic
}

// instructionAt maps byte i of a value starting at offset start of the
// instruction's text to its place in the file.
func instructionAt(in *project.InstructionText, start int) func(int) finding.Pos {
	return func(i int) finding.Pos { return in.Range(start+i, start+i).Start }
}

// argv is the command line the engine runs for a container of this image
// (ENTRYPOINT followed by CMD).
func (c *imageConfig) argv() []binddefaults.Word {
	var out []binddefaults.Word
	if c.entrypoint != nil {
		out = append(out, c.entrypoint.words...)
		if c.entrypoint.shellForm {
			return out // a shell-form ENTRYPOINT ignores CMD
		}
	}
	if c.cmd != nil {
		out = append(out, c.cmd.words...)
	}
	return out
}

// envMap is the image's environment for the analyzer, unknown values
// included as such.
func (c *imageConfig) envMap() (map[string]string, map[string]bool) {
	env := map[string]string{}
	for k, v := range c.env {
		env[k] = v
	}
	unknown := map[string]bool{}
	for k := range c.unknownEnv {
		unknown[k] = true
	}
	return env, unknown
}

// appFiles returns the lookup of application files in dirs (first wins).
func appFiles(p *project.Project, dirs []string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		for _, d := range dirs {
			if s, ok := p.AppFiles.Lookup(d, name); ok {
				return s, true
			}
		}
		return "", false
	}
}

// serviceRun is what a compose service runs.
type serviceRun struct {
	name string
	svc  types.ServiceConfig
	// img is the Dockerfile config of the built stage (stage is its
	// index), nil when the service has no (parsed) Dockerfile.
	img   *imageConfig
	stage int
	// entry and cmd are the compose nodes, zero when not set in compose.
	entry, cmd serviceNode
	argv       []binddefaults.Word
	// fromCompose is true when compose sets the command or the entrypoint.
	fromCompose bool
	// cmdKnown is false when the command comes from an image envdoctor
	// does not have.
	cmdKnown bool
	env      map[string]string
	unknown  map[string]bool
	dirs     []string
}

// serviceRuns lists the active services, sorted by name, with what they
// run. The list is computed once per project; callers must not change it.
func serviceRuns(p *project.Project) []*serviceRun {
	return projectFact(p, "serviceRuns", nil, func() []*serviceRun { return findServiceRuns(p) })
}

func findServiceRuns(p *project.Project) []*serviceRun {
	c := p.Compose
	if c == nil || c.Model == nil {
		return nil
	}
	entries := lastDefinition(c, "entrypoint")
	cmds := lastDefinition(c, "command")
	var out []*serviceRun
	for _, name := range sortedNames(c.Model.Services) {
		svc := c.Model.Services[name]
		r := &serviceRun{name: name, svc: svc, entry: entries[name], cmd: cmds[name], env: map[string]string{}, unknown: map[string]bool{}}
		if svc.Build != nil {
			for _, bc := range serviceContexts(p)[name] {
				if bc.Remote == "" {
					r.dirs = append(r.dirs, bc.Dir)
				}
				if df := bc.Dockerfile; df != nil && df.ParseError == nil {
					if i, ok := builtStage(df, svc.Build.Target); ok {
						r.img, r.stage = stageConfig(p, df, i), i
					}
				}
			}
		}
		for _, v := range svc.Volumes {
			if v.Type == "bind" {
				if rel, ok := relDir(p.Root, v.Source); ok {
					r.dirs = append(r.dirs, rel)
				}
			}
		}
		if r.img != nil {
			r.env, r.unknown = r.img.envMap()
		}
		for k, v := range svc.Environment {
			if v == nil {
				continue
			}
			r.env[k] = *v
			delete(r.unknown, k)
		}
		r.build()
		out = append(out, r)
	}
	return out
}

// build computes argv as the engine does: compose's entrypoint replaces the
// image's and drops its CMD; compose's command replaces the CMD.
func (r *serviceRun) build() {
	var entry, cmd []binddefaults.Word
	entryKnown, cmdKnown := true, true
	switch {
	case r.svc.Entrypoint != nil:
		entry = composeWords(r.entry, r.svc.Entrypoint)
		r.fromCompose = true
	case r.img != nil:
		if r.img.entrypoint != nil {
			entry = r.img.entrypoint.words
		}
	default:
		entryKnown = false // an image envdoctor does not have
	}
	switch {
	case r.svc.Command != nil:
		cmd = composeWords(r.cmd, r.svc.Command)
		r.fromCompose = true
	case r.svc.Entrypoint != nil:
		// Setting the entrypoint drops the image's CMD.
	case r.img != nil:
		if r.img.cmd != nil {
			cmd = r.img.cmd.words
		}
	default:
		cmdKnown = false
	}
	if r.svc.Entrypoint == nil && r.img != nil && r.img.entrypoint != nil && r.img.entrypoint.shellForm {
		cmd = nil // a shell-form ENTRYPOINT ignores CMD
	}
	// An unknown image's entrypoint is assumed to run the command it is
	// given (docker-entrypoint.sh "$@"), which most official images do.
	r.argv = append(append([]binddefaults.Word(nil), entry...), cmd...)
	r.cmdKnown = (entryKnown || cmdKnown) && len(r.argv) > 0
}

// composeWords are a compose command's words (as compose-go split and
// interpolated them), placed in the file when the node allows it.
func composeWords(def serviceNode, argv types.ShellCommand) []binddefaults.Word {
	words := binddefaults.Words(argv...)
	n := def.node
	if n == nil || def.file == nil || def.file.Source == nil {
		return words
	}
	src := def.file.Source
	switch n.Kind {
	case yaml.SequenceNode:
		if len(n.Content) != len(argv) {
			return words
		}
		flow := n.Style&yaml.FlowStyle != 0
		for i, item := range n.Content {
			if item.Kind != yaml.ScalarNode {
				return binddefaults.Words(argv...)
			}
			loc := binddefaults.Loc{Range: project.NodeRange(src, item), Syntax: binddefaults.SyntaxJSON}
			if !flow {
				loc.Syntax = binddefaults.SyntaxYAMLBlock
				line := src.Line(item.Line)
				dash := strings.LastIndex(line[:min(item.Column-1, len(line))], "-")
				if dash < 0 {
					return binddefaults.Words(argv...)
				}
				loc.Indent = line[:dash]
			}
			loc.At = scalarAt(src, item, argv[i])
			words[i].Loc = loc
		}
	case yaml.ScalarNode:
		at := scalarAt(src, n, n.Value)
		if at == nil {
			return words
		}
		offs, ok := splitOffsets(n.Value, argv)
		if !ok {
			return words
		}
		for i, o := range offs {
			words[i].Loc = binddefaults.Loc{Range: finding.Range{File: src.Path, Start: at(o[0]), End: at(o[1])}, Syntax: binddefaults.SyntaxShell}
			if n.Value[o[0]:o[1]] == argv[i] {
				words[i].Loc.At = func(j int) finding.Pos { return at(o[0] + j) }
			}
		}
	}
	return words
}

// scalarAt maps byte i of value to its place when the scalar is written on
// one line with no escapes (plain, or quoted without escapes); else nil.
func scalarAt(src *project.Source, n *yaml.Node, value string) func(int) finding.Pos {
	if strings.Contains(n.Value, "\n") || n.Value != value {
		return nil
	}
	r := project.NodeRange(src, n)
	line := src.Line(n.Line)
	from, to := r.Start.Col-1, r.End.Col-1
	if from < 0 || to > len(line) || from > to {
		return nil
	}
	text := line[from:to]
	start := r.Start
	switch {
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		if len(text) < 2 || text[1:len(text)-1] != value {
			return nil
		}
		start.Col++
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return nil
	default:
		if text != value {
			return nil
		}
	}
	return binddefaults.LinearAt(start)
}

// splitOffsets finds each word of argv in s, in order, when each is written
// as is (no quotes) or in quotes without escapes.
func splitOffsets(s string, argv []string) ([][2]int, bool) {
	var out [][2]int
	i := 0
	for _, a := range argv {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		switch {
		case strings.HasPrefix(s[i:], a) && (i+len(a) == len(s) || s[i+len(a)] == ' ' || s[i+len(a)] == '\t'):
			out = append(out, [2]int{i, i + len(a)})
			i += len(a)
		case i < len(s) && (s[i] == '"' || s[i] == '\'') && strings.HasPrefix(s[i+1:], a+string(s[i])):
			out = append(out, [2]int{i, i + len(a) + 2})
			i += len(a) + 2
		default:
			return nil, false
		}
	}
	if strings.TrimSpace(s[i:]) != "" {
		return nil, false
	}
	return out, true
}

// relDir is a bind-mount source as a root-relative directory inside the
// project.
func relDir(root, source string) (string, bool) {
	if source == "" {
		return "", false
	}
	r := strings.TrimPrefix(source, root)
	if r == source && source != root {
		return "", false
	}
	r = strings.TrimPrefix(strings.ReplaceAll(r, "\\", "/"), "/")
	if r == "" {
		r = "."
	}
	return r, true
}

// bindInput is the analyzer's input for a service.
func (r *serviceRun) bindInput(p *project.Project) binddefaults.Input {
	in := binddefaults.Input{Argv: r.argv, Env: r.env, UnknownEnv: r.unknown, Files: appFiles(p, r.dirs),
		Script: containerScripts(p, p.ServiceContainerFiles(r.name))}
	if r.img != nil {
		in.Image = r.img.baseImage
	} else {
		in.Image = r.svc.Image
	}
	return in
}

// imageInput is the analyzer's input for an image on its own.
func imageInput(p *project.Project, cfg *imageConfig) binddefaults.Input {
	env, unknown := cfg.envMap()
	var dirs []string
	if cfg.df.Context != nil && cfg.df.Context.Remote == "" {
		dirs = append(dirs, cfg.df.Context.Dir)
	}
	return binddefaults.Input{Argv: cfg.argv(), Env: env, UnknownEnv: unknown, Files: appFiles(p, dirs), Image: cfg.baseImage,
		Script: containerScripts(p, project.ImageContainerFiles(cfg.df, cfg.stage))}
}

// containerScripts returns the lookup of the scripts a container runs: the
// project file a command word names there (through the bind mounts and the
// image's copies, project.ContainerFiles), when the loader read it.
func containerScripts(p *project.Project, cf *project.ContainerFiles) func(string, bool) (binddefaults.ScriptFile, bool) {
	if cf == nil {
		return nil
	}
	return func(word string, viaShell bool) (binddefaults.ScriptFile, bool) {
		for _, rel := range cf.Locate(word, viaShell) {
			if text, ok := p.ContainerScripts.Lookup(rel); ok {
				return binddefaults.ScriptFile{Path: rel, Text: text}, true
			}
		}
		return binddefaults.ScriptFile{}, false
	}
}

// throughRelated names the entrypoint scripts a command runs through
// (each ends in exec "$@"), at their last command.
func throughRelated(r binddefaults.Result) []finding.Related {
	out := make([]finding.Related, 0, len(r.Through))
	for _, th := range r.Through {
		text := strings.Join(strings.Fields(th.Text), " ")
		if len(text) > 60 {
			text = `exec "$@"`
		}
		out = append(out, finding.Related{Range: th.Exec, Message: fmt.Sprintf("runs through %s, which ends in %s", th.Word, text)})
	}
	return out
}

// listenMessage says where a server listens and why that is a problem.
func listenMessage(r binddefaults.Result) string {
	s := r.Server
	addr := r.Host
	if strings.Contains(addr, ":") {
		addr = "[" + addr + "]"
	}
	addr += ":" + strconv.Itoa(r.Port)
	var why string
	switch r.From {
	case binddefaults.FromOption:
		why = fmt.Sprintf("listens on %s (%s)", addr, strings.Join(binddefaults.Values(r.HostWords), " "))
	case binddefaults.FromEnv:
		why = fmt.Sprintf("listens on %s, set by %s", addr, r.Origin)
	case binddefaults.FromConfig:
		why = fmt.Sprintf("listens on %s, set in %s", addr, r.Origin)
	default:
		why = fmt.Sprintf("listens on %s by default", addr)
	}
	subject := fmt.Sprintf("%s (%s)", commandName(r), s.Framework)
	if r.Script != "" {
		subject = fmt.Sprintf("%s (%s, the package.json script %q that %s runs)", commandName(r), s.Framework, r.Script, viaName(r))
	}
	return fmt.Sprintf("%s %s, which only the container itself can reach: published ports get no answer; it needs %s",
		subject, why, r.Fix.Text)
}

// commandName is the server's command as written, program through
// subcommand, without the path of the program.
func commandName(r binddefaults.Result) string {
	v := binddefaults.Values(r.Command)
	if len(v) > 0 {
		v[0] = baseName(v[0])
	}
	return strings.Join(v, " ")
}

// viaName is the command that runs a package.json script ("npm run dev").
func viaName(r binddefaults.Result) string {
	v := binddefaults.Values(r.Via)
	if len(v) > 0 {
		v[0] = baseName(v[0])
	}
	return strings.Join(v, " ")
}

// fixCommand is the corrected command line for a fix message, or the
// change to make in package.json when the server's words are there.
func fixCommand(r binddefaults.Result) string {
	if len(r.Fix.Command) == 0 && r.Script != "" {
		return fmt.Sprintf("change the %q script in package.json to pass %s", r.Script, r.Fix.Text)
	}
	return "make it listen on all interfaces: " + shellJoin(r.Fix.Command)
}

func baseName(s string) string {
	if i := strings.LastIndex(s, "/"); i >= 0 {
		return s[i+1:]
	}
	return s
}

// serverRange is where a finding about a loopback server points: the
// option that binds loopback, else the words that start the server.
func serverRange(r binddefaults.Result) (finding.Range, bool) {
	ws := r.HostWords
	if r.From != binddefaults.FromOption || len(ws) == 0 || ws[0].Loc.Range.File == "" {
		ws = r.Command
		if len(r.Via) > 0 {
			ws = r.Via
		}
	}
	if len(ws) == 0 {
		return finding.Range{}, false
	}
	// Words from two instructions (ENTRYPOINT ["python", "manage.py"],
	// CMD ["runserver"]): point at those on the last one's line.
	// A YAML block list spans lines on purpose.
	last := ws[len(ws)-1].Loc.Range
	for len(ws) > 1 && ws[0].Loc.Range.Start.Line != last.Start.Line && ws[0].Loc.Syntax != binddefaults.SyntaxYAMLBlock {
		ws = ws[1:]
	}
	a, b := ws[0].Loc.Range, last
	if a.File == "" || a.File != b.File {
		// The program word may come from elsewhere (an ENTRYPOINT);
		// point at the last located word.
		for i := len(ws) - 1; i >= 0; i-- {
			if ws[i].Loc.Range.File != "" {
				return ws[i].Loc.Range, true
			}
		}
		return finding.Range{}, false
	}
	return finding.Range{File: a.File, Start: a.Start, End: b.End}, true
}

// applyEdits returns line n of src with the edits on that line applied, or
// false when an edit spans lines.
func applyEdits(src *project.Source, n int, edits []finding.Edit) (string, bool) {
	line := src.Line(n)
	// Apply from the right so columns stay valid.
	sorted := append([]finding.Edit(nil), edits...)
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && sorted[j-1].Range.Start.Col < sorted[j].Range.Start.Col; j-- {
			sorted[j-1], sorted[j] = sorted[j], sorted[j-1]
		}
	}
	for _, e := range sorted {
		if e.Range.Start.Line != n || e.Range.End.Line != n {
			return "", false
		}
		s, t := e.Range.Start.Col-1, e.Range.End.Col-1
		if s < 0 || t > len(line) || s > t {
			return "", false
		}
		line = line[:s] + e.NewText + line[t:]
	}
	return strings.TrimSpace(line), !strings.Contains(line, "\n")
}

// projectNodeRange is the range of a service node's value.
func projectNodeRange(def serviceNode) finding.Range {
	return project.NodeRange(def.file.Source, def.node)
}

// publishedText lists a service's published ports ("5000:5000").
func publishedText(run *serviceRun) string {
	var parts []string
	seen := map[string]bool{}
	for _, pc := range run.svc.Ports {
		s := strconv.Itoa(int(pc.Target))
		if pc.Published != "" {
			s = pc.Published + ":" + s
		}
		if pc.Protocol != "" && pc.Protocol != "tcp" {
			s += "/" + pc.Protocol
		}
		if !seen[s] {
			seen[s] = true
			parts = append(parts, s)
		}
	}
	if len(parts) == 1 {
		return "port " + parts[0]
	}
	return "ports " + strings.Join(parts, ", ")
}
