package project

import (
	"os"
	"testing"
)

// BenchmarkContextWalk lists the context in $ENVDOCTOR_BENCH_CONTEXT (a tree
// written by bench/gencontext, see bench/context.sh).
func BenchmarkContextWalk(b *testing.B) {
	dir := os.Getenv("ENVDOCTOR_BENCH_CONTEXT")
	if dir == "" {
		b.Skip("set ENVDOCTOR_BENCH_CONTEXT to a generated context (bench/context.sh)")
	}
	for i := 0; i < b.N; i++ {
		cf := walkContext(newOSLister(dir), nil, MaxContextEntries)
		b.ReportMetric(float64(len(cf.Files)), "entries")
	}
}
