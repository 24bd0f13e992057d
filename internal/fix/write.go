package fix

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Problem is a file the fixer left alone, and why.
type Problem struct {
	File   string // root-relative
	Reason string
}

func (p Problem) String() string { return p.File + ": " + p.Reason }

// DiskReader reads files under root for the files the linter did not read
// (lint is the linter's own content, nil when it did not read the file).
func DiskReader(root string, lint func(file string) ([]byte, bool)) ReadFunc {
	return func(file string) (Content, error) {
		if data, ok := lint(file); ok {
			return Content{Data: data, Exists: true, Linted: true}, nil
		}
		path := filepath.Join(root, filepath.FromSlash(file))
		fi, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return Content{}, nil
		}
		if err != nil {
			return Content{}, fmt.Errorf("cannot read %s: %w", file, unwrap(err))
		}
		if !fi.Mode().IsRegular() {
			return Content{}, fmt.Errorf("%s is not a regular file", file)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return Content{}, fmt.Errorf("cannot read %s: %w", file, unwrap(err))
		}
		return Content{Data: data, Exists: true}, nil
	}
}

// Check finds the changes that must not be written: a file that changed
// (or appeared, or went away) since it was read, a read-only file, a
// directory where the file cannot be replaced.
func Check(root string, changes []*Change) []Problem {
	var out []Problem
	for _, c := range changes {
		if reason := check(root, c); reason != "" {
			out = append(out, Problem{File: c.File, Reason: reason})
		}
	}
	return out
}

func check(root string, c *Change) string {
	path, err := target(root, c.File)
	if err != nil {
		return err.Error()
	}
	fi, err := os.Stat(path)
	if !c.Old.Exists {
		if err == nil {
			return "it was created since envdoctor read the project: left alone"
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return unwrap(err).Error()
		}
		if d, err := os.Stat(filepath.Dir(path)); err != nil || !d.IsDir() {
			return "its directory does not exist"
		}
		return writableDir(filepath.Dir(path))
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "it was removed since envdoctor read it: left alone"
		}
		return unwrap(err).Error()
	}
	if !fi.Mode().IsRegular() {
		return "not a regular file"
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return unwrap(err).Error()
	}
	if sha256.Sum256(data) != sha256.Sum256(c.Old.Data) {
		return "it changed since envdoctor read it: left alone (run fix again)"
	}
	if fi.Mode().Perm()&0o200 == 0 {
		return "the file is read-only: not changed"
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return "cannot write it: " + unwrap(err).Error()
	}
	f.Close()
	return writableDir(filepath.Dir(path))
}

// writableDir says why a new file cannot be created in dir, or "".
func writableDir(dir string) string {
	f, err := os.CreateTemp(dir, ".envdoctor-check-*")
	if err != nil {
		return "cannot write in its directory: " + unwrap(err).Error()
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return ""
}

// target is the path to write: a symbolic link is followed, so the file
// it points to changes and the link stays.
func target(root, file string) (string, error) {
	path := filepath.Join(root, filepath.FromSlash(file))
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		resolved, err := filepath.EvalSymlinks(path)
		if err != nil {
			return "", fmt.Errorf("a broken symbolic link: %w", unwrap(err))
		}
		return resolved, nil
	}
	return path, nil
}

// Write writes each change atomically: the new content goes to a
// temporary file in the same directory, with the old file's mode, and is
// renamed over the file, so a reader sees the old or the new content and
// never a part. The content is checked once more just before. A change
// that cannot be written is returned as a problem and its file is left as
// it was.
func Write(root string, changes []*Change) (written []*Change, problems []Problem) {
	for _, c := range changes {
		if reason := check(root, c); reason != "" {
			problems = append(problems, Problem{File: c.File, Reason: reason})
			continue
		}
		if err := writeAtomic(root, c); err != nil {
			problems = append(problems, Problem{File: c.File, Reason: err.Error()})
			continue
		}
		written = append(written, c)
	}
	return written, problems
}

func writeAtomic(root string, c *Change) (err error) {
	path, err := target(root, c.File)
	if err != nil {
		return err
	}
	mode := fs.FileMode(0o644)
	var old fs.FileInfo
	if c.Old.Exists {
		if old, err = os.Stat(path); err != nil {
			return unwrap(err)
		}
		mode = old.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".envdoctor-*")
	if err != nil {
		return fmt.Errorf("cannot write in its directory: %w", unwrap(err))
	}
	name := tmp.Name()
	defer func() {
		if err != nil {
			os.Remove(name)
		}
	}()
	if _, err = tmp.Write(c.New); err != nil {
		tmp.Close()
		return fmt.Errorf("writing: %w", unwrap(err))
	}
	if err = tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing: %w", unwrap(err))
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing: %w", unwrap(err))
	}
	if err = os.Chmod(name, mode); err != nil {
		return unwrap(err)
	}
	if old != nil {
		keepOwner(name, old)
	}
	if c.Old.Exists {
		// Last check: nothing wrote the file while the new one was made.
		if cur, rerr := os.ReadFile(path); rerr != nil || !bytes.Equal(cur, c.Old.Data) {
			return errors.New("it changed since envdoctor read it: left alone (run fix again)")
		}
	} else if _, serr := os.Lstat(path); serr == nil {
		return errors.New("it was created since envdoctor read the project: left alone")
	}
	if err = os.Rename(name, path); err != nil {
		return unwrap(err)
	}
	return nil
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

func removeFile(path string) error {
	if err := os.Remove(path); err != nil {
		return unwrap(err)
	}
	return nil
}
