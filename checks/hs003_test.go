package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHS003(t *testing.T) {
	p := writeProject(t, map[string]string{
		"compose.yaml":    "services:\n  web:\n    image: python:3.12\n    volumes:\n      - ./uploads:/app/uploads\n      - \"./config/app.ini:/etc/app.ini:ro\"\n      - type: bind\n        source: ./shared\n        target: /shared\n      - ./missing:/missing\n      - /etc/hosts:/etc/hosts2:ro\n      - data:/data\n  worker:\n    image: python:3.12\n    volumes:\n      - ./uploads:/uploads\n      - ./open:/open\nvolumes:\n  data:\n",
		"uploads/.keep":   "",
		"config/app.ini":  "[app]\n",
		"shared/.keep":    "",
		"open/.keep":      "",
		"unmounted/.keep": "",
	})
	if err := os.Chmod(filepath.Join(p.Root, "open"), 0o777); err != nil {
		t.Fatal(err)
	}
	owners := map[string]int{"uploads": 0, "config/app.ini": 0, "shared": 1000, "open": 0, "unmounted": 0}
	var asked []string
	env := diskEnv()
	env.UID = 1000
	env.Owner = func(path string) (int, error) {
		rel, _ := filepath.Rel(p.Root, path)
		asked = append(asked, filepath.ToSlash(rel))
		uid, ok := owners[filepath.ToSlash(rel)]
		if !ok {
			return -1, os.ErrNotExist
		}
		return uid, nil
	}
	r := runCheck2(t, bindSourceRootOwned(), env, p)
	got := locatedResult(r)
	for _, want := range []string{
		"compose.yaml:5:9-5:18 HS003: bind-mount source \"./uploads\" of service \"web\" is a directory owned by root while you are uid 1000: a container process that is not root cannot write there (permission denied), and you cannot edit or delete its files without sudo; Docker creates a missing bind source this way\n" +
			"  fix: `sudo chown -R $(id -u):$(id -g) ./uploads`; create bind-mount sources yourself before `docker compose up` (`mkdir -p ./uploads`) so that Docker does not create them as root\n",
		"compose.yaml:6:10-6:26 HS003: bind-mount source \"./config/app.ini\" of service \"web\" is a file owned by root while you are uid 1000: a container process that is not root cannot write it (permission denied), and you cannot edit it without sudo\n" +
			"  fix: `sudo chown $(id -u):$(id -g) ./config/app.ini`\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if len(r.Findings) != 2 {
		t.Errorf("want 2 findings (uploads once, not shared, open, /etc/hosts or the named volume):\n%s", got)
	}
	if strings.Join(asked, ",") != "uploads,config/app.ini,shared,missing,open" {
		t.Errorf("asked the owner of %v", asked)
	}
	if len(r.Details) != 1 || r.Details[0] != "4 bind-mount sources checked for ownership" {
		t.Errorf("details %v", r.Details)
	}

	// Skips.
	for _, c := range []struct {
		mod  func(*Env)
		want string
	}{
		{func(e *Env) { e.UID = 0 }, "envdoctor runs as root"},
		{func(e *Env) { e.UID = -1; e.GOOS = "windows" }, "files have no uid on Windows"},
		{func(e *Env) { e.Owner = nil }, "cannot read file owners here"},
	} {
		e := diskEnv()
		e.UID = 1000
		e.Owner = env.Owner
		c.mod(e)
		if r := runCheck2(t, bindSourceRootOwned(), e, p); r.Skipped != c.want {
			t.Errorf("want skip %q, got %+v", c.want, r)
		}
	}
	if r := runCheck2(t, bindSourceRootOwned(), env, nil); r.Skipped != "no compose file" {
		t.Errorf("no project: %+v", r)
	}
}

func TestHS003ProjectRootMount(t *testing.T) {
	p := writeProject(t, map[string]string{"compose.yaml": "services:\n  web:\n    image: python:3.12\n    volumes:\n      - .:/app\n"})
	env := diskEnv()
	env.UID = 1000
	env.Owner = func(string) (int, error) { return 0, nil }
	got := locatedResult(runCheck2(t, bindSourceRootOwned(), env, p))
	if !strings.Contains(got, "fix: `sudo chown -R $(id -u):$(id -g) .` in the project directory") {
		t.Errorf("got:\n%s", got)
	}
}

// TestRealHS003 uses the real file owners: run as root, the test makes one
// directory root's and another a user's, and pretends to be that user.
func TestRealHS003(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to give a directory to another user")
	}
	p := writeProject(t, map[string]string{
		"compose.yaml":  "services:\n  web:\n    image: python:3.12\n    volumes:\n      - ./rootdir:/a\n      - ./mine:/b\n",
		"rootdir/.keep": "",
		"mine/.keep":    "",
	})
	if err := os.Chown(filepath.Join(p.Root, "mine"), 1000, 1000); err != nil {
		t.Fatal(err)
	}
	env := RealEnv(RealOptions{})
	env.UID = 1000
	r := runCheck2(t, bindSourceRootOwned(), env, p)
	got := locatedResult(r)
	if len(r.Findings) != 1 || !strings.Contains(got, `bind-mount source "./rootdir" of service "web" is a directory owned by root while you are uid 1000`) {
		t.Errorf("got:\n%s", got)
	}
}
