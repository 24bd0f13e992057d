package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/envdoctor/envdoctor/internal/baseline"
	"github.com/envdoctor/envdoctor/internal/config"
	"github.com/envdoctor/envdoctor/internal/finding"
)

// baselines is the baseline state of one lint run: the baseline files read
// (--baseline, or each project's config baseline:), the one being written
// (--write-baseline), and what the run covered, to tell which unmatched
// entries are fixed.
type baselines struct {
	cwd    string
	flag   string             // --baseline, absolute
	writer *baseline.Baseline // --write-baseline
	loaded map[string]*baseline.Baseline
	order  []*baseline.Baseline
	hidden map[*baseline.Baseline]int
	covers []coverage
}

// coverage is what one target of the run checked.
type coverage struct {
	root string
	only map[string]bool // absolute paths; nil for the whole project
	cfg  *config.Config
	ran  map[string]bool
}

func newBaselines(cwd string, lf lintFlags) *baselines {
	b := &baselines{cwd: cwd, loaded: map[string]*baseline.Baseline{}, hidden: map[*baseline.Baseline]int{}}
	if lf.baseline != "" {
		b.flag = absFrom(cwd, lf.baseline)
	}
	if lf.writeBaseline != "" {
		b.writer = baseline.New(absFrom(cwd, lf.writeBaseline))
	}
	return b
}

func absFrom(dir, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}

// forTarget returns the baseline that applies to a project: --baseline,
// else its config's baseline: (relative to the config file), else none.
// Writing a baseline reads none.
func (b *baselines) forTarget(cfg *config.Config) (*baseline.Baseline, error) {
	if b.writer != nil {
		return nil, nil
	}
	path := b.flag
	if path == "" && cfg != nil && cfg.Baseline != "" {
		path = absFrom(filepath.Dir(cfg.Path), filepath.FromSlash(cfg.Baseline))
	}
	if path == "" {
		return nil, nil
	}
	if bl, ok := b.loaded[path]; ok {
		return bl, nil
	}
	bl, err := baseline.Load(path)
	if err != nil {
		return nil, err
	}
	b.loaded[path] = bl
	b.order = append(b.order, bl)
	return bl, nil
}

func (b *baselines) cover(c coverage) { b.covers = append(b.covers, c) }

// hide reports whether a finding is not reported: it is in the baseline,
// or a baseline is being written (which records it).
func (b *baselines) hide(bl *baseline.Baseline, root string, f finding.Finding, lines func(string, int) (string, bool)) bool {
	if b.writer != nil {
		b.writer.Record(b.writer.EntryOf(root, f, lines))
		return true
	}
	if bl != nil && bl.Match(bl.EntryOf(root, f, lines)) {
		b.hidden[bl]++
		return true
	}
	return false
}

// finish writes the new baseline, and with -v says what each baseline hid
// and which of its findings are fixed.
func (b *baselines) finish(stderr io.Writer, lf lintFlags) error {
	if b.writer != nil {
		if err := b.writer.Write(); err != nil {
			return err
		}
		if !lf.quiet {
			plural := "s"
			if len(b.writer.Entries) == 1 {
				plural = ""
			}
			fmt.Fprintf(stderr, "envdoctor: wrote %d finding%s to the baseline %s; they are not reported from now on\n",
				len(b.writer.Entries), plural, b.rel(b.writer.Path))
		}
		return nil
	}
	if !lf.verbose {
		return nil
	}
	for _, bl := range b.order {
		fmt.Fprintf(stderr, "note: the baseline %s hid %d of its %d findings\n", b.rel(bl.Path), b.hidden[bl], len(bl.Entries))
		fixed := 0
		for _, e := range bl.Unmatched() {
			if !b.covered(bl, e) {
				continue
			}
			fixed++
			where := e.File
			if where == "" {
				where = "(no file)"
			}
			fmt.Fprintf(stderr, "note: fixed since the baseline: %s: %s %s\n", where, e.Rule, e.Message)
		}
		if fixed > 0 {
			fmt.Fprintf(stderr, "note: %d baseline finding(s) fixed; drop them with: envdoctor lint --write-baseline %s\n", fixed, b.rel(bl.Path))
		}
	}
	return nil
}

// covered reports whether this run would have reported the entry's
// finding: its rule ran on a project that holds its file (and the file
// was linted and not excluded). A finding about no file is covered when
// its probe ran.
func (b *baselines) covered(bl *baseline.Baseline, e baseline.Entry) bool {
	abs := ""
	if e.File != "" {
		abs = filepath.Join(bl.Dir, filepath.FromSlash(e.File))
	}
	for _, c := range b.covers {
		if !c.ran[e.Rule] {
			continue
		}
		if abs == "" {
			return true
		}
		rel, err := filepath.Rel(c.root, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		if c.only != nil && !c.only[abs] {
			continue
		}
		if c.cfg.Excluded(filepath.ToSlash(rel)) {
			continue
		}
		return true
	}
	return false
}

// rel shows a path relative to the working directory when it is below it.
func (b *baselines) rel(path string) string { return relTo(b.cwd, path) }
