package checks

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

func contextMetaFile(name string) string {
	sum := sha256.Sum256([]byte(name))
	return "/home/alice/.docker/contexts/meta/" + hex.EncodeToString(sum[:]) + "/meta.json"
}

func contextMeta(name, host string) string {
	return `{"Name":"` + name + `","Endpoints":{"docker":{"Host":"` + host + `"}}}`
}

const aliceConfig = "/home/alice/.docker/config.json"

// withStat gives env a Stat that knows the given executable files.
func withStat(env *Env, files ...string) {
	m := fstest.MapFS{}
	for _, f := range files {
		m[strings.TrimPrefix(f, "/")] = &fstest.MapFile{Mode: 0o755}
	}
	env.Stat = func(p string) (fs.FileInfo, error) { return fs.Stat(m, strings.TrimPrefix(p, "/")) }
}

func TestDK003(t *testing.T) {
	colima := contextMeta("colima", "unix:///home/alice/.colima/default/docker.sock")
	tests := []struct {
		name       string
		vars       map[string]string
		files      map[string]string
		ctxFlag    string
		want       []string // substrings of messages(); none means no finding
		wantDetail string
	}{
		{name: "all default"},
		{name: "DOCKER_HOST overrides currentContext",
			vars:  map[string]string{"DOCKER_HOST": "unix:///var/run/docker.sock"},
			files: map[string]string{aliceConfig: `{"currentContext":"colima"}`, contextMetaFile("colima"): colima},
			want: []string{
				`DK003 warning: DOCKER_HOST=unix:///var/run/docker.sock overrides the docker context "colima" selected by currentContext "colima" in /home/alice/.docker/config.json, which names unix:///home/alice/.colima/default/docker.sock: docker and docker compose use DOCKER_HOST's engine`,
				"fix: to use the context, `unset DOCKER_HOST`", "to keep DOCKER_HOST, `docker context use default` so that both agree",
			}},
		{name: "DOCKER_HOST overrides DOCKER_CONTEXT",
			vars:  map[string]string{"DOCKER_HOST": "tcp://10.0.0.2:2375", "DOCKER_CONTEXT": "colima"},
			files: map[string]string{contextMetaFile("colima"): colima},
			want:  []string{`overrides the docker context "colima" selected by DOCKER_CONTEXT=colima`, "to keep DOCKER_HOST, `unset DOCKER_CONTEXT`"}},
		{name: "DOCKER_HOST overrides a context that does not exist",
			vars:  map[string]string{"DOCKER_HOST": "unix:///var/run/docker.sock"},
			files: map[string]string{aliceConfig: `{"currentContext":"gone"}`},
			want:  []string{`overrides the docker context "gone" selected by currentContext "gone" in /home/alice/.docker/config.json, whose metadata is missing`}},
		{name: "DOCKER_HOST equals the context's endpoint",
			vars:       map[string]string{"DOCKER_HOST": "unix:///home/alice/.colima/default/docker.sock"},
			files:      map[string]string{aliceConfig: `{"currentContext":"colima"}`, contextMetaFile("colima"): colima},
			wantDetail: `DOCKER_HOST and the context "colima" name the same engine`},
		{name: "DOCKER_CONTEXT=default with DOCKER_HOST is consistent",
			vars: map[string]string{"DOCKER_HOST": "unix:///var/run/docker.sock", "DOCKER_CONTEXT": "default"},
		},
		{name: "currentContext without metadata",
			files: map[string]string{aliceConfig: `{"currentContext":"desktop-linux"}`},
			want: []string{
				`DK003 error: the docker context "desktop-linux" (selected by currentContext "desktop-linux" in /home/alice/.docker/config.json) does not exist: there is no ` + contextMetaFile("desktop-linux") + `, so every docker and docker compose command fails with "unable to resolve docker endpoint: context "desktop-linux": context not found"`,
				"fix: `docker context use default` (it rewrites currentContext in /home/alice/.docker/config.json)",
				"Docker Desktop creates its desktop-linux context again when it starts",
			}},
		{name: "DOCKER_CONTEXT without metadata",
			vars: map[string]string{"DOCKER_CONTEXT": "work"},
			want: []string{`the docker context "work" (selected by DOCKER_CONTEXT=work) does not exist`, "fix: `unset DOCKER_CONTEXT`", "or set it to a context that `docker context ls` lists"}},
		{name: "--context without metadata", ctxFlag: "work",
			want: []string{`the docker context "work" (selected by --context flag) does not exist`, "fix: pass a context that `docker context ls` lists"}},
		{name: "broken context metadata",
			files: map[string]string{aliceConfig: `{"currentContext":"colima"}`, contextMetaFile("colima"): `{"Name":`},
			want:  []string{`DK003 error: the docker context "colima" (selected by currentContext "colima" in /home/alice/.docker/config.json) cannot be used: ` + contextMetaFile("colima") + ` is not valid JSON`, "`docker context rm -f colima` and create it again"}},
		{name: "config.json is not JSON",
			files: map[string]string{aliceConfig: `{"currentContext": "colima",`},
			want:  []string{`DK003 warning: /home/alice/.docker/config.json is not valid JSON: unexpected end of JSON input: the docker CLI ignores the whole file`, "`python3 -m json.tool /home/alice/.docker/config.json`"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := fakeEnv(tt.vars, tt.files)
			env.ContextFlag = tt.ctxFlag
			r := runCheck(t, contextMismatch(), env)
			got := messages(r)
			if len(tt.want) == 0 && got != "" {
				t.Errorf("unexpected finding:\n%s", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in:\n%s", w, got)
				}
			}
			if tt.wantDetail != "" && (len(r.Details) == 0 || !strings.Contains(strings.Join(r.Details, "\n"), tt.wantDetail)) {
				t.Errorf("details %q, want %q", r.Details, tt.wantDetail)
			}
			if r.Crashed != "" {
				t.Errorf("crashed: %s", r.Crashed)
			}
		})
	}
}

