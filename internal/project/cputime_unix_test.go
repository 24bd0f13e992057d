//go:build unix

package project

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) the test process has used: on
// a shared machine, a steadier measure than the wall time.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
