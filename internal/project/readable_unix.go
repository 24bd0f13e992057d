//go:build unix

package project

import (
	"io/fs"
	"os"
	"syscall"
)

// canRead reports whether the process may open a file for reading by its
// owner, group and permission bits (root may always). It costs no system
// call: the FileInfo comes from the walk's lstat. Supplementary groups
// are not consulted: a file readable only through one is reported
// readable, never the reverse.
func canRead(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	uid := os.Geteuid()
	mode := fi.Mode().Perm()
	switch {
	case uid == 0:
		return true
	case int(st.Uid) == uid:
		return mode&0o400 != 0
	case int(st.Gid) == os.Getegid():
		return mode&0o040 != 0
	}
	return mode&0o004 != 0 || mode&0o040 != 0
}
