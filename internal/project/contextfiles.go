package project

import (
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
)

// ContextFile is one entry of a build context: a file, a directory, a
// symbolic link (never followed) or a special file (named pipe, socket,
// device). Contents are never read.
type ContextFile struct {
	// Path is relative to the context directory, slash-separated, without
	// a leading "./" ("app/main.py").
	Path string
	// Size is the file's size in bytes (0 for directories, symbolic links
	// and special files).
	Size    int64
	Dir     bool
	Symlink bool
	// Special names a file that is neither regular, a directory nor a
	// link: "named pipe", "socket", "device" or "irregular file".
	Special string
	// Excluded is set when the context's .dockerignore keeps the entry
	// out of what the build sends (exactly as the engine decides it:
	// patternmatcher.MatchesUsingParentResults, like BuildKit's fsutil).
	Excluded bool
	// Pruned is set on an excluded directory the walk did not enter,
	// because no "!" exception can match inside it (the engine does not
	// enter it either). What it holds is not listed.
	Pruned bool
}

// Regular reports whether the entry is a regular file.
func (f ContextFile) Regular() bool { return !f.Dir && !f.Symlink && f.Special == "" }

// ContextFiles is the listing of one build context's directory.
type ContextFiles struct {
	// Files are every entry the walk saw under the context, sorted by
	// Path, the context directory itself excluded. Excluded entries are
	// listed (with Excluded set) unless they are inside a Pruned
	// directory.
	Files []ContextFile
	// TotalSize is the sum of the listed regular files' sizes, excluded
	// ones included.
	TotalSize int64
	// SentSize and SentFiles are the bytes and the number of regular files
	// that the build sends: the listed regular files .dockerignore does
	// not exclude.
	SentSize  int64
	SentFiles int
	// Truncated is true when the listing stopped at MaxContextEntries: the
	// context is at least that large and the rest is not listed.
	Truncated bool
	// Unreadable are the entries that could not be read: directories that
	// could not be listed ("." for the context itself) and files whose
	// metadata could not be read, with the reason. What an unreadable
	// directory holds is not in Files.
	Unreadable []UnreadableDir
	// Ignore is the .dockerignore the walk applied, or nil when the
	// context has none (or an invalid one: BC000 reports it, and the
	// listing then excludes nothing).
	Ignore *Dockerignore

	// groups are the listed regular files by directory, for the sizing
	// pass.
	groups []fileGroup

	byFold     map[string][]int
	lookupOnce sync.Once
	dirs       map[string]*DirStat
	dirsOnce   sync.Once
}

// UnreadableDir is an entry of a context that could not be read: a
// directory that could not be listed, or a file whose metadata could not
// be read.
type UnreadableDir struct {
	Path string
	Err  string
	// File is set for a file (not a directory).
	File bool
	// Excluded is set when .dockerignore excludes the entry: the engine
	// skips it without reading it, so the build does not fail on it.
	Excluded bool
}

// MaxContextEntries bounds a context listing, so a context holding a huge
// tree (a home directory by mistake) costs bounded time and memory.
const MaxContextEntries = 200_000

// contextIndex is the lazily built listing of a BuildContext.
type contextIndex struct {
	once     sync.Once
	sizeOnce sync.Once
	lister   dirLister
	ignore   *Dockerignore
	files    *ContextFiles
	// sized is files with the sizes: a copy, so that a rule reading the
	// listing never sees it change under it while another rule, running
	// in parallel, asks for the sizes.
	sized *ContextFiles
}

// Listing lists the context's directory, once, on first use: every entry
// with its type and whether .dockerignore excludes it, but not the sizes
// of files (its Size, TotalSize and SentSize stay 0: Files has them),
// which costs one directory read per directory, like `find -type f`. It
// is nil when Files is.
func (c *BuildContext) Listing() *ContextFiles {
	if c == nil || c.index == nil {
		return nil
	}
	c.index.once.Do(func() {
		c.index.files = walkContext(c.index.lister, c.index.ignore, MaxContextEntries)
	})
	return c.index.files
}

