package project

import (
	"io/fs"
	"slices"
	"strings"
)

// dirListing is the entries of one directory of the project, read once
// for the loader steps that look at the same directories: loadAppFiles
// (which application files a directory may hold) and loadManifests (which
// manifests a context holds).
type dirListing struct {
	names []string
	types []fs.FileMode // as fs.DirEntry.Type: a link is a link
}

// listDir reads the entries of dir (a link to a directory is followed)
// with the context lister's system calls (on Linux: openat, getdents64,
// close; no os.File), in the order the directory gives them; nil when it
// cannot be read. b is a buffer for the reading, reused from one
// directory to the next (nil: a new one).
func listDir(dir string, b *dirBatch) *dirListing {
	l := newOSLister(dir)
	h, err := l.Open(noParent, "", ".")
	if err != nil {
		return nil
	}
	defer l.Close(h)
	if b == nil {
		b = &dirBatch{}
	}
	b.reset()
	if err := l.Read(h, b); err != nil {
		return nil
	}
	d := &dirListing{names: make([]string, b.len()), types: slices.Clone(b.types)}
	for i := range d.names {
		d.names[i] = string(b.name(int32(i)))
	}
	return d
}

// hasLower reports whether the directory has an entry named lower (lower
// case) up to letter case: a case-insensitive file system finds it by
// either name.
func (d *dirListing) hasLower(lower string) bool {
	for _, n := range d.names {
		if n == lower || strings.ToLower(n) == lower {
			return true
		}
	}
	return false
}

func newDirBatch() *dirBatch { return &dirBatch{} }
