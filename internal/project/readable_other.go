//go:build !unix

package project

import (
	"os"
	"path/filepath"
)

type processIDs struct{}

func currentIDs() processIDs { return processIDs{} }

// statAt reads a file's metadata by its path. Readability is not known
// from permission bits here (Windows): an unreadable file shows up when it
// is opened.
func statAt(dir *os.File, name string, e *fileStat, _ processIDs) {
	fi, err := os.Lstat(filepath.Join(dir.Name(), name))
	switch {
	case err != nil:
		e.err = err
	case !fi.Mode().IsRegular():
		e.typ = fi.Mode().Type()
	default:
		e.size = fi.Size()
	}
}
