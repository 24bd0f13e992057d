package project

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/moby/patternmatcher"
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
// fails on its own then).
func (c *BuildContext) Files() *ContextFiles {
	cf := c.Listing()
	if cf == nil {
		return nil
	}
	c.index.sizeOnce.Do(func() {
		sized := &ContextFiles{
			Files:      slices.Clone(cf.Files),
			TotalSize:  cf.TotalSize,
			SentSize:   cf.SentSize,
			SentFiles:  cf.SentFiles,
			Truncated:  cf.Truncated,
			Unreadable: slices.Clone(cf.Unreadable),
			Ignore:     cf.Ignore,
		}
		sized.fillSizes(c.index.lister)
		c.index.sized = sized
	})
	return c.index.sized
}

// indexContexts gives each local context its lazily listed file index,
// with the ignore file in effect.
func (l *loader) indexContexts() {
	for _, c := range l.p.Contexts {
		if c.Remote != "" {
			continue
		}
		var ignore *Dockerignore
		if c.Dockerignore != "" {
			ignore = ParseDockerignore(l.p.Sources[c.Dockerignore])
		}
		c.index = &contextIndex{lister: newOSLister(filepath.Join(l.root, filepath.FromSlash(c.Dir))), ignore: ignore}
	}
}

func newContextIndex(fsys fs.FS) *contextIndex {
	return &contextIndex{lister: fsLister{fsys}}
}

// dirLister reads one directory of a context; the path is slash-separated
// and relative to the context ("." for the context itself).
type dirLister interface {
	// ReadDir lists a directory's entries with their types (no stat).
	ReadDir(dir string) ([]dirEntry, error)
	// StatFiles reads the metadata of regular files of one directory.
	StatFiles(dir string, names []string, out []fileStat)
	// Root checks that the context itself is a directory.
	Root() error
}

// dirEntry is one entry of a directory: its name and type.
type dirEntry struct {
	name string
	typ  fs.FileMode
}

// fileStat is what the sizing pass learns of a regular file: its size,
// whether the process can read it, or why its metadata could not be read.
type fileStat struct {
	size       int64
	unreadable bool
	// typ is set when the file turned out not to be regular (replaced
	// since the listing).
	typ fs.FileMode
	err error
}

// osLister reads the context from the operating system. Unlike os.DirFS it
// accepts every name the file system holds (invalid UTF-8 included) and
// does not sort; a file's metadata is read relative to its open directory
// (fstatat on Unix), which spares the kernel a path lookup.
type osLister struct {
	root string
	ids  processIDs
}

func newOSLister(root string) osLister { return osLister{root: root, ids: currentIDs()} }

func (l osLister) Root() error {
	fi, err := os.Stat(l.root)
	if err == nil && !fi.IsDir() {
		return errors.New("not a directory")
	}
	return err
}

func (l osLister) ReadDir(dir string) ([]dirEntry, error) {
	f, err := os.Open(filepath.Join(l.root, filepath.FromSlash(dir)))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// os reads the types from the directory itself (an lstat only where
	// the file system does not say).
	des, err := f.ReadDir(-1)
	if err != nil && len(des) == 0 {
		return nil, err
	}
	out := make([]dirEntry, len(des))
	for i, d := range des {
		out[i] = dirEntry{name: d.Name(), typ: d.Type()}
	}
	return out, nil
}

func (l osLister) StatFiles(dir string, names []string, out []fileStat) {
	f, err := os.Open(filepath.Join(l.root, filepath.FromSlash(dir)))
	if err != nil {
		for i := range out {
			out[i].err = err
		}
		return
	}
	defer f.Close()
	for i, n := range names {
		statAt(f, n, &out[i], l.ids)
	}
}

// fsLister reads the context from an fs.FS (tests).
type fsLister struct{ fsys fs.FS }

func (l fsLister) Root() error {
	fi, err := fs.Stat(l.fsys, ".")
	if err == nil && !fi.IsDir() {
		return errors.New("not a directory")
	}
	return err
}

func (l fsLister) ReadDir(dir string) ([]dirEntry, error) {
	des, err := fs.ReadDir(l.fsys, dir)
	if err != nil {
		return nil, err
	}
	out := make([]dirEntry, len(des))
	for i, d := range des {
		out[i] = dirEntry{name: d.Name(), typ: d.Type()}
	}
	return out, nil
}

func (l fsLister) StatFiles(dir string, names []string, out []fileStat) {
	des, _ := fs.ReadDir(l.fsys, dir)
	byName := map[string]fs.DirEntry{}
	for _, d := range des {
		byName[d.Name()] = d
	}
	for i, n := range names {
		d, ok := byName[n]
		if !ok {
			out[i].err = fs.ErrNotExist
			continue
		}
		fi, err := d.Info()
		switch {
		case err != nil:
			out[i].err = err
		case !fi.Mode().IsRegular():
			out[i].typ = fi.Mode().Type()
		default:
			out[i].size = fi.Size()
		}
	}
}

