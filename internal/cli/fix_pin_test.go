package cli

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/envdoctor/envdoctor/checks"
	"github.com/envdoctor/envdoctor/internal/dockerengine"
)

// imageEngine is a Docker engine on a loopback HTTP server that knows some
// local images (name → inspect JSON; others are 404), or hangs on every
// request after the ping.
type imageEngine struct {
	images map[string]string
	hang   bool

	mu    sync.Mutex
	paths []string
}

var apiPrefix = regexp.MustCompile(`^/v[0-9.]+`)

func (e *imageEngine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.paths = append(e.paths, r.Method+" "+r.URL.Path)
	e.mu.Unlock()
	w.Header().Set("Api-Version", "1.41")
	if r.URL.Path == "/_ping" {
		fmt.Fprint(w, "OK")
		return
	}
	if e.hang {
		<-r.Context().Done()
		return
	}
	path := apiPrefix.ReplaceAllString(r.URL.Path, "")
	switch {
	case path == "/version":
		fmt.Fprint(w, `{"Version":"20.10.24","ApiVersion":"1.41","Os":"linux","Arch":"amd64"}`)
	case path == "/info":
		fmt.Fprint(w, `{"OSType":"linux","Architecture":"x86_64"}`)
	case strings.HasPrefix(path, "/images/") && strings.HasSuffix(path, "/json"):
		name := strings.TrimSuffix(strings.TrimPrefix(path, "/images/"), "/json")
		if body, ok := e.images[name]; ok {
			fmt.Fprint(w, body)
			return
		}
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"message":"No such image: %s"}`, name)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// probes is a machine whose engine is e (nil: no socket), and which fails
// the test if fix listens on a port or runs a program.
func (e *imageEngine) probes(t *testing.T) func(checks.RealOptions) *checks.Env {
	var srv *httptest.Server
	if e != nil {
		srv = httptest.NewServer(e)
		t.Cleanup(srv.Close)
	}
	return func(opt checks.RealOptions) *checks.Env {
		vars := environMap(opt.Environ)
		return &checks.Env{
			GOOS:      "linux",
			HomeDir:   "/home/alice",
			LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
			ReadFile: func(p string) ([]byte, error) {
				return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
			},
			Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
				if srv == nil {
					return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ENOENT)}
				}
				var d net.Dialer
				return d.DialContext(ctx, "tcp", srv.Listener.Addr().String())
			},
			Listen: func(context.Context, string, string) (net.Listener, error) {
				t.Error("fix listened on a port")
				return nil, os.ErrPermission
			},
			Exec: func(context.Context, string, ...string) ([]byte, []byte, error) {
				t.Error("fix ran a program")
				return nil, nil, os.ErrPermission
			},
			Now: time.Now,
		}
	}
}

func pinProject(t *testing.T, compose string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const pinCompose = "services:\n  db:\n    image: postgres # pinned by fix\n  cache:\n    image: redis:latest\n"

// TestFixPinsTheLocalVersion: with an engine that has postgres:16.4 and
// postgres:latest as one image, fix --unsafe pins postgres; redis has only
// latest and stays advice; without --unsafe nothing changes and the hint
// names CP013; --diff shows the pin; a second run changes nothing.
func TestFixPinsTheLocalVersion(t *testing.T) {
	e := &imageEngine{images: map[string]string{
		"postgres":     `{"Id":"sha256:0123456789abcdef","RepoTags":["postgres:latest","postgres:16","postgres:16.4"]}`,
		"redis:latest": `{"Id":"sha256:99","RepoTags":["redis:latest"]}`,
	}}
	probes := e.probes(t)
	dir := pinProject(t, pinCompose)
	compose := filepath.Join(dir, "compose.yaml")

	out, _, _ := runDoctorWith(t, dir, probes, nil, "fix", "--no-color")
	if data, _ := os.ReadFile(compose); string(data) != pinCompose {
		t.Errorf("fix without --unsafe pinned: %s", data)
	}
	if !strings.Contains(out, "1 unsafe fix was not applied (CP013)") {
		t.Errorf("fix:\n%s", out)
	}

	diff, _, _ := runDoctorWith(t, dir, probes, nil, "fix", "--unsafe", "--diff")
	if !strings.Contains(diff, "-    image: postgres # pinned by fix\n+    image: postgres:16.4 # pinned by fix\n") {
		t.Errorf("diff:\n%s", diff)
	}
	if data, _ := os.ReadFile(compose); string(data) != pinCompose {
		t.Error("--diff changed compose.yaml")
	}

	out, stderr, _ := runDoctorWith(t, dir, probes, nil, "fix", "--unsafe", "--no-color")
	if !strings.Contains(out, "compose.yaml: 1 fix (CP013)\n") || stderr != "" {
		t.Errorf("fix --unsafe: stderr %q\n%s", stderr, out)
	}
	want := "services:\n  db:\n    image: postgres:16.4 # pinned by fix\n  cache:\n    image: redis:latest\n"
	if data, _ := os.ReadFile(compose); string(data) != want {
		t.Errorf("compose.yaml = %q", data)
	}
	if !strings.Contains(out, "the local image redis:latest has no other tag that names a version (it has redis:latest), so envdoctor fix cannot tell which version you run") {
		t.Errorf("redis advice:\n%s", out)
	}
	out, _, _ = runDoctorWith(t, dir, probes, nil, "fix", "--unsafe", "--no-color")
	if !strings.HasPrefix(out, "no fix applied\n") {
		t.Errorf("second fix:\n%s", out)
	}
	for _, p := range e.paths {
		if !strings.HasPrefix(p, "GET ") || strings.Contains(p, "/create") {
			t.Errorf("fix asked the engine %s", p)
		}
	}
}

// TestFixPinFaults: engine down, hung engine (bounded), image unknown,
// --rule without CP013 (the engine is not asked), lint (never asks).
func TestFixPinFaults(t *testing.T) {
	t.Run("engine down", func(t *testing.T) {
		dir := pinProject(t, pinCompose)
		var none *imageEngine
		out, _, _ := runDoctorWith(t, dir, none.probes(t), nil, "fix", "--unsafe", "--no-color")
		if !strings.HasPrefix(out, "no fix applied\n") ||
			!strings.Contains(out, "envdoctor fix could not ask the Docker engine which version you run (no Docker engine answers at unix:///var/run/docker.sock: no socket)") {
			t.Errorf("fix:\n%s", out)
		}
	})
	t.Run("no engine configured", func(t *testing.T) {
		dir := pinProject(t, pinCompose)
		out, _, _ := run(t, dir, nil, "fix", "--unsafe", "--no-color")
		if !strings.Contains(out, "(no Docker engine is configured)") {
			t.Errorf("fix:\n%s", out)
		}
	})
	t.Run("hung engine", func(t *testing.T) {
		dir := pinProject(t, pinCompose)
		e := &imageEngine{hang: true}
		start := time.Now()
		out, _, _ := runDoctorWith(t, dir, e.probes(t), nil, "fix", "--unsafe", "--no-color")
		if d := time.Since(start); d > checks.LocalImagesTimeout+time.Second {
			t.Errorf("fix took %s", d)
		}
		if !strings.HasPrefix(out, "no fix applied\n") || !strings.Contains(out, "could not ask the Docker engine") {
			t.Errorf("fix:\n%s", out)
		}
		// The engine is asked once per run, not once per round.
		e.mu.Lock()
		defer e.mu.Unlock()
		if n := len(e.paths); n > 2 {
			t.Errorf("asked %d times: %v", n, e.paths)
		}
	})
	t.Run("image unknown", func(t *testing.T) {
		dir := pinProject(t, pinCompose)
		e := &imageEngine{}
		out, _, _ := runDoctorWith(t, dir, e.probes(t), nil, "fix", "--unsafe", "--no-color")
		if !strings.Contains(out, "the Docker engine has no local image postgres, so envdoctor fix cannot tell which version you run") {
			t.Errorf("fix:\n%s", out)
		}
	})
	t.Run("not asked", func(t *testing.T) {
		dir := pinProject(t, pinCompose)
		probes := func(checks.RealOptions) *checks.Env {
			t.Error("the engine was asked")
			return nil
		}
		runDoctorWith(t, dir, probes, nil, "fix", "--rule", "CP005")
		runDoctorWith(t, dir, probes, nil, "fix", "--disable", "CP013")
		runDoctorWith(t, dir, probes, nil, "lint")
		if data, _ := os.ReadFile(filepath.Join(dir, "compose.yaml")); string(data) != pinCompose {
			t.Errorf("compose.yaml = %q", data)
		}
	})
}

// TestRealFixPinsTheLocalVersion: against the real engine, an image tagged
// 1.2.3 and latest; fix --unsafe pins `image: name` and `name:latest` to
// :1.2.3.
func TestRealFixPinsTheLocalVersion(t *testing.T) {
	if _, err := exec.LookPath("docker"); err != nil {
		t.Skip("no docker CLI")
	}
	env := checks.RealEnv(checks.RealOptions{})
	if e := checks.NewFacts(env).Engine(context.Background()); !e.Up() {
		if os.Getenv("ENVDOCTOR_REQUIRE_ENGINE") == "1" {
			t.Fatalf("no Docker engine answers: %v", e.Err)
		}
		t.Skip("no Docker engine answers")
	}
	repo := fmt.Sprintf("envdoctor-test-cp013-%d", os.Getpid())
	buildScratchImage(t, repo+":1.2.3")
	if out, err := exec.Command("docker", "tag", repo+":1.2.3", repo+":latest").CombinedOutput(); err != nil {
		t.Fatalf("docker tag: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("docker", "rmi", repo+":latest").Run() })

	compose := fmt.Sprintf("services:\n  a:\n    image: %s\n  b:\n    image: \"%s:latest\"\n", repo, repo)
	dir := pinProject(t, compose)
	out, stderr, _ := runDoctorWith(t, dir, checks.RealEnv, os.Environ(), "fix", "--unsafe", "--no-color")
	want := fmt.Sprintf("services:\n  a:\n    image: %s:1.2.3\n  b:\n    image: \"%s:1.2.3\"\n", repo, repo)
	if data, _ := os.ReadFile(filepath.Join(dir, "compose.yaml")); string(data) != want {
		t.Errorf("compose.yaml = %q\nstdout:\n%s\nstderr: %s", data, out, stderr)
	}
}

// buildScratchImage builds a one-file FROM scratch image (nothing is
// pulled) and removes it when the test ends.
func buildScratchImage(t *testing.T, tag string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"Dockerfile": "FROM scratch\nCOPY hello /hello\n", "hello": "hello\n"}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", "build", "-q", "-t", tag, dir)
	cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("docker", "rmi", tag).Run() })
}

// TestFixContactsOnlyTheEngine: on the real machine, fix (with a CRLF
// script for HS001 and an unpinned image for CP013) dials nothing but the
// resolved engine endpoint, binds no port and runs no program.
func TestFixContactsOnlyTheEngine(t *testing.T) {
	dir := crlfProject(t, crlfEntrypoint)
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(pinCompose), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := &netRecorder{}
	environ := []string{"DOCKER_HOST=" + os.Getenv("DOCKER_HOST")}
	if os.Getenv("DOCKER_HOST") == "" {
		environ = nil
	}
	if _, stderr, code := runDoctorWith(t, dir, rec.env, environ, "fix", "--unsafe"); code == ExitError {
		t.Fatalf("fix: exit %d: %s", code, stderr)
	}
	real := checks.RealEnv(checks.RealOptions{Environ: environ})
	ep, err := dockerengine.Resolve(dockerengine.Lookup{GOOS: real.GOOS, LookupEnv: real.LookupEnv, HomeDir: real.HomeDir, ReadFile: real.ReadFile})
	if err != nil {
		t.Fatal(err)
	}
	network, address, err := dockerengine.ParseHost(ep.Host)
	if err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.dials) == 0 {
		t.Error("fix did not ask the engine about postgres")
	}
	for _, d := range rec.dials {
		if d != network+" "+address {
			t.Errorf("dialled %s; the engine is %s %s", d, network, address)
		}
	}
	if len(rec.listens) > 0 || len(rec.execs) > 0 {
		t.Errorf("listened on %v, ran %v", rec.listens, rec.execs)
	}
}
