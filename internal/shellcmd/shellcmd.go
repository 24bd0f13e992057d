// Package shellcmd parses the shell script of a Dockerfile RUN instruction
// into its simple commands, so rules see commands, their flags, the
// operators between them (&&, ||, ;, |) and the scripts nested in them
// (sh -c "...", eval, a shell reading a heredoc, $(...), <(...)), not
// substrings. Parsing is mvdan.cc/sh/v3's bash parser.
//
// Every command and word keeps its byte offsets in the text that was
// parsed, nested scripts included: a word of `sh -c "apt-get update"` points
// at "update" inside the quotes. Callers map offsets to file positions.
//
// Nothing here panics on bad input: a script that does not parse has Err
// set and no commands, and a nested string that does not parse is simply
// not looked into.
package shellcmd

import (
	"path"
	"sort"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"
)

// Op is the operator that joins a command to its neighbour in a list.
type Op uint8

// The operators. OpSeq is ";" or a newline.
const (
	OpNone Op = iota
	OpAnd
	OpOr
	OpSeq
	OpPipe
	OpBackground
)

func (o Op) String() string {
	switch o {
	case OpAnd:
		return "&&"
	case OpOr:
		return "||"
	case OpSeq:
		return ";"
	case OpPipe:
		return "|"
	case OpBackground:
		return "&"
	}
	return ""
}

// Context says where a command sits; the flags add up for nested places.
type Context uint16

// The places a command can sit in.
const (
	InSubshell    Context = 1 << iota // ( ... )
	InBlock                           // { ...; }
	InCondition                       // the condition of if, while or until
	InBranch                          // then/else of if, an item of case
	InLoop                            // the body of for, while or until
	InFunction                        // a function body
	InSubst                           // $(...) or `...`
	InProcSubst                       // <(...) or >(...)
	InShellString                     // sh -c "...", eval "...", su -c "...", a shell reading a heredoc
	InBackground                      // a coprocess
)

// Word is one shell word.
type Word struct {
	// Value is the word after quote removal when Static; otherwise the
	// expansions are kept as written ("$HOME/.cache").
	Value string
	// Static is true when the word has no parameter expansion, command
	// substitution or arithmetic: Value is what the command receives
	// (globs are not expanded).
	Static bool
	// Start and End are the word's byte offsets in the parsed text, quotes
	// included (End exclusive).
	Start, End int
	// starts[i] and ends[i] span the source of Value[i] in the parsed
	// text (two bytes for an escaped quote). When seq is true they are nil
	// and Value[i] is the byte at base+i (a word written as is, the common
	// case, costs no offsets).
	starts, ends []int
	seq          bool
	base         int
}

// offsets returns starts and ends, made for a seq word.
func (w Word) offsets() (starts, ends []int) {
	if !w.seq {
		return w.starts, w.ends
	}
	starts, ends = make([]int, len(w.Value)), make([]int, len(w.Value))
	for i := range starts {
		starts[i], ends[i] = w.base+i, w.base+i+1
	}
	return starts, ends
}

// Span returns the offsets in the parsed text of Value[i:j] (for a static
// word, exact even across quotes and escapes).
func (w Word) Span(i, j int) (start, end int) {
	if w.seq && i >= 0 && i <= j && j <= len(w.Value) {
		return w.base + i, w.base + j
	}
	if i < 0 || j > len(w.Value) || i > j || len(w.starts) != len(w.Value) || len(w.ends) != len(w.Value) {
		return w.Start, w.End
	}
	if i == j {
		if i == len(w.Value) {
			if i == 0 {
				return w.Start, w.Start
			}
			return w.ends[i-1], w.ends[i-1]
		}
		return w.starts[i], w.starts[i]
	}
	return w.starts[i], w.ends[j-1]
}

