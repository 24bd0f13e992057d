// Package fix applies the edits that findings carry: it picks the fixes to
// apply (safe ones only unless asked, never two that overlap), computes the
// new content of every file, writes each file atomically after checking it
// did not change since it was linted, and renders a unified diff for the
// preview. Fixes whose edits overlap a chosen one are applied in a later
// round, after the project is linted again (Run).
//
// A fix is all or nothing: its edits are applied together, in every file
// they touch, or not at all.
package fix

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// Options says which fixes to apply.
type Options struct {
	// Unsafe also applies the fixes not marked Safe.
	Unsafe bool
	// Rule limits the fixes to some rules; nil applies every rule's.
	Rule func(id string) bool
	// MaxRounds bounds the lint-and-apply rounds of Run; 0 is
	// DefaultMaxRounds.
	MaxRounds int
}

// DefaultMaxRounds bounds the rounds of Run: a fix that overlaps another is
// applied in a later round, after linting again.
const DefaultMaxRounds = 5

// Wanted reports whether f's fix would be applied with opt: it has edits,
// its rule is asked for, and it is safe or unsafe fixes are allowed.
func Wanted(f finding.Finding, opt Options) bool {
	return Fixable(f) && (opt.Rule == nil || opt.Rule(f.RuleID)) && (f.Fix.Safe || opt.Unsafe)
}

// Fixable reports whether f carries a machine-applicable fix.
func Fixable(f finding.Finding) bool { return f.Fix != nil && len(f.Fix.Edits) > 0 }

// Content is a file as the fixer sees it: the bytes the linter read, or
// the bytes on disk for a file the linter did not read.
type Content struct {
	Data []byte
	// Exists is false for a file that does not exist (Data is empty).
	Exists bool
	// Linted is true when Data is what the linter read (the project's
	// sources), false when the fixer read it itself.
	Linted bool
}

// ReadFunc returns a file's content by its root-relative, slash-separated
// path. An error makes every fix that touches the file fail.
type ReadFunc func(file string) (Content, error)

// Change is the new content of one file.
type Change struct {
	File string // root-relative, slash-separated
	Old  Content
	New  []byte
	// Fixes are the findings whose fixes made this change, in finding
	// order.
	Fixes []finding.Finding
}

// Rules lists the rule IDs of the change's fixes, sorted, without
// duplicates.
func (c *Change) Rules() []string {
	return ruleIDs(c.Fixes)
}

func ruleIDs(fs []finding.Finding) []string {
	seen := map[string]bool{}
	var ids []string
	for _, f := range fs {
		if !seen[f.RuleID] {
			seen[f.RuleID] = true
			ids = append(ids, f.RuleID)
		}
	}
	sort.Strings(ids)
	return ids
}

// Rejected is a fix that cannot be applied at all: an edit outside its
// file, edits of one fix that overlap each other, a file that cannot be
// read.
type Rejected struct {
	Finding finding.Finding
	Reason  string
}

func (r Rejected) String() string {
	return fmt.Sprintf("%s fix at %s not applied: %s", r.Finding.RuleID, r.Finding.Range, r.Reason)
}

// Plan is the set of fixes chosen in one round and the files they change.
type Plan struct {
	// Changes are the files whose content changes, sorted by path.
	Changes []*Change
	// Applied are the chosen fixes, in finding order.
	Applied []finding.Finding
	// Deferred overlap an applied fix: they are retried after the project
	// is linted again.
	Deferred []finding.Finding
	// Rejected cannot be applied.
	Rejected []Rejected
}

// placed is one edit as byte offsets into its file's content.
type placed struct {
	start, end int
	text       string
	appendText bool // an append: goes after every other edit
}

func (a placed) same(b placed) bool { return a == b }

// conflicts reports whether two edits of one file cannot both be applied
// in a well-defined order: they overlap, one inserts strictly inside the
// other's span, or both insert at the same place with different text.
// Edits that only touch (one ends where the other starts) do not conflict.
// Appends never conflict: they are applied in order at the end.
func conflicts(a, b placed) bool {
	if a.appendText || b.appendText {
		return false
	}
	if a.same(b) {
		return false
	}
	if a.start == a.end && b.start == b.end {
		return a.start == b.start
	}
	if a.start == a.end {
		return a.start > b.start && a.start < b.end
	}
	if b.start == b.end {
		return b.start > a.start && b.start < a.end
	}
	return a.start < b.end && b.start < a.end
}

