package checks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
)

// The DK003-DK010 probes against the real engine (see realEngine).

func TestRealDK003(t *testing.T) {
	_, _ = realEngine(t)
	cfg := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		path := filepath.Join(cfg, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A current context that does not exist: DK003 says so, DK001 skips.
	write("config.json", `{"currentContext":"desktop-linux"}`)
	env := RealEnv(RealOptions{Environ: []string{"DOCKER_CONFIG=" + cfg, "PATH=" + os.Getenv("PATH")}})
	res := Run(context.Background(), []*Check{engineUnreachable(), contextMismatch()}, env, nil)
	if res[0].Skipped == "" || len(res[0].Findings) != 0 {
		t.Errorf("DK001: %s %q", messages(res[0]), res[0].Skipped)
	}
	if got := messages(res[1]); !strings.Contains(got, `DK003 error: the docker context "desktop-linux" (selected by currentContext "desktop-linux" in `+filepath.Join(cfg, "config.json")+") does not exist") {
		t.Errorf("DK003: %s", got)
	}

	// DOCKER_HOST overriding an existing context that names another engine.
	sum := sha256.Sum256([]byte("other"))
	write(filepath.Join("contexts", "meta", hex.EncodeToString(sum[:]), "meta.json"), `{"Name":"other","Endpoints":{"docker":{"Host":"unix:///run/other.sock"}}}`)
	write("config.json", `{"currentContext":"other","credsStore":"envdoctor-test-none"}`)
	env = RealEnv(RealOptions{Environ: []string{"DOCKER_CONFIG=" + cfg, "DOCKER_HOST=" + dockerengine.DefaultUnixHost, "PATH=" + os.Getenv("PATH")}})
	got := messages(runCheck(t, contextMismatch(), env))
	for _, want := range []string{
		"DK003 warning: DOCKER_HOST=unix:///var/run/docker.sock overrides the docker context \"other\"",
		"names the credential helper docker-credential-envdoctor-test-none (\"credsStore\"), which is not on PATH",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func TestRealDK006(t *testing.T) {
	env, e := realEngine(t)
	p := loadProject(t, "services:\n  db:\n    image: postgres:16\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n      start_period: 5s\n      start_interval: 1s\n")
	r := runCheck2(t, engineTooOld(), env, p)
	old := dockerengine.CompareVersions(e.Version.APIVersion, "1.44") < 0
	got := messages(r)
	if old != strings.Contains(got, "`services.db.healthcheck.start_interval` needs Docker Engine 25.0 (API 1.44), but this engine is "+e.Version.Version+" (API "+e.Version.APIVersion+")") {
		t.Errorf("engine API %s: %s", e.Version.APIVersion, got)
	}
}

func TestRealDK007AndDK010(t *testing.T) {
	env, e := realEngine(t)
	image := testImage(t)
	p := loadProjectFiles(t, map[string]string{"compose.yaml": "services:\n  app:\n    image: " + image + "\n"})
	res := Run(context.Background(), []*Check{windowsContainersMode(), platformMismatch()}, env, p)
	if e.Info.OSType == "linux" && !res[0].OK() {
		t.Errorf("DK007 on a Linux engine: %s %q", messages(res[0]), res[0].Skipped)
	}
	// The test image is built here, for the engine's own platform.
	if dk010 := res[1]; len(dk010.Findings) != 0 || len(dk010.Details) != 1 || !strings.Contains(dk010.Details[0], "the 1 local images of the project match the engine's linux/"+normalizeArch(e.Info.Architecture)) {
		t.Errorf("DK010: %s %q %q", messages(dk010), dk010.Details, dk010.Skipped)
	}
}

func TestRealDK008(t *testing.T) {
	env, e := realEngine(t)
	r := runCheck(t, diskLow(), env)
	if r.Crashed != "" {
		t.Fatal(r.Crashed)
	}
	if r.Skipped != "" {
		t.Skipf("skipped: %s", r.Skipped) // an engine in a VM
	}
	if len(r.Details) != 1 || !strings.HasSuffix(r.Details[0], " at "+e.Info.DockerRootDir) {
		t.Errorf("details %q, findings %s", r.Details, messages(r))
	}
}

func TestRealDK009(t *testing.T) {
	env, _ := realEngine(t)
	image := testImage(t)
	p := loadProjectFiles(t, map[string]string{
		"compose.yaml": "services:\n  present:\n    image: " + image + "\n  absent:\n    image: envdoctor-absent-image:0\n  web:\n    build: .\n",
		"Dockerfile":   "FROM " + image + " AS base\nFROM base\n",
	})
	r := runCheck2(t, imagesToPull(), env, p)
	got := messages(r)
	if !strings.Contains(got, "DK009 info: 1 image is not on this machine yet, so the first `docker compose up` downloads them (it needs the network and takes a while): envdoctor-absent-image:0\n") {
		t.Errorf("got:\n%s", got)
	}
	if len(r.Findings) == 1 && (len(r.Findings[0].Related) != 1 || r.Findings[0].Related[0].Range.String() != "compose.yaml:5:12") {
		t.Errorf("related %+v", r.Findings[0].Related)
	}
}
