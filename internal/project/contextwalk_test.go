package project

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func ignoreOf(text string) *Dockerignore {
	return ParseDockerignore(NewSource(".dockerignore", []byte(text)))
}

func flagged(fs []ContextFile) string {
	var out []string
	for _, f := range fs {
		s := f.Path
		switch {
		case f.Pruned:
			s += "/(pruned)"
		case f.Dir:
			s += "/"
		case f.Symlink:
			s += "@"
		case f.Special != "":
			s += "|"
		}
		if f.Excluded {
			s = "-" + s
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestWalkPrunesExcludedDirs(t *testing.T) {
	m := fstest.MapFS{
		"Dockerfile":                {Data: []byte("FROM x\n")},
		"node_modules/a/index.js":   {Data: []byte("x")},
		"build/keep.txt":            {Data: []byte("keep")},
		"build/out.bin":             {Data: []byte("12345")},
		"logs/app.log":              {Data: []byte("l")},
		"src/main.py":               {Data: []byte("print(1)\n")},
		"src/debug.log":             {Data: []byte("d")},
		"node_modules/b/README.txt": {Data: []byte("r")},
	}
	cf := walkSized(fsLister{m}, ignoreOf("node_modules\nbuild\n!build/keep.txt\n*.log\nlogs\n"), 100)
	want := "Dockerfile -build/ build/keep.txt -build/out.bin -logs/(pruned) -node_modules/(pruned) src/ src/debug.log src/main.py" // *.log is anchored at the root
	if got := flagged(cf.Files); got != want {
		t.Errorf("walk:\n got %s\nwant %s", got, want)
	}
	if cf.SentFiles != 4 || cf.SentSize != int64(len("FROM x\n")+len("keep")+len("print(1)\n")+len("d")) {
		t.Errorf("sent %d files, %d bytes", cf.SentFiles, cf.SentSize)
	}
	if d, ok := cf.PrunedAncestor("node_modules/a/index.js"); !ok || d.Path != "node_modules" {
		t.Errorf("PrunedAncestor = %v, %v", d, ok)
	}
	if _, ok := cf.PrunedAncestor("src/main.py"); ok {
		t.Error("src/main.py has a pruned ancestor")
	}

	// A wildcard exception can match anywhere: the engine enters every
	// excluded directory, and so does the walk.
	cf = walkContext(fsLister{m}, ignoreOf("node_modules\n!**/README.txt\n"), 100)
	if got := flagged(cf.Files); !strings.Contains(got, "node_modules/b/README.txt") || strings.Contains(got, "-node_modules/b/README.txt") {
		t.Errorf("wildcard exception: %s", got)
	}
}

// TestWalkAgreesWithPatternmatcher: every listed entry's Excluded flag is
// what the engine's matcher says for that path.
func TestWalkAgreesWithPatternmatcher(t *testing.T) {
	m := fstest.MapFS{}
	for _, p := range []string{"a/b/c.txt", "a/b/d.md", "a/x.md", "docs/readme.md", "docs/api/x.md", "z.txt", "deep/er/still/file.go", ".git/HEAD", ".env", ".env.example"} {
		m[p] = &fstest.MapFile{Data: []byte("x")}
	}
	for _, ignore := range []string{
		"*.md\n!docs/*.md\n",
		"**/*.md\n!a\n",
		"a\n!a/b/c.txt\n",
		"/deep/**/file.go\n.git\n",
		".env*\n!.env.example\n",
		"*\n!docs\n",
	} {
		d := ignoreOf(ignore)
		cf := walkContext(fsLister{m}, d, 100)
		for _, f := range cf.Files {
			want, _ := d.Excluded(f.Path)
			if f.Excluded != want {
				t.Errorf("ignore %q: %s excluded=%v, patternmatcher says %v", ignore, f.Path, f.Excluded, want)
			}
		}
	}
}

// badFS returns an entry whose metadata cannot be read.
type badFS struct{ fstest.MapFS }

type badEntry struct{ fs.DirEntry }

func (badEntry) Info() (fs.FileInfo, error) {
	return nil, &fs.PathError{Op: "lstat", Path: "secret.key", Err: fs.ErrPermission}
}

func (b badFS) ReadDir(name string) ([]fs.DirEntry, error) {
	es, err := b.MapFS.ReadDir(name)
	for i, e := range es {
		if e.Name() == "secret.key" {
			es[i] = badEntry{e}
		}
	}
	return es, err
}

func TestWalkUnreadableFileReported(t *testing.T) {
	cf := walkSized(fsLister{badFS{fstest.MapFS{"ok.txt": {Data: []byte("1")}, "secret.key": {Data: []byte("2")}}}}, nil, 10)
	if len(cf.Unreadable) != 1 || cf.Unreadable[0].Path != "secret.key" || !cf.Unreadable[0].File || cf.Unreadable[0].Err != fs.ErrPermission.Error() {
		t.Errorf("Unreadable = %+v", cf.Unreadable)
	}
}

func TestWalkTruncates(t *testing.T) {
	m := fstest.MapFS{}
	for i := 0; i < 50; i++ {
		m[filepath.Join("d", string(rune('a'+i%26))+strings.Repeat("x", i))] = &fstest.MapFile{Data: []byte("x")}
	}
	cf := walkContext(fsLister{m}, nil, 10)
	if !cf.Truncated || len(cf.Files) > 10 {
		t.Errorf("truncated=%v, %d files", cf.Truncated, len(cf.Files))
	}
	if walkContext(fsLister{fstest.MapFS{"f": {Data: []byte("x")}}}, nil, 10) == nil {
		t.Error("nil listing")
	}
	if walkContext(newOSLister(filepath.Join(t.TempDir(), "nope")), nil, 10) != nil {
		t.Error("missing root listed")
	}
	var pe *fs.PathError
	_ = errors.As(nil, &pe)
}

// TestExcludedEngineCorner: "!a" after "**/*.md" does not re-include
// a/x.md for the engine (the exception was skipped for the directory a,
// which was not excluded, so nothing is carried down), although
// MatchesOrParentMatches says it does.
func TestExcludedEngineCorner(t *testing.T) {
	d := ignoreOf("**/*.md\n!a\n")
	if ex, by := d.Excluded("a/x.md"); !ex || by == nil || by.Line != 1 {
		t.Errorf("Excluded(a/x.md) = %v, %v", ex, by)
	}
	if ex, _ := d.Excluded("a/x.go"); ex {
		t.Error("a/x.go excluded")
	}
}

// walkSized is a walk with the sizing pass, what BuildContext.Files gives.
func walkSized(l dirLister, ignore *Dockerignore, maxEntries int) *ContextFiles {
	cf := walkContext(l, ignore, maxEntries)
	if cf != nil {
		cf.fillSizes(l)
	}
	return cf
}

func TestListingThenFiles(t *testing.T) {
	m := fstest.MapFS{"a.txt": {Data: []byte("12345")}, "d/b.txt": {Data: []byte("1")}}
	c := &BuildContext{Dir: ".", index: newContextIndex(m)}
	l := c.Listing()
	if e, _ := l.Lookup("a.txt"); e.Size != 0 || l.SentFiles != 2 || l.SentSize != 0 {
		t.Errorf("listing has sizes: %+v, %d files, %d bytes", e, l.SentFiles, l.SentSize)
	}
	f := c.Files()
	if c.Files() != f {
		t.Error("Files sized the context twice")
	}
	if len(f.Files) != len(l.Files) {
		t.Errorf("Files lists %d entries, Listing %d", len(f.Files), len(l.Files))
	}
	if e, _ := f.Lookup("a.txt"); e.Size != 5 || f.SentSize != 6 || f.TotalSize != 6 || f.SentFiles != 2 {
		t.Errorf("sized: %+v, %d bytes", e, f.SentSize)
	}
	// The listing is not changed by Files: a rule reading it while another
	// asks for the sizes (rules run in parallel) sees it whole.
	if e, _ := l.Lookup("a.txt"); e.Size != 0 || l.SentSize != 0 {
		t.Errorf("Files changed the listing: %+v, %d bytes", e, l.SentSize)
	}
}

// TestWalkPathOrder: the listing is in path order though each directory is
// sorted on its own.
func TestWalkPathOrder(t *testing.T) {
	m := fstest.MapFS{}
	for _, p := range []string{"a/x", "a/y/z", "a.txt", "a-b/c", "a!b", "a0", "b", "a/y.txt", "a/y/a", "A/q", " sp/x"} {
		m[p] = &fstest.MapFile{Data: []byte("x")}
	}
	cf := walkContext(fsLister{m}, nil, 100)
	for i := 1; i < len(cf.Files); i++ {
		if cf.Files[i-1].Path >= cf.Files[i].Path {
			t.Errorf("out of order: %q before %q", cf.Files[i-1].Path, cf.Files[i].Path)
		}
	}
	if len(cf.Files) != 16 {
		t.Errorf("%d entries: %s", len(cf.Files), flagged(cf.Files))
	}
}