// fileState is one file's content and the edits chosen for it so far.
type fileState struct {
	content Content
	lines   []int // line start offsets
	err     error
	// chosen are the non-append edits, sorted by (start, end), pairwise
	// free of conflicts.
	chosen  []placed
	appends []placed
	fixes   []finding.Finding
}

func newFileState(c Content, err error) *fileState {
	fs := &fileState{content: c, err: err, lines: []int{0}}
	for i, b := range c.Data {
		if b == '\n' {
			fs.lines = append(fs.lines, i+1)
		}
	}
	return fs
}

// offset converts a position to a byte offset: column 1 to one past the
// line's last byte (its line ending) of lines 1 to the line after the last
// newline.
func (fs *fileState) offset(p finding.Pos) (int, bool) {
	if p.Line < 1 || p.Line > len(fs.lines) || p.Col < 1 {
		return 0, false
	}
	start := fs.lines[p.Line-1]
	end := len(fs.content.Data)
	if p.Line < len(fs.lines) {
		end = fs.lines[p.Line] - 1
	}
	if start+p.Col-1 > end {
		return 0, false
	}
	return start + p.Col - 1, true
}

// place converts an edit to offsets, or says why it cannot be applied.
func (fs *fileState) place(e finding.Edit) (placed, error) {
	if e.IsAppend() {
		return placed{start: len(fs.content.Data), end: len(fs.content.Data), text: e.NewText, appendText: true}, nil
	}
	create := e.Range.Start == finding.Pos{Line: 1, Col: 1} && e.Range.End == e.Range.Start
	if !fs.content.Exists && !create {
		return placed{}, fmt.Errorf("%s does not exist", e.Range.File)
	}
	if fs.content.Exists && !fs.content.Linted {
		// Only appends may go to a file the linter did not read: a
		// position in it was not computed from its content (a "create"
		// whose file appeared since the lint lands here too).
		return placed{}, fmt.Errorf("%s exists but was not read by the lint, so the edit's position cannot be trusted", e.Range.File)
	}
	s, ok1 := fs.offset(e.Range.Start)
	end, ok2 := fs.offset(e.Range.End)
	if !ok1 || !ok2 {
		return placed{}, fmt.Errorf("edit %d:%d-%d:%d is outside %s (%d lines)",
			e.Range.Start.Line, e.Range.Start.Col, e.Range.End.Line, e.Range.End.Col, e.Range.File, len(fs.lines))
	}
	if end < s {
		return placed{}, fmt.Errorf("edit %d:%d-%d:%d ends before it starts",
			e.Range.Start.Line, e.Range.Start.Col, e.Range.End.Line, e.Range.End.Col)
	}
	return placed{start: s, end: end, text: e.NewText}, nil
}

// conflict reports whether p conflicts with a chosen edit, and whether it
// is one of them already (an identical edit from another finding).
func (fs *fileState) conflict(p placed) (conflict, duplicate bool) {
	if p.appendText {
		for _, a := range fs.appends {
			if a.text == p.text {
				return false, true
			}
		}
		return false, false
	}
	i := sort.Search(len(fs.chosen), func(i int) bool { return fs.chosen[i].start >= p.start })
	// Chosen edits are disjoint and sorted, so their ends are sorted too:
	// only a few neighbours of i can touch p.
	for j := i - 1; j >= 0 && fs.chosen[j].end >= p.start; j-- {
		if fs.chosen[j].same(p) {
			duplicate = true
		} else if conflicts(fs.chosen[j], p) {
			return true, false
		}
	}
	for j := i; j < len(fs.chosen) && fs.chosen[j].start <= p.end; j++ {
		if fs.chosen[j].same(p) {
			duplicate = true
		} else if conflicts(fs.chosen[j], p) {
			return true, false
		}
	}
	return false, duplicate
}

func (fs *fileState) add(p placed) {
	if p.appendText {
		fs.appends = append(fs.appends, p)
		return
	}
	i := sort.Search(len(fs.chosen), func(i int) bool {
		c := fs.chosen[i]
		return c.start > p.start || (c.start == p.start && c.end > p.end)
	})
	fs.chosen = append(fs.chosen, placed{})
	copy(fs.chosen[i+1:], fs.chosen[i:])
	fs.chosen[i] = p
}

