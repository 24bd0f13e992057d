package project

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/moby/patternmatcher"
	"golang.org/x/sys/unix"
)

// oracleWalk is the plainest walk that gives what walkContext must: one
// directory at a time, every type from lstat, a global sort at the end,
// the ignore file applied with a fresh patternmatcher and fsutil's rule
// for entering excluded directories.
func oracleWalk(t *testing.T, root string, ignore *Dockerignore) ([]ContextFile, []UnreadableDir) {
	t.Helper()
	var pm *patternmatcher.PatternMatcher
	var exceptions []string
	prefixOnly := true
	if ignore != nil {
		var patterns []string
		for _, p := range ignore.Patterns {
			patterns = append(patterns, p.Pattern)
			if p.Exclusion {
				lit := patternWithoutTrailingGlob(strings.TrimPrefix(p.Pattern, "!"))
				if strings.ContainsAny(lit, `*[]?^\`) {
					prefixOnly = false
				}
				exceptions = append(exceptions, lit+"/")
			}
		}
		var err error
		if pm, err = patternmatcher.New(patterns); err != nil {
			t.Fatal(err)
		}
	}
	skip := func(dir string) bool {
		if !prefixOnly {
			return false
		}
		for _, e := range exceptions {
			if strings.HasPrefix(e, dir+"/") {
				return false
			}
		}
		return true
	}
	var files []ContextFile
	var bad []UnreadableDir
	var walk func(rel string, parent patternmatcher.MatchInfo, excluded bool)
	walk = func(rel string, parent patternmatcher.MatchInfo, excluded bool) {
		full := filepath.Join(root, rel)
		f, err := os.Open(full)
		var names []string
		if err == nil {
			defer f.Close()
			names, err = f.Readdirnames(-1)
		}
		if err != nil {
			bad = append(bad, UnreadableDir{Path: rel, Err: errText(err), Excluded: excluded})
			return
		}
		for _, n := range names {
			p := n
			if rel != "." {
				p = rel + "/" + n
			}
			var st unix.Stat_t
			if err := unix.Fstatat(int(f.Fd()), n, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
				t.Fatal(err)
			}
			typ := modeType(st.Mode)
			e := ContextFile{Path: p, Dir: typ.IsDir(), Symlink: typ&os.ModeSymlink != 0}
			if !e.Dir && !e.Symlink && typ != 0 {
				e.Special = specialKind(typ)
			}
			var info patternmatcher.MatchInfo
			if pm != nil {
				m, mi, err := pm.MatchesUsingParentResults(p, parent)
				e.Excluded = m && err == nil
				info = mi
			}
			if e.Dir {
				if e.Excluded && skip(p) {
					e.Pruned = true
				} else {
					walk(p, info, e.Excluded)
				}
			}
			files = append(files, e)
		}
	}
	walk(".", patternmatcher.MatchInfo{}, false)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	sort.Slice(bad, func(i, j int) bool { return bad[i].Path < bad[j].Path })
	return files, bad
}

// writeHardTree writes a context with what a walk can get wrong: names
// that sort around "/" ("a", "a.b", "a-b", "a b", "a0"), a directory
// larger than one getdents buffer, links (to a directory, a loop, out of
// the context, dangling), a named pipe, a socket, invalid UTF-8, a chain
// deeper than maxHeldDepth, a path longer than PATH_MAX, excluded
// directories with and without exceptions, and an unreadable directory
// (when not root).
func writeHardTree(t *testing.T, root string) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	file := func(p string) {
		t.Helper()
		full := filepath.Join(root, p)
		must(os.MkdirAll(filepath.Dir(full), 0o755))
		must(os.WriteFile(full, []byte("x"), 0o644))
	}
	for _, d := range []string{"a", "a.b", "a-b", "a b", "a0", "A", "a/a", "a/a.b", "a.b/a", "node_modules/pkg", "node_modules/keep", "build/out", "logs/x"} {
		file(d + "/f.txt")
		file(d + "/g.md")
	}
	file("a!")
	file("a.b.txt")
	file("a.txt")
	file("Dockerfile")
	file(".env")
	file("bad\xff\xfename/x.txt")
	for i := range 1500 {
		file(fmt.Sprintf("big/%04d-%s.js", i, strings.Repeat("n", 30)))
	}
	deep := "deep"
	for i := range maxHeldDepth + 12 {
		deep += fmt.Sprintf("/d%d", i)
		if i%7 == 0 {
			file(deep + "/leaf.txt")
		}
	}
	file(deep + "/bottom.txt")
	// Past PATH_MAX only with paths relative to an open directory.
	file("long/x.txt")
	fd, err := unix.Open(filepath.Join(root, "long"), unix.O_RDONLY|unix.O_DIRECTORY, 0)
	must(err)
	for i := range 20 {
		name := strings.Repeat(string(rune('a'+i)), 250)
		must(unix.Mkdirat(fd, name, 0o755))
		next, err := unix.Openat(fd, name, unix.O_RDONLY|unix.O_DIRECTORY, 0)
		must(err)
		unix.Close(fd)
		fd = next
		f, err := unix.Openat(fd, "x.txt", unix.O_CREAT|unix.O_WRONLY, 0o644)
		must(err)
		unix.Close(f)
	}
	unix.Close(fd)
	must(os.Symlink("a", filepath.Join(root, "link-dir")))
	must(os.Symlink("loop", filepath.Join(root, "loop")))
	must(os.Symlink("/", filepath.Join(root, "a", "rootlink")))
	must(os.Symlink("missing", filepath.Join(root, "dangling")))
	must(syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644))
	if sock := filepath.Join(root, "s.sock"); len(sock) < 100 {
		l, err := net.Listen("unix", sock)
		must(err)
		t.Cleanup(func() { l.Close() })
	}
	if os.Geteuid() != 0 {
		file("locked/inner.txt")
		file("node_modules/locked/inner.txt")
		must(os.Chmod(filepath.Join(root, "locked"), 0))
		must(os.Chmod(filepath.Join(root, "node_modules/locked"), 0))
		t.Cleanup(func() {
			os.Chmod(filepath.Join(root, "locked"), 0o755)
			os.Chmod(filepath.Join(root, "node_modules/locked"), 0o755)
		})
	}
}

// TestLinuxListerAgrees: the getdents lister and the portable os lister
// give the oracle's listing exactly, for 1 to 8 workers, with and without
// an ignore file.
func TestLinuxListerAgrees(t *testing.T) {
	root := t.TempDir()
	writeHardTree(t, root)
	ignores := []*Dockerignore{
		nil,
		ignoreOf("node_modules\n!node_modules/keep\nbuild\nlogs\n*.md\n"),
		ignoreOf("**/*.md\na\n!a/a.b\n"),
		ignoreOf("node_modules\n!**/f.txt\ndeep/d0/d1\n"),
		ignoreOf("*\n!a*\n"),
	}
	for _, ign := range ignores {
		wantFiles, wantBad := oracleWalk(t, root, ign)
		if len(wantFiles) < 1600 {
			t.Fatalf("oracle lists %d entries", len(wantFiles))
		}
		for _, l := range []struct {
			name string
			l    dirLister
		}{{"linux", newOSLister(root)}, {"portable", newPortableLister(root)}} {
			for _, workers := range []int{1, 2, 8} {
				cf := walkContextN(l.l, ign, 100_000, workers)
				if !reflect.DeepEqual(cf.Files, wantFiles) {
					t.Errorf("%s lister, %d workers, ignore %v: listing differs from the oracle:\n got %.2000s\nwant %.2000s", l.name, workers, ign != nil, flagged(cf.Files), flagged(wantFiles))
				}
				if !reflect.DeepEqual(cf.Unreadable, wantBad) {
					t.Errorf("%s lister, %d workers: Unreadable = %+v, want %+v", l.name, workers, cf.Unreadable, wantBad)
				}
				if cf.Truncated {
					t.Errorf("%s lister: truncated", l.name)
				}
			}
		}
		// The sizing pass: the same sizes, sums and unreadable files.
		a, b := walkSized(newOSLister(root), ign, 100_000), walkSized(newPortableLister(root), ign, 100_000)
		if !reflect.DeepEqual(a.Files, b.Files) || !reflect.DeepEqual(a.Unreadable, b.Unreadable) ||
			a.TotalSize != b.TotalSize || a.SentSize != b.SentSize || a.SentFiles != b.SentFiles {
			t.Errorf("sized listings differ: %d/%d bytes, %d/%d sent files, unreadable %+v / %+v", a.TotalSize, b.TotalSize, a.SentFiles, b.SentFiles, a.Unreadable, b.Unreadable)
		}
		// The one-walk sizing (Files before Listing) gives the same, and
		// the Listing it leaves is the names walk's.
		c := &BuildContext{index: &contextIndex{lister: newOSLister(root), ignore: ign}}
		f, l := c.Files(), c.Listing()
		if !reflect.DeepEqual(f.Files, a.Files) || !reflect.DeepEqual(f.Unreadable, a.Unreadable) ||
			f.TotalSize != a.TotalSize || f.SentSize != a.SentSize || f.SentFiles != a.SentFiles {
			t.Errorf("one-walk sizing differs: %d/%d bytes, %d/%d sent files, unreadable %+v / %+v", f.TotalSize, a.TotalSize, f.SentFiles, a.SentFiles, f.Unreadable, a.Unreadable)
		}
		names := walkContext(newOSLister(root), ign, 100_000)
		if !reflect.DeepEqual(l.Files, names.Files) || !reflect.DeepEqual(l.Unreadable, names.Unreadable) ||
			l.TotalSize != 0 || l.SentSize != 0 || l.SentFiles != names.SentFiles || l.Truncated {
			t.Errorf("Listing after Files differs from the names walk: %d bytes, %d/%d sent files", l.SentSize, l.SentFiles, names.SentFiles)
		}
		if e, _ := a.Lookup("long/x.txt"); e.Size != 1 {
			t.Errorf("long/x.txt sized %d", e.Size)
		}
		long := false
		for _, u := range wantBad {
			long = long || strings.HasPrefix(u.Path, "long/") && u.Err == syscall.ENAMETOOLONG.Error()
		}
		if !long {
			t.Errorf("the long path is not unreadable: %.300v", wantBad)
		}
	}
}

// TestLinuxListerTruncates: with one worker both listers read the same
// directories in the same order, so they stop at the same entries.
func TestLinuxListerTruncates(t *testing.T) {
	root := t.TempDir()
	writeHardTree(t, root)
	for _, max := range []int{1, 10, 700, 1600} {
		a := walkContextN(newOSLister(root), nil, max, 1)
		b := walkContextN(newPortableLister(root), nil, max, 1)
		if !a.Truncated || len(a.Files) != max || !reflect.DeepEqual(a.Files, b.Files) {
			t.Errorf("max %d: truncated %v, %d entries; portable %d entries", max, a.Truncated, len(a.Files), len(b.Files))
		}
		for i := 1; i < len(a.Files); i++ {
			if a.Files[i-1].Path >= a.Files[i].Path {
				t.Fatalf("max %d: out of order: %q before %q", max, a.Files[i-1].Path, a.Files[i].Path)
			}
		}
	}
}

// TestLinuxListerBenchContext compares the lister with the oracle on the
// generated benchmark context when ENVDOCTOR_BENCH_CONTEXT names one.
func TestLinuxListerBenchContext(t *testing.T) {
	dir := os.Getenv("ENVDOCTOR_BENCH_CONTEXT")
	if dir == "" {
		t.Skip("set ENVDOCTOR_BENCH_CONTEXT to a generated context (bench/context.sh)")
	}
	ign := ignoreOf("node_modules\n!node_modules/pkg-leaky\n*.png\n")
	for _, ig := range []*Dockerignore{nil, ign} {
		want, _ := oracleWalk(t, dir, ig)
		if got := walkContext(newOSLister(dir), ig, MaxContextEntries); !reflect.DeepEqual(got.Files, want) {
			t.Errorf("ignore %v: %d entries, oracle %d", ig != nil, len(got.Files), len(want))
		}
	}
}

// TestSentDirsAgrees: SentDirs (one pass over the sorted listing) sums what
// adding every file to each of its ancestors gives.
func TestSentDirsAgrees(t *testing.T) {
	root := t.TempDir()
	writeHardTree(t, root)
	dirs := []string{root}
	if d := os.Getenv("ENVDOCTOR_BENCH_CONTEXT"); d != "" {
		dirs = append(dirs, d)
	}
	for _, dir := range dirs {
		for _, ign := range []*Dockerignore{nil, ignoreOf("*.md\nnode_modules/pkg\n")} {
			cf := walkContextSized(newOSLister(dir), ign, MaxContextEntries)
			want := map[string]DirStat{}
			for _, f := range cf.Files {
				if !f.Regular() || f.Excluded {
					continue
				}
				for d := filepath.ToSlash(filepath.Dir(f.Path)); d != "."; d = filepath.ToSlash(filepath.Dir(d)) {
					s := want[d]
					s.Path = d
					s.Files++
					s.Bytes += f.Size
					want[d] = s
				}
			}
			got := map[string]DirStat{}
			for k, v := range cf.SentDirs() {
				got[k] = *v
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: SentDirs has %d directories, want %d", dir, len(got), len(want))
				for k, v := range want {
					if got[k] != v {
						t.Errorf("%q: got %+v, want %+v", k, got[k], v)
						break
					}
				}
			}
		}
	}
}
