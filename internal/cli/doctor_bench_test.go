package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/envdoctor/envdoctor/checks"
)

// benchmarkDoctor runs the whole `envdoctor doctor` of the tutorial's
// project in-process with the real machine (RealEnv): every probe and the
// lint. environ is added to the process environment.
func benchmarkDoctor(b *testing.B, environ ...string) {
	dir, err := filepath.Abs("../../testdata/projects/flask-postgres")
	if err != nil {
		b.Fatal(err)
	}
	env := Env{
		Stdout: io.Discard, Stderr: io.Discard,
		Environ:    append(os.Environ(), environ...),
		Getwd:      func() (string, error) { return dir, nil },
		IsTerminal: func(io.Writer) bool { return false },
		Probes:     checks.RealEnv,
	}
	for b.Loop() {
		if code := Run(context.Background(), []string{"doctor", "-q"}, env); code == ExitError {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkDoctorEngineDown: DOCKER_HOST points at a socket that does not
// exist (target: the whole doctor under 2 s).
func BenchmarkDoctorEngineDown(b *testing.B) {
	benchmarkDoctor(b, "DOCKER_HOST=unix://"+filepath.Join(b.TempDir(), "no-engine.sock"))
}

// BenchmarkDoctorEngineUp: the engine the docker CLI would use (target:
// under 1 s). Skipped when no engine answers.
func BenchmarkDoctorEngineUp(b *testing.B) {
	if e := checks.NewFacts(checks.RealEnv(checks.RealOptions{})).Engine(context.Background()); !e.Up() {
		b.Skip("no Docker engine answers: start dockerd to run this benchmark")
	}
	benchmarkDoctor(b)
}
