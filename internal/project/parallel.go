package project

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelMin is the number of items (Dockerfiles, build contexts,
// directories) from which the loader spreads a step over the CPUs: below
// it, starting goroutines costs more than it saves (the tutorial project
// has a handful), as for the rules (rules.parallelSize).
const parallelMin = 32

// forEach calls fn(i) for every i in [0, n): in order on the calling
// goroutine when n < parallelMin or there is one CPU, else on up to
// GOMAXPROCS goroutines. fn(i) may only write what belongs to item i (a
// slot of a slice made beforehand); the caller merges the slots in order
// afterwards, so the result does not depend on the schedule. A panic in
// fn is raised again on the calling goroutine (where the CLI recovers it),
// after the other workers have stopped.
func forEach(n int, fn func(i int)) {
	forEachWith(n, func() struct{} { return struct{}{} }, func(_ struct{}, i int) { fn(i) })
}

// forEachWith is forEach with a state per goroutine (newState is called
// once by each): buffers reused from one item to the next.
func forEachWith[S any](n int, newState func() S, fn func(s S, i int)) {
	forEachFrom(parallelMin, n, newState, fn)
}

// forEachBig is forEach for a few big items (the chunks of a large compose
// model): on the CPUs however few they are.
func forEachBig(n int, fn func(i int)) {
	forEachFrom(2, n, func() struct{} { return struct{}{} }, func(_ struct{}, i int) { fn(i) })
}

// forEachFrom is forEachWith from minItems items on.
func forEachFrom[S any](minItems, n int, newState func() S, fn func(s S, i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if n < minItems || workers < 2 {
		if n > 0 {
			s := newState()
			for i := range n {
				fn(s, i)
			}
		}
		return
	}
	var (
		next     atomic.Int64
		stop     atomic.Bool
		panicked any
		once     sync.Once
		wg       sync.WaitGroup
	)
	work := func() {
		defer func() {
			if v := recover(); v != nil {
				once.Do(func() { panicked = v })
				stop.Store(true)
			}
		}()
		s := newState()
		for !stop.Load() {
			i := int(next.Add(1)) - 1
			if i >= n {
				return
			}
			fn(s, i)
		}
	}
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
}