// Command is one simple command.
type Command struct {
	// Args are the command's words once wrappers are taken off: Args[0]
	// is the program (`pip` in `sudo -E env X=1 pip install x`).
	Args []Word
	// Wrappers are the words of the commands that run it (`sudo`, `-E`,
	// `env`, `X=1`), in order; empty for most commands.
	Wrappers []Word
	// Assigns are the NAME=value words written before the command.
	Assigns []Word
	// Start and End span the whole simple command: assignments,
	// wrappers, arguments and redirections (a heredoc body excluded).
	Start, End int
	// Prev and Next are the operators before and after the command in its
	// own list (OpNone at the ends of the list).
	Prev, Next Op
	// PipeFrom and PipeTo are the commands on the other side of a pipe.
	PipeFrom, PipeTo *Command
	// Host is the command this one runs inside: the `sh -c` whose string
	// holds it, the command whose word holds the $(...) or <(...), the
	// shell reading the heredoc; nil at the top of the script.
	Host *Command
	// In says where the command sits (subshell, condition, nested shell...).
	In Context
	// Depth is 0 for the commands of the script's own top-level list and
	// grows by one inside each compound command or nested script.
	Depth int
}

// Name is the program's base name (`pip3` for `/usr/bin/pip3`), or ""
// when it is not a static word.
func (c *Command) Name() string {
	if len(c.Args) == 0 || !c.Args[0].Static {
		return ""
	}
	return path.Base(c.Args[0].Value)
}

// Arg returns the value of Args[i], or "".
func (c *Command) Arg(i int) string {
	if i < 0 || i >= len(c.Args) {
		return ""
	}
	return c.Args[i].Value
}

// Has reports whether an argument (after the program) is exactly one of
// values.
func (c *Command) Has(values ...string) bool {
	_, ok := c.Find(values...)
	return ok
}

// Find returns the first argument (after the program) that is exactly one
// of values, or, for a value ending in "=", that starts with it.
func (c *Command) Find(values ...string) (Word, bool) {
	for _, w := range c.Args[min(1, len(c.Args)):] {
		if !w.Static {
			continue
		}
		for _, v := range values {
			if w.Value == v || (strings.HasSuffix(v, "=") && strings.HasPrefix(w.Value, v)) {
				return w, true
			}
		}
	}
	return Word{}, false
}

// HasShort reports whether a short-option cluster (`-fsSL`) among the
// arguments contains the letter ch.
func (c *Command) HasShort(ch byte) bool {
	for _, w := range c.Args[min(1, len(c.Args)):] {
		v := w.Value
		if !w.Static || len(v) < 2 || v[0] != '-' || v[1] == '-' {
			continue
		}
		if strings.IndexByte(v[1:], ch) >= 0 {
			return true
		}
	}
	return false
}

// Operands returns the arguments after the program that are not options:
// words not starting with "-" (all words after a "--"), skipping the value
// of each option named in valueOpts (written as a separate word).
func (c *Command) Operands(valueOpts ...string) []Word {
	var out []Word
	dashdash := false
	for i := 1; i < len(c.Args); i++ {
		w := c.Args[i]
		switch {
		case dashdash:
			out = append(out, w)
		case w.Static && w.Value == "--":
			dashdash = true
		case w.Static && len(w.Value) > 1 && w.Value[0] == '-':
			for _, o := range valueOpts {
				if w.Value == o {
					i++
					break
				}
			}
		default:
			out = append(out, w)
		}
	}
	return out
}

// Script is a parsed shell script.
type Script struct {
	// Src is the text that was parsed; every offset is into it.
	Src string
	// Commands are all simple commands, nested ones included, in source
	// order.
	Commands []*Command
	// Err is the parse error of the script itself; Commands is then empty.
	Err error
	// Flat is true when the script is only simple commands joined by &&,
	// ||, ;, | and newlines: no compound command, function, substitution
	// or nested script. Edits that remove or insert commands are exact in
	// a flat script.
	Flat bool
}

// Text returns the source text of a command.
func (s *Script) Text(c *Command) string {
	if c == nil || c.Start < 0 || c.End > len(s.Src) || c.Start > c.End {
		return ""
	}
	return s.Src[c.Start:c.End]
}

