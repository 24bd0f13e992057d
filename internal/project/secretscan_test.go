package project

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScanSecretsSkips: what the scan reads and what it skips, and why.
// The token is assembled at run time: the repository holds none.
func TestScanSecretsSkips(t *testing.T) {
	dir := t.TempDir()
	token := "ghp" + "_" + strings.Repeat("aB3dE5gH7j", 4)[:36]
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("config/app.yaml", "github:\n  token: "+token+"\n")
	write("empty.txt", "")
	write("nul.dat.txt", "a\x00b "+token)
	write("bundle.min.js", "var t='"+token+"';")
	write("large.txt", "")
	if err := os.Truncate(filepath.Join(dir, "large.txt"), MaxScanSize+1); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("config/app.yaml", filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "adir"), 0o755); err != nil {
		t.Fatal(err)
	}
	paths := []string{"config/app.yaml", "empty.txt", "nul.dat.txt", "bundle.min.js", "large.txt", "link.yaml", "adir", "missing.txt"}
	want := map[string]SkipReason{
		"nul.dat.txt": SkipBinary, "bundle.min.js": SkipMinified, "large.txt": SkipTooLarge,
		"link.yaml": SkipNotRegular, "adir": SkipNotRegular, "missing.txt": SkipUnreadable,
	}
	if makeFIFO(filepath.Join(dir, "pipe")) == nil {
		// A named pipe with no writer: opening it must not wait.
		paths = append(paths, "pipe")
		want["pipe"] = SkipNotRegular
	}
	p := &Project{Root: dir}
	got := p.ScanSecrets(paths)
	for i, f := range got {
		if f.Path != paths[i] {
			t.Fatalf("result %d is %s, want %s", i, f.Path, paths[i])
		}
		if f.Skipped != want[f.Path] {
			t.Errorf("%s: skipped %q (%s), want %q", f.Path, f.Skipped, f.Err, want[f.Path])
		}
	}
	if app := got[0]; len(app.Secrets) != 1 || app.Secrets[0].Range.Start.Line != 2 || app.Size != int64(len("github:\n  token: "+token+"\n")) {
		t.Errorf("config/app.yaml: %d secrets, size %d: %+v", len(app.Secrets), app.Size, app.Secrets)
	}
	if got[4].Size != MaxScanSize+1 {
		t.Errorf("large.txt: size %d, want %d (from its metadata, unread)", got[4].Size, MaxScanSize+1)
	}
	if got[7].Err == "" {
		t.Error("missing.txt: no error text")
	}
	// A second ask is answered from the cache, the same results.
	again := p.ScanSecrets([]string{"config/app.yaml"})
	if again[0] != got[0] {
		t.Error("the scan of config/app.yaml was not shared")
	}
}
