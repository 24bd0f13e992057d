package checks

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/envdoctor/envdoctor/internal/project"
)

// Outputs of the real commands (docker CLI 28.2 without the plugin, Compose
// v2.27, docker-compose 1.29.2 from Debian 12).
const (
	v2Output       = "Docker Compose version v2.27.0\n"
	v2DesktopOut   = "Docker Compose version v2.29.1-desktop.1\n"
	v1Output       = "docker-compose version 1.29.2, build unknown\ndocker-py version: 5.0.3\nCPython version: 3.11.2\nOpenSSL version: OpenSSL 3.0.19 27 Jan 2026\n"
	noPluginStderr = "docker: unknown command: docker compose\n\nRun 'docker --help' for more information\n"
)

type fakeCommand struct {
	stdout, stderr string
	err            error
	hang           bool
}

// fakeExec answers "docker compose version" with plugin and
// "docker-compose version" with standalone; a nil one is not installed.
func fakeExec(plugin, standalone *fakeCommand, calls *atomic.Int32) func(ctx context.Context, name string, args ...string) ([]byte, []byte, error) {
	return func(ctx context.Context, name string, args ...string) ([]byte, []byte, error) {
		if calls != nil {
			calls.Add(1)
		}
		var c *fakeCommand
		switch strings.Join(append([]string{name}, args...), " ") {
		case "docker compose version":
			c = plugin
		case "docker-compose version":
			c = standalone
		default:
			return nil, nil, errors.New("unexpected command " + name)
		}
		if c == nil {
			return nil, nil, &exec.Error{Name: name, Err: exec.ErrNotFound}
		}
		if c.hang {
			<-ctx.Done()
			return nil, nil, ctx.Err()
		}
		return []byte(c.stdout), []byte(c.stderr), c.err
	}
}

var (
	plugin2      = &fakeCommand{stdout: v2Output}
	noPlugin     = &fakeCommand{stderr: noPluginStderr, err: errors.New("exit status 1")}
	standalone1  = &fakeCommand{stdout: v1Output}
	standalone2  = &fakeCommand{stdout: v2DesktopOut}
	hungCommand  = &fakeCommand{hang: true}
	garbledWorks = &fakeCommand{stdout: "compose, probably\n"}
)

func TestComposeCLIFacts(t *testing.T) {
	tests := []struct {
		name               string
		plugin, standalone *fakeCommand
		wantV2, wantOnlyV1 bool
		pluginVersion      string
		standaloneVersion  string
	}{
		{"v2 plugin only", plugin2, nil, true, false, "2.27.0", ""},
		{"v1 only", noPlugin, standalone1, false, true, "", "1.29.2"},
		{"both: v1 is not waited for", plugin2, standalone1, true, false, "2.27.0", ""},
		{"v2 standalone (Docker Desktop's alias)", noPlugin, standalone2, true, false, "", "2.29.1-desktop.1"},
		{"neither", noPlugin, nil, false, false, "", ""},
		{"unknown version counts as current", garbledWorks, nil, true, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := fakeEnv(nil, nil)
			env.Exec = fakeExec(tt.plugin, tt.standalone, nil)
			c := NewFacts(env).ComposeCLI(context.Background())
			_, onlyV1 := c.OnlyV1()
			if c.HasV2() != tt.wantV2 || onlyV1 != tt.wantOnlyV1 || c.Plugin.Version != tt.pluginVersion || c.Standalone.Version != tt.standaloneVersion {
				t.Errorf("got %+v", c)
			}
		})
	}
}