// listContext lists fsys with no ignore file (tests).
func listContext(fsys fs.FS, maxEntries int) *ContextFiles {
	cf := walkContext(fsLister{fsys}, nil, maxEntries)
	if cf != nil {
		cf.fillSizes(fsLister{fsys})
	}
	return cf
}

// walkParallelism is how many directories are read at once. Listing is
// system calls (getdents, lstat), not CPU, so it is more than the cores.
const walkParallelism = 8

// walker is one walk of a context. Directories are read in parallel (at
// most walkParallelism at a time, the rest inline); each directory's
// entries are added under mu in one batch.
type walker struct {
	lister dirLister
	ignore *Dockerignore
	// matchers are patternmatcher.PatternMatchers over the ignore file's
	// patterns: a PatternMatcher compiles lazily and is not safe for
	// concurrent use, so each goroutine borrows its own.
	matchers sync.Pool
	// prefixOnlyExceptions and exceptionPrefixes decide, as fsutil does,
	// whether an excluded directory can be skipped: only when every "!"
	// exception is a literal path (no wildcard before a trailing /** or
	// /*), and none of them lies inside the directory.
	prefixOnlyExceptions bool
	hasExceptions        bool
	exceptionPrefixes    []string

	max   int64
	count atomic.Int64
	sem   chan struct{}
	wg    sync.WaitGroup

	mu sync.Mutex
	// dirs holds each listed directory's entries, by directory path;
	// they are put in path order at the end (see assemble).
	dirs       map[string][]ContextFile
	listed     int
	unreadable []UnreadableDir
	truncated  atomic.Bool
}

