package project

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPathFacts: the loader records, for every bind source and env_file of
// every service (profile-disabled ones too), whether it exists, whether it
// is a directory, and an existing path that differs only in letter case;
// a remote include does not stop the load.
func TestPathFacts(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, data string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("compose.yaml", `include:
  - oci://registry.example.com/stack:1.0
services:
  app:
    image: nginx:1.27
    env_file: [app.env, missing.env]
    volumes:
      - ./Config:/etc/app
      - ./data:/data
      - type: bind
        source: conf/nginx.conf
        target: /etc/nginx/nginx.conf
  tools:
    image: alpine:3.20
    profiles: [debug]
    volumes:
      - ./scripts:/scripts
`)
	write("app.env", "A=1\n")
	write("config/app.yaml", "x: 1\n")
	write("conf/nginx.conf", "events {}\n")

	p, err := Load(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Compose.Model == nil {
		t.Fatalf("model not loaded: %v", p.Compose.LoadErrors)
	}
	root := p.Root
	cases := []struct {
		rel  string
		want PathInfo
	}{
		{"app.env", PathInfo{Exists: true}},
		{"missing.env", PathInfo{}},
		{"Config", PathInfo{CaseVariant: filepath.Join(root, "config")}},
		{"data", PathInfo{}},
		{"conf/nginx.conf", PathInfo{Exists: true}},
		{"scripts", PathInfo{}},
	}
	if _, err := os.Stat(filepath.Join(root, "APP.ENV")); err == nil {
		cases[2].want = PathInfo{Exists: true, IsDir: true} // case-insensitive file system
	}
	for _, c := range cases {
		got, ok := p.Compose.PathFact(filepath.Join(root, filepath.FromSlash(c.rel)))
		if !ok {
			t.Errorf("%s: not examined", c.rel)
			continue
		}
		if got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.rel, got, c.want)
		}
	}
	if _, ok := p.Compose.PathFact(filepath.Join(root, "elsewhere")); ok {
		t.Error("a path no service names was examined")
	}
	if got := RelPath(root, filepath.Join(filepath.Dir(root), "x")); got != "../x" {
		t.Errorf("RelPath outside the root = %q", got)
	}
}

// TestRemoteExtends: a remote extends file is never fetched, and the load
// error says so instead of naming the stand-in file.
func TestRemoteExtends(t *testing.T) {
	dir := t.TempDir()
	data := "services:\n  app:\n    extends:\n      file: https://example.com/base.yaml\n      service: web\n"
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Compose.LoadErrors) != 1 || !strings.Contains(p.Compose.LoadErrors[0].Message, "remote file, which envdoctor does not fetch") {
		t.Errorf("load errors %+v", p.Compose.LoadErrors)
	}
}
