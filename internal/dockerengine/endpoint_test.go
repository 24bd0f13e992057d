package dockerengine

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

func metaDir(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])
}

func fakeLookup(env map[string]string, files map[string]string) Lookup {
	return Lookup{
		GOOS:      "linux",
		HomeDir:   "/home/alice",
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		ReadFile: func(p string) ([]byte, error) {
			if s, ok := files[filepath.ToSlash(p)]; ok {
				return []byte(s), nil
			}
			return nil, fs.ErrNotExist
		},
	}
}

func TestResolve(t *testing.T) {
	colimaMeta := "/home/alice/.docker/contexts/meta/" + metaDir("colima") + "/meta.json"
	colima := `{"Name":"colima","Endpoints":{"docker":{"Host":"unix:///home/alice/.colima/default/docker.sock"}}}`
	cfgColima := `{"auths":{},"currentContext":"colima"}`
	tests := []struct {
		name                 string
		env, files           map[string]string
		hostFlag, ctxFlag    string
		wantHost, wantSource string
		wantContext          string
		wantWarning          string
		wantErr              error
	}{
		{name: "default", wantHost: DefaultUnixHost, wantSource: "default", wantContext: "default"},
		{name: "DOCKER_HOST", env: map[string]string{"DOCKER_HOST": "tcp://10.0.0.2:2375"}, wantHost: "tcp://10.0.0.2:2375", wantSource: "DOCKER_HOST", wantContext: "default"},
		{name: "current context", files: map[string]string{"/home/alice/.docker/config.json": cfgColima, colimaMeta: colima},
			wantHost: "unix:///home/alice/.colima/default/docker.sock", wantSource: `currentContext "colima" in /home/alice/.docker/config.json`, wantContext: "colima"},
		{name: "DOCKER_HOST overrides current context", env: map[string]string{"DOCKER_HOST": "unix:///tmp/x.sock"},
			files:    map[string]string{"/home/alice/.docker/config.json": cfgColima, colimaMeta: colima},
			wantHost: "unix:///tmp/x.sock", wantSource: "DOCKER_HOST", wantContext: "default", wantWarning: `DOCKER_HOST overrides the current context "colima"`},
		{name: "DOCKER_CONTEXT over config", env: map[string]string{"DOCKER_CONTEXT": "default"},
			files:    map[string]string{"/home/alice/.docker/config.json": cfgColima, colimaMeta: colima},
			wantHost: DefaultUnixHost, wantSource: "DOCKER_CONTEXT=default", wantContext: "default"},
		{name: "DOCKER_CONFIG moves the config", env: map[string]string{"DOCKER_CONFIG": "/etc/dk"},
			files:    map[string]string{"/etc/dk/config.json": cfgColima, "/etc/dk/contexts/meta/" + metaDir("colima") + "/meta.json": colima},
			wantHost: "unix:///home/alice/.colima/default/docker.sock", wantContext: "colima", wantSource: `currentContext "colima" in /etc/dk/config.json`},
		{name: "context without metadata", files: map[string]string{"/home/alice/.docker/config.json": `{"currentContext":"desktop-linux"}`},
			wantErr: ErrContextNotFound},
		{name: "host flag", hostFlag: "unix:///h.sock", env: map[string]string{"DOCKER_HOST": "tcp://x:1"}, wantHost: "unix:///h.sock", wantSource: "--host flag", wantContext: "default"},
		{name: "context flag", ctxFlag: "colima", env: map[string]string{"DOCKER_HOST": "tcp://x:1"}, files: map[string]string{colimaMeta: colima},
			wantHost: "unix:///home/alice/.colima/default/docker.sock", wantSource: "--context flag", wantContext: "colima"},
		{name: "bad config json", files: map[string]string{"/home/alice/.docker/config.json": `{`},
			wantHost: DefaultUnixHost, wantSource: "default", wantContext: "default", wantWarning: "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := fakeLookup(tt.env, tt.files)
			l.HostFlag, l.ContextFlag = tt.hostFlag, tt.ctxFlag
			ep, err := Resolve(l)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ep.Host != tt.wantHost || ep.Source != tt.wantSource || ep.Context != tt.wantContext {
				t.Errorf("got %q %q %q, want %q %q %q", ep.Host, ep.Source, ep.Context, tt.wantHost, tt.wantSource, tt.wantContext)
			}
			joined := strings.Join(ep.Warnings, "; ")
			if (tt.wantWarning == "") != (joined == "") || !strings.Contains(joined, tt.wantWarning) {
				t.Errorf("warnings %q, want %q", joined, tt.wantWarning)
			}
		})
	}
}

func TestResolveWindowsDefault(t *testing.T) {
	l := fakeLookup(nil, nil)
	l.GOOS = "windows"
	ep, err := Resolve(l)
	if err != nil || ep.Host != DefaultPipeHost {
		t.Fatalf("got %q, %v", ep.Host, err)
	}
}