// Top returns the commands of the script's own top-level list.
func (s *Script) Top() []*Command {
	var out []*Command
	for _, c := range s.Commands {
		if c.Depth == 0 {
			out = append(out, c)
		}
	}
	return out
}

const (
	maxNestDepth = 8    // sh -c "sh -c '...'" levels looked into
	maxNested    = 1000 // nested scripts parsed per Parse
	maxSrc       = 1 << 20
)

// Parse parses src as a bash script (a superset of the POSIX sh that
// RUN uses by default, so Dockerfiles written for bash parse too).
func Parse(src string) *Script {
	s := &Script{Src: src}
	if len(src) > maxSrc {
		s.Err = errTooLarge
		return s
	}
	f, err := parse(src)
	if err != nil {
		s.Err = err
		return s
	}
	b := &builder{flat: true}
	b.list(f.Stmts, walker{t: &text{s: src}})
	b.finish(s)
	return s
}

type parseError string

func (e parseError) Error() string { return string(e) }

const errTooLarge = parseError("script too large to parse")

func parse(src string) (f *syntax.File, err error) {
	p, _ := parsers.Get().(*syntax.Parser)
	if p == nil {
		p = syntax.NewParser(syntax.Variant(syntax.LangBash))
	}
	defer func() {
		// The parser is fuzzed upstream; a panic on odd input must still
		// not take a lint run down (and the parser is then not reused).
		if v := recover(); v != nil {
			f, err = nil, parseError("shell parser failed")
			return
		}
		parsers.Put(p)
	}()
	return p.Parse(strings.NewReader(src), "")
}

// parsers keeps bash parsers for reuse: making one allocates buffers of
// a few KB, and a Dockerfile has hundreds of RUN scripts. A
// syntax.Parser resets itself at each Parse.
var parsers sync.Pool

// text is a piece of source being walked: the script itself (starts nil)
// or a nested string whose bytes map to spans of the script.
type text struct {
	s string
	// starts[i] and ends[i] are the span in the script of the source of
	// s[i] (a quote escape `\"` is two bytes of source for one of s).
	starts, ends []int
	end          int // the script offset of the end of s
}

func (t *text) root(i int) int {
	if t.starts == nil {
		return i
	}
	if i < 0 {
		i = 0
	}
	if i >= len(t.starts) {
		return t.end
	}
	return t.starts[i]
}

// rootEnd maps an exclusive end offset.
func (t *text) rootEnd(i int) int {
	if t.starts == nil {
		return i
	}
	if i <= 0 {
		return t.root(0)
	}
	if i > len(t.ends) {
		return t.end
	}
	return t.ends[i-1]
}

func (t *text) slice(a, b int) string {
	if a < 0 || b > len(t.s) || a > b {
		return ""
	}
	return t.s[a:b]
}

// sub is the text of t.s[a:b] with its spans.
func (t *text) sub(a, b int) *text {
	if a < 0 || b > len(t.s) || a > b {
		return &text{starts: []int{}, end: t.root(a)}
	}
	n := &text{s: t.s[a:b], starts: make([]int, 0, b-a), ends: make([]int, 0, b-a), end: t.rootEnd(b)}
	for i := a; i < b; i++ {
		n.starts = append(n.starts, t.root(i))
		n.ends = append(n.ends, t.rootEnd(i+1))
	}
	return n
}

type walker struct {
	t     *text
	ctx   Context
	depth int
	host  *Command
	nest  int // nested scripts above this one
}

func (w walker) in(c Context) walker {
	w.ctx |= c
	w.depth++
	return w
}

type builder struct {
	cmds   []*Command
	nested int
	flat   bool
}

func (b *builder) finish(s *Script) {
	sort.SliceStable(b.cmds, func(i, j int) bool { return b.cmds[i].Start < b.cmds[j].Start })
	s.Commands = b.cmds
	s.Flat = b.flat
}

func (b *builder) list(stmts []*syntax.Stmt, w walker) {
	for i, st := range stmts {
		prev, next := OpNone, OpNone
		if i > 0 {
			prev = OpSeq
			if stmts[i-1].Background {
				prev = OpBackground
			}
		}
		if i < len(stmts)-1 {
			next = OpSeq
		}
		if st.Background {
			next = OpBackground
		}
		b.stmt(st, w, prev, next)
	}
}

