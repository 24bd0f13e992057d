//go:build !unix

package project

import (
	"io"
	"os"
)

// readForScan reads a regular file of at most MaxScanSize bytes; a
// symbolic link is not followed.
func readForScan(abs string, buf []byte) (scanRead, []byte) {
	fi, err := os.Lstat(abs)
	switch {
	case err != nil:
		return scanRead{skipped: SkipUnreadable, err: errText(err)}, buf
	case !fi.Mode().IsRegular():
		return scanRead{skipped: SkipNotRegular}, buf
	case fi.Size() > MaxScanSize:
		return scanRead{size: fi.Size(), skipped: SkipTooLarge}, buf
	}
	fh, err := os.Open(abs)
	if err != nil {
		return scanRead{skipped: SkipUnreadable, err: errText(err)}, buf
	}
	defer fh.Close()
	// The size Lstat gave: a file that grows meanwhile is cut there.
	buf = growScanBuffer(buf, fi.Size())
	n, err := io.ReadFull(fh, buf[:fi.Size()])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF { //nolint:errorlint // io.ReadFull returns these sentinels unwrapped
		return scanRead{skipped: SkipUnreadable, err: errText(err)}, buf
	}
	return scanRead{data: buf[:n]}, buf
}
