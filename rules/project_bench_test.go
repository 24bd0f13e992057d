package rules

import (
	"context"
	"testing"
	"time"

	"github.com/envdoctor/envdoctor/internal/benchgen"
	"github.com/envdoctor/envdoctor/internal/cputime"
	"github.com/envdoctor/envdoctor/internal/project"
)

// BenchmarkRules500Services runs every rule over the generated
// 500-service project of internal/benchgen (the one internal/cli's
// BenchmarkLint500Services lints), as Run does (in parallel).
// BenchmarkRules500ServicesSequential runs them on one goroutine: its
// time is the rules' CPU time, steadier on a busy machine. The project is
// loaded afresh, untimed, before each run: the facts the rules derive and
// cache on it are part of the time. cpu-ms/op is the process's CPU time
// spent in the rules per run.
func BenchmarkRules500Services(b *testing.B) { benchRules500(b, 0) }

func BenchmarkRules500ServicesSequential(b *testing.B) { benchRules500(b, 1) }

func benchRules500(b *testing.B, workers int) {
	dir := b.TempDir()
	if err := benchgen.Write(dir, 500); err != nil {
		b.Fatal(err)
	}
	all := All()
	b.ReportAllocs()
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		p, err := project.Load(context.Background(), dir, project.Options{})
		if err != nil {
			b.Fatal(err)
		}
		cpu0, ok := cputime.Process()
		b.StartTimer()
		if workers == 0 {
			Run(p, all)
		} else {
			runWith(p, all, workers)
		}
		b.StopTimer()
		if cpu1, ok1 := cputime.Process(); ok && ok1 {
			cpu += cpu1 - cpu0
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
