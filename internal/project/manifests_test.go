package project

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindManifests(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"requirements.txt", "requirements-dev.txt", "requirements/prod.txt", "package.json",
		"yarn.lock", "main.py", "go.mod", "README.md", "requirements/notes.md"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, ".yarn", "releases"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "package.json.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(findManifests(dir), " ")
	want := ".yarn/ go.mod package.json requirements-dev.txt requirements.txt requirements/prod.txt yarn.lock"
	if got != want {
		t.Errorf("findManifests = %q, want %q", got, want)
	}
	if got := findManifests(filepath.Join(dir, "missing")); got != nil {
		t.Errorf("missing dir: %v", got)
	}
}
