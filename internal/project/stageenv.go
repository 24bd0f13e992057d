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
	lex := shell.NewLex(d.EscapeToken())
	env := d.stageStartEnv(si, 0, lex)
	st := d.Stages[si]
	var expand Expander
	for ci, cmd := range st.Commands {
		if expand == nil {
			expand = env.expander(lex)
		}
		fn(ci, cmd, expand)
		if changesEnv(cmd) {
			d.applyToEnv(env, cmd, lex)
			expand = nil // a new snapshot for the commands after it
		}
	}
}

// changesEnv reports whether applyToEnv changes anything for cmd.
func changesEnv(cmd instructions.Command) bool {
	switch cmd.(type) {
	case *instructions.ArgCommand, *instructions.EnvCommand:
		return true
	}
	return false
}

// stageEnv holds the variables with a known value; every other name is
// unknown.
type stageEnv struct {
	vals map[string]string
	// env marks names set by ENV, which a later ARG does not override.
	env        map[string]bool
	hitUnknown bool
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

// expander expands with a snapshot of e (later commands change e) and
// lex; like the walk that makes it, it is not for concurrent use.
func (e *stageEnv) expander(lex *shell.Lex) Expander {
	snap := &stageEnv{vals: make(map[string]string, len(e.vals))}
	for k, v := range e.vals {
		snap.vals[k] = v
	}
	return func(word string) (string, bool) { return snap.expand(lex, word) }
}

// stageStartEnv is the environment a stage starts with: the final ENVs of
// the earlier stage it is built FROM, or nothing known (an image).
func (d *Dockerfile) stageStartEnv(si, depth int, lex *shell.Lex) *stageEnv {
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
			parent := d.stageStartEnv(pi, depth+1, lex)
			for _, cmd := range d.Stages[pi].Commands {
				d.applyToEnv(parent, cmd, lex)
			}
			for k := range parent.env {
				env.vals[k] = parent.vals[k]
				env.env[k] = true
			}
			break
		}
	}
	return env
}

// applyToEnv updates env after an ARG or ENV command.
func (d *Dockerfile) applyToEnv(env *stageEnv, cmd instructions.Command, lex *shell.Lex) {
	switch c := cmd.(type) {
	case *instructions.ArgCommand:
		meta := d.metaEnv()
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
			} else if v, ok := meta.vals[kp.Key]; ok {
				value, known = v, true
			}
			if known {
				env.vals[kp.Key] = value
			} else {
				delete(env.vals, kp.Key)
			}
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
			if s.known {
				env.vals[s.k] = s.v
			} else {
				delete(env.vals, s.k)
			}
		}
	}
}