// stmt walks one statement; first and last are its first and last simple
// command when it is a command or a pipeline of commands (for pipe links).
func (b *builder) stmt(st *syntax.Stmt, w walker, prev, next Op) (first, last *Command) {
	if st == nil {
		return nil, nil
	}
	if st.Negated || st.Background || st.Coprocess || st.Disown {
		b.flat = false
	}
	switch c := st.Cmd.(type) {
	case nil:
		// Only redirections (`<<EOF` alone, `> file`).
		b.flat = false
	case *syntax.CallExpr:
		cmd := b.call(c, st, w, prev, next)
		return cmd, cmd
	case *syntax.BinaryCmd:
		op := OpAnd
		switch c.Op {
		case syntax.OrStmt:
			op = OpOr
		case syntax.Pipe, syntax.PipeAll:
			op = OpPipe
		}
		xf, xl := b.stmt(c.X, w, prev, op)
		yf, yl := b.stmt(c.Y, w, op, next)
		if op == OpPipe && xl != nil && yf != nil {
			xl.PipeTo, yf.PipeFrom = yf, xl
		}
		return xf, yl
	case *syntax.Subshell:
		b.flat = false
		b.list(c.Stmts, w.in(InSubshell))
	case *syntax.Block:
		b.flat = false
		b.list(c.Stmts, w.in(InBlock))
	case *syntax.IfClause:
		b.flat = false
		for cl := c; cl != nil; cl = cl.Else {
			b.list(cl.Cond, w.in(InCondition))
			b.list(cl.Then, w.in(InBranch))
		}
	case *syntax.WhileClause:
		b.flat = false
		b.list(c.Cond, w.in(InCondition))
		b.list(c.Do, w.in(InLoop))
	case *syntax.ForClause:
		b.flat = false
		b.substs(c.Loop, w, nil)
		b.list(c.Do, w.in(InLoop))
	case *syntax.CaseClause:
		b.flat = false
		b.substs(c.Word, w, nil)
		for _, it := range c.Items {
			b.list(it.Stmts, w.in(InBranch))
		}
	case *syntax.FuncDecl:
		b.flat = false
		b.stmt(c.Body, w.in(InFunction), OpNone, OpNone)
	case *syntax.TimeClause:
		return b.stmt(c.Stmt, w, prev, next)
	case *syntax.CoprocClause:
		b.flat = false
		b.stmt(c.Stmt, w.in(InBackground), OpNone, OpNone)
	case *syntax.DeclClause:
		cmd := b.decl(c, st, w, prev, next)
		return cmd, cmd
	default:
		// [[ ]], (( )), let: no commands, but maybe substitutions.
		b.flat = false
		b.substs(c, w, nil)
	}
	b.redirSubsts(st, w, nil)
	return nil, nil
}

func (b *builder) newCommand(st *syntax.Stmt, start, end int, w walker, prev, next Op) *Command {
	for _, r := range st.Redirs {
		e := r.End()
		if r.Hdoc != nil && r.Word != nil && len(r.Word.Parts) > 0 {
			e = r.Word.End()
		}
		if o := int(e.Offset()); e.IsValid() && o > end {
			end = o
		}
		if o := int(r.Pos().Offset()); r.Pos().IsValid() && o < start {
			start = o
		}
	}
	return &Command{
		Start: w.t.root(start),
		End:   w.t.rootEnd(end),
		Prev:  prev,
		Next:  next,
		Host:  w.host,
		In:    w.ctx,
		Depth: w.depth,
	}
}