func TestDK004(t *testing.T) {
	tests := []struct {
		name               string
		plugin, standalone *fakeCommand
		goos               string
		want, detail       string
	}{
		{name: "v2 plugin", plugin: plugin2, detail: "docker compose 2.27.0"},
		{name: "v1 only", plugin: noPlugin, standalone: standalone1, detail: "docker-compose 1.29.2 (v1)"},
		{name: "both", plugin: plugin2, standalone: standalone1, detail: "docker compose 2.27.0"},
		{name: "neither", plugin: noPlugin,
			want: "DK004 error: neither `docker compose` nor `docker-compose` works, so the project cannot be started: `docker compose version`: docker: unknown command: docker compose; `docker-compose version`: docker-compose is not installed (not on PATH)\n" +
				"  fix: install the Compose v2 plugin: `sudo apt-get install docker-compose-plugin` from Docker's apt repository"},
		{name: "no docker CLI at all", goos: "darwin",
			want: "`docker compose version`: docker is not installed (not on PATH); `docker-compose version`: docker-compose is not installed (not on PATH)\n  fix: Docker Desktop includes Compose"},
		{name: "hung CLIs", plugin: hungCommand, standalone: hungCommand, goos: "windows",
			want: "`docker compose version`: no answer within 5s (the command hangs); `docker-compose version`: no answer within 5s (the command hangs)\n  fix: Docker Desktop includes Compose: install, update or repair Docker Desktop"},
		{name: "one hung, one working", plugin: hungCommand, standalone: standalone2, detail: "docker-compose 2.29.1-desktop.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if (tt.plugin == hungCommand || tt.standalone == hungCommand) && testing.Short() {
				t.Skip("waits for the compose timeout")
			}
			env := fakeEnv(nil, nil)
			if tt.goos != "" {
				env.GOOS = tt.goos
			}
			plugin := tt.plugin
			if tt.name == "no docker CLI at all" {
				env.Exec = func(_ context.Context, name string, _ ...string) ([]byte, []byte, error) {
					return nil, nil, &exec.Error{Name: name, Err: exec.ErrNotFound}
				}
			} else {
				env.Exec = fakeExec(plugin, tt.standalone, nil)
			}
			start := time.Now()
			r := runCheck(t, composeMissing(), env)
			got := messages(r)
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
			if tt.detail != "" && (len(r.Details) != 1 || r.Details[0] != tt.detail) {
				t.Errorf("details %q, want %q", r.Details, tt.detail)
			}
			if r.Crashed != "" || time.Since(start) > ComposeTimeout+time.Second {
				t.Errorf("crashed %q after %s", r.Crashed, time.Since(start))
			}
		})
	}
}

func TestDK004And005ShareOneRun(t *testing.T) {
	var calls atomic.Int32
	env := fakeEnv(nil, nil)
	env.Exec = fakeExec(noPlugin, standalone1, &calls) // both commands must run
	Run(context.Background(), []*Check{composeMissing(), composeV1()}, env, nil)
	if calls.Load() != 2 {
		t.Errorf("%d version commands ran, want 2 (one each, shared)", calls.Load())
	}
}

func TestComposeProbesWithoutExec(t *testing.T) {
	env := fakeEnv(nil, nil)
	res := Run(context.Background(), []*Check{composeMissing(), composeV1()}, env, nil)
	for _, r := range res {
		if r.Skipped != "cannot run programs here" {
			t.Errorf("%s: %+v", r.Check.ID, r)
		}
	}
}

func TestDK005(t *testing.T) {
	tests := []struct {
		name               string
		plugin, standalone *fakeCommand
		want, skip, detail string
	}{
		{name: "v2 plugin only", plugin: plugin2},
		{name: "both", plugin: plugin2, standalone: standalone1},
		{name: "v1 only", plugin: noPlugin, standalone: standalone1,
			want: "DK005 warning: the only compose here is the legacy Compose v1 (docker-compose 1.29.2): it stopped receiving updates in July 2023"},
		{name: "neither", plugin: noPlugin, skip: "no compose command works (DK004)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := fakeEnv(nil, nil)
			env.Exec = fakeExec(tt.plugin, tt.standalone, nil)
			r := runCheck(t, composeV1(), env)
			got := messages(r)
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("got:\n%s", got)
			}
			if r.Skipped != tt.skip {
				t.Errorf("skipped %q, want %q", r.Skipped, tt.skip)
			}
			if tt.detail != "" && (len(r.Details) != 1 || r.Details[0] != tt.detail) {
				t.Errorf("details %q", r.Details)
			}
		})
	}
}

// loadProjectFiles loads a project made of the given files.
func loadProjectFiles(t *testing.T, files map[string]string) *project.Project {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shop")
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := project.Load(context.Background(), dir, project.Options{Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
