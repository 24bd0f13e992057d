//go:build unix

package project

import (
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// processIDs are the effective user and group of the process, read once
// per walk.
type processIDs struct{ uid, gid int }

func currentIDs() processIDs { return processIDs{uid: os.Geteuid(), gid: os.Getegid()} }

// statAt reads a file's metadata relative to its open directory
// (fstatat, no path lookup from the root), and whether the process may
// read it.
func statAt(dir *os.File, name string, e *fileStat, ids processIDs) {
	statFD(int(dir.Fd()), name, e, ids)
}

// statFD is statAt with the directory's file descriptor.
func statFD(dirfd int, name string, e *fileStat, ids processIDs) {
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		e.err = &fs.PathError{Op: "fstatat", Path: name, Err: err}
		return
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
	case unix.S_IFDIR:
		e.typ = fs.ModeDir
		return
	case unix.S_IFLNK:
		e.typ = fs.ModeSymlink
		return
	case unix.S_IFIFO:
		e.typ = fs.ModeNamedPipe
		return
	case unix.S_IFSOCK:
		e.typ = fs.ModeSocket
		return
	default:
		e.typ = fs.ModeDevice
		return
	}
	e.size = st.Size
	e.unreadable = !canRead(int(st.Uid), int(st.Gid), uint64(st.Mode), ids) // Mode is uint16 on some systems
}

// canRead reports whether the process may open a file for reading by its
// owner, group and permission bits (root may always). Supplementary groups
// are not consulted: a file readable only through one is reported
// readable, never the reverse.
func canRead(uid, gid int, mode uint64, ids processIDs) bool {
	switch {
	case ids.uid == 0:
		return true
	case uid == ids.uid:
		return mode&0o400 != 0
	case gid == ids.gid:
		return mode&0o040 != 0
	}
	return mode&0o004 != 0 || mode&0o040 != 0
}
