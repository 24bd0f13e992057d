package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/envdoctor/envdoctor/checks"
)

// noEngine is a Linux machine whose engine socket does not exist.
func noEngine(opt checks.RealOptions) *checks.Env {
	vars := environMap(opt.Environ)
	return &checks.Env{
		GOOS:      "linux",
		HomeDir:   "/home/alice",
		LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		ReadFile: func(p string) ([]byte, error) {
			return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
		},
		Dial: func(_ context.Context, network, _ string) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ENOENT)}
		},
		// The Compose v2 plugin answers; docker-compose is not installed.
		Exec: func(_ context.Context, name string, args ...string) ([]byte, []byte, error) {
			if name == "docker" && strings.Join(args, " ") == "compose version" {
				return []byte("Docker Compose version v2.27.0\n"), nil, nil
			}
			return nil, nil, &exec.Error{Name: name, Err: exec.ErrNotFound}
		},
		DiskFree:    func(string) (uint64, uint64, error) { return 40 << 30, 100 << 30, nil },
		Now:         time.Now,
		HostFlag:    opt.HostFlag,
		ContextFlag: opt.ContextFlag,
	}
}

// engineUp is a Linux machine whose engine answers like Docker 20.10.
func engineUp(opt checks.RealOptions) *checks.Env {
	env := noEngine(opt)
	env.Dial = func(context.Context, string, string) (net.Conn, error) {
		server, client := net.Pipe()
		go serveEngine(server)
		return client, nil
	}
	return env
}

// serveEngine answers HTTP requests on c like a Docker 20.10 engine that
// has no image yet.
func serveEngine(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 8192)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		req := string(buf[:n])
		var body string
		status := "200 OK"
		switch {
		case strings.HasPrefix(req, "GET /_ping"):
			body = "OK"
		case strings.HasPrefix(req, "GET /v1.41/version"):
			body = `{"Version":"20.10.24","ApiVersion":"1.41","Os":"linux","Arch":"amd64"}`
		case strings.HasPrefix(req, "GET /v1.41/containers/json"):
			body = `[]`
		case strings.HasPrefix(req, "GET /v1.41/info"):
			body = `{"OSType":"linux","Architecture":"x86_64","DockerRootDir":"/var/lib/docker"}`
		case strings.HasPrefix(req, "GET /v1.41/images/"):
			status, body = "404 Not Found", `{"message":"No such image"}`
		default:
			body = `{"message":"not found"}`
		}
		fmt.Fprintf(c, "HTTP/1.1 %s\r\nApi-Version: 1.41\r\nOstype: linux\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", status, len(body), body)
	}
}

func runDoctorWith(t *testing.T, dir string, probes func(checks.RealOptions) *checks.Env, environ []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Environ:    environ,
		Getwd:      func() (string, error) { return abs, nil },
		IsTerminal: func(io.Writer) bool { return false },
		Probes:     probes,
		GOOS:       "linux",
	})
	return out.String(), errb.String(), code
}

func TestDoctorGolden(t *testing.T) {
	tutorial := copyProject(t, "../../testdata/projects/flask-postgres")
	deadHost := append([]string{"DOCKER_HOST=unix:///tmp/envdoctor-test-dead.sock"}, tutorialShell...)
	cases := []struct {
		name    string
		probes  func(checks.RealOptions) *checks.Env
		environ []string
		args    []string
		code    int
	}{
		{"engine-up", engineUp, tutorialShell, nil, ExitFindings},
		{"engine-down", noEngine, deadHost, []string{"doctor", "-q"}, ExitFindings},
		{"engine-down-ascii", noEngine, append([]string{"TERM=dumb"}, deadHost...), []string{"doctor", "-q"}, ExitFindings},
		{"engine-down-json", noEngine, deadHost, []string{"doctor", "--format", "json"}, ExitFindings},
		{"engine-down-disabled", noEngine, deadHost, []string{"doctor", "-q", "--disable", "DK001"}, ExitFindings},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := runDoctorWith(t, tutorial, c.probes, c.environ, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.code, stderr)
			}
			golden(t, filepath.Join("testdata", "doctor", c.name+".golden"), stdout)
		})
	}
}

func TestDoctorOutsideAProject(t *testing.T) {
	stdout, stderr, code := runDoctorWith(t, t.TempDir(), engineUp, tutorialShell)
	if code != ExitOK || !strings.Contains(stdout, "[-] Project files (no compose file or Dockerfile here)") ||
		!strings.Contains(stdout, "No issues found") || !strings.Contains(stderr, "only the machine was checked") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestDoctorContextAndHostFlags(t *testing.T) {
	_, stderr, code := runDoctorWith(t, t.TempDir(), noEngine, tutorialShell, "doctor", "-H", "unix:///x.sock", "--context", "colima")
	if code != ExitFindings {
		t.Errorf("exit %d (stderr %q)", code, stderr)
	}
	stdout, _, _ := runDoctorWith(t, t.TempDir(), noEngine, tutorialShell, "doctor", "-H", "unix:///x.sock")
	if !strings.Contains(stdout, "unix:///x.sock (chosen by --host flag)") {
		t.Errorf("stdout:\n%s", stdout)
	}
}

// With -v every probe's details are listed, except the one that is already
// the section's status.
func TestDoctorVerboseDetails(t *testing.T) {
	stdout, _, _ := runDoctorWith(t, "../../testdata/projects/flask-postgres", engineUp, tutorialShell, "doctor", "-v")
	for _, want := range []string{
		"[✓] Docker engine (Docker 20.10.24, API 1.41, linux/amd64 at unix:///var/run/docker.sock)\n",
		"    • docker context \"default\", the default\n",
		"[✓] Disk (40.0 GiB free of 100 GiB at /var/lib/docker)\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("missing %q in:\n%s", want, stdout)
		}
	}
	if strings.Count(stdout, "Docker 20.10.24, API 1.41") != 1 {
		t.Errorf("the section's status is repeated:\n%s", stdout)
	}
}

// TestDoctorSARIFLocatesMachineFindings: GitHub code scanning rejects a
// result without a location, so the engine-down finding (about no file) is
// attached to the project's compose file at 1:1, and says so; outside any
// project there is nothing to attach it to.
func TestDoctorSARIFLocatesMachineFindings(t *testing.T) {
	out, stderr, _ := runDoctorWith(t, "../../testdata/projects/flask-postgres", noEngine, tutorialShell, "--format", "sarif")
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
					Message *struct{ Text string }
				}
				Properties map[string]any
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("%v\n%s\n%s", err, out, stderr)
	}
	found := false
	for _, r := range log.Runs[0].Results {
		if len(r.Locations) == 0 {
			t.Errorf("%s has no location", r.RuleID)
			continue
		}
		if r.RuleID != "DK001" {
			continue
		}
		found = true
		loc := r.Locations[0]
		if loc.PhysicalLocation.ArtifactLocation.URI != "docker-compose.yml" || loc.PhysicalLocation.Region.StartLine != 1 ||
			loc.Message == nil || r.Properties["noFile"] != true {
			t.Errorf("DK001 location %+v, properties %v", loc, r.Properties)
		}
	}
	if !found {
		t.Fatalf("no DK001 in\n%s", out)
	}
	out, _, _ = runDoctorWith(t, t.TempDir(), noEngine, tutorialShell, "--format", "sarif")
	if !strings.Contains(out, `"ruleId": "DK001"`) || strings.Contains(out, `"noFile"`) {
		t.Errorf("outside a project:\n%s", out)
	}
}
