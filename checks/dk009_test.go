package checks

import (
	"context"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

// imagesProject pulls postgres and redis, builds web from a multi-stage
// Dockerfile whose base comes from an ARG default, and a profile-disabled
// service's image is never pulled.
func imagesProject(t *testing.T) map[string]string {
	t.Helper()
	return map[string]string{
		"compose.yaml": "services:\n  db:\n    image: postgres:16\n  cache:\n    image: redis:7\n  web:\n    build: .\n    image: shop/web:dev\n  debug:\n    image: busybox:1.36\n    profiles: [debug]\n",
		"Dockerfile":   "ARG PY=3.12\nFROM python:${PY}-slim AS base\nRUN true\nFROM base AS app\nCOPY . /app\nFROM scratch AS export\nCOPY --from=app /app /\n",
	}
}

func TestDK009(t *testing.T) {
	p := loadProjectFiles(t, imagesProject(t))
	eng := &fakeEngine{Images: map[string]string{"redis:7": imageJSON("redis:7", "linux", "amd64")}}
	r := Run(context.Background(), []*Check{imagesToPull()}, eng.env(t), p)[0]
	got := messages(r)
	want := "DK009 info: 2 images are not on this machine yet, so the first `docker compose up` downloads them (it needs the network and takes a while): postgres:16, python:3.12-slim\n" +
		"  fix: `docker compose pull` fetches the service images and `docker compose build --pull` the base images; run them while you are online\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if len(r.Findings) == 1 {
		rel := r.Findings[0].Related
		if len(rel) != 2 || rel[0].Range.String() != "compose.yaml:3:12" || rel[0].Message != `postgres:16 (service "db") is not present` ||
			rel[1].Range.String() != "Dockerfile:2:6" || rel[1].Message != "python:3.12-slim (FROM in Dockerfile) is not present" {
			t.Errorf("related %+v", rel)
		}
	}
	var asked []string
	for _, path := range eng.paths() {
		if strings.Contains(path, "/images/") {
			asked = append(asked, path[strings.Index(path, "/images/")+8:len(path)-5])
		}
	}
	if !slices.Equal(asked, []string{"postgres:16", "redis:7", "python:3.12-slim"}) {
		t.Errorf("asked about %q (never busybox of a disabled profile, the built shop/web, scratch or a stage)", asked)
	}
}

func TestDK009Variants(t *testing.T) {
	all := &fakeEngine{Images: map[string]string{
		"postgres:16": imageJSON("postgres:16", "linux", "amd64"), "redis:7": imageJSON("redis:7", "linux", "amd64"),
		"python:3.12-slim": imageJSON("python:3.12-slim", "linux", "amd64"),
	}}
	r := Run(context.Background(), []*Check{imagesToPull()}, all.env(t), loadProjectFiles(t, imagesProject(t)))[0]
	if len(r.Findings) != 0 || len(r.Details) != 1 || r.Details[0] != "all 3 images of the project are present" {
		t.Errorf("all present: %s %q", messages(r), r.Details)
	}

	onlyService := loadProject(t, "services:\n  db:\n    image: postgres:16\n")
	got := messages(Run(context.Background(), []*Check{imagesToPull()}, (&fakeEngine{}).env(t), onlyService)[0])
	if !strings.Contains(got, "DK009 info: 1 image is not on this machine yet") || !strings.Contains(got, "fix: `docker compose pull` fetches them now") {
		t.Errorf("one service image:\n%s", got)
	}
	onlyBase := loadProjectFiles(t, map[string]string{"Dockerfile": "FROM golang:1.23\n"})
	got = messages(Run(context.Background(), []*Check{imagesToPull()}, (&fakeEngine{}).env(t), onlyBase)[0])
	if !strings.Contains(got, ": golang:1.23\n") || !strings.Contains(got, "fix: `docker compose build --pull` fetches the base images") {
		t.Errorf("one base image:\n%s", got)
	}
}

func TestDK009Faults(t *testing.T) {
	p := loadProject(t, "services:\n  db:\n    image: postgres:16\n")
	broken := &fakeEngine{ImageErr: 500}
	r := Run(context.Background(), []*Check{imagesToPull()}, broken.env(t), p)[0]
	if r.Skipped != "the engine did not answer about postgres:16: server error" || len(r.Findings) != 0 {
		t.Errorf("engine error: %+v", r)
	}

	hung := &fakeEngine{HangOn: "/images/"}
	start := time.Now()
	r = Run(context.Background(), []*Check{imagesToPull()}, hung.env(t), p)[0]
	if !strings.HasPrefix(r.Skipped, "the engine did not answer about postgres:16: no answer within") || r.Crashed != "" {
		t.Errorf("hung engine: %+v", r)
	}
	if d := time.Since(start); d > imagesToPull().Timeout+time.Second {
		t.Errorf("took %s", d)
	}

	if r := Run(context.Background(), []*Check{imagesToPull()}, fakeEnv(nil, nil), p)[0]; r.Skipped != "the engine does not answer (DK001)" {
		t.Errorf("engine down: %q", r.Skipped)
	}
	if r := runCheck(t, imagesToPull(), fakeEnv(nil, nil)); r.Skipped != "the project names no image to pull" {
		t.Errorf("no project: %q", r.Skipped)
	}
}

// Every probe that needs the engine skips, naming DK001, when the engine
// accepts connections but never answers; none crashes or overruns.
func TestEngineProbesOnAHungEngine(t *testing.T) {
	env := fakeEnv(nil, nil)
	env.Dial = func(ctx context.Context, _, _ string) (net.Conn, error) {
		server, client := net.Pipe()
		go func() { <-ctx.Done(); time.Sleep(10 * time.Millisecond); server.Close() }()
		return client, nil
	}
	env.DiskFree = func(string) (uint64, uint64, error) { return 0, 0, nil }
	p := loadProjectFiles(t, map[string]string{"compose.yaml": newFeaturesCompose, "Dockerfile": "FROM python:3.12\n"})
	probes := []*Check{engineTooOld(), windowsContainersMode(), diskLow(), imagesToPull(), platformMismatch()}
	start := time.Now()
	for _, r := range Run(context.Background(), probes, env, p) {
		if r.Skipped != "the engine does not answer (DK001)" || r.Crashed != "" || len(r.Findings) != 0 {
			t.Errorf("%s: %+v", r.Check.ID, r)
		}
	}
	if d := time.Since(start); d > EngineTimeout+2*time.Second {
		t.Errorf("took %s", d)
	}
}
