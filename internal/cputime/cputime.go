// Package cputime reads the CPU time the process has used, for benchmarks
// that report it next to the wall time: on a shared machine it is the
// steadier measure.
package cputime

import "time"

// Process is the CPU time (user + system, all threads) the process has
// used; ok is false where the platform does not say.
func Process() (d time.Duration, ok bool) { return process() }
