//go:build unix

package project

import (
	"errors"
	"io/fs"
	"syscall"
)

// readForScan reads a regular file of at most MaxScanSize bytes with raw
// system calls: open (not following a symbolic link, not waiting on a
// pipe), fstat, read, close. os.Open would add a poller registration and
// four fcntl calls per file, a third of the system calls of scanning a
// build context of thousands of small files.
func readForScan(abs string, buf []byte) (scanRead, []byte) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(abs, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	switch {
	case errors.Is(err, syscall.ELOOP):
		return scanRead{skipped: SkipNotRegular}, buf // a symbolic link: not followed
	case err != nil:
		return scanRead{skipped: SkipUnreadable, err: errText(&fs.PathError{Op: "open", Path: abs, Err: err})}, buf
	}
	defer syscall.Close(fd) // read-only: nothing to flush, no error to act on
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return scanRead{skipped: SkipUnreadable, err: err.Error()}, buf
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return scanRead{skipped: SkipNotRegular}, buf
	}
	if st.Size > MaxScanSize {
		return scanRead{size: st.Size, skipped: SkipTooLarge}, buf
	}
	// The size fstat gave: a file that grows meanwhile is cut there.
	buf = growScanBuffer(buf, st.Size)
	data := buf[:st.Size]
	n := 0
	for n < len(data) {
		m, err := syscall.Read(fd, data[n:])
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return scanRead{skipped: SkipUnreadable, err: err.Error()}, buf
		}
		if m == 0 {
			break // it shrank
		}
		n += m
	}
	return scanRead{data: data[:n]}, buf
}
