package project

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		abs := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func contextPaths(fs []ContextFile) string {
	var out []string
	for _, f := range fs {
		s := f.Path
		switch {
		case f.Dir:
			s += "/"
		case f.Symlink:
			s += "@"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestContextFilesListing(t *testing.T) {
	root := t.TempDir()
	ctx := filepath.Join(root, "ctx")
	writeTree(t, ctx, map[string]string{
		"Dockerfile":           "FROM x\n",
		"app/main.py":          "print(1)\n",
		"app/Requirements.txt": "flask\n",
		"data/a.csv":           "1,2,3\n",
	})
	writeTree(t, root, map[string]string{"outside/secret.txt": "s"})
	// A link loop, a link out of the context, and a dangling link: listed as
	// links, never followed.
	if err := os.Symlink("..", filepath.Join(ctx, "app", "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "outside"), filepath.Join(ctx, "out")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("nowhere", filepath.Join(ctx, "dangling")); err != nil {
		t.Fatal(err)
	}

	c := &BuildContext{Dir: "ctx", index: newContextIndex(os.DirFS(ctx))}
	cf := c.Files()
	if cf == nil {
		t.Fatal("no listing")
	}
	want := "Dockerfile app/ app/Requirements.txt app/loop@ app/main.py dangling@ data/ data/a.csv out@"
	if got := contextPaths(cf.Files); got != want {
		t.Errorf("listing:\n got %s\nwant %s", got, want)
	}
	if cf.TotalSize != int64(len("FROM x\n")+len("print(1)\n")+len("flask\n")+len("1,2,3\n")) {
		t.Errorf("TotalSize = %d", cf.TotalSize)
	}
	if cf.Truncated || len(cf.Unreadable) > 0 {
		t.Errorf("Truncated=%v Unreadable=%v", cf.Truncated, cf.Unreadable)
	}
	if c.Files() != cf {
		t.Error("Files is not computed once")
	}

	if _, ok := cf.Lookup("./app/main.py"); !ok {
		t.Error("Lookup ./app/main.py failed")
	}
	if _, ok := cf.Lookup("/app//main.py"); !ok {
		t.Error("Lookup /app//main.py failed")
	}
	if _, ok := cf.Lookup("app/requirements.txt"); ok {
		t.Error("Lookup is case-insensitive")
	}
	if got := cf.LookupFold("APP/requirements.TXT"); len(got) != 1 || got[0].Path != "app/Requirements.txt" {
		t.Errorf("LookupFold = %v", got)
	}
	if got := contextPaths(cf.Under("app")); got != "app/Requirements.txt app/loop@ app/main.py" {
		t.Errorf("Under(app) = %s", got)
	}
	if got := contextPaths(cf.Glob("app/*.py")); got != "app/main.py" {
		t.Errorf("Glob(app/*.py) = %s", got)
	}
	if got := contextPaths(cf.Glob("*/*.csv")); got != "data/a.csv" {
		t.Errorf("Glob(*/*.csv) = %s", got)
	}
	if got := contextPaths(cf.Glob("*.py")); got != "" {
		t.Errorf("Glob(*.py) = %s, * must not cross /", got)
	}
}

func TestContextFilesUnreadableDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every directory; TestContextFilesReadDirError covers this")
	}
	ctx := t.TempDir()
	writeTree(t, ctx, map[string]string{"ok.txt": "x", "locked/inner.txt": "y"})
	locked := filepath.Join(ctx, "locked")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(locked, 0o755)
	cf := listContext(os.DirFS(ctx), 100)
	if got := contextPaths(cf.Files); got != "locked/ ok.txt" {
		t.Errorf("listing = %s", got)
	}
	if len(cf.Unreadable) != 1 || cf.Unreadable[0].Path != "locked" {
		t.Errorf("Unreadable = %v", cf.Unreadable)
	}
}

// errFS fails to read one directory.
type errFS struct {
	fstest.MapFS
	bad string
}

func (e errFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == e.bad {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrPermission}
	}
	return e.MapFS.ReadDir(name)
}

func (e errFS) Open(name string) (fs.File, error) {
	if name == e.bad {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return e.MapFS.Open(name)
}

func TestContextFilesReadDirError(t *testing.T) {
	fsys := errFS{MapFS: fstest.MapFS{
		"a.txt":        {Data: []byte("1")},
		"locked/b.txt": {Data: []byte("2")},
		"z/c.txt":      {Data: []byte("3")},
	}, bad: "locked"}
	cf := listContext(fsys, 100)
	if got := contextPaths(cf.Files); got != "a.txt locked/ z/ z/c.txt" {
		t.Errorf("listing = %s", got)
	}
	if len(cf.Unreadable) != 1 || cf.Unreadable[0].Path != "locked" || cf.Unreadable[0].Err != fs.ErrPermission.Error() {
		t.Errorf("Unreadable = %+v", cf.Unreadable)
	}
}

func TestContextFilesLimitAndMissing(t *testing.T) {
	m := fstest.MapFS{}
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		m[n+"/f"] = &fstest.MapFile{Data: []byte("x")}
	}
	cf := listContext(m, 4)
	if !cf.Truncated || len(cf.Files) != 4 {
		t.Errorf("Truncated=%v, %d entries", cf.Truncated, len(cf.Files))
	}
	if listContext(os.DirFS(filepath.Join(t.TempDir(), "missing")), 10) != nil {
		t.Error("a missing context has a listing")
	}
	var nilCtx *BuildContext
	if nilCtx.Files() != nil || (&BuildContext{Remote: "https://x"}).Files() != nil {
		t.Error("remote or nil context has a listing")
	}
	var nilFiles *ContextFiles
	if _, ok := nilFiles.Lookup("x"); ok || nilFiles.Glob("*") != nil {
		t.Error("nil listing finds something")
	}
}

func TestLoadIndexesContexts(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"compose.yaml":   "services:\n  app:\n    build: ./app\n",
		"app/Dockerfile": "FROM alpine:3.20\nCOPY . /src\n",
		"app/main.go":    "package main\n",
	})
	p, err := Load(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Contexts) != 1 {
		t.Fatalf("%d contexts", len(p.Contexts))
	}
	if got := contextPaths(p.Contexts[0].Files().Files); got != "Dockerfile main.go" {
		t.Errorf("listing = %s", got)
	}
}

func TestCleanContextPath(t *testing.T) {
	for in, want := range map[string]string{".": ".", "./": ".", "/": ".", "": ".", "./a/../b/": "b", "/etc/x": "etc/x", "../x": "x", "a//b": "a/b"} {
		if got := CleanContextPath(in); got != want {
			t.Errorf("CleanContextPath(%q) = %q, want %q", in, got, want)
		}
	}
}
