package project

import (
	"sync"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// Facts derived from the model are computed once per project, the first
// time a rule asks, and shared by the rules after it: rules may run in
// parallel, so each cache is safe for concurrent use. What they hold is
// never changed by its readers.

// derivedFacts is Project.Derived's cache.
type derivedFacts struct {
	mu      sync.Mutex
	entries map[any]*derivedEntry
}

type derivedEntry struct {
	once sync.Once
	v    any
	// panicked is what compute panicked with: every caller panics with
	// it, as each would have computing the fact itself.
	panicked any
}

// Derived returns the fact named by key (a comparable value of a type
// private to the caller, so that packages cannot collide), computing it with
// compute the first time. Concurrent callers of one key wait for the one
// computation.
func (p *Project) Derived(key any, compute func() any) any {
	return p.derived.get(key, compute)
}

// Derived is Project.Derived for facts of one Dockerfile (the stages
// walked with their WORKDIR and USER, BuildKit's dispatch-time warnings):
// computed from the Dockerfile as loaded (its text, Target, BuildArgs,
// Context). Asked while the loader is still setting those, it computes
// without keeping the value.
func (d *Dockerfile) Derived(key any, compute func() any) any {
	d.cache.mu.Lock()
	complete := d.cache.complete
	d.cache.mu.Unlock()
	if !complete {
		return compute()
	}
	return d.cache.facts.get(key, compute)
}

// Complete says the Dockerfile is set up (Target, BuildArgs, Context,
// offsets): from now on, Derived keeps what it computes. The loader calls
// it once the builds are loaded, before the steps that read the
// Dockerfiles' facts (loadContainerScripts); a caller that builds a Dockerfile itself
// (ParseDockerfile, then its own settings) calls it once done.
func (d *Dockerfile) Complete() {
	d.cache.mu.Lock()
	d.cache.complete = true
	d.cache.mu.Unlock()
}

// instructionAt is buildInstructionAt, cached. The result is shared:
// callers must not modify it.
func (d *Dockerfile) instructionAt(start int) *InstructionText {
	return d.cachedInstruction(start, d.buildInstructionAt)
}

// Derived is Project.Derived for facts of the compose files alone.
func (c *Compose) Derived(key any, compute func() any) any {
	return c.derived.get(key, compute)
}

func (f *derivedFacts) get(key any, compute func() any) any {
	f.mu.Lock()
	if f.entries == nil {
		f.entries = map[any]*derivedEntry{}
	}
	e, ok := f.entries[key]
	if !ok {
		e = &derivedEntry{}
		f.entries[key] = e
	}
	f.mu.Unlock()
	e.once.Do(func() {
		defer func() {
			if r := recover(); r != nil {
				e.panicked = r
			}
		}()
		e.v = compute()
	})
	if e.panicked != nil {
		panic(e.panicked)
	}
	return e.v
}

// dockerfileCache holds a Dockerfile's instruction texts, RUN scripts and
// FROM expansions:
// several rules read the same instruction. Their ranges are in the file
// the Dockerfile is in, so they are cached under the offsets they were
// computed with (a dockerfile_inline gets its offsets after parsing); and
// only once the file has parsed, which fixes the escape token.
type dockerfileCache struct {
	mu      sync.Mutex
	instr   map[instrKey]*InstructionText
	scripts map[scriptKey]*RunScript
	// meta holds ExpandMetaArgs' results, which depend on the build args
	// and target the loader sets: only once complete (the load is over).
	meta     map[string]metaResult
	complete bool
	// facts are Dockerfile.Derived's values.
	facts derivedFacts
}

type metaResult struct {
	s  string
	ok bool
}

type instrKey struct{ line, lineOffset, colOffset int }

type scriptKey struct {
	run                   *instructions.RunCommand
	lineOffset, colOffset int
}

func (d *Dockerfile) cachedInstruction(start int, read func(int) *InstructionText) *InstructionText {
	if d.AST == nil {
		return read(start)
	}
	return cached(&d.cache.mu, &d.cache.instr, instrKey{start, d.LineOffset, d.ColOffset}, func() *InstructionText { return read(start) })
}

func (d *Dockerfile) cachedRunScript(run *instructions.RunCommand, parse func(*instructions.RunCommand) *RunScript) *RunScript {
	if d.AST == nil {
		return parse(run)
	}
	return cached(&d.cache.mu, &d.cache.scripts, scriptKey{run, d.LineOffset, d.ColOffset}, func() *RunScript { return parse(run) })
}

// cached looks key up in *m, computing and storing it when missing. The
// computation runs outside the lock: two callers may both compute a value,
// the first one stored is kept.
func cached[K comparable, V any](mu *sync.Mutex, m *map[K]V, key K, compute func() V) V {
	mu.Lock()
	v, ok := (*m)[key]
	mu.Unlock()
	if ok {
		return v
	}
	v = compute()
	mu.Lock()
	defer mu.Unlock()
	if prev, ok := (*m)[key]; ok {
		return prev
	}
	if *m == nil {
		*m = map[K]V{}
	}
	(*m)[key] = v
	return v
}
