package binddefaults

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// maxScript bounds the scripts parsed, so a huge generated CMD cannot make
// a run slow.
const maxScript = 64 << 10

// shell handles `sh -c 'script' ...`: the script's commands are read in
// order, with the variables it exports, and the first server wins.
func (a *analyzer) shell(words []Word, env map[string]string, depth int) (Result, bool) {
	hasC := false
	i := 1
	for i < len(words) {
		v := words[i].Value
		if v == "-o" || v == "+o" || v == "-O" || v == "+O" {
			i += 2
			continue
		}
		if v == "--" {
			i++
			break
		}
		if (strings.HasPrefix(v, "-") || strings.HasPrefix(v, "+")) && len(v) > 1 {
			if !strings.HasPrefix(v, "--") && strings.HasPrefix(v, "-") && strings.Contains(v[1:], "c") {
				hasC = true
			}
			i++
			continue
		}
		break
	}
	if i >= len(words) || words[i].Unknown {
		return Result{}, false
	}
	if !hasC {
		// sh script.sh args: the script, when the project has it.
		return a.through(words[i], true, words[i+1:], env, depth)
	}
	return a.script(words[i], env, depth)
}

// script reads the commands of a shell script given as one word.
func (a *analyzer) script(sw Word, env map[string]string, depth int) (Result, bool) {
	if len(sw.Value) > maxScript {
		return Result{}, false
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(sw.Value), "")
	if err != nil {
		return Result{}, false
	}
	st := &shellState{a: a, outer: sw, env: env, vars: map[string]string{}, depth: depth}
	for k, v := range env {
		st.vars[k] = v
	}
	return st.stmts(f.Stmts)
}

type shellState struct {
	a     *analyzer
	outer Word
	// env is what child processes inherit; vars are all shell variables.
	env   map[string]string
	vars  map[string]string
	depth int
}

func (st *shellState) stmts(list []*syntax.Stmt) (Result, bool) {
	for _, s := range list {
		if r, ok := st.stmt(s); ok {
			return r, true
		}
	}
	return Result{}, false
}

func (st *shellState) stmt(s *syntax.Stmt) (Result, bool) {
	if s == nil {
		return Result{}, false
	}
	switch c := s.Cmd.(type) {
	case *syntax.CallExpr:
		return st.call(c)
	case *syntax.DeclClause:
		if c.Variant != nil && c.Variant.Value == "export" {
			for _, as := range c.Args {
				st.assign(as, true)
			}
		}
	case *syntax.BinaryCmd:
		if r, ok := st.stmt(c.X); ok {
			return r, true
		}
		return st.stmt(c.Y)
	case *syntax.Block:
		return st.stmts(c.Stmts)
	case *syntax.Subshell:
		return st.stmts(c.Stmts)
	case *syntax.IfClause:
		for ic := c; ic != nil; ic = ic.Else {
			if r, ok := st.stmts(ic.Then); ok {
				return r, true
			}
		}
	}
	return Result{}, false
}

// assign applies NAME=value; exported (or already in the environment)
// variables reach child processes.
func (st *shellState) assign(as *syntax.Assign, export bool) {
	if as == nil || as.Name == nil {
		return
	}
	name := as.Name.Value
	if as.Naked {
		if export {
			if v, ok := st.vars[name]; ok {
				st.env[name] = v
			}
		}
		return
	}
	value, unknown := st.expand(as.Value)
	if as.Append || as.Array != nil || as.Index != nil {
		unknown = true
	}
	_, inEnv := st.env[name]
	_, inEnvUnknown := st.env[unknownPrefix+name]
	if unknown {
		delete(st.vars, name)
		st.vars[unknownPrefix+name] = ""
		if export || inEnv || inEnvUnknown {
			delete(st.env, name)
			st.env[unknownPrefix+name] = ""
		}
		return
	}
	st.vars[name] = value
	delete(st.vars, unknownPrefix+name)
	if export || inEnv || inEnvUnknown {
		st.env[name] = value
		delete(st.env, unknownPrefix+name)
	}
}

