package project

import (
	"sync"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// dfMemo caches, per Dockerfile, the instruction texts and RUN scripts the
// rules ask for: a dozen rules read each RUN of a Dockerfile, and before
// the cache each read split the instruction again and parsed its shell
// again (two thirds of the lint of a 2,000-instruction Dockerfile). The
// values are shared: callers only read them.
type dfMemo struct {
	mu      sync.Mutex
	instrs  map[int]*InstructionText
	runs    map[*instructions.RunCommand]*RunScript
	derived map[string]any
}

func (m *dfMemo) instruction(start int, compute func(int) *InstructionText) *InstructionText {
	m.mu.Lock()
	in, ok := m.instrs[start]
	m.mu.Unlock()
	if ok {
		return in
	}
	in = compute(start)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.instrs == nil {
		m.instrs = map[int]*InstructionText{}
	}
	if prev, ok := m.instrs[start]; ok {
		return prev
	}
	m.instrs[start] = in
	return in
}

func (m *dfMemo) runScript(run *instructions.RunCommand, compute func(*instructions.RunCommand) *RunScript) *RunScript {
	m.mu.Lock()
	rs, ok := m.runs[run]
	m.mu.Unlock()
	if ok {
		return rs
	}
	rs = compute(run)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.runs == nil {
		m.runs = map[*instructions.RunCommand]*RunScript{}
	}
	if prev, ok := m.runs[run]; ok {
		return prev
	}
	m.runs[run] = rs
	return rs
}

// Derived returns the value computed for key on this Dockerfile, calling
// compute only the first time: for facts several rules derive from the
// same Dockerfile (BuildKit's dispatch-time warnings, which a dozen DF1xx
// rules filter). The value is shared and must not be changed.
func (d *Dockerfile) Derived(key string, compute func() any) any {
	m := &d.memo
	m.mu.Lock()
	v, ok := m.derived[key]
	m.mu.Unlock()
	if ok {
		return v
	}
	v = compute()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.derived == nil {
		m.derived = map[string]any{}
	}
	if prev, ok := m.derived[key]; ok {
		return prev
	}
	m.derived[key] = v
	return v
}
