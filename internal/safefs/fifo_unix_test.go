//go:build unix

package safefs

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestFIFO: a named pipe (nobody writing to it) is refused at once, by
// Check and by ReadFile, and by the open file check when it is swapped in.
func TestFIFO(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".env")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := ForProject(dir, 0).ReadFile(p)
		done <- err
	}()
	select {
	case err := <-done:
		var re *RefusedError
		if !errors.As(err, &re) || re.Reason != "a named pipe, not a regular file: not read" {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading a named pipe blocked")
	}
	// The open itself does not block (the race where a regular file is
	// replaced by a pipe between Check and open).
	f, err := openNonBlocking(p)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	f.Close()
	if err := checkKind(p, fi); err == nil || !IsRefused(err) {
		t.Errorf("checkKind = %v", err)
	}
}
