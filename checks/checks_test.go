package checks

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// fakeEnv is a Linux machine with nothing on it: no engine, no files.
func fakeEnv(vars map[string]string, files map[string]string) *Env {
	return &Env{
		GOOS:      "linux",
		HomeDir:   "/home/alice",
		LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		ReadFile: func(p string) ([]byte, error) {
			if s, ok := files[p]; ok {
				return []byte(s), nil
			}
			return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
		},
		Dial: func(_ context.Context, network, address string) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ENOENT)}
		},
		Now: time.Now,
	}
}

func runCheck(t *testing.T, c *Check, env *Env) *Result {
	t.Helper()
	return Run(context.Background(), []*Check{c}, env, nil)[0]
}

func messages(r *Result) string {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s %s: %s\n", f.RuleID, f.Severity, f.Message)
		if f.Fix != nil {
			fmt.Fprintf(&b, "  fix: %s\n", f.Fix.Message)
		}
	}
	return b.String()
}

func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range All() {
		if err := Validate(c); err != nil {
			t.Error(err)
		}
		if seen[c.ID] || seen[c.Name] {
			t.Errorf("%s: duplicate ID or name", c.ID)
		}
		seen[c.ID], seen[c.Name] = true, true
		doc := Doc(c.ID)
		for _, section := range []string{"# " + c.ID + " " + c.Name + "\n", "**Severity:** " + c.Severity.String(), "## Why", "## Example", "## Fix"} {
			if !strings.Contains(doc, section) {
				t.Errorf("doc/%s.md lacks %q", c.ID, section)
			}
		}
	}
}

func TestDK001NoSocketViaDockerHost(t *testing.T) {
	env := fakeEnv(map[string]string{"DOCKER_HOST": "unix:///tmp/gone.sock"}, nil)
	got := messages(runCheck(t, engineUnreachable(), env))
	for _, want := range []string{
		"DK001 error: no Docker engine answers at unix:///tmp/gone.sock (chosen by DOCKER_HOST): the socket does not exist",
		"unset DOCKER_HOST",
		"sudo systemctl start docker",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func TestDK001AdvisesAnAnsweringAlternative(t *testing.T) {
	env := fakeEnv(nil, nil)
	env.GOOS = "darwin"
	desktop := "/home/alice/.docker/run/docker.sock"
	env.Dial = func(ctx context.Context, network, address string) (net.Conn, error) {
		if address == desktop {
			server, client := net.Pipe()
			go serveOnePing(server)
			return client, nil
		}
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ENOENT)}
	}
	got := messages(runCheck(t, engineUnreachable(), env))
	if !strings.Contains(got, "Docker Desktop answers at unix://"+desktop+": `docker context use desktop-linux`") {
		t.Errorf("no advice for Docker Desktop:\n%s", got)
	}
	if !strings.Contains(got, "open -a Docker") {
		t.Errorf("no macOS start advice:\n%s", got)
	}
}

// serveOnePing answers one HTTP request like an engine's /_ping.
func serveOnePing(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 4096)
	_, _ = c.Read(buf)
	fmt.Fprint(c, "HTTP/1.1 200 OK\r\nApi-Version: 1.47\r\nOstype: linux\r\nContent-Length: 2\r\n\r\nOK")
}

// A selected context without metadata is DK003's to report (with
// `docker context use default`); DK001 skips and says so, so the problem is
// said once.
func TestDK001MissingContext(t *testing.T) {
	env := fakeEnv(nil, map[string]string{"/home/alice/.docker/config.json": `{"currentContext":"desktop-linux"}`})
	r := runCheck(t, engineUnreachable(), env)
	if len(r.Findings) != 0 || r.Skipped != "the selected docker context cannot be used (DK003)" {
		t.Errorf("DK001: %s (skipped %q)", messages(r), r.Skipped)
	}
	got := messages(runCheck(t, contextMismatch(), env))
	if !strings.Contains(got, `context "desktop-linux"`) || !strings.Contains(got, "docker context use default") {
		t.Errorf("DK003 got:\n%s", got)
	}
}

