package cli

import (
	"context"
	"io"
	"testing"

	"github.com/envdoctor/envdoctor/internal/benchgen"
)

// TestLintAllocationsGrowLinearly guards issue 3's "1,000 services within
// 2.2x of 500" without timing anything: allocations do not depend on the
// machine's load, and work that grows with the square of the project (a
// rule looping over every service for every build context) grows the
// allocations with it. The lint of 240 services must allocate at most
// 2.3 times what the lint of 120 allocates (a quadratic step makes it 3
// to 4 times). The benchmarks (BenchmarkLint500Services,
// BenchmarkLint1000Services) measure the time.
func TestLintAllocationsGrowLinearly(t *testing.T) {
	if testing.Short() {
		t.Skip("lints two generated projects")
	}
	allocs := func(services int) float64 {
		dir := t.TempDir()
		if err := benchgen.Write(dir, services); err != nil {
			t.Fatal(err)
		}
		env := Env{
			Stdout: io.Discard, Stderr: io.Discard,
			Getwd:      func() (string, error) { return dir, nil },
			IsTerminal: func(io.Writer) bool { return false },
		}
		// One warm-up run inside AllocsPerRun, then the average of two.
		return testing.AllocsPerRun(2, func() {
			if code := Run(context.Background(), []string{"lint"}, env); code == ExitError {
				t.Fatalf("exit %d", code)
			}
		})
	}
	small, large := allocs(120), allocs(240)
	t.Logf("allocations: %.0f for 120 services, %.0f for 240 (x%.2f)", small, large, large/small)
	if large > 2.3*small {
		t.Errorf("240 services allocate %.2f times what 120 do (%.0f against %.0f): something grows faster than the project", large/small, large, small)
	}
}
