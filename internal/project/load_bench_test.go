package project

import (
	"context"
	"testing"

	"github.com/envdoctor/envdoctor/internal/benchgen"
	"github.com/envdoctor/envdoctor/internal/cputime"
)

// BenchmarkLoad500Services loads a generated project of 500 built
// services (internal/benchgen), without git: compose-go's phases and the
// loaders that follow (Dockerfiles, ignore files, application files,
// manifests).
func BenchmarkLoad500Services(b *testing.B) {
	dir := b.TempDir()
	if err := benchgen.Write(dir, 500); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu0, ok := cputime.Process()
	for b.Loop() {
		p, err := Load(context.Background(), dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		p.Git.Close()
	}
	if cpu1, ok1 := cputime.Process(); ok && ok1 {
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}