func (b *builder) call(c *syntax.CallExpr, st *syntax.Stmt, w walker, prev, next Op) *Command {
	start, end := int(c.Pos().Offset()), int(c.End().Offset())
	cmd := b.newCommand(st, start, end, w, prev, next)
	for _, a := range c.Assigns {
		cmd.Assigns = append(cmd.Assigns, assignWord(a, w.t))
	}
	args := make([]Word, 0, len(c.Args))
	for _, a := range c.Args {
		args = append(args, makeWord(a, w.t))
	}
	cmd.Wrappers, cmd.Args = unwrap(args)
	b.cmds = append(b.cmds, cmd)

	for _, a := range c.Assigns {
		b.substs(a, w, cmd)
	}
	for _, a := range c.Args {
		b.substs(a, w, cmd)
	}
	b.redirSubsts(st, w, cmd)
	b.nestedScripts(cmd, st, w)
	return cmd
}

func (b *builder) decl(c *syntax.DeclClause, st *syntax.Stmt, w walker, prev, next Op) *Command {
	start, end := int(c.Pos().Offset()), int(c.End().Offset())
	cmd := b.newCommand(st, start, end, w, prev, next)
	if c.Variant != nil {
		cmd.Args = append(cmd.Args, litWord(c.Variant, w.t))
	}
	for _, a := range c.Args {
		if a.Name == nil && a.Value != nil {
			cmd.Args = append(cmd.Args, makeWord(a.Value, w.t))
			continue
		}
		cmd.Args = append(cmd.Args, assignWord(a, w.t))
	}
	b.cmds = append(b.cmds, cmd)
	for _, a := range c.Args {
		b.substs(a, w, cmd)
	}
	b.redirSubsts(st, w, cmd)
	return cmd
}

// substs walks the command substitutions and process substitutions in a
// node; their commands run for host.
func (b *builder) substs(n syntax.Node, w walker, host *Command) {
	if n == nil || !maySubst(n) {
		return
	}
	syntax.Walk(n, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CmdSubst:
			b.flat = false
			inner := w.in(InSubst)
			inner.host = host
			b.list(n.Stmts, inner)
			return false
		case *syntax.ProcSubst:
			b.flat = false
			inner := w.in(InProcSubst)
			inner.host = host
			b.list(n.Stmts, inner)
			return false
		}
		return true
	})
}

// maySubst reports whether a node can hold a command or process
// substitution: false for the common words made only of literals and
// quoted literals, which need no walk.
func maySubst(n syntax.Node) bool {
	switch n := n.(type) {
	case *syntax.Word:
		for _, p := range n.Parts {
			switch p := p.(type) {
			case *syntax.Lit, *syntax.SglQuoted:
			case *syntax.DblQuoted:
				for _, q := range p.Parts {
					if _, ok := q.(*syntax.Lit); !ok {
						return true
					}
				}
			default:
				return true
			}
		}
		return false
	case *syntax.Assign:
		if n.Array != nil || n.Index != nil {
			return true
		}
		return n.Value != nil && maySubst(n.Value)
	}
	return true
}

func (b *builder) redirSubsts(st *syntax.Stmt, w walker, host *Command) {
	for _, r := range st.Redirs {
		if r.Word != nil && len(r.Word.Parts) > 0 {
			b.substs(r.Word, w, host)
		}
		if r.Hdoc != nil && len(r.Hdoc.Parts) > 0 {
			b.substs(r.Hdoc, w, host)
		}
	}
}

// shellNames are the POSIX-style shells whose -c string and stdin script
// are looked into.
var shellNames = map[string]bool{
	"sh": true, "bash": true, "dash": true, "ash": true, "zsh": true,
	"ksh": true, "mksh": true, "yash": true,
}

// IsShell reports whether a program name is a POSIX-style shell.
func IsShell(name string) bool { return shellNames[name] }

// ShellMode says where a shell command takes its script from.
type ShellMode uint8

// The places a shell reads its script from.
const (
	NotShell    ShellMode = iota
	ShellString           // sh -c "script"
	ShellStdin            // sh, sh -s, bash - : the script comes on stdin
	ShellFile             // sh script.sh
)

