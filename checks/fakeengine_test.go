package checks

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var versionPrefix = regexp.MustCompile(`^/v[0-9]+\.[0-9]+`)

// fakeEngine is a Docker engine on a loopback HTTP server: /_ping,
// /version, /info and /images/{name}/json, with faults to order.
type fakeEngine struct {
	API      string            // API version ("1.41" when empty)
	Version  string            // JSON of /version ("" for a Docker 20.10 on linux/amd64)
	Info     string            // JSON of /info ("" for a local Linux engine)
	Images   map[string]string // name -> JSON of /images/{name}/json; absent names are 404
	ImageErr int               // when set, /images/... answers this status
	HangOn   string            // a path prefix ("/images/") that never answers

	mu       sync.Mutex
	requests []string
}

func (f *fakeEngine) api() string {
	if f.API == "" {
		return "1.41"
	}
	return f.API
}

func (f *fakeEngine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL.Path)
	f.mu.Unlock()
	w.Header().Set("Api-Version", f.api())
	w.Header().Set("Ostype", "linux")
	path := r.URL.Path
	if path == "/_ping" {
		fmt.Fprint(w, "OK")
		return
	}
	path = versionPrefix.ReplaceAllString(path, "")
	if f.HangOn != "" && strings.HasPrefix(path, f.HangOn) {
		<-r.Context().Done()
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case path == "/version":
		v := f.Version
		if v == "" {
			v = fmt.Sprintf(`{"Version":"20.10.24","ApiVersion":%q,"Os":"linux","Arch":"amd64"}`, f.api())
		}
		fmt.Fprint(w, v)
	case path == "/info":
		i := f.Info
		if i == "" {
			i = `{"OSType":"linux","Architecture":"x86_64","DockerRootDir":"/var/lib/docker","OperatingSystem":"Debian GNU/Linux 12 (bookworm)","Name":"host"}`
		}
		fmt.Fprint(w, i)
	case strings.HasPrefix(path, "/images/") && strings.HasSuffix(path, "/json"):
		name := strings.TrimSuffix(strings.TrimPrefix(path, "/images/"), "/json")
		if f.ImageErr != 0 {
			w.WriteHeader(f.ImageErr)
			fmt.Fprint(w, `{"message":"server error"}`)
			return
		}
		body, ok := f.Images[name]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"message":"No such image: %s"}`, name)
			return
		}
		fmt.Fprint(w, body)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"page not found"}`)
	}
}

// paths are the request paths the engine saw.
func (f *fakeEngine) paths() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.requests...)
}

// env starts the engine and returns a Linux machine whose default socket
// reaches it.
func (f *fakeEngine) env(t *testing.T) *Env {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	env := fakeEnv(nil, nil)
	env.Dial = func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", srv.Listener.Addr().String())
	}
	return env
}

// imageJSON is an image inspect answer for os/arch.
func imageJSON(name, os, arch string) string {
	return fmt.Sprintf(`{"Id":"sha256:1","RepoTags":[%q],"Os":%q,"Architecture":%q}`, name, os, arch)
}
