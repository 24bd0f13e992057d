package project

import (
	"sync"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// dfCache memoises, per Dockerfile, what several rules ask for again and
// again: the text of an instruction (instructionAt), the parsed script of
// a RUN (RunScript), and the derived facts rules store with Memo. Entries
// are computed on first use, outside the lock, and shared; it is safe for
// concurrent use.
//
// Instruction words carry file ranges, which include LineOffset and
// ColOffset: a loader sets those after parsing (dockerfile_inline), so the
// entries are dropped when the offsets are not the ones they were computed
// with.
type dfCache struct {
	mu     sync.Mutex
	offset [2]int
	instr  map[int]*InstructionText
	runs   map[*instructions.RunCommand]*RunScript
	memo   map[any]any
}

// sync drops the entries when d's offsets changed; mu must be held.
func (c *dfCache) sync(d *Dockerfile) {
	if off := [2]int{d.LineOffset, d.ColOffset}; off != c.offset {
		c.offset = off
		c.instr, c.runs, c.memo = nil, nil, nil
	}
}

func (c *dfCache) instruction(d *Dockerfile, start int) (*InstructionText, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sync(d)
	in, ok := c.instr[start]
	return in, ok
}

func (c *dfCache) storeInstruction(d *Dockerfile, start int, in *InstructionText) *InstructionText {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sync(d)
	if prev, ok := c.instr[start]; ok {
		return prev // another goroutine was first
	}
	if c.instr == nil {
		c.instr = map[int]*InstructionText{}
	}
	c.instr[start] = in
	return in
}

func (c *dfCache) run(d *Dockerfile, run *instructions.RunCommand) (*RunScript, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sync(d)
	rs, ok := c.runs[run]
	return rs, ok
}

func (c *dfCache) storeRun(d *Dockerfile, run *instructions.RunCommand, rs *RunScript) *RunScript {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sync(d)
	if prev, ok := c.runs[run]; ok {
		return prev
	}
	if c.runs == nil {
		c.runs = map[*instructions.RunCommand]*RunScript{}
	}
	c.runs[run] = rs
	return rs
}

// instructionAt is buildInstructionAt, memoised. The result is shared:
// callers must not modify it.
func (d *Dockerfile) instructionAt(start int) *InstructionText {
	if in, ok := d.cache.instruction(d, start); ok {
		return in
	}
	return d.cache.storeInstruction(d, start, d.buildInstructionAt(start))
}

// Memo returns the value compute returns for key, computed once per
// Dockerfile and then shared: the way rules keep a derived fact (the
// stages walked with their WORKDIR and USER, BuildKit's dispatch-time
// warnings) that several of them read, without global state. key must be
// comparable, and of a type private to the caller so that callers cannot
// collide (a struct{} type per fact, or a struct with the fact's
// parameters). The value must be computed from the Dockerfile as loaded
// (its text, Target, BuildArgs, Context) and never modified by readers.
// When two goroutines compute the same key at once, the first to finish
// wins and both get its value.
func (d *Dockerfile) Memo(key any, compute func() any) any {
	c := &d.cache
	c.mu.Lock()
	c.sync(d)
	v, ok := c.memo[key]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = compute()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sync(d)
	if prev, ok := c.memo[key]; ok {
		return prev
	}
	if c.memo == nil {
		c.memo = map[any]any{}
	}
	c.memo[key] = v
	return v
}
