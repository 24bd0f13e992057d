package project

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/moby/patternmatcher"
)

// dirLister reads the directories of a context. A directory is opened
// relative to its parent where the lister can (openat on Linux), read
// into a dirBatch, and closed.
type dirLister interface {
	// Root checks that the context itself is a directory.
	Root() error
	// Open opens directory rel (slash-separated, relative to the
	// context, "." for the context itself), the entry name of the
	// directory open as parent, or from the context when parent is
	// noParent. A lister may report an error only when the directory is
	// read.
	Open(parent dirHandle, name, rel string) (dirHandle, error)
	// Read appends the entries of an open directory to b, with their
	// types (no stat where the directory says the type).
	Read(h dirHandle, b *dirBatch) error
	Close(h dirHandle)
	// StatFiles reads the metadata of regular files of one directory.
	StatFiles(dir string, names []string, out []fileStat)
}

// fdStater is a dirLister that reads a file's metadata relative to an
// open directory: a walk can then size the files as it lists them.
type fdStater interface {
	statIn(h dirHandle, name string, ids processIDs) fileStat
}

// dirHandle is an open directory: a file descriptor on Linux, the path
// elsewhere.
type dirHandle struct {
	fd  int
	rel string
}

// noParent opens a directory from the context rather than from its parent.
var noParent = dirHandle{fd: -1}

// dirBatch is the entries of one directory: the names one after the other
// in names (entry i is names[offs[i]:offs[i+1]]) and their types. It is
// reused from one directory to the next, so reading allocates nothing per
// entry.
type dirBatch struct {
	names []byte
	offs  []int32
	types []fs.FileMode
	// buf is the lister's own buffer (getdents).
	buf []byte
	// limit is how many entries are enough: a lister may stop reading
	// a directory past it (the walk would drop the rest).
	limit int
	// idx and paths are the walker's.
	idx   []int32
	paths []byte
}

// dirBatches are idle dirBatches, shared by the walks: a project has a
// context per built service, each walked once, and a batch's getdents
// buffer alone is 32 kB.
var dirBatches sync.Pool

func (b *dirBatch) reset() {
	b.names = b.names[:0]
	b.offs = append(b.offs[:0], 0)
	b.types = b.types[:0]
}

func (b *dirBatch) add(name string, typ fs.FileMode) {
	b.names = append(b.names, name...)
	b.offs = append(b.offs, int32(len(b.names)))
	b.types = append(b.types, typ)
}

func (b *dirBatch) len() int { return len(b.types) }

func (b *dirBatch) name(i int32) []byte { return b.names[b.offs[i]:b.offs[i+1]] }

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

// osLister reads the context from the operating system with package os,
// on every system (newOSLister picks a faster lister on Linux). Unlike
// os.DirFS it accepts every name the file system holds (invalid UTF-8
// included) and does not sort; a file's metadata is read relative to its
// open directory (fstatat on Unix), which spares the kernel a path lookup.
type osLister struct {
	root string
	ids  processIDs
}

func newPortableLister(root string) osLister { return osLister{root: root, ids: currentIDs()} }

func (l osLister) Root() error {
	fi, err := os.Stat(l.root)
	if err == nil && !fi.IsDir() {
		return errors.New("not a directory")
	}
	return err
}

func (l osLister) Open(_ dirHandle, _, rel string) (dirHandle, error) {
	return dirHandle{rel: rel}, nil
}

func (l osLister) Close(dirHandle) {}