// apply returns the file's new content.
func (fs *fileState) apply() []byte {
	data := fs.content.Data
	var b strings.Builder
	b.Grow(len(data))
	last := 0
	for _, p := range fs.chosen {
		b.Write(data[last:p.start])
		b.WriteString(p.text)
		last = p.end
	}
	b.Write(data[last:])
	for _, p := range fs.appends {
		if s := b.String(); s != "" && !strings.HasSuffix(s, "\n") {
			b.WriteByte('\n')
		}
		b.WriteString(p.text)
		if !strings.HasSuffix(p.text, "\n") && p.text != "" {
			b.WriteByte('\n')
		}
	}
	return []byte(b.String())
}

// NewPlan chooses, among the findings, the fixes to apply now: the wanted
// ones (see Wanted), in finding order, each kept only when none of its
// edits conflicts with an edit already chosen (an identical edit is not a
// conflict: it is applied once). skip marks files that must not change
// (fixes touching them are left out silently: the caller already warned).
func NewPlan(findings []finding.Finding, read ReadFunc, opt Options, skip func(file string) bool) *Plan {
	fs := append([]finding.Finding(nil), findings...)
	sort.SliceStable(fs, func(i, j int) bool { return finding.Less(fs[i], fs[j]) })
	plan := &Plan{}
	files := map[string]*fileState{}
	state := func(file string) *fileState {
		st, ok := files[file]
		if !ok {
			c, err := read(file)
			st = newFileState(c, err)
			files[file] = st
		}
		return st
	}
	type edit struct {
		st *fileState
		p  placed
	}
next:
	for _, f := range fs {
		if !Wanted(f, opt) {
			continue
		}
		var edits []edit
		for _, e := range f.Fix.Edits {
			if e.Range.File == "" || !validPath(e.Range.File) {
				plan.Rejected = append(plan.Rejected, Rejected{f, fmt.Sprintf("edit in %q, which is not a file of the project", e.Range.File)})
				continue next
			}
			if skip != nil && skip(e.Range.File) {
				continue next
			}
			st := state(e.Range.File)
			if st.err != nil {
				plan.Rejected = append(plan.Rejected, Rejected{f, st.err.Error()})
				continue next
			}
			p, err := st.place(e)
			if err != nil {
				plan.Rejected = append(plan.Rejected, Rejected{f, err.Error()})
				continue next
			}
			edits = append(edits, edit{st, p})
		}
		// The edits of one fix must not conflict with each other.
		for i := range edits {
			for j := i + 1; j < len(edits); j++ {
				if edits[i].st == edits[j].st && conflicts(edits[i].p, edits[j].p) {
					plan.Rejected = append(plan.Rejected, Rejected{f, "its edits overlap each other"})
					continue next
				}
			}
		}
		for _, e := range edits {
			if c, _ := e.st.conflict(e.p); c {
				plan.Deferred = append(plan.Deferred, f)
				continue next
			}
		}
		for _, e := range edits {
			if _, dup := e.st.conflict(e.p); !dup {
				e.st.add(e.p)
			}
			if n := len(e.st.fixes); n == 0 || !sameFinding(e.st.fixes[n-1], f) {
				e.st.fixes = append(e.st.fixes, f)
			}
		}
		plan.Applied = append(plan.Applied, f)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		st := files[name]
		if len(st.fixes) == 0 {
			continue
		}
		data := st.apply()
		if st.content.Exists && string(data) == string(st.content.Data) {
			continue // the edits rewrite what is already there
		}
		plan.Changes = append(plan.Changes, &Change{File: name, Old: st.content, New: data, Fixes: st.fixes})
	}
	return plan
}

func sameFinding(a, b finding.Finding) bool {
	return a.RuleID == b.RuleID && a.Range == b.Range && a.Message == b.Message
}

// validPath accepts a relative, slash-separated, clean path (it may go up
// with ../ to an included compose file outside the project directory).
func validPath(p string) bool {
	if strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || strings.Contains(p, "\x00") {
		return false
	}
	if len(p) >= 2 && p[1] == ':' {
		return false // a Windows drive
	}
	return p != "." && path.Clean(p) == p
}
