package safefs

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadFile(t *testing.T) {
	base := t.TempDir()
	proj := filepath.Join(base, "proj")
	write(t, filepath.Join(proj, "Dockerfile"), "FROM a\n")
	write(t, filepath.Join(base, "secret"), "s3cret\n")
	write(t, filepath.Join(proj, "big"), strings.Repeat("x", 2<<20))
	link := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(proj, name)); err != nil {
			t.Skip("no symbolic links:", err)
		}
	}
	write(t, filepath.Join(proj, "sub", "deeper", "app.env"), "A=1\n")
	write(t, filepath.Join(proj, "exact"), strings.Repeat("x", 1<<20))
	write(t, filepath.Join(proj, "over"), strings.Repeat("x", 1<<20+1))
	write(t, filepath.Join(proj, "empty"), "")
	write(t, filepath.Join(base, "outside", "f"), "out\n")
	link("../secret", "out-link")
	link("../outside", "out-dir")
	link("sub", "in-dir")
	link("Dockerfile", "in-link")
	link("loop-b", "loop-a")
	link("loop-a", "loop-b")
	if err := os.Mkdir(filepath.Join(proj, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := Reader{Boundary: BoundaryOf(proj), Max: 1 << 20}
	if r.Boundary == "" || !strings.HasSuffix(r.Boundary, "proj") {
		t.Fatalf("boundary = %q", r.Boundary)
	}
	tests := []struct {
		name, path, want string // want: content, or "error: substring"
	}{
		{"plain", "Dockerfile", "FROM a\n"},
		{"link inside", "in-link", "FROM a\n"},
		{"link outside", "out-link", "error: a symbolic link to " + filepath.Join(r.Boundary, "..", "secret")},
		{"path outside", "../secret", "error: outside the project"},
		{"absolute outside", "/etc/passwd", "error: outside the project"},
		{"directory", "dir", "error: a directory, not a regular file: not read"},
		{"too large", "big", "error: larger than 1 MiB, not read"},
		{"link loop", "loop-a", "error: too many"},
		{"missing", "nope", "error: no such file"},
		{"in a subdirectory", "sub/deeper/app.env", "A=1\n"},
		{"through a link to a directory inside", "in-dir/deeper/app.env", "A=1\n"},
		{"through a link to a directory outside", "out-dir/f", "error: a symbolic link to " + filepath.Join(r.Boundary, "..", "outside", "f")},
		{"missing directory", "nodir/f", "error: no such file"},
		{"exactly Max", "exact", strings.Repeat("x", 1<<20)},
		{"Max and one byte", "over", "error: larger than 1 MiB, not read"},
		{"empty", "empty", ""},
	}
	// Each case without a DirCache, then with one, twice (the second
	// time from what it remembers).
	cached := r
	cached.Dirs = &DirCache{}
	for _, rd := range []struct {
		name string
		r    Reader
	}{{"plain", r}, {"cached", cached}, {"from the cache", cached}} {
		for _, tt := range tests {
			t.Run(rd.name+"/"+tt.name, func(t *testing.T) {
				p := tt.path
				if !filepath.IsAbs(p) {
					p = filepath.Join(proj, p)
				}
				got, err := rd.r.ReadFile(p)
				if want, isErr := strings.CutPrefix(tt.want, "error: "); isErr {
					if err == nil || !strings.Contains(err.Error(), filepath.Clean(want)) && !strings.Contains(err.Error(), want) {
						t.Fatalf("err = %v, want %q", err, want)
					}
					return
				}
				if err != nil || string(got) != tt.want {
					t.Fatalf("got %q, %v", got, err)
				}
			})
		}
	}
	// No boundary: the user named the file.
	if got, err := (Reader{}).ReadFile(filepath.Join(proj, "out-link")); err != nil || string(got) != "s3cret\n" {
		t.Errorf("without a boundary: %q, %v", got, err)
	}
}

func TestDevices(t *testing.T) {
	for _, p := range []string{"/dev/zero", "/dev/null", "/dev/urandom"} {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		_, err := Reader{}.ReadFile(p)
		if err == nil || !strings.Contains(err.Error(), "a character device, not a regular file") {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestBoundaryOf(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "repo", "services", "api")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	real := func(p string) string {
		r, err := filepath.EvalSymlinks(p)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if got := BoundaryOf(sub); got != real(sub) {
		t.Errorf("outside git: %s", got)
	}
	// A .git directory (or the .git file of a worktree) widens it.
	write(t, filepath.Join(dir, "repo", ".git"), "gitdir: /elsewhere\n")
	if got := BoundaryOf(sub); got != real(filepath.Join(dir, "repo")) {
		t.Errorf("in git: %s", got)
	}
}

func TestWithin(t *testing.T) {
	sep := string(filepath.Separator)
	root := sep + filepath.Join("a", "b")
	for p, want := range map[string]bool{
		root: true, filepath.Join(root, "c"): true, filepath.Join(root, "..c"): true,
		sep + "a": false, filepath.Join(sep+"a", "bc"): false, sep + filepath.Join("x", "y"): false,
	} {
		if got := Within(p, root); got != want {
			t.Errorf("Within(%s, %s) = %v", p, root, got)
		}
	}
}

func TestKindOf(t *testing.T) {
	for m, want := range map[fs.FileMode]string{
		0: "a regular file", fs.ModeDir: "a directory", fs.ModeNamedPipe: "a named pipe",
		fs.ModeSocket: "a socket", fs.ModeDevice | fs.ModeCharDevice: "a character device",
		fs.ModeDevice: "a device", fs.ModeSymlink: "a symbolic link", fs.ModeIrregular: "a special file",
	} {
		if got := KindOf(m); got != want {
			t.Errorf("KindOf(%v) = %q", m, got)
		}
	}
}