func (l osLister) Read(h dirHandle, b *dirBatch) error {
	f, err := os.Open(filepath.Join(l.root, filepath.FromSlash(h.rel)))
	if err != nil {
		return err
	}
	defer f.Close()
	// os reads the types from the directory itself (an lstat only where
	// the file system does not say).
	des, err := f.ReadDir(-1)
	if err != nil && len(des) == 0 {
		return err
	}
	for _, d := range des {
		b.add(d.Name(), d.Type())
	}
	return nil
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

func (l fsLister) Open(_ dirHandle, _, rel string) (dirHandle, error) {
	return dirHandle{rel: rel}, nil
}

func (l fsLister) Close(dirHandle) {}

func (l fsLister) Read(h dirHandle, b *dirBatch) error {
	des, err := fs.ReadDir(l.fsys, h.rel)
	if err != nil {
		return err
	}
	for _, d := range des {
		b.add(d.Name(), d.Type())
	}
	return nil
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

// walkParallelism is how many directories are read at once (by the
// calling goroutine and at most walkParallelism-1 others).
const walkParallelism = 8

// maxHeldDepth bounds the open directories of one chain: below that
// depth a directory is closed before its subdirectories are read, and
// they are opened from the context (one path lookup each) rather than
// from it, so a very deep tree cannot exhaust the file descriptors.
const maxHeldDepth = 48

// walker is one walk of a context. Directories are read in parallel (at
// most workers at a time, the rest inline). Each directory's entries are
// sorted by name where they are read, and kept in a dirNode with its
// subdirectories' nodes; emit then concatenates them in path order.
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

	// stater is set when the walk reads the sizes of regular files too,
	// relative to the directory it has open (BuildContext.Files first).
	stater fdStater
	ids    processIDs

	max   int64
	count atomic.Int64
	// regular counts the listed regular files.
	regular atomic.Int64
	sem     chan struct{}
	wg      sync.WaitGroup

	mu         sync.Mutex
	unreadable []UnreadableDir
	truncated  atomic.Bool
}

// dirNode is one listed directory: its entries sorted by name, as the
// paths one after the other in one string and a kind byte each (no
// pointers: the collector does not scan them, and the listing's
// ContextFiles are written once, in place, by emit), and the
// subdirectories that were read, each with where its contents go among
// the entries.
type dirNode struct {
	rel   string
	paths string
	// regular counts the regular files.
	regular int
	ends    []int32 // entry i is paths[ends[i-1]:ends[i]]
	kinds   []entryKind
	// sizes are the regular files' sizes (a sized walk).
	sizes []int64
	subs  []subNode
}

// fileGroup is the regular files of one directory, by their index in
// ContextFiles.Files.
type fileGroup struct {
	dir   string
	index []int32
}

// emitter writes the listing and the groups of regular files.
type emitter struct {
	out    []ContextFile
	i      int
	groups []fileGroup
	// free is the rest of the one array that holds every group's index.
	free []int32
}

type subNode struct {
	// at is how many of the parent's entries sort before the contents
	// ("a", "a.txt" and "a-b" all sort before "a/x").
	at   int
	node *dirNode
}

// entryKind is an entry's type (the low bits) and its ignore flags.
type entryKind uint8

const (
	kindRegular entryKind = iota
	kindDir
	kindSymlink
	kindPipe
	kindSocket
	kindDevice
	kindIrregular

	kindTypeMask entryKind = 7
	kindExcluded entryKind = 8
	kindPruned   entryKind = 16
)

func kindOf(t fs.FileMode) entryKind {
	switch {
	case t == 0:
		return kindRegular
	case t.IsDir():
		return kindDir
	case t&fs.ModeSymlink != 0:
		return kindSymlink
	case t&fs.ModeNamedPipe != 0:
		return kindPipe
	case t&fs.ModeSocket != 0:
		return kindSocket
	case t&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return kindDevice
	}
	return kindIrregular
}

// specialKinds are ContextFile.Special by entryKind.
var specialKinds = [...]string{kindPipe: "named pipe", kindSocket: "socket", kindDevice: "device", kindIrregular: "irregular file"}

// walkContext lists a context without following symlinks (a link loop or
// a link out of the context is listed as a link and never entered),
// applying ignore as the engine does: an excluded directory is entered
// only when an exception could re-include something inside it. Unreadable
// entries are recorded, never fatal.
func walkContext(l dirLister, ignore *Dockerignore, maxEntries int) *ContextFiles {
	return walkContextN(l, ignore, maxEntries, walkParallelism)
}

// walkContextSized is walkContext with the sizes, what fillSizes adds,
// read as each directory is listed where the lister can (Linux): no
// directory is opened twice. Elsewhere it is walkContext and fillSizes.
func walkContextSized(l dirLister, ignore *Dockerignore, maxEntries int) *ContextFiles {
	if _, ok := l.(fdStater); !ok {
		cf := walkContext(l, ignore, maxEntries)
		if cf != nil {
			cf.fillSizes(l)
		}
		return cf
	}
	return walkContextWith(l, ignore, maxEntries, walkParallelism, true)
}

// walkContextN is walkContext with workers directories read at once.
func walkContextN(l dirLister, ignore *Dockerignore, maxEntries, workers int) *ContextFiles {
	return walkContextWith(l, ignore, maxEntries, workers, false)
}

func walkContextWith(l dirLister, ignore *Dockerignore, maxEntries, workers int, sized bool) *ContextFiles {
	if err := l.Root(); err != nil {
		return nil
	}
	w := &walker{lister: l, max: int64(maxEntries), sem: make(chan struct{}, max(workers-1, 0))}
	if st, ok := l.(fdStater); ok && sized {
		w.stater, w.ids = st, currentIDs()
	}
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
	root := &dirNode{rel: "."}
	if h, err := l.Open(noParent, ".", "."); err != nil {
		w.unreadable = append(w.unreadable, UnreadableDir{Path: ".", Err: errText(err)})
	} else {
		w.dir(h, ".", patternmatcher.MatchInfo{}, false, root, 0)
	}
	w.wg.Wait()

	listed := min(w.count.Load(), w.max)
	e := emitter{out: make([]ContextFile, listed), free: make([]int32, w.regular.Load())}
	e.emit(root)
	cf := &ContextFiles{Files: e.out[:e.i], Unreadable: w.unreadable, Truncated: w.truncated.Load(), Ignore: w.ignore, groups: e.groups}
	sort.Slice(cf.Unreadable, func(i, j int) bool { return cf.Unreadable[i].Path < cf.Unreadable[j].Path })
	cf.sum()
	return cf
}

// sum counts the files the build sends and sums the sizes.
func (cf *ContextFiles) sum() {
	cf.SentFiles, cf.TotalSize, cf.SentSize = 0, 0, 0
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

// withoutSizes is a sized listing as the names walk gives it: no sizes,
// no unreadable files.
func (cf *ContextFiles) withoutSizes() *ContextFiles {
	out := &ContextFiles{Files: slices.Clone(cf.Files), Truncated: cf.Truncated, Ignore: cf.Ignore, groups: cf.groups}
	for i := range out.Files {
		out.Files[i].Size = 0
	}
	for _, u := range cf.Unreadable {
		if !u.File {
			out.Unreadable = append(out.Unreadable, u)
		}
	}
	out.sum()
	return out
}

func (n *dirNode) path(i int) string {
	start := int32(0)
	if i > 0 {
		start = n.ends[i-1]
	}
	return n.paths[start:n.ends[i]]
}

// emit writes the entries of n and of its subdirectories in path order,
// and the group of n's regular files.
func (e *emitter) emit(n *dirNode) {
	g := fileGroup{dir: n.rel, index: e.free[:0:n.regular]}
	e.free = e.free[n.regular:]
	prev := 0
	for _, s := range n.subs {
		e.emitRange(n, &g, prev, s.at)
		prev = s.at
		if s.node != nil {
			e.emit(s.node)
		}
	}
	e.emitRange(n, &g, prev, len(n.kinds))
	if len(g.index) > 0 {
		e.groups = append(e.groups, g)
	}
}

func (e *emitter) emitRange(n *dirNode, g *fileGroup, from, to int) {
	start := int32(0)
	if from > 0 {
		start = n.ends[from-1]
	}
	for k := from; k < to; k++ {
		kind := n.kinds[k]
		t := kind & kindTypeMask
		e.out[e.i] = ContextFile{
			Path:     n.paths[start:n.ends[k]],
			Dir:      t == kindDir,
			Symlink:  t == kindSymlink,
			Special:  specialKinds[t],
			Excluded: kind&kindExcluded != 0,
			Pruned:   kind&kindPruned != 0,
		}
		if t == kindRegular {
			g.index = append(g.index, int32(e.i))
			if n.sizes != nil {
				e.out[e.i].Size = n.sizes[k]
			}
		}
		start = n.ends[k]
		e.i++
	}
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

// sortsBeforeContents reports whether the entry name sorts before the
// contents of its sibling directory dir, that is whether name < dir+"/"
// (names hold no "/").
func sortsBeforeContents(name, dir string) bool {
	if len(name) > len(dir) && name[:len(dir)] == dir {
		return name[len(dir)] < '/'
	}
	return name <= dir
}

// compareContents orders the contents of sibling directories a and b:
// a+"/" against b+"/".
func compareContents(a, b string) int {
	switch {
	case len(a) < len(b) && b[:len(a)] == a:
		if b[len(a)] < '/' {
			return 1
		}
		return -1
	case len(b) < len(a) && a[:len(b)] == b:
		if a[len(b)] < '/' {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// dir lists one directory, open as h, into node; it closes h. excluded
// says .dockerignore excludes the directory (an unreadable excluded
// directory does not fail the build: fsutil skips permission errors on
// excluded entries).
func (w *walker) dir(h dirHandle, rel string, parent patternmatcher.MatchInfo, excluded bool, node *dirNode, depth int) {
	if w.truncated.Load() {
		w.lister.Close(h)
		return
	}
	b, _ := dirBatches.Get().(*dirBatch)
	if b == nil {
		b = new(dirBatch)
	}
	b.reset()
	b.limit = int(min(w.max, 1<<30)) + 1
	if err := w.lister.Read(h, b); err != nil {
		w.lister.Close(h)
		dirBatches.Put(b)
		w.mu.Lock()
		w.unreadable = append(w.unreadable, UnreadableDir{Path: rel, Err: errText(err), Excluded: excluded})
		w.mu.Unlock()
		return
	}
	n := b.len()
	if total := w.count.Add(int64(n)); total > w.max {
		w.truncated.Store(true)
		n = max(0, n-int(total-w.max)) // the entries read last are dropped
	}
	// Sort by name, then write every path of the directory into one
	// string: one allocation per directory, not per entry.
	idx := b.idx[:0]
	for i := range n {
		idx = append(idx, int32(i))
	}
	b.idx = idx
	slices.SortFunc(idx, func(x, y int32) int { return bytes.Compare(b.name(x), b.name(y)) })
	prefix := 0
	if rel != "." {
		prefix = len(rel) + 1
	}
	buf := b.paths[:0]
	node.ends = make([]int32, n)
	for k, i := range idx {
		if prefix > 0 {
			buf = append(buf, rel...)
			buf = append(buf, '/')
		}
		buf = append(buf, b.name(i)...)
		node.ends[k] = int32(len(buf))
	}
	b.paths = buf
	node.paths = string(buf)

	var pm *patternmatcher.PatternMatcher
	if w.ignore != nil {
		pm = w.matchers.Get().(*patternmatcher.PatternMatcher)
	}
	type subdir struct {
		entry    int
		info     patternmatcher.MatchInfo
		excluded bool
	}
	var subdirs []subdir
	var bad []UnreadableDir
	node.kinds = make([]entryKind, n)
	if w.stater != nil {
		node.sizes = make([]int64, n)
	}
	start := int32(0)
	for k, i := range idx {
		kind := kindOf(b.types[i])
		if pm != nil || kind == kindDir {
			p := node.paths[start:node.ends[k]]
			var info patternmatcher.MatchInfo
			excluded := false
			if pm != nil {
				m, mi, err := pm.MatchesUsingParentResults(p, parent)
				excluded = m && err == nil
				info = mi
			}
			if excluded {
				kind |= kindExcluded
			}
			if kind&kindTypeMask == kindDir {
				if excluded && w.canSkip(p) {
					kind |= kindPruned
				} else {
					subdirs = append(subdirs, subdir{k, info, excluded})
				}
			}
		}
		if w.stater != nil && kind&kindTypeMask == kindRegular {
			kind = w.statEntry(h, node, k, kind, prefix, &bad)
		}
		node.kinds[k] = kind
		if kind&kindTypeMask == kindRegular {
			node.regular++
		}
		start = node.ends[k]
	}
	w.regular.Add(int64(node.regular))
	if len(bad) > 0 {
		w.mu.Lock()
		w.unreadable = append(w.unreadable, bad...)
		w.mu.Unlock()
	}
	if depth >= maxHeldDepth {
		w.lister.Close(h)
		h = noParent
	}
	if pm != nil {
		w.matchers.Put(pm)
	}
	dirBatches.Put(b)
	if len(subdirs) == 0 {
		w.lister.Close(h)
		return
	}

	// The contents of directory "a" go after every entry that sorts
	// before "a/", and the contents of sibling directories in the order
	// of their names with a "/".
	name := func(e int) string { return node.path(e)[prefix:] }
	slices.SortStableFunc(subdirs, func(x, y subdir) int { return compareContents(name(x.entry), name(y.entry)) })
	node.subs = make([]subNode, len(subdirs))
	for j, s := range subdirs {
		at := s.entry + 1
		for at < n && sortsBeforeContents(name(at), name(s.entry)) {
			at++
		}
		node.subs[j].at = at
	}
	for j, s := range subdirs {
		if w.truncated.Load() {
			break
		}
		p := node.path(s.entry)
		ch, err := w.lister.Open(h, name(s.entry), p)
		if err != nil {
			w.mu.Lock()
			w.unreadable = append(w.unreadable, UnreadableDir{Path: p, Err: errText(err), Excluded: s.excluded})
			w.mu.Unlock()
			continue
		}
		sub := &dirNode{rel: p}
		node.subs[j].node = sub
		select {
		case w.sem <- struct{}{}:
			w.wg.Add(1)
			go func() {
				defer func() { <-w.sem; w.wg.Done() }()
				w.dir(ch, p, s.info, s.excluded, sub, depth+1)
			}()
		default:
			w.dir(ch, p, s.info, s.excluded, sub, depth+1)
		}
	}
	w.lister.Close(h)
}

// statEntry sizes regular entry k of node, as sizeGroup does, and returns
// its kind (another type when the file was replaced since the listing).
func (w *walker) statEntry(h dirHandle, node *dirNode, k int, kind entryKind, prefix int, bad *[]UnreadableDir) entryKind {
	p := node.path(k)
	st := w.stater.statIn(h, p[prefix:], w.ids)
	excluded := kind&kindExcluded != 0
	switch {
	case st.err != nil:
		*bad = append(*bad, UnreadableDir{Path: p, Err: errText(st.err), File: true, Excluded: excluded})
	case st.typ != 0:
		return kindOf(st.typ) | kind&^kindTypeMask
	default:
		node.sizes[k] = st.size
		if st.unreadable {
			*bad = append(*bad, UnreadableDir{Path: p, Err: fs.ErrPermission.Error(), File: true, Excluded: excluded})
		}
	}
	return kind
}
