package project

import (
	"os"
	"testing"
)

// The walk benchmarks list the context in $ENVDOCTOR_BENCH_CONTEXT (a tree
// written by bench/gencontext, see bench/context.sh).

func benchContext(b *testing.B) string {
	dir := os.Getenv("ENVDOCTOR_BENCH_CONTEXT")
	if dir == "" {
		b.Skip("set ENVDOCTOR_BENCH_CONTEXT to a generated context (bench/context.sh)")
	}
	return dir
}

// BenchmarkContextWalk is Listing: names, types and .dockerignore, the
// information `find DIR -type f` has.
func BenchmarkContextWalk(b *testing.B) {
	dir := benchContext(b)
	for b.Loop() {
		cf := walkContext(newOSLister(dir), nil, MaxContextEntries)
		b.ReportMetric(float64(len(cf.Files)), "entries")
	}
}

// BenchmarkContextWalkSized is Files: the walk and the size of every
// file, the information `find DIR -type f -printf '%s'` has.
func BenchmarkContextWalkSized(b *testing.B) {
	dir := benchContext(b)
	for b.Loop() {
		l := newOSLister(dir)
		cf := walkContext(l, nil, MaxContextEntries)
		cf.fillSizes(l)
		b.ReportMetric(float64(cf.TotalSize)/(1<<20), "MiB")
	}
}