// walkContext lists a context without following symlinks (a link loop or
// a link out of the context is listed as a link and never entered),
// applying ignore as the engine does: an excluded directory is entered
// only when an exception could re-include something inside it. Unreadable
// entries are recorded, never fatal.
func walkContext(l dirLister, ignore *Dockerignore, maxEntries int) *ContextFiles {
	if err := l.Root(); err != nil {
		return nil
	}
	w := &walker{lister: l, max: int64(maxEntries), sem: make(chan struct{}, walkParallelism), dirs: map[string][]ContextFile{}}
	if ignore != nil && ignore.Err == nil && len(ignore.Patterns) > 0 {
		w.ignore = ignore
		patterns := make([]string, len(ignore.Patterns))
		for i, p := range ignore.Patterns {
			patterns[i] = p.Pattern
		}
		w.matchers.New = func() any {
			pm, _ := patternmatcher.New(patterns) // valid: ParseDockerignore checked them
			return pm
		}
		w.prefixOnlyExceptions = true
		for _, p := range ignore.Patterns {
			if !p.Exclusion {
				continue
			}
			w.hasExceptions = true
			lit := patternWithoutTrailingGlob(strings.TrimPrefix(p.Pattern, "!"))
			if strings.ContainsAny(lit, `*[]?^\`) {
				w.prefixOnlyExceptions = false
			}
			w.exceptionPrefixes = append(w.exceptionPrefixes, lit+"/")
		}
	}
	w.dir(".", patternmatcher.MatchInfo{}, false)
	w.wg.Wait()

	cf := &ContextFiles{Files: make([]ContextFile, 0, w.listed), Unreadable: w.unreadable, Truncated: w.truncated.Load(), Ignore: w.ignore}
	cf.Files = w.assemble(cf.Files, ".")
	sort.Slice(cf.Unreadable, func(i, j int) bool { return cf.Unreadable[i].Path < cf.Unreadable[j].Path })
	for _, f := range cf.Files {
		if f.Regular() && !f.Excluded {
			cf.SentFiles++
		}
	}
	return cf
}

// fillSizes reads the sizes of the listed regular files, directory by
// directory, walkParallelism directories at a time, records the files
// that cannot be read, and sums TotalSize and SentSize.
func (cf *ContextFiles) fillSizes(l dirLister) {
	type group struct {
		dir   string
		index []int
	}
	var groups []group
	at := map[string]int{}
	for i, f := range cf.Files {
		if !f.Regular() {
			continue
		}
		dir := path.Dir(f.Path)
		g, ok := at[dir]
		if !ok {
			g = len(groups)
			at[dir] = g
			groups = append(groups, group{dir: dir})
		}
		groups[g].index = append(groups[g].index, i)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan group)
	for w := 0; w < min(walkParallelism, len(groups)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range next {
				bad := cf.sizeGroup(l, g.dir, g.index)
				if len(bad) > 0 {
					mu.Lock()
					cf.Unreadable = append(cf.Unreadable, bad...)
					mu.Unlock()
				}
			}
		}()
	}
	for _, g := range groups {
		next <- g
	}
	close(next)
	wg.Wait()
	sort.Slice(cf.Unreadable, func(i, j int) bool { return cf.Unreadable[i].Path < cf.Unreadable[j].Path })
	cf.SentFiles = 0
	for _, f := range cf.Files {
		if f.Regular() {
			cf.TotalSize += f.Size
			if !f.Excluded {
				cf.SentSize += f.Size
				cf.SentFiles++
			}
		}
	}
}

// sizeGroup sizes the files at index (all in directory dir) and returns
// the ones that cannot be read.
func (cf *ContextFiles) sizeGroup(l dirLister, dir string, index []int) []UnreadableDir {
	names := make([]string, len(index))
	for k, i := range index {
		names[k] = path.Base(cf.Files[i].Path)
	}
	stats := make([]fileStat, len(index))
	l.StatFiles(dir, names, stats)
	var bad []UnreadableDir
	for k, i := range index {
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
	return bad
}

// assemble appends the entries of dir and of its subdirectories to out
// in path order, sorting each directory on its own: a directory's entry
// sorts by its name, its contents by its name and "/" (so "a" < "a.txt" <
// "a/x", as the full paths compare).
func (w *walker) assemble(out []ContextFile, dir string) []ContextFile {
	entries := w.dirs[dir]
	type item struct {
		key   string
		entry int  // index in entries
		sub   bool // the contents of that directory
	}
	items := make([]item, 0, len(entries)+8)
	for i, e := range entries {
		name := e.Path[strings.LastIndexByte(e.Path, '/')+1:]
		items = append(items, item{key: name, entry: i})
		if e.Dir {
			if _, ok := w.dirs[e.Path]; ok {
				items = append(items, item{key: name + "/", entry: i, sub: true})
			}
		}
	}
	slices.SortFunc(items, func(a, b item) int { return strings.Compare(a.key, b.key) })
	for _, it := range items {
		if it.sub {
			out = w.assemble(out, entries[it.entry].Path)
		} else {
			out = append(out, entries[it.entry])
		}
	}
	return out
}

// patternWithoutTrailingGlob is fsutil's helper of the same name: the
// pattern without a trailing "/**" or "/*".
func patternWithoutTrailingGlob(p string) string {
	p = strings.TrimSuffix(p, "/**")
	return strings.TrimSuffix(p, "/*")
}

// canSkip reports whether an excluded directory need not be entered
// (fsutil's filterFS.Walk optimisation, the engine's own rule).
func (w *walker) canSkip(dir string) bool {
	if !w.prefixOnlyExceptions {
		return false
	}
	if !w.hasExceptions {
		return true
	}
	dirSlash := dir + "/"
	for _, p := range w.exceptionPrefixes {
		if strings.HasPrefix(p, dirSlash) {
			return false
		}
	}
	return true
}

// dir lists one directory; excluded says .dockerignore excludes it (an
// unreadable excluded directory does not fail the build: fsutil skips
// permission errors on excluded entries).
func (w *walker) dir(rel string, parent patternmatcher.MatchInfo, excluded bool) {
	if w.truncated.Load() {
		return
	}
	entries, err := w.lister.ReadDir(rel)
	if err != nil {
		w.mu.Lock()
		w.unreadable = append(w.unreadable, UnreadableDir{Path: rel, Err: errText(err), Excluded: excluded})
		w.mu.Unlock()
		return
	}
	var pm *patternmatcher.PatternMatcher
	if w.ignore != nil {
		pm = w.matchers.Get().(*patternmatcher.PatternMatcher)
		defer w.matchers.Put(pm)
	}
	type subdir struct {
		path     string
		info     patternmatcher.MatchInfo
		excluded bool
	}
	var subdirs []subdir
	local := make([]ContextFile, 0, len(entries))
	for _, e := range entries {
		if w.count.Add(1) > w.max {
			w.truncated.Store(true)
			break
		}
		p := e.name
		if rel != "." {
			p = rel + "/" + p
		}
		t := e.typ
		f := ContextFile{Path: p, Dir: t.IsDir(), Symlink: t&fs.ModeSymlink != 0}
		var info patternmatcher.MatchInfo
		if pm != nil {
			m, mi, err := pm.MatchesUsingParentResults(p, parent)
			f.Excluded = m && err == nil
			info = mi
		}
		switch {
		case f.Dir:
			if f.Excluded && w.canSkip(p) {
				f.Pruned = true
			} else {
				subdirs = append(subdirs, subdir{p, info, f.Excluded})
			}
		case f.Symlink:
		case t != 0:
			f.Special = specialKind(t)
		}
		local = append(local, f)
	}
	w.mu.Lock()
	w.dirs[rel] = local
	w.listed += len(local)
	w.mu.Unlock()
	for _, s := range subdirs {
		select {
		case w.sem <- struct{}{}:
			w.wg.Add(1)
			go func(s subdir) {
				defer func() { <-w.sem; w.wg.Done() }()
				w.dir(s.path, s.info, s.excluded)
			}(s)
		default:
			w.dir(s.path, s.info, s.excluded)
		}
	}
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
		for _, f := range cf.Files {
			if !f.Regular() || f.Excluded {
				continue
			}
			for d := path.Dir(f.Path); d != "."; d = path.Dir(d) {
				s := cf.dirs[d]
				if s == nil {
					s = &DirStat{Path: d}
					cf.dirs[d] = s
				}
				s.Files++
				s.Bytes += f.Size
			}
		}
	})
	return cf.dirs
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
