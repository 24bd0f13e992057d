//go:build unix

package project

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWalkBadEntries: a symlink loop, a symlink to /, a named pipe, a
// socket, names with a newline and with invalid UTF-8, an unreadable file
// and directory (when not root), and a 1 GB sparse file: all listed or
// reported, none followed or read, and the walk ends.
func TestWalkBadEntries(t *testing.T) {
	ctx := t.TempDir()
	writeTree(t, ctx, map[string]string{"Dockerfile": "FROM x\n", "dir/a.txt": "a"})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink("loop", filepath.Join(ctx, "loop")))
	must(os.Symlink(".", filepath.Join(ctx, "dir", "self")))
	must(os.Symlink("/", filepath.Join(ctx, "root")))
	must(syscall.Mkfifo(filepath.Join(ctx, "fifo"), 0o644))
	sock := filepath.Join(ctx, "s.sock")
	if len(sock) < 100 { // sun_path is 108 bytes
		l, err := net.Listen("unix", sock)
		must(err)
		defer l.Close()
	}
	must(os.WriteFile(filepath.Join(ctx, "new\nline.txt"), []byte("n"), 0o644))
	must(os.WriteFile(filepath.Join(ctx, "bad\xff\xfename.txt"), []byte("b"), 0o644))
	big, err := os.Create(filepath.Join(ctx, "big.img"))
	must(err)
	must(big.Truncate(1 << 30))
	must(big.Close())
	if os.Geteuid() != 0 {
		must(os.WriteFile(filepath.Join(ctx, "locked.txt"), []byte("x"), 0))
		must(os.Mkdir(filepath.Join(ctx, "lockeddir"), 0))
		defer os.Chmod(filepath.Join(ctx, "lockeddir"), 0o755)
	}

	start := time.Now()
	cf := walkSized(newOSLister(ctx), nil, 1000)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("walk took %v", d)
	}
	got := flagged(cf.Files)
	for _, want := range []string{"loop@", "dir/self@", "root@", "fifo|", "new\nline.txt", "bad\xff\xfename.txt", "big.img"} {
		if !strings.Contains(" "+got+" ", " "+want+" ") {
			t.Errorf("listing lacks %q: %q", want, got)
		}
	}
	if len(sock) < 100 && !strings.Contains(got, "s.sock|") {
		t.Errorf("socket not listed as special: %q", got)
	}
	if e, _ := cf.Lookup("big.img"); e.Size != 1<<30 {
		t.Errorf("big.img size %d", e.Size)
	}
	if cf.TotalSize < 1<<30 {
		t.Errorf("TotalSize %d", cf.TotalSize)
	}
	if os.Geteuid() != 0 {
		var bad []string
		for _, u := range cf.Unreadable {
			bad = append(bad, u.Path)
		}
		if strings.Join(bad, " ") != "locked.txt lockeddir" {
			t.Errorf("Unreadable = %v", cf.Unreadable)
		}
	} else {
		t.Log("running as root: chmod 000 does not block root; unreadable entries are covered by TestWalkUnreadableFileReported and TestContextFilesReadDirError with a fake file system")
	}
}