// Other endpoint errors stay DK001's.
func TestDK001HostAndContextFlags(t *testing.T) {
	env := fakeEnv(nil, nil)
	env.HostFlag, env.ContextFlag = "unix:///x.sock", "colima"
	got := messages(runCheck(t, engineUnreachable(), env))
	if !strings.Contains(got, "DK001 error: no Docker engine can be chosen: conflicting options: either specify --host or --context, not both") {
		t.Errorf("got:\n%s", got)
	}
	if got := messages(runCheck(t, contextMismatch(), env)); got != "" {
		t.Errorf("DK003 reported a flag conflict:\n%s", got)
	}
}

func TestDK001HungEngineIsBounded(t *testing.T) {
	env := fakeEnv(nil, nil)
	env.Dial = func(ctx context.Context, _, _ string) (net.Conn, error) {
		server, client := net.Pipe()
		go func() { <-ctx.Done(); time.Sleep(10 * time.Millisecond); server.Close() }()
		return client, nil // accepts, never answers
	}
	r := runCheck(t, engineUnreachable(), env)
	if got := messages(r); !strings.Contains(got, "no answer within") {
		t.Errorf("got:\n%s (crashed %q)", got, r.Crashed)
	}
}

func TestDK002(t *testing.T) {
	denied := func(_ context.Context, network, _ string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.EACCES)}
	}
	tests := []struct {
		name   string
		group  string
		groups []string
		want   string
	}{
		{"not in group", "docker:x:999:bob\n", []string{"alice"}, "alice is not in the docker group"},
		{"added but not logged in again", "docker:x:999:bob,alice\n", []string{"alice"}, "alice was added to the docker group, but this session started before that"},
		{"no docker group", "users:x:100:\n", []string{"alice"}, "there is no docker group"},
		{"in group yet refused", "docker:x:999:alice\n", []string{"alice", "docker"}, "you are in the docker group, yet the socket refuses you"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := fakeEnv(map[string]string{"USER": "alice"}, map[string]string{"/etc/group": tt.group})
			env.Dial = denied
			env.Groups = func() ([]string, error) { return tt.groups, nil }
			got := messages(runCheck(t, enginePermissionDenied(), env))
			if !strings.Contains(got, "DK002 error: permission denied on unix:///var/run/docker.sock (the default): "+tt.want) {
				t.Errorf("got:\n%s", got)
			}
			if dk001 := runCheck(t, engineUnreachable(), env); len(dk001.Findings) != 0 || dk001.Skipped == "" {
				t.Errorf("DK001 must leave permission problems to DK002: %s", messages(dk001))
			}
		})
	}
	env := fakeEnv(nil, nil)
	if got := messages(runCheck(t, enginePermissionDenied(), env)); got != "" {
		t.Errorf("DK002 fired on a missing socket:\n%s", got)
	}
}

func TestRunnerSurvivesPanicsAndHangs(t *testing.T) {
	panics := &Check{ID: "DK900", Name: "panics", Title: "x", Section: SectionEngine, Severity: finding.SeverityError,
		Run: func(context.Context, *Probe) { panic("boom") }}
	hangs := &Check{ID: "DK901", Name: "hangs", Title: "x", Section: SectionEngine, Severity: finding.SeverityError, Timeout: 50 * time.Millisecond,
		Run: func(context.Context, *Probe) { time.Sleep(time.Hour) }} // ignores its context: a probe bug
	fine := &Check{ID: "DK902", Name: "fine", Title: "x", Section: SectionEngine, Severity: finding.SeverityError,
		Run: func(_ context.Context, p *Probe) { p.Detail("all good") }}
	res := Run(context.Background(), []*Check{panics, hangs, fine}, fakeEnv(nil, nil), nil)
	if !strings.Contains(res[0].Crashed, "panicked: boom") {
		t.Errorf("panic: %+v", res[0])
	}
	if !strings.Contains(res[1].Crashed, "did not finish within 50ms") {
		t.Errorf("hang: %+v", res[1])
	}
	if !res[2].OK() || res[2].Details[0] != "all good" {
		t.Errorf("fine: %+v", res[2])
	}
	if f := CrashFinding(res[0]); f.RuleID != "ED000" || !strings.Contains(f.Message, "probe DK900 (panics) panicked: boom") {
		t.Errorf("crash finding: %+v", f)
	}
}
