//go:build !unix

package project

import (
	"io/fs"
	"os"
	"path/filepath"
)

type processIDs struct{}

func currentIDs() processIDs { return processIDs{} }

// statEntry reads a regular file's metadata by its path. Readability is
// not known from permission bits here (Windows): an unreadable file shows
// up when it is opened.
func statEntry(dir *os.File, d fs.DirEntry, e *dirEntry, _ processIDs) {
	fi, err := os.Lstat(filepath.Join(dir.Name(), d.Name()))
	switch {
	case err != nil:
		e.err = err
	case !fi.Mode().IsRegular():
		e.typ = fi.Mode().Type()
	default:
		e.size = fi.Size()
	}
}
