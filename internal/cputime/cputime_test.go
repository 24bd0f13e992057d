package cputime

import (
	"runtime"
	"testing"
	"time"
)

func TestProcessGrows(t *testing.T) {
	before, ok := Process()
	if !ok {
		t.Skipf("no process CPU time on %s", runtime.GOOS)
	}
	// Spin until the clock says 20 ms of work were done.
	for start := time.Now(); time.Since(start) < 20*time.Millisecond; {
	}
	after, _ := Process()
	if after <= before {
		t.Errorf("CPU time did not grow: %v then %v", before, after)
	}
}
