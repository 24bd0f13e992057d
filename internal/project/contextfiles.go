package project

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// ContextFile is one entry of a build context: a file, a directory or a
// symbolic link (never followed). Contents are never read.
type ContextFile struct {
	// Path is relative to the context directory, slash-separated, without
	// a leading "./" ("app/main.py").
	Path string
	// Size is the file's size in bytes (0 for directories; the link's own
	// size for symlinks).
	Size    int64
	Dir     bool
	Symlink bool
}

// ContextFiles is the listing of one build context's directory.
type ContextFiles struct {
	// Files are every entry under the context, sorted by Path, the context
	// directory itself excluded.
	Files []ContextFile
	// TotalSize is the sum of the regular files' sizes.
	TotalSize int64
	// Truncated is true when the listing stopped at MaxContextEntries: the
	// context is at least that large and the rest is not listed.
	Truncated bool
	// Unreadable are the directories that could not be listed (slash
	// paths relative to the context, "." for the context itself), with the
	// reason; what they hold is not in Files.
	Unreadable []UnreadableDir

	byPath     map[string]int
	byFold     map[string][]int
	lookupOnce sync.Once
}

// UnreadableDir is a directory of a context that could not be listed.
type UnreadableDir struct {
	Path string
	Err  string
}

// MaxContextEntries bounds a context listing, so a context holding a huge
// tree (a home directory by mistake) costs bounded time and memory.
const MaxContextEntries = 200_000

// contextIndex is the lazily built listing of a BuildContext.
type contextIndex struct {
	once  sync.Once
	fsys  fs.FS
	files *ContextFiles
}

// Files lists the context's directory, once, on first use. It is nil for a
// remote context, for a context that was not loaded from disk, and when the
// context directory itself is missing or not a directory (the build fails
// on its own then).
func (c *BuildContext) Files() *ContextFiles {
	if c == nil || c.index == nil {
		return nil
	}
	c.index.once.Do(func() {
		c.index.files = listContext(c.index.fsys, MaxContextEntries)
	})
	return c.index.files
}

// indexContexts gives each local context its lazily listed file index.
func (l *loader) indexContexts() {
	for _, c := range l.p.Contexts {
		if c.Remote != "" {
			continue
		}
		c.index = newContextIndex(os.DirFS(filepath.Join(l.root, filepath.FromSlash(c.Dir))))
	}
}

func newContextIndex(fsys fs.FS) *contextIndex {
	return &contextIndex{fsys: fsys}
}

// listContext walks fsys without following symlinks (fs.WalkDir never
// does, so a link loop or a link out of the context is listed as a link and
// not entered). Unreadable directories are recorded and skipped.
func listContext(fsys fs.FS, maxEntries int) *ContextFiles {
	root, err := fs.Stat(fsys, ".")
	if err != nil || !root.IsDir() {
		return nil
	}
	cf := &ContextFiles{}
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			// WalkDir reports a directory it cannot read once, after
			// visiting it (d set), or an entry it cannot stat (d nil).
			cf.Unreadable = append(cf.Unreadable, UnreadableDir{Path: p, Err: errText(err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p == "." {
			return nil
		}
		if len(cf.Files) >= maxEntries {
			cf.Truncated = true
			return fs.SkipAll
		}
		e := ContextFile{Path: p, Dir: d.IsDir(), Symlink: d.Type()&fs.ModeSymlink != 0}
		if !e.Dir {
			if info, err := d.Info(); err == nil {
				e.Size = info.Size()
				if info.Mode().IsRegular() {
					cf.TotalSize += e.Size
				}
			}
		}
		cf.Files = append(cf.Files, e)
		return nil
	})
	sort.Slice(cf.Files, func(i, j int) bool { return cf.Files[i].Path < cf.Files[j].Path })
	return cf
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func (cf *ContextFiles) buildLookup() {
	cf.lookupOnce.Do(func() {
		cf.byPath = make(map[string]int, len(cf.Files))
		cf.byFold = make(map[string][]int, len(cf.Files))
		for i, f := range cf.Files {
			cf.byPath[f.Path] = i
			k := strings.ToLower(f.Path)
			cf.byFold[k] = append(cf.byFold[k], i)
		}
	})
}

// CleanContextPath turns a COPY source or an ignore-file path into the
// listing's form: slash-separated, relative to the context, cleaned, no
// leading "/" or "./". The context itself is ".".
func CleanContextPath(p string) string {
	p = path.Clean("/" + filepath.ToSlash(p))
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return "."
	}
	return p
}

// Lookup finds the entry at p (cleaned with CleanContextPath).
func (cf *ContextFiles) Lookup(p string) (ContextFile, bool) {
	if cf == nil {
		return ContextFile{}, false
	}
	cf.buildLookup()
	i, ok := cf.byPath[CleanContextPath(p)]
	if !ok {
		return ContextFile{}, false
	}
	return cf.Files[i], true
}

// LookupFold finds the entries whose path equals p ignoring letter case
// (what a case-insensitive file system would open for p).
func (cf *ContextFiles) LookupFold(p string) []ContextFile {
	if cf == nil {
		return nil
	}
	cf.buildLookup()
	var out []ContextFile
	for _, i := range cf.byFold[strings.ToLower(CleanContextPath(p))] {
		out = append(out, cf.Files[i])
	}
	return out
}

// Under returns the entries strictly inside directory dir ("." for the
// whole context), in path order.
func (cf *ContextFiles) Under(dir string) []ContextFile {
	if cf == nil {
		return nil
	}
	dir = CleanContextPath(dir)
	if dir == "." {
		return cf.Files
	}
	prefix := dir + "/"
	i := sort.Search(len(cf.Files), func(i int) bool { return cf.Files[i].Path >= prefix })
	j := i
	for j < len(cf.Files) && strings.HasPrefix(cf.Files[j].Path, prefix) {
		j++
	}
	return cf.Files[i:j]
}

// Glob returns the entries matching pattern with path.Match semantics per
// path element (what COPY and ADD sources with *, ? and [...] match): "*"
// never crosses a "/". Entries are in path order.
func (cf *ContextFiles) Glob(pattern string) []ContextFile {
	if cf == nil {
		return nil
	}
	pattern = CleanContextPath(pattern)
	depth := strings.Count(pattern, "/")
	// The literal directory part before the first wildcard narrows the
	// search.
	lit := pattern
	if i := strings.IndexAny(pattern, "*?[\\"); i >= 0 {
		lit = pattern[:i]
	}
	base := "."
	if j := strings.LastIndex(lit, "/"); j >= 0 {
		base = lit[:j]
	}
	var out []ContextFile
	for _, f := range cf.Under(base) {
		if strings.Count(f.Path, "/") != depth {
			continue
		}
		if ok, err := path.Match(pattern, f.Path); err == nil && ok {
			out = append(out, f)
		}
	}
	return out
}

// HasGlobMeta reports whether a path has wildcard characters for Glob.
func HasGlobMeta(p string) bool {
	return strings.ContainsAny(p, "*?[")
}