func TestParseHost(t *testing.T) {
	tests := []struct{ host, network, address string }{
		{"unix:///var/run/docker.sock", "unix", "/var/run/docker.sock"},
		{"npipe:////./pipe/docker_engine", "npipe", `\\.\pipe\docker_engine`},
		{"tcp://127.0.0.1:2375", "tcp", "127.0.0.1:2375"},
		{"tcp://[::1]", "tcp", "[::1]:2375"},
	}
	for _, tt := range tests {
		n, a, err := ParseHost(tt.host)
		if err != nil || n != tt.network || a != tt.address {
			t.Errorf("ParseHost(%q) = %q %q %v", tt.host, n, a, err)
		}
	}
	for _, bad := range []string{"", "/var/run/docker.sock", "unix://", "ftp://x", "tcp://"} {
		if _, _, err := ParseHost(bad); err == nil {
			t.Errorf("ParseHost(%q): no error", bad)
		}
	}
	if _, _, err := ParseHost("ssh://me@host"); KindOf(err) != KindUnsupported {
		t.Errorf("ssh: %v", err)
	}
}

func TestNegotiate(t *testing.T) {
	for engine, want := range map[string]string{"1.41": "1.41", "1.99": MaxAPIVersion, "1.12": MinAPIVersion, "": MinAPIVersion, "1.9": MinAPIVersion} {
		if got := negotiate(engine); got != want {
			t.Errorf("negotiate(%q) = %q, want %q", engine, got, want)
		}
	}
}

func TestResolveFacts(t *testing.T) {
	colimaMeta := "/home/alice/.docker/contexts/meta/" + metaDir("colima") + "/meta.json"
	colima := `{"Name":"colima","Endpoints":{"docker":{"Host":"unix:///home/alice/.colima/default/docker.sock"}}}`

	// DOCKER_HOST overriding a context is recorded with where it was chosen.
	l := fakeLookup(map[string]string{"DOCKER_HOST": "unix:///x.sock"}, map[string]string{"/home/alice/.docker/config.json": `{"currentContext":"colima"}`, colimaMeta: colima})
	ep, err := Resolve(l)
	if err != nil || ep.Overridden != "colima" || ep.OverriddenBy != `currentContext "colima" in /home/alice/.docker/config.json` {
		t.Errorf("override: %+v %v", ep, err)
	}
	if host, err := l.ContextHost(ep.ConfigDir, "colima"); err != nil || host != "unix:///home/alice/.colima/default/docker.sock" {
		t.Errorf("ContextHost = %q, %v", host, err)
	}
	if host, err := l.ContextHost(ep.ConfigDir, "default"); err != nil || host != "unix:///x.sock" {
		t.Errorf("default ContextHost = %q, %v", host, err)
	}
	l = fakeLookup(map[string]string{"DOCKER_HOST": "unix:///x.sock", "DOCKER_CONTEXT": "colima"}, nil)
	if ep, _ := Resolve(l); ep.Overridden != "colima" || ep.OverriddenBy != "DOCKER_CONTEXT=colima" {
		t.Errorf("DOCKER_CONTEXT override: %+v", ep)
	}

	// A missing context is a *ContextError that still wraps ErrContextNotFound.
	l = fakeLookup(map[string]string{"DOCKER_CONTEXT": "gone"}, nil)
	_, err = Resolve(l)
	var ce *ContextError
	if !errors.As(err, &ce) || !ce.Missing || ce.Name != "gone" || ce.Source != "DOCKER_CONTEXT=gone" || !errors.Is(err, ErrContextNotFound) ||
		err.Error() != `context "gone" (DOCKER_CONTEXT=gone) has no metadata at /home/alice/.docker/contexts/meta/`+metaDir("gone")+`/meta.json: context not found` {
		t.Errorf("missing context: %v", err)
	}
	l = fakeLookup(nil, map[string]string{"/home/alice/.docker/config.json": `{"currentContext":"colima"}`, colimaMeta: `{"Name":"colima","Endpoints":{}}`})
	if _, err := Resolve(l); !errors.As(err, &ce) || ce.Missing || !strings.Contains(err.Error(), "has no docker endpoint") {
		t.Errorf("broken context: %v", err)
	}

	// A bad config.json is kept as ConfigErr; its credentials are read when it is good.
	l = fakeLookup(nil, map[string]string{"/home/alice/.docker/config.json": `{`})
	if ep, err := Resolve(l); err != nil || ep.ConfigErr == nil || !strings.Contains(ep.ConfigErr.Error(), "is not valid JSON") {
		t.Errorf("bad config: %+v %v", ep, err)
	}
	l = fakeLookup(nil, map[string]string{"/home/alice/.docker/config.json": `{"credsStore":"desktop","credHelpers":{"gcr.io":"gcloud"}}`})
	if cfg, err := l.ReadConfig("/home/alice/.docker"); err != nil || cfg.CredsStore != "desktop" || cfg.CredHelpers["gcr.io"] != "gcloud" {
		t.Errorf("ReadConfig = %+v, %v", cfg, err)
	}
}
