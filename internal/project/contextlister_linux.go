package project

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// newOSLister reads the context with the system calls themselves: a
// directory is opened relative to its parent (openat, O_NOFOLLOW), read
// with getdents64 into a buffer reused from one directory to the next and
// parsed here (the type from d_type, an lstat only where the file system
// leaves it unknown, as package os does), and closed. Package os would add
// per directory an os.File, its poller registration and fcntl calls, and
// per entry a DirEntry and a string.
func newOSLister(root string) dirLister {
	clean := filepath.Clean(root)
	n := len(clean) + 1
	if clean == "/" {
		n = 1
	}
	return linuxLister{osLister: newPortableLister(root), rootLen: n}
}

// linuxLister is osLister with its own directory reading and sizing.
type linuxLister struct {
	osLister
	// rootLen is the length of the context's path and a "/": a directory
	// whose path from the root is too long for the system (PATH_MAX) is
	// reported unreadable, as os.Open by its path would.
	rootLen int
}

// getdentsBuf is the size of the getdents64 buffer: a directory of up to
// about 1,000 entries is read in one call (and one more that returns 0).
const getdentsBuf = 32 << 10

const dirFlags = unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC

func (l linuxLister) Open(parent dirHandle, name, rel string) (dirHandle, error) {
	var (
		fd  int
		err error
	)
	switch {
	case rel == ".":
		// The context itself may be given as a link to a directory.
		fd, err = openRetry(unix.AT_FDCWD, l.root, dirFlags)
	case l.rootLen+len(rel) >= unix.PathMax:
		err = unix.ENAMETOOLONG
	case parent.fd >= 0:
		fd, err = openRetry(parent.fd, name, dirFlags|unix.O_NOFOLLOW)
	default:
		fd, err = openRetry(unix.AT_FDCWD, filepath.Join(l.root, rel), dirFlags|unix.O_NOFOLLOW)
	}
	if err != nil {
		return dirHandle{}, err
	}
	return dirHandle{fd: fd, rel: rel}, nil
}

func openRetry(dirfd int, name string, flags int) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, flags, 0)
		if !errors.Is(err, unix.EINTR) {
			return fd, err
		}
	}
}

func (l linuxLister) Close(h dirHandle) {
	if h.fd >= 0 {
		unix.Close(h.fd)
	}
}

// Read reads every entry of h, or stops past b.limit. As os.ReadDir, entries with inode 0 are
// skipped, an entry that disappears before its type is read is skipped,
// and an error after some entries were read ends the directory without
// an error.
func (l linuxLister) Read(h dirHandle, b *dirBatch) error {
	if b.buf == nil {
		b.buf = make([]byte, getdentsBuf)
	}
	for {
		n, err := unix.Getdents(h.fd, b.buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			if b.len() > 0 {
				return nil
			}
			return &fs.PathError{Op: "readdirent", Path: h.rel, Err: err}
		}
		if n <= 0 {
			return nil
		}
		if err := parseDirents(h.fd, b.buf[:n], b); err != nil {
			if b.len() > 0 {
				return nil
			}
			return err
		}
		if b.limit > 0 && b.len() > b.limit {
			return nil // a directory larger than the whole listing
		}
	}
}

// linux_dirent64: d_ino u64, d_off s64, d_reclen u16, d_type u8, d_name
// (NUL-terminated).
const (
	direntReclen = 16
	direntType   = 18
	direntName   = 19
)

func parseDirents(dirfd int, buf []byte, b *dirBatch) error {
	for len(buf) >= direntName {
		reclen := int(binary.NativeEndian.Uint16(buf[direntReclen:]))
		if reclen < direntName || reclen > len(buf) {
			return nil
		}
		rec := buf[:reclen]
		buf = buf[reclen:]
		if binary.NativeEndian.Uint64(rec) == 0 {
			continue // a deleted entry
		}
		name := rec[direntName:]
		for i, c := range name {
			if c == 0 {
				name = name[:i]
				break
			}
		}
		if len(name) == 0 || (name[0] == '.' && (len(name) == 1 || (len(name) == 2 && name[1] == '.'))) {
			continue
		}
		var typ fs.FileMode
		switch rec[direntType] {
		case unix.DT_REG:
		case unix.DT_DIR:
			typ = fs.ModeDir
		case unix.DT_LNK:
			typ = fs.ModeSymlink
		case unix.DT_FIFO:
			typ = fs.ModeNamedPipe
		case unix.DT_SOCK:
			typ = fs.ModeSocket
		case unix.DT_CHR:
			typ = fs.ModeDevice | fs.ModeCharDevice
		case unix.DT_BLK:
			typ = fs.ModeDevice
		default: // DT_UNKNOWN: the file system does not say
			var st unix.Stat_t
			if err := unix.Fstatat(dirfd, string(name), &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
				if errors.Is(err, unix.ENOENT) {
					continue
				}
				return &fs.PathError{Op: "lstat", Path: string(name), Err: err}
			}
			typ = modeType(st.Mode)
		}
		b.names = append(b.names, name...)
		b.offs = append(b.offs, int32(len(b.names)))
		b.types = append(b.types, typ)
	}
	return nil
}

// modeType is the fs.FileMode type bits of a stat mode, as package os
// sets them.
func modeType(mode uint32) fs.FileMode {
	switch mode & unix.S_IFMT {
	case unix.S_IFDIR:
		return fs.ModeDir
	case unix.S_IFLNK:
		return fs.ModeSymlink
	case unix.S_IFIFO:
		return fs.ModeNamedPipe
	case unix.S_IFSOCK:
		return fs.ModeSocket
	case unix.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		return fs.ModeDevice
	}
	return 0
}

// StatFiles opens the directory without an os.File (no poller
// registration, no fcntl) and reads each file's metadata relative to it.
func (l linuxLister) StatFiles(dir string, names []string, out []fileStat) {
	full := filepath.Join(l.root, filepath.FromSlash(dir))
	fd, err := openRetry(unix.AT_FDCWD, full, dirFlags)
	if err != nil {
		for i := range out {
			out[i].err = &fs.PathError{Op: "open", Path: full, Err: err}
		}
		return
	}
	defer unix.Close(fd)
	for i, n := range names {
		statFD(fd, n, &out[i], l.ids)
	}
}

func (l linuxLister) statIn(h dirHandle, name string, ids processIDs) fileStat {
	var st fileStat
	statFD(h.fd, name, &st, ids)
	return st
}
