package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
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

// serveEngine answers HTTP requests on c like a Docker 20.10 engine.
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
		switch {
		case strings.HasPrefix(req, "GET /_ping"):
			body = "OK"
		case strings.HasPrefix(req, "GET /v1.41/version"):
			body = `{"Version":"20.10.24","ApiVersion":"1.41","Os":"linux","Arch":"amd64"}`
		case strings.HasPrefix(req, "GET /v1.41/info"):
			body = `{"OSType":"linux","Architecture":"x86_64","DockerRootDir":"/var/lib/docker"}`
		default:
			body = `{"message":"not found"}`
		}
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nOstype: linux\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
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
	tutorial := projectCopy(t, "../../testdata/projects/flask-postgres")
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
