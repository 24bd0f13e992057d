package project

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/cputime"
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
// information `find DIR -type f` has. cpu-ms/op is the process's CPU time
// (user + system, every thread) per walk.
func BenchmarkContextWalk(b *testing.B) {
	dir := benchContext(b)
	benchWalk(b, func() *ContextFiles { return walkContext(newOSLister(dir), nil, MaxContextEntries) })
}

// BenchmarkContextWalkWorkers is BenchmarkContextWalk with 1 to 8
// directories read at once, and with the portable lister (package os).
func BenchmarkContextWalkWorkers(b *testing.B) {
	dir := benchContext(b)
	for _, workers := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			benchWalk(b, func() *ContextFiles { return walkContextN(newOSLister(dir), nil, MaxContextEntries, workers) })
		})
		b.Run(fmt.Sprintf("portable/workers=%d", workers), func(b *testing.B) {
			benchWalk(b, func() *ContextFiles { return walkContextN(newPortableLister(dir), nil, MaxContextEntries, workers) })
		})
	}
}

func benchWalk(b *testing.B, walk func() *ContextFiles) {
	b.ReportAllocs()
	cpu0, ok := cputime.Process()
	var cf *ContextFiles
	for b.Loop() {
		cf = walk()
	}
	b.ReportMetric(float64(len(cf.Files)), "entries")
	if cpu1, ok1 := cputime.Process(); ok && ok1 {
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkContextWalkSized is Files: the walk and the size of every
// file, the information `find DIR -type f -printf '%s'` has, in one walk
// (Files asked first).
func BenchmarkContextWalkSized(b *testing.B) {
	dir := benchContext(b)
	benchWalk(b, func() *ContextFiles {
		cf := walkContextSized(newOSLister(dir), nil, MaxContextEntries)
		b.ReportMetric(float64(cf.TotalSize)/(1<<20), "MiB")
		return cf
	})
}

// BenchmarkContextWalkSizedAfterListing is Files asked after Listing: the
// names walk, then the sizing pass that opens each directory again.
func BenchmarkContextWalkSizedAfterListing(b *testing.B) {
	dir := benchContext(b)
	benchWalk(b, func() *ContextFiles {
		l := newOSLister(dir)
		cf := walkContext(l, nil, MaxContextEntries)
		cf.fillSizes(l)
		return cf
	})
}

// BenchmarkScanContext reads and scans for secrets every file of the
// generated context that SE001 reads (all regular files outside
// node_modules): the secret scan alone, without the walk. cpu-ms/op is
// the process's CPU time (user + system, every thread) per scan, steadier
// than ns/op on a shared machine.
func BenchmarkScanContext(b *testing.B) {
	dir := benchContext(b)
	cf := walkContext(newOSLister(dir), nil, MaxContextEntries)
	var paths []string
	for _, f := range cf.Files {
		if f.Regular() && !strings.HasPrefix(f.Path, "node_modules/") {
			paths = append(paths, f.Path)
		}
	}
	b.ResetTimer()
	cpu0, ok := cputime.Process()
	for b.Loop() {
		p := &Project{Root: dir, Sources: map[string]*Source{}}
		p.ScanSecrets(paths)
		st := p.ScanStats()
		b.SetBytes(st.Bytes)
		b.ReportMetric(float64(st.Secrets), "secrets")
		b.ReportMetric(float64(st.Files), "files")
	}
	if cpu1, ok1 := cputime.Process(); ok && ok1 {
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}