// Files is Listing with the sizes of the regular files (one fstatat each,
// in parallel) and the files the process cannot read, once. It is nil for
// a remote context, for a context that was not loaded from disk, and when
// the context directory itself is missing or not a directory (the build
// fails on its own then). Asked before Listing, it lists and sizes in one
// walk (on Linux), and Listing is then that walk without the sizes.
func (c *BuildContext) Files() *ContextFiles {
	if c == nil || c.index == nil {
		return nil
	}
	c.index.sizeOnce.Do(func() {
		listed := false
		c.index.once.Do(func() {
			listed = true
			sized := walkContextSized(c.index.lister, c.index.ignore, MaxContextEntries)
			if sized != nil {
				c.index.files = sized.withoutSizes()
				c.index.sized = sized
			}
		})
		cf := c.index.files
		if listed || cf == nil {
			return
		}
		sized := &ContextFiles{
			Files:      slices.Clone(cf.Files),
			SentFiles:  cf.SentFiles,
			Truncated:  cf.Truncated,
			Unreadable: slices.Clone(cf.Unreadable),
			Ignore:     cf.Ignore,
			groups:     cf.groups,
		}
		sized.fillSizes(c.index.lister)
		c.index.sized = sized
	})
	return c.index.sized
}

// indexContexts gives each local context its lazily listed file index,
// with the ignore file in effect.
func (l *loader) indexContexts() {
	forEach(len(l.p.Contexts), func(i int) {
		c := l.p.Contexts[i]
		if c.Remote != "" {
			return
		}
		var ignore *Dockerignore
		if c.Dockerignore != "" {
			ignore = ParseDockerignore(l.p.Sources[c.Dockerignore])
		}
		c.index = &contextIndex{lister: newOSLister(filepath.Join(l.root, filepath.FromSlash(c.Dir))), ignore: ignore}
	})
}

func newContextIndex(fsys fs.FS) *contextIndex {
	return &contextIndex{lister: fsLister{fsys}}
}

// fillSizes reads the sizes of the listed regular files, directory by
// directory (the groups the walk recorded), walkParallelism directories
// at a time, records the files that cannot be read, and sums TotalSize
// and SentSize.
func (cf *ContextFiles) fillSizes(l dirLister) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan fileGroup, walkParallelism)
	for w := 0; w < min(walkParallelism, len(cf.groups)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var names []string
			var stats []fileStat
			for g := range next {
				var bad []UnreadableDir
				names, stats, bad = cf.sizeGroup(l, g, names, stats)
				if len(bad) > 0 {
					mu.Lock()
					cf.Unreadable = append(cf.Unreadable, bad...)
					mu.Unlock()
				}
			}
		}()
	}
	for _, g := range cf.groups {
		next <- g
	}
	close(next)
	wg.Wait()
	sort.Slice(cf.Unreadable, func(i, j int) bool { return cf.Unreadable[i].Path < cf.Unreadable[j].Path })
	cf.sum()
}

// sizeGroup sizes the files of group g and returns the ones that cannot
// be read; names and stats are buffers to reuse.
func (cf *ContextFiles) sizeGroup(l dirLister, g fileGroup, names []string, stats []fileStat) ([]string, []fileStat, []UnreadableDir) {
	prefix := 0
	if g.dir != "." {
		prefix = len(g.dir) + 1
	}
	names = names[:0]
	for _, i := range g.index {
		names = append(names, cf.Files[i].Path[prefix:])
	}
	if cap(stats) < len(g.index) {
		stats = make([]fileStat, len(g.index))
	} else {
		stats = stats[:len(g.index)]
		clear(stats)
	}
	l.StatFiles(g.dir, names, stats)
	var bad []UnreadableDir
	for k, i := range g.index {
		f := &cf.Files[i]
		st := stats[k]
		switch {
		case st.err != nil:
			bad = append(bad, UnreadableDir{Path: f.Path, Err: errText(st.err), File: true, Excluded: f.Excluded})
		case st.typ.IsDir():
			f.Dir = true
		case st.typ&fs.ModeSymlink != 0:
			f.Symlink = true
		case st.typ != 0:
			f.Special = specialKind(st.typ)
		default:
			f.Size = st.size
			if st.unreadable {
				bad = append(bad, UnreadableDir{Path: f.Path, Err: fs.ErrPermission.Error(), File: true, Excluded: f.Excluded})
			}
		}
	}
	return names, stats, bad
}

