package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/envdoctor/envdoctor/internal/benchgen"
	"github.com/envdoctor/envdoctor/internal/cputime"
)

// BenchmarkLintExample measures the whole in-process `envdoctor lint` of the
// tutorial's project: load (compose-go, YAML index, env files, Dockerfile),
// every rule, the pipeline and the text report.
func BenchmarkLintExample(b *testing.B) {
	dir, err := filepath.Abs("../../testdata/projects/flask-postgres")
	if err != nil {
		b.Fatal(err)
	}
	env := Env{
		Stdout: io.Discard, Stderr: io.Discard,
		Environ:    tutorialShell,
		Getwd:      func() (string, error) { return dir, nil },
		IsTerminal: func(io.Writer) bool { return false },
	}
	b.ReportAllocs()
	for b.Loop() {
		if code := Run(context.Background(), []string{"lint"}, env); code != ExitFindings {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkLintExampleSARIF is the same run with the SARIF report.
func BenchmarkLintExampleSARIF(b *testing.B) {
	dir, err := filepath.Abs("../../testdata/projects/flask-postgres")
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	env := Env{
		Stdout: &out, Stderr: io.Discard,
		Environ:    tutorialShell,
		Getwd:      func() (string, error) { return dir, nil },
		IsTerminal: func(io.Writer) bool { return false },
	}
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		Run(context.Background(), []string{"lint", "--format", "sarif"}, env)
	}
}

// BenchmarkLint500Services and BenchmarkLint1000Services lint a generated
// project (internal/benchgen: builds, ports, environment with
// interpolation, depends_on, volumes, a .env and one Dockerfile per built
// service). bench/compare.sh times the same project against dclint; the
// results are in docs/performance.md.
func BenchmarkLint500Services(b *testing.B)  { benchLintGenerated(b, 500) }
func BenchmarkLint1000Services(b *testing.B) { benchLintGenerated(b, 1000) }

func benchLintGenerated(b *testing.B, services int) {
	dir := b.TempDir()
	if err := benchgen.Write(dir, services); err != nil {
		b.Fatal(err)
	}
	benchLintDir(b, dir)
}

// benchLintDir times `envdoctor lint` of dir, in process, and reports the
// CPU time per run next to the wall time: all the process's threads, the
// collector's work included (on a shared machine, the steadier figure).
func benchLintDir(b *testing.B, dir string) {
	env := Env{
		Stdout: io.Discard, Stderr: io.Discard,
		Getwd:      func() (string, error) { return dir, nil },
		IsTerminal: func(io.Writer) bool { return false },
	}
	b.ReportAllocs()
	cpu0, ok := cputime.Process()
	for b.Loop() {
		if code := Run(context.Background(), []string{"lint"}, env); code == ExitError {
			b.Fatalf("exit %d", code)
		}
	}
	if cpu1, ok1 := cputime.Process(); ok && ok1 {
		b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkLintGeneratedContext lints the context in
// $ENVDOCTOR_BENCH_CONTEXT (written by bench/gencontext; see
// bench/context.sh): the context walk and the secret scan dominate.
func BenchmarkLintGeneratedContext(b *testing.B) {
	dir := os.Getenv("ENVDOCTOR_BENCH_CONTEXT")
	if dir == "" {
		b.Skip("set ENVDOCTOR_BENCH_CONTEXT to a generated context (bench/context.sh)")
	}
	benchLintDir(b, dir)
}
