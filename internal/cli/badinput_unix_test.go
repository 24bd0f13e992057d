//go:build unix

package cli

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// badContext writes a project whose build context holds everything a walk
// can trip on: a symlink loop, a symlink to /, a named pipe, a socket,
// names with a newline and with invalid UTF-8, a 1 GB sparse file, and
// (when not root) an unreadable file and directory.
func badContext(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bad")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "app.py"), []byte("print(1)\n"), 0o644))
	must(os.Symlink("loop", filepath.Join(dir, "loop")))
	must(os.Symlink("..", filepath.Join(dir, "sub", "up")))
	must(os.Symlink("/", filepath.Join(dir, "root")))
	must(syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644))
	if l, err := net.Listen("unix", filepath.Join(dir, "s.sock")); err == nil {
		t.Cleanup(func() { l.Close() })
	}
	must(os.WriteFile(filepath.Join(dir, "new\nline.env"), []byte("TOKEN=x\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "bad\xff\xfe.txt"), []byte("x\n"), 0o644))
	f, err := os.Create(filepath.Join(dir, "disk.img"))
	must(err)
	must(f.Truncate(1 << 30))
	must(f.Close())
	if os.Geteuid() != 0 {
		must(os.WriteFile(filepath.Join(dir, "locked.txt"), []byte("x"), 0))
		must(os.Mkdir(filepath.Join(dir, "lockeddir"), 0))
		t.Cleanup(func() { os.Chmod(filepath.Join(dir, "lockeddir"), 0o755) })
	}
	return dir
}

// TestBadContextEntries runs every output format on the bad context: no
// crash, no internal error, a report in bounded time, and the special and
// unreadable entries reported as findings.
func TestBadContextEntries(t *testing.T) {
	dir := badContext(t)
	for _, format := range []string{"text", "json", "sarif", "github"} {
		start := time.Now()
		out, stderr, code := run(t, dir, nil, "lint", "--format", format, "-v")
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("%s: took %v", format, d)
		}
		if code == ExitError || strings.Contains(out, "ED000") || strings.Contains(stderr, "panic") {
			t.Fatalf("%s: exit %d\n%s\n%s", format, code, out, stderr)
		}
		if format == "json" {
			var rep struct {
				Findings []struct{ Rule, Message string }
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("json: %v", err)
			}
			var bc007 []string
			for _, f := range rep.Findings {
				if f.Rule == "BC007" {
					bc007 = append(bc007, f.Message)
				}
			}
			want := 1
			if os.Geteuid() != 0 {
				want = 2 // the unreadable entries too
			}
			if len(bc007) != want || !strings.Contains(strings.Join(bc007, "\n"), "named pipe pipe") {
				t.Errorf("BC007 findings: %q", bc007)
			}
			if !strings.Contains(out, `the file \"new\\nline.env\"`) && !strings.Contains(out, "new\\nline.env") {
				t.Errorf("the .env with a newline in its name is not reported")
			}
		}
		if format == "text" && strings.Contains(out, "new\nline") {
			t.Errorf("text output holds a raw newline from a file name:\n%s", out)
		}
		// -v counts the files the secret scan skipped: the 1 GB image.
		if !strings.Contains(stderr, "note: secret scan: ") || !strings.Contains(stderr, "skipped 1 binary") {
			t.Errorf("%s -v: no scan counts on stderr: %q", format, stderr)
		}
	}
	out, _, code := run(t, dir, nil, "context", "--explain", "disk.img")
	if code != ExitOK || !strings.Contains(out, "1.0 GB") || !strings.Contains(out, "named pipe: pipe") {
		t.Errorf("context: exit %d\n%s", code, out)
	}
	if os.Geteuid() == 0 {
		t.Log("running as root: chmod 000 does not block root, so the unreadable file and directory are not planted here; project/contextwalk_test.go fakes them")
	}
}

// TestHugeContext lints a context of 200,000 small files: the listing stops
// at its bound, BC005 reports the size, and time and memory stay bounded
// (logged; the figures for 100,000 files are in docs/performance.md).
func TestHugeContext(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 200,000 files")
	}
	dir := filepath.Join(t.TempDir(), "huge")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM node:22\nWORKDIR /app\nCOPY . /app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for d := 0; d < 400; d++ {
		sub := filepath.Join(dir, "node_modules", fmt.Sprintf("pkg%03d", d))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 500; i++ {
			if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%03d.js", i)), []byte("module.exports = 1\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	out, stderr, code := run(t, dir, nil, "lint", "--format", "json")
	elapsed := time.Since(start)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if code == ExitError {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, `"rule": "BC005"`) || !strings.Contains(out, "more than 200,000 entries") {
		t.Errorf("no BC005 for the truncated listing:\n%.2000s", out)
	}
	t.Logf("lint of 200,001 files: %v, %d MB allocated, heap in use %d MB", elapsed, (after.TotalAlloc-before.TotalAlloc)>>20, after.HeapInuse>>20)
}