// Shell says whether the command runs a POSIX-style shell and where that
// shell reads its script; i is the index in Args of the -c string or the
// script file.
func (c *Command) Shell() (mode ShellMode, i int) {
	args := c.Args
	off := 0
	if c.Name() == "busybox" && len(args) > 1 && args[1].Static {
		args, off = args[1:], 1
	}
	if len(args) == 0 || !args[0].Static || !shellNames[path.Base(args[0].Value)] {
		return NotShell, 0
	}
	cflag, sflag := false, false
	i = 1
	for i < len(args) {
		w := args[i]
		if !w.Static {
			break
		}
		v := w.Value
		if v == "--" || v == "-" {
			i++
			if v == "-" {
				sflag = true
			}
			break
		}
		if strings.HasPrefix(v, "--") {
			if v == "--rcfile" || v == "--init-file" {
				i++
			}
			i++
			continue
		}
		if len(v) > 1 && (v[0] == '-' || v[0] == '+') {
			takes := 0
			for _, ch := range v[1:] {
				switch ch {
				case 'c':
					cflag = true
				case 's':
					sflag = true
				case 'o', 'O':
					takes++
				}
			}
			i += 1 + takes
			continue
		}
		break
	}
	switch {
	case cflag && i < len(args):
		return ShellString, i + off
	case cflag:
		return NotShell, 0
	case sflag || i >= len(args):
		return ShellStdin, 0
	}
	return ShellFile, i + off
}

// nestedScripts parses the scripts a command runs: sh -c "...", a single
// static eval argument, su -c "...", and the heredoc a shell reads.
func (b *builder) nestedScripts(cmd *Command, st *syntax.Stmt, w walker) {
	if w.nest >= maxNestDepth || b.nested >= maxNested {
		return
	}
	var script *Word
	switch mode, i := cmd.Shell(); mode {
	case ShellString:
		script = &cmd.Args[i]
	case ShellStdin:
		if st == nil {
			break
		}
		for _, r := range st.Redirs {
			if (r.Op == syntax.Hdoc || r.Op == syntax.DashHdoc) && r.Hdoc != nil && len(r.Hdoc.Parts) > 0 {
				a, e := heredocBody(w.t, r)
				b.parseNested(w.t.sub(a, e), cmd, w)
				return
			}
		}
	case NotShell:
		switch cmd.Name() {
		case "eval":
			if len(cmd.Args) == 2 {
				script = &cmd.Args[1]
			}
		case "su", "runuser":
			for j := 1; j+1 < len(cmd.Args); j++ {
				if v := cmd.Args[j].Value; cmd.Args[j].Static && (v == "-c" || v == "--command") {
					script = &cmd.Args[j+1]
					break
				}
			}
		}
	}
	if script == nil || !script.Static {
		return
	}
	starts, ends := script.offsets()
	if len(starts) != len(script.Value) || len(ends) != len(script.Value) {
		return
	}
	b.parseNested(&text{s: script.Value, starts: starts, ends: ends, end: script.End}, cmd, w)
}

// heredocBody is the span of a heredoc's body in t, without the closing
// delimiter line (which the parser's End includes).
func heredocBody(t *text, r *syntax.Redirect) (a, e int) {
	a, e = int(r.Hdoc.Pos().Offset()), int(r.Hdoc.End().Offset())
	body := t.slice(a, e)
	if nl := strings.LastIndexByte(body, '\n'); nl >= 0 {
		delim := ""
		if r.Word != nil {
			delim = strings.Trim(makeWord(r.Word, t).Value, "\"'")
		}
		if last := strings.TrimLeft(body[nl+1:], "\t"); last == delim {
			e = a + nl + 1
		}
	} else if r.Word != nil && strings.TrimLeft(body, "\t") == makeWord(r.Word, t).Value {
		e = a
	}
	return a, e
}

func (b *builder) parseNested(t *text, host *Command, w walker) {
	if len(t.s) > maxSrc {
		return
	}
	b.nested++
	f, err := parse(t.s)
	if err != nil {
		return
	}
	b.flat = false
	inner := walker{t: t, ctx: w.ctx | InShellString, depth: w.depth + 1, host: host, nest: w.nest + 1}
	b.list(f.Stmts, inner)
}
