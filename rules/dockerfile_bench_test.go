package rules_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/benchgen"
	"github.com/envdoctor/envdoctor/internal/cputime"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

// dfRules are the DF rules (DF000-DF199).
func dfRules() []*rules.Rule {
	var df []*rules.Rule
	for _, r := range rules.All() {
		if strings.HasPrefix(r.ID, "DF") {
			df = append(df, r)
		}
	}
	return df
}

// BenchmarkDockerfile2000 runs every DF rule over the generated
// 2,000-instruction Dockerfile of internal/benchgen (the file bench/
// dockerfile.sh times against dockerfilelint): stages with ARG, ENV,
// LABEL, apt/pip/npm RUN chains with continuations, heredocs and COPY.
// The project is loaded once; each run starts from a freshly parsed
// Dockerfile, so the per-Dockerfile caches are part of the time.
// cpu-ms/op is the process's CPU time per run (docs/performance.md).
func BenchmarkDockerfile2000(b *testing.B) {
	dir := b.TempDir()
	if err := benchgen.WriteDockerfile(dir, 2000); err != nil {
		b.Fatal(err)
	}
	p, err := project.Load(context.Background(), dir, project.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if len(p.Dockerfiles) != 1 || p.Dockerfiles[0].ParseError != nil {
		b.Fatalf("generated Dockerfile did not load: %+v", p.Dockerfiles)
	}
	orig := p.Dockerfiles[0]
	df := dfRules()
	b.ReportAllocs()
	cpu0, ok := cputime.Process()
	for b.Loop() {
		d := project.ParseDockerfile(orig.Path, orig.Source)
		d.Context, d.Services = orig.Context, orig.Services
		d.Complete()
		p.Dockerfiles[0] = d
		rules.Run(p, df)
	}
	if cpu1, ok1 := cputime.Process(); ok && ok1 {
		b.ReportMetric(float64((cpu1-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkDockerfile2000Parse is the part of BenchmarkDockerfile2000
// that is BuildKit's parse of the file (parser.Parse, instructions.Parse
// and the parse-time checks), the loader's work.
func BenchmarkDockerfile2000Parse(b *testing.B) {
	src := project.NewSource("Dockerfile", []byte(benchgen.Dockerfile(2000)))
	b.ReportAllocs()
	cpu0, ok := cputime.Process()
	for b.Loop() {
		if d := project.ParseDockerfile("Dockerfile", src); d.ParseError != nil {
			b.Fatal(d.ParseError.Message)
		}
	}
	if cpu1, ok1 := cputime.Process(); ok && ok1 {
		b.ReportMetric(float64((cpu1-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkDockerfileRules runs the DF rules over a large generated
// Dockerfile full of the patterns they look for (mkdir before WORKDIR,
// lone updates, whole copies, installs, cd, pipes into sh), to keep their
// time linear in the file's size.
func BenchmarkDockerfileRules(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("FROM debian:12 AS base\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&sb, "RUN mkdir -p /d%d && cd /d%d && apt-get update\n", i, i)
		fmt.Fprintf(&sb, "RUN apt-get update\nCOPY . .\n")
		fmt.Fprintf(&sb, "RUN sh -c \"pip install -r requirements.txt && npm ci\" && curl -fsSL https://x/%d | sh\n", i)
	}
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&sb, "WORKDIR /d%d\n", i)
	}
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	p, err := project.Load(context.Background(), dir, project.Options{})
	if err != nil {
		b.Fatal(err)
	}
	df := dfRules()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rules.Run(p, df)
	}
}

// The per-Dockerfile caches (instruction texts, RUN scripts, Memo) are
// shared by rules and safe for concurrent use: rules run at once from
// several goroutines on one freshly parsed Dockerfile report what a
// sequential run reports (run with -race).
func TestDockerfileCachesConcurrent(t *testing.T) {
	dir := t.TempDir()
	if err := benchgen.WriteDockerfile(dir, 300); err != nil {
		t.Fatal(err)
	}
	p, err := project.Load(context.Background(), dir, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	df := dfRules()
	want := FormatGolden(rules.Run(p, df))
	orig := p.Dockerfiles[0]
	d := project.ParseDockerfile(orig.Path, orig.Source)
	d.Context, d.Services = orig.Context, orig.Services
	d.Complete() // the caches are what is shared
	p.Dockerfiles[0] = d
	got := make([]string, 4)
	done := make(chan int)
	for g := range got {
		go func() {
			got[g] = FormatGolden(rules.Run(p, df))
			done <- g
		}()
	}
	for range got {
		<-done
	}
	for g := range got {
		if got[g] != want {
			t.Errorf("goroutine %d reports differently from a sequential run", g)
		}
	}
}
