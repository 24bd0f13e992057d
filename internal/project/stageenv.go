package project

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Expander expands a word of an instruction (a COPY source, a WORKDIR) the
// way BuildKit does at that instruction. ok is false when the result
// depends on a value that cannot be known statically.
type Expander func(word string) (result string, ok bool)

// WalkStage calls fn for each command of stage si, in order, with an
// Expander for the variables in effect at that command: the ENVs of the
// stage it builds on when that is an earlier stage of the file, then the
// stage's own ARGs (compose build args over defaults; an ARG without a
// default takes the value of the global ARG of the same name) and ENVs (ENV
// wins over ARG), as BuildKit's dispatcher sets them
// (dockerfile2llb dispatchArg and dispatchEnv).
//
// Every variable not set in the file is unknown, not empty: the base image
// may set it (its ENV is not known without pulling it), a build may pass it
// with --build-arg, and BuildKit's platform args depend on the machine.
func (d *Dockerfile) WalkStage(si int, fn func(ci int, cmd instructions.Command, expand Expander)) {
	if si < 0 || si >= len(d.Stages) {
		return
	}
	steps, _ := d.Derived(stageStepsKey{si}, func() any { return d.walkStage(si) }).([]stageStep)
	for ci, s := range steps {
		fn(ci, s.cmd, s.expand)
	}
}

// stageStep is a command of a stage with the Expander in effect at it.
type stageStep struct {
	cmd    instructions.Command
	expand Expander
}

// stageStepsKey memoises the walk of a stage: several rules walk the same
// stages, and an Expander is safe for concurrent use.
type stageStepsKey struct{ stage int }

func (d *Dockerfile) walkStage(si int) []stageStep {
	w := d.newEnvWalk()
	defer w.release()
	env := w.stageStartEnv(si, 0)
	cmds := d.Stages[si].Commands
	steps := make([]stageStep, len(cmds))
	for ci, cmd := range cmds {
		steps[ci] = stageStep{cmd, env.expander(w.escape)}
		w.apply(env, cmd)
	}
	return steps
}

// stageEnv holds the variables with a known value; every other name is
// unknown.
type stageEnv struct {
	vals map[string]string
	// env marks names set by ENV, which a later ARG does not override.
	env        map[string]bool
	hitUnknown bool
	// shared is true once an Expander holds vals: the next change copies
	// them first (copy on write), so every Expander keeps its snapshot.
	shared bool
}

func (e *stageEnv) Get(key string) (string, bool) {
	if v, ok := e.vals[key]; ok {
		return v, true
	}
	e.hitUnknown = true
	return "", false
}

func (e *stageEnv) Keys() []string {
	keys := make([]string, 0, len(e.vals))
	for k := range e.vals {
		keys = append(keys, k)
	}
	return keys
}

func (e *stageEnv) expand(lex *shell.Lex, word string) (string, bool) {
	e.hitUnknown = false
	res, err := lex.ProcessWordWithMatches(word, e)
	if err != nil || e.hitUnknown {
		return res.Result, false
	}
	return res.Result, true
}

// expander returns an Expander over a snapshot of the values: later
// commands change e, not the snapshot. It takes a lexer of its own for
// each word, so it is safe for concurrent use.
func (e *stageEnv) expander(escape rune) Expander {
	e.shared = true
	vals := e.vals
	return func(word string) (string, bool) {
		if !strings.ContainsAny(word, "$\\'\"`") {
			return word, true // nothing for the lexer to do
		}
		lex := GetLexer(escape)
		defer PutLexer(escape, lex)
		return (&stageEnv{vals: vals}).expand(lex, word)
	}
}

// set records a value (known) or forgets it (unknown).
func (e *stageEnv) set(key, value string, known bool) {
	if e.shared {
		vals := make(map[string]string, len(e.vals)+1)
		for k, v := range e.vals {
			vals[k] = v
		}
		e.vals, e.shared = vals, false
	}
	if known {
		e.vals[key] = value
	} else {
		delete(e.vals, key)
	}
}

// envWalk is the state shared by the stages of one walk: a lexer (costly
// to make: it holds a scanner buffer; given back by release) and the meta
// ARGs (shared, read only).
type envWalk struct {
	d      *Dockerfile
	escape rune
	lex    *shell.Lex
	meta   *dfMetaEnv
}

func (d *Dockerfile) newEnvWalk() *envWalk {
	escape := d.EscapeToken()
	return &envWalk{d: d, escape: escape, lex: GetLexer(escape), meta: d.sharedMetaEnv()}
}

// release gives the walk's lexer back.
func (w *envWalk) release() {
	PutLexer(w.escape, w.lex)
	w.lex = nil
}

// stageEndKey memoises the environment at the end of a stage (its ENV
// names with their values, for the stages built FROM it).
type stageEndKey struct{ stage int }

// stageStartEnv is the environment a stage starts with: the final ENVs of
// the earlier stage it is built FROM, or nothing known (an image).
func (w *envWalk) stageStartEnv(si, depth int) *stageEnv {
	d := w.d
	env := &stageEnv{vals: map[string]string{}, env: map[string]bool{}}
	if depth > len(d.Stages) {
		return env
	}
	base, ok := d.ExpandMetaArgs(d.Stages[si].BaseName)
	if !ok {
		return env
	}
	for pi := 0; pi < si; pi++ {
		if d.Stages[pi].Name != "" && strings.EqualFold(d.Stages[pi].Name, base) {
			parent := d.Derived(stageEndKey{pi}, func() any {
				// A walk of its own: this one's lexer is in use.
				pw := d.newEnvWalk()
				defer pw.release()
				end := pw.stageStartEnv(pi, depth+1)
				for _, cmd := range d.Stages[pi].Commands {
					pw.apply(end, cmd)
				}
				return end
			}).(*stageEnv)
			for k := range parent.env {
				v, known := parent.vals[k]
				env.set(k, v, known)
				env.env[k] = true
			}
			break
		}
	}
	return env
}

// apply updates env after an ARG or ENV command.
func (w *envWalk) apply(env *stageEnv, cmd instructions.Command) {
	d, lex := w.d, w.lex
	switch c := cmd.(type) {
	case *instructions.ArgCommand:
		for _, kp := range c.Args {
			if env.env[kp.Key] {
				continue // ENV wins over ARG
			}
			var value string
			known := false
			if v, given := d.BuildArgs[kp.Key]; given {
				if v != nil {
					value, known = *v, true
				}
			} else if kp.Value != nil {
				value, known = env.expand(lex, *kp.Value)
			} else if v, ok := w.meta.vals[kp.Key]; ok {
				value, known = v, true
			}
			env.set(kp.Key, value, known)
		}
	case *instructions.EnvCommand:
		// All values of one ENV are expanded with the variables before it.
		type kv struct {
			k, v  string
			known bool
		}
		set := make([]kv, 0, len(c.Env))
		for _, p := range c.Env {
			v, ok := env.expand(lex, p.Value)
			set = append(set, kv{p.Key, v, ok})
		}
		for _, s := range set {
			env.env[s.k] = true
			env.set(s.k, s.v, s.known)
		}
	}
}