func (st *shellState) call(c *syntax.CallExpr) (Result, bool) {
	if len(c.Args) == 0 {
		for _, as := range c.Assigns {
			st.assign(as, false)
		}
		return Result{}, false
	}
	// NAME=value cmd: the variables reach that command only.
	cmdEnv := make(map[string]string, len(st.env)+len(c.Assigns))
	for k, v := range st.env {
		cmdEnv[k] = v
	}
	for _, as := range c.Assigns {
		if as.Name == nil || as.Naked {
			continue
		}
		v, unknown := st.expand(as.Value)
		if unknown {
			delete(cmdEnv, as.Name.Value)
			cmdEnv[unknownPrefix+as.Name.Value] = ""
		} else {
			cmdEnv[as.Name.Value] = v
			delete(cmdEnv, unknownPrefix+as.Name.Value)
		}
	}
	words := make([]Word, 0, len(c.Args))
	for _, w := range c.Args {
		words = append(words, st.word(w))
	}
	if len(words) > 0 && words[0].Value == "export" && !words[0].Unknown {
		return Result{}, false
	}
	return st.a.find(words, cmdEnv, st.depth)
}

// word expands a script word and locates it in the outer word's file.
func (st *shellState) word(w *syntax.Word) Word {
	value, unknown := st.expand(w)
	out := Word{Value: value, Unknown: unknown}
	at := st.outer.Loc.At
	if at == nil {
		return out
	}
	s, e := int(w.Pos().Offset()), int(w.End().Offset())
	if s < 0 || e > len(st.outer.Value) || e < s {
		return out
	}
	file := st.outer.Loc.Range.File
	out.Loc = Loc{Range: finding.Range{File: file, Start: at(s), End: at(e)}, Syntax: SyntaxShell}
	if unknown || len(w.Parts) != 1 {
		return out
	}
	// A value written as is (no escapes) maps byte by byte.
	switch p := w.Parts[0].(type) {
	case *syntax.Lit:
		if !strings.Contains(p.Value, `\`) {
			out.Loc.At = func(i int) finding.Pos { return at(s + i) }
		}
	case *syntax.SglQuoted:
		if !p.Dollar {
			out.Loc.At = func(i int) finding.Pos { return at(s + 1 + i) }
		}
	case *syntax.DblQuoted:
		if len(p.Parts) == 1 {
			if lit, ok := p.Parts[0].(*syntax.Lit); ok && !strings.Contains(lit.Value, `\`) {
				out.Loc.At = func(i int) finding.Pos { return at(s + 1 + i) }
			}
		}
	}
	return out
}

// expand computes a word's value; unknown is true when it depends on a
// command substitution, arithmetic, or a variable without a known value.
func (st *shellState) expand(w *syntax.Word) (string, bool) {
	if w == nil {
		return "", false
	}
	var b strings.Builder
	unknown := false
	for _, part := range w.Parts {
		v, u := st.part(part, false)
		b.WriteString(v)
		unknown = unknown || u
	}
	return b.String(), unknown
}

func (st *shellState) part(part syntax.WordPart, quoted bool) (string, bool) {
	switch p := part.(type) {
	case *syntax.Lit:
		return unescape(p.Value, quoted), false
	case *syntax.SglQuoted:
		if p.Dollar {
			return p.Value, strings.Contains(p.Value, `\`)
		}
		return p.Value, false
	case *syntax.DblQuoted:
		var b strings.Builder
		unknown := false
		for _, inner := range p.Parts {
			v, u := st.part(inner, true)
			b.WriteString(v)
			unknown = unknown || u
		}
		return b.String(), unknown
	case *syntax.ParamExp:
		return st.param(p)
	}
	return "", true
}

// param expands $NAME, ${NAME}, ${NAME:-word} and ${NAME-word}.
func (st *shellState) param(p *syntax.ParamExp) (string, bool) {
	if p.Param == nil || p.Excl || p.Length || p.Width || p.Index != nil || p.Slice != nil || p.Repl != nil || p.Names != 0 {
		return "", true
	}
	name := p.Param.Value
	if _, ok := st.vars[unknownPrefix+name]; ok {
		return "", true
	}
	v, set := st.vars[name]
	if p.Exp == nil {
		return v, !set
	}
	switch p.Exp.Op {
	case syntax.DefaultUnsetOrNull:
		if set && v != "" {
			return v, false
		}
		return st.expand(p.Exp.Word)
	case syntax.DefaultUnset:
		if set {
			return v, false
		}
		return st.expand(p.Exp.Word)
	}
	return "", true
}

// unescape removes the backslashes of an unquoted literal (or, inside
// double quotes, those before $ ` " \ and newline).
func unescape(s string, quoted bool) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		next := s[i+1]
		if quoted && !strings.ContainsRune("$`\"\\\n", rune(next)) {
			b.WriteByte(c)
			continue
		}
		i++
		if next != '\n' {
			b.WriteByte(next)
		}
	}
	return b.String()
}
