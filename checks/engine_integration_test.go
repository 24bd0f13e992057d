package checks

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// realEngine returns the real Env when a Docker engine answers. Outside CI
// the test is skipped with the reason; with ENVDOCTOR_REQUIRE_ENGINE=1 (set
// by .ci/run, which starts dockerd) a missing engine fails the test.
func realEngine(t *testing.T) (*Env, *Engine) {
	t.Helper()
	env := RealEnv(RealOptions{})
	e := NewFacts(env).Engine(context.Background())
	if !e.Up() {
		msg := "no Docker engine answers at " + e.Endpoint.Host + " (" + errString(e.Err, e.EndpointErr) + "); start dockerd to run this test"
		if os.Getenv("ENVDOCTOR_REQUIRE_ENGINE") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return env, e
}

func errString(errs ...error) string {
	for _, err := range errs {
		if err != nil {
			return err.Error()
		}
	}
	return "no error"
}

func TestRealEngineAnswers(t *testing.T) {
	env, e := realEngine(t)
	if e.Version.APIVersion == "" || e.Info.OSType == "" || e.Ping.APIVersion == "" {
		t.Fatalf("incomplete engine facts: %+v", e)
	}
	r := runCheck(t, engineUnreachable(), env)
	if !r.OK() || len(r.Details) != 1 || !strings.Contains(r.Details[0], "API "+e.Version.APIVersion) {
		t.Fatalf("DK001 on a running engine: %+v %s", r, messages(r))
	}
	if r := runCheck(t, enginePermissionDenied(), env); !r.OK() {
		t.Fatalf("DK002 on a running engine: %s", messages(r))
	}
}

func TestRealDeadDockerHost(t *testing.T) {
	_, _ = realEngine(t) // the real engine runs, but DOCKER_HOST points elsewhere
	dead := "unix://" + filepath.Join(t.TempDir(), "dead.sock")
	env := RealEnv(RealOptions{Environ: []string{"DOCKER_HOST=" + dead, "HOME=" + t.TempDir()}})
	got := messages(runCheck(t, engineUnreachable(), env))
	for _, want := range []string{"no Docker engine answers at " + dead + " (chosen by DOCKER_HOST)", "Docker Engine answers at unix:///var/run/docker.sock: `unset DOCKER_HOST`"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}