func specialKind(t fs.FileMode) string {
	switch {
	case t&fs.ModeNamedPipe != 0:
		return "named pipe"
	case t&fs.ModeSocket != 0:
		return "socket"
	case t&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return "device"
	}
	return "irregular file"
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
		cf.byFold = make(map[string][]int, len(cf.Files))
		for i, f := range cf.Files {
			k := strings.ToLower(f.Path)
			cf.byFold[k] = append(cf.byFold[k], i)
		}
	})
}

// DirStat sums the regular files a directory of a context sends.
type DirStat struct {
	Path  string
	Files int
	Bytes int64
}

// SentDirs sums, for every directory, the regular files the build sends
// below it (each file counts for all its ancestors), once.
func (cf *ContextFiles) SentDirs() map[string]*DirStat {
	if cf == nil {
		return nil
	}
	cf.dirsOnce.Do(func() {
		cf.dirs = map[string]*DirStat{}
		// Files is in path order, so everything under "a/" is one run:
		// a stack of the current file's directories, each file counted
		// in its own directory, and a directory's sums added to its
		// parent's when the run ends.
		var stack []*DirStat
		pop := func() {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.Files += top.Files
				parent.Bytes += top.Bytes
			}
		}
		for _, f := range cf.Files {
			if !f.Regular() || f.Excluded {
				continue
			}
			slash := strings.LastIndexByte(f.Path, '/')
			if slash < 0 {
				continue
			}
			dir := f.Path[:slash]
			for len(stack) > 0 && !isDirOrAncestor(stack[len(stack)-1].Path, dir) {
				pop()
			}
			// Push the directories between the top and dir.
			for {
				start := 0
				if len(stack) > 0 {
					start = len(stack[len(stack)-1].Path) + 1
				}
				if start > len(dir) {
					break
				}
				end := strings.IndexByte(dir[start:], '/')
				if end < 0 {
					end = len(dir)
				} else {
					end += start
				}
				s := &DirStat{Path: dir[:end]}
				cf.dirs[s.Path] = s
				stack = append(stack, s)
			}
			top := stack[len(stack)-1]
			top.Files++
			top.Bytes += f.Size
		}
		for len(stack) > 0 {
			pop()
		}
	})
	return cf.dirs
}

// isDirOrAncestor reports whether directory d is dir or one of its
// ancestors.
func isDirOrAncestor(d, dir string) bool {
	return len(dir) >= len(d) && dir[:len(d)] == d && (len(dir) == len(d) || dir[len(d)] == '/')
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

// Lookup finds the entry at p (cleaned with CleanContextPath), by binary
// search in the sorted listing.
func (cf *ContextFiles) Lookup(p string) (ContextFile, bool) {
	if cf == nil {
		return ContextFile{}, false
	}
	p = CleanContextPath(p)
	i := sort.Search(len(cf.Files), func(i int) bool { return cf.Files[i].Path >= p })
	if i < len(cf.Files) && cf.Files[i].Path == p {
		return cf.Files[i], true
	}
	return ContextFile{}, false
}

// PrunedAncestor finds the pruned directory p lies in (an excluded
// directory that was not entered), if any: p is then excluded too, and
// whether it exists is unknown.
func (cf *ContextFiles) PrunedAncestor(p string) (ContextFile, bool) {
	if cf == nil {
		return ContextFile{}, false
	}
	for dir := path.Dir(CleanContextPath(p)); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if e, ok := cf.Lookup(dir); ok && e.Pruned {
			return e, true
		}
	}
	return ContextFile{}, false
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
