// Package safefs reads the files of a project being linted so that the
// project cannot make envdoctor read outside it, block, or exhaust memory:
//
//   - a file whose real path (symbolic links resolved) is outside the
//     project's boundary is not read (a Dockerfile or .env that links to
//     /etc/passwd, an env_file: ../../etc/passwd);
//   - only regular files are read: a named pipe, a device (/dev/zero), a
//     socket or a directory is refused without being opened for reading
//     (the open is non-blocking, and the kind is checked on the opened
//     file, so a pipe swapped in after the check does not block either);
//   - at most Max bytes are read.
//
// The boundary is the project directory, widened to the git work tree that
// holds it (a monorepo's services build from ../backend): what the
// repository holds is what is being linted; the machine around it is not.
// Paths the user names on the command line are read with no boundary.
package safefs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// DefaultMax is the most bytes read of one file unless Reader.Max says
// otherwise: compose files, Dockerfiles and env files are kilobytes.
const DefaultMax = 8 << 20

// RefusedError is why a file was not read although it exists.
type RefusedError struct {
	Path   string // as asked for
	Reason string // "a named pipe, not a regular file: not read"
	Fix    string // what the user can do about it
}

func (e *RefusedError) Error() string { return e.Reason }

// IsRefused reports whether err (or an error it wraps) is a RefusedError.
func IsRefused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}

// FixOf is the advice of a RefusedError, or "".
func FixOf(err error) string {
	var r *RefusedError
	if errors.As(err, &r) {
		return r.Fix
	}
	return ""
}

// Reader reads files inside Boundary (an absolute directory; empty reads
// anywhere) of at most Max bytes (0: DefaultMax).
type Reader struct {
	Boundary string
	Max      int64
	// Dirs, when set, remembers where the directories of the files
	// checked really are, for a Reader (and its copies) that reads many
	// files of the same directories: see DirCache.
	Dirs *DirCache
}

// DirCache remembers the real paths (links resolved) of directories, so
// that checking a file's place costs one lstat of the file rather than
// one of every component of its path (a project of 500 services reads
// 1,000 files in 500 directories). A directory is resolved from its
// parent's real path, each once. It is safe for concurrent use. A
// directory replaced by a link after it was resolved goes unnoticed, as
// a file replaced between Check and the read does: share one only over
// one pass of reads (a project load).
type DirCache struct {
	mu   sync.Mutex
	real map[string]string
}

// realDir is filepath.EvalSymlinks of the absolute, clean directory dir.
func (c *DirCache) realDir(dir string) (string, error) {
	c.mu.Lock()
	real, ok := c.real[dir]
	c.mu.Unlock()
	if ok {
		return real, nil
	}
	parent := filepath.Dir(dir)
	if parent == dir {
		return filepath.EvalSymlinks(dir) // the root
	}
	realParent, err := c.realDir(parent)
	if err != nil {
		return "", err
	}
	fi, err := os.Lstat(dir)
	switch {
	case err != nil:
		return "", err
	case fi.Mode()&fs.ModeSymlink == 0:
		real = filepath.Join(realParent, filepath.Base(dir))
	default:
		if real, err = filepath.EvalSymlinks(dir); err != nil {
			return "", err
		}
	}
	c.mu.Lock()
	if c.real == nil {
		c.real = map[string]string{}
	}
	c.real[dir] = real
	c.mu.Unlock()
	return real, nil
}

// ForProject is the Reader for a project rooted at dir: its boundary is
// the git work tree holding dir, or dir itself outside git.
func ForProject(dir string, max int64) Reader {
	return Reader{Boundary: BoundaryOf(dir), Max: max}
}

// BoundaryOf is the real path of dir's git work tree (the nearest
// directory above it, itself included, that holds a .git entry), or the
// real path of dir when no directory above it does.
func BoundaryOf(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return filepath.Clean(dir)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	for d := abs; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return abs
		}
		d = parent
	}
}

// Within reports whether path is dir or below it (both absolute, clean).
func Within(path, dir string) bool {
	if path == dir {
		return true
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func (r Reader) max() int64 {
	if r.Max <= 0 {
		return DefaultMax
	}
	return r.Max
}

// Check says whether ReadFile would read path, without opening it: nil,
// a RefusedError, or the error of the stat (fs.ErrNotExist...).
func (r Reader) Check(path string) error {
	fi, notLink, err := r.stat(path)
	if err != nil {
		return err
	}
	if err := r.checkPlace(path, notLink); err != nil {
		return err
	}
	if err := checkKind(path, fi); err != nil {
		return err
	}
	if fi.Size() > r.max() {
		return r.tooLarge(path)
	}
	return nil
}

// stat is os.Stat of path; notLink says path itself is not a link (then
// checkPlace resolves only its directory). With a DirCache it lstats
// first: a file that is not a link needs no second look.
func (r Reader) stat(path string) (fi fs.FileInfo, notLink bool, err error) {
	if r.Dirs != nil && r.Boundary != "" {
		if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink == 0 {
			return fi, true, nil
		}
	}
	fi, err = os.Stat(path)
	return fi, false, err
}

// checkPlace refuses a path whose real location is outside the boundary.
func (r Reader) checkPlace(path string, notLink bool) error {
	if r.Boundary == "" {
		return nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	var real string
	if notLink && r.Dirs != nil {
		var dir string
		if dir, err = r.Dirs.realDir(filepath.Dir(abs)); err == nil {
			real = filepath.Join(dir, filepath.Base(abs))
		}
	} else {
		real, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		return err
	}
	if Within(real, r.Boundary) {
		return nil
	}
	if real != abs && Within(abs, r.Boundary) {
		return &RefusedError{Path: path, Reason: fmt.Sprintf("a symbolic link to %s, outside the project: not read", real),
			Fix: "replace the link with a copy of the file, inside the project (envdoctor reads nothing outside the project or its git repository)"}
	}
	return &RefusedError{Path: path, Reason: fmt.Sprintf("outside the project (%s): not read", r.Boundary),
		Fix: "move the file into the project, or lint from a directory that holds it (envdoctor reads nothing outside the project or its git repository)"}
}

func checkKind(path string, fi fs.FileInfo) error {
	if fi.Mode().IsRegular() {
		return nil
	}
	return &RefusedError{Path: path, Reason: KindOf(fi.Mode()) + ", not a regular file: not read",
		Fix: "replace it with a regular file (docker compose would block or fail reading it)"}
}

func (r Reader) tooLarge(path string) error {
	return &RefusedError{Path: path, Reason: fmt.Sprintf("larger than %d MiB, not read", r.max()>>20),
		Fix: "a file this large is generated or not what it claims: lint the generator's input, or split the file"}
}

// KindOf names a file mode's kind for messages ("a named pipe").
func KindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsRegular():
		return "a regular file"
	}
	return "a special file"
}

// ReadFile reads path when Check allows it. The file is opened without
// blocking and its kind checked again on the open file; a file that grows
// past Max while it is read is refused all the same.
func (r Reader) ReadFile(path string) ([]byte, error) {
	if err := r.Check(path); err != nil {
		return nil, err
	}
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := checkKind(path, fi); err != nil {
		return nil, err
	}
	// Read straight into data (sized from the stat, one byte more to see
	// the end), never past limit+1 bytes.
	limit := r.max()
	data := make([]byte, 0, min(fi.Size(), limit)+1)
	for int64(len(data)) <= limit {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		room := min(int64(cap(data)-len(data)), limit+1-int64(len(data)))
		n, err := f.Read(data[len(data) : len(data)+int(room)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if int64(len(data)) > limit {
		return nil, r.tooLarge(path)
	}
	return data, nil
}