func TestDK003DetailBesideAWorkingEngine(t *testing.T) {
	r := runCheck(t, contextMismatch(), (&fakeEngine{}).env(t))
	if !r.OK() || len(r.Details) != 1 || r.Details[0] != `docker context "default", the default` {
		t.Errorf("got %s %q", messages(r), r.Details)
	}
}

func TestDK003UnreadableConfig(t *testing.T) {
	env := fakeEnv(nil, nil)
	env.ReadFile = func(p string) ([]byte, error) {
		if p == aliceConfig {
			return nil, &fs.PathError{Op: "open", Path: p, Err: os.ErrPermission}
		}
		return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
	}
	got := messages(runCheck(t, contextMismatch(), env))
	if !strings.Contains(got, "reading /home/alice/.docker/config.json: open /home/alice/.docker/config.json: permission denied: the docker CLI cannot read its own config") ||
		!strings.Contains(got, "`sudo chown -R $USER /home/alice/.docker`") {
		t.Errorf("got:\n%s", got)
	}
}

func TestDK003CredentialHelper(t *testing.T) {
	cfg := map[string]string{aliceConfig: `{"credsStore":"desktop","credHelpers":{"gcr.io":"gcloud","ghcr.io":"desktop"}}`}
	env := fakeEnv(map[string]string{"PATH": "/usr/local/bin:/usr/bin"}, cfg)
	withStat(env, "/usr/bin/docker-credential-gcloud")
	got := messages(runCheck(t, contextMismatch(), env))
	want := `DK003 warning: /home/alice/.docker/config.json names the credential helper docker-credential-desktop ("credsStore"), which is not on PATH: pulls, pushes and builds fail with "error getting credentials - err: exec: "docker-credential-desktop": executable file not found in $PATH"`
	if !strings.Contains(got, want) || strings.Count(got, "DK003") != 1 {
		t.Errorf("want once %q in:\n%s", want, got)
	}

	// A helper that is installed is fine; so is a Windows PATH with .exe.
	withStat(env, "/usr/local/bin/docker-credential-desktop", "/usr/bin/docker-credential-gcloud")
	if got := messages(runCheck(t, contextMismatch(), env)); got != "" {
		t.Errorf("installed helpers reported:\n%s", got)
	}
	win := fakeEnv(map[string]string{"PATH": `C:\Program Files\Docker\Docker\resources\bin;C:\Windows`}, map[string]string{`/home/alice/.docker\config.json`: `{"credsStore":"desktop"}`})
	win.GOOS = "windows"
	win.Stat = func(p string) (fs.FileInfo, error) {
		if p == `C:\Program Files\Docker\Docker\resources\bin\docker-credential-desktop.exe` {
			return fstest.MapFS{"x": &fstest.MapFile{}}.Stat("x")
		}
		return nil, fs.ErrNotExist
	}
	if got := messages(runCheck(t, contextMismatch(), win)); got != "" {
		t.Errorf("windows helper reported:\n%s", got)
	}
}

func TestDK001LeavesUnusableContextsToDK003(t *testing.T) {
	env := fakeEnv(nil, map[string]string{aliceConfig: `{"currentContext":"desktop-linux"}`})
	res := Run(t.Context(), []*Check{engineUnreachable(), contextMismatch(), imagesToPull()}, env, loadProject(t, "services:\n  db:\n    image: postgres:16\n"))
	if len(res[0].Findings) != 0 || !strings.Contains(res[0].Skipped, "(DK003)") {
		t.Errorf("DK001: %+v", res[0])
	}
	if len(res[1].Findings) != 1 {
		t.Errorf("DK003: %s", messages(res[1]))
	}
	if !strings.Contains(res[2].Skipped, "the selected docker context cannot be used (DK003)") {
		t.Errorf("DK009 skip: %q", res[2].Skipped)
	}
}
