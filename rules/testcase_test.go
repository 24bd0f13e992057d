package rules_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// fixedDir is the folder of a rule case that holds the files as `envdoctor
// fix --unsafe` leaves them (see TestFixes). It is not part of the case's
// project.
const fixedDir = "fixed"

// caseDir is the directory to load a case from: the case itself, or, when
// it has a fixed/ folder (which would otherwise be a part of its build
// context), a copy without it.
func caseDir(t *testing.T, src string) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(src, fixedDir)); err != nil {
		return src
	}
	return copyCase(t, src)
}

// copyCase copies a case directory, without its fixed/ folder, to a
// temporary directory of the same name (the name is the default compose
// project name). Symbolic links are copied as links, modes are kept.
func copyCase(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if rel == fixedDir {
			return filepath.SkipDir
		}
		target := filepath.Join(dst, rel)
		info, err := os.Lstat(path)
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
