package fix

import (
	"sort"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// Snapshot is one lint of the project as it is on disk.
type Snapshot struct {
	// Root is the project directory the files are relative to.
	Root string
	// Findings are the findings to report (after ignore comments and the
	// config), root-relative.
	Findings []finding.Finding
	// Source returns the content the linter read of a file.
	Source func(file string) ([]byte, bool)
}

// Lint lints the project as it is on disk now.
type Lint func() (*Snapshot, error)

// Result is what a Run did.
type Result struct {
	// Files are the files changed, sorted by path, with every fix applied
	// to each over all rounds.
	Files []*FileResult
	// Problems are the files left alone (changed since the lint,
	// read-only, not writable); fixes touching them were not applied.
	Problems []Problem
	// Rejected are fixes that cannot be applied (edits out of range...).
	Rejected []Rejected
	// Remaining are the findings of the last lint, after the fixes.
	Remaining []finding.Finding
	// Pending counts the fixes still to apply when the rounds ran out.
	Pending int
	// Rounds is the number of rounds that wrote files.
	Rounds int
}

// FileResult is one changed file.
type FileResult struct {
	File string
	// Created is true when the file did not exist before.
	Created bool
	// Fixes are the findings whose fixes changed it.
	Fixes []finding.Finding
}

// Rules lists the rule IDs of the file's fixes, sorted, once each.
func (f *FileResult) Rules() []string { return ruleIDs(f.Fixes) }

// Applied counts the fixes applied over all files (a fix that changes two
// files counts once).
func (r *Result) Applied() int {
	seen := map[fixKey]bool{}
	for _, f := range r.Files {
		for _, x := range f.Fixes {
			seen[keyOf(x)] = true
		}
	}
	return len(seen)
}

// maxAttempts bounds the lints of one Run, whatever happens.
const maxAttempts = 50

// fixKey identifies a finding across rounds well enough to not apply its
// fix twice when the fix did not make the finding go away.
type fixKey struct{ rule, file, message string }

func keyOf(f finding.Finding) fixKey { return fixKey{f.RuleID, f.Range.File, f.Message} }

// Run fixes the project in rounds: lint, choose the fixes that
// do not overlap (NewPlan), check and write the files, lint again; until
// nothing is left to apply or opt.MaxRounds rounds wrote files. A file that
// cannot be written is left alone for the rest of the run, and so is every
// fix that touches it; when one file of a round fails to be written, the
// files already written in that round are put back, so no fix is ever
// half-applied. The last lint's findings are the Result's Remaining.
func Run(lint Lint, opt Options) (*Result, error) {
	maxRounds := opt.MaxRounds
	if maxRounds <= 0 {
		maxRounds = DefaultMaxRounds
	}
	res := &Result{}
	blocked := map[string]bool{}
	skip := func(file string) bool { return blocked[file] }
	applied := map[fixKey]bool{}
	files := map[string]*FileResult{}
	rejected := map[fixKey]bool{}
	for attempts := 0; ; attempts++ {
		snap, err := lint()
		if err != nil {
			return res, err
		}
		res.Remaining = snap.Findings
		root := snap.Root
		var candidates []finding.Finding
		for _, f := range snap.Findings {
			if Wanted(f, opt) && !applied[keyOf(f)] {
				candidates = append(candidates, f)
			}
		}
		read := DiskReader(root, snap.Source)
		plan := NewPlan(candidates, read, opt, skip)
		for _, r := range plan.Rejected {
			if k := keyOf(r.Finding); !rejected[k] {
				rejected[k] = true
				res.Rejected = append(res.Rejected, r)
			}
		}
		if len(plan.Changes) == 0 {
			if len(plan.Deferred) > 0 && len(plan.Applied) > 0 && attempts < maxAttempts {
				// The chosen fixes change nothing (their text is already
				// there) but hold back others: set them aside and retry.
				for _, f := range plan.Applied {
					applied[keyOf(f)] = true
				}
				continue
			}
			break
		}
		// Each attempt either writes files or blocks one more file, so
		// the loop ends; the bound on attempts is a safety net.
		if res.Rounds >= maxRounds || attempts >= maxAttempts {
			res.Pending = len(plan.Applied) + len(plan.Deferred)
			break
		}
		if problems := Check(root, plan.Changes); len(problems) > 0 {
			for _, p := range problems {
				blocked[p.File] = true
			}
			res.Problems = append(res.Problems, problems...)
			plan = NewPlan(candidates, read, opt, skip)
			if len(plan.Changes) == 0 {
				break
			}
		}
		written, problems := writeAll(root, plan.Changes)
		if len(problems) > 0 {
			for _, p := range problems {
				blocked[p.File] = true
			}
			res.Problems = append(res.Problems, problems...)
			continue // lint again: the files written were put back
		}
		for _, c := range written {
			fr, ok := files[c.File]
			if !ok {
				fr = &FileResult{File: c.File, Created: !c.Old.Exists}
				files[c.File] = fr
			}
			fr.Fixes = append(fr.Fixes, c.Fixes...)
		}
		for _, f := range plan.Applied {
			applied[keyOf(f)] = true
		}
		res.Rounds++
	}
	for _, fr := range files {
		res.Files = append(res.Files, fr)
	}
	sort.Slice(res.Files, func(i, j int) bool { return res.Files[i].File < res.Files[j].File })
	return res, nil
}

// writeAll writes every change or none: when one cannot be written, the
// ones already written are put back and the failure is returned.
func writeAll(root string, changes []*Change) ([]*Change, []Problem) {
	var done []*Change
	for _, c := range changes {
		w, problems := Write(root, []*Change{c})
		if len(problems) > 0 {
			for i := len(done) - 1; i >= 0; i-- {
				if p := restore(root, done[i]); p != nil {
					problems = append(problems, *p)
				}
			}
			return nil, problems
		}
		done = append(done, w...)
	}
	return done, nil
}

// restore puts a written change back.
func restore(root string, c *Change) *Problem {
	back := &Change{File: c.File, Old: Content{Data: c.New, Exists: true, Linted: true}, New: c.Old.Data}
	if !c.Old.Exists {
		path, err := target(root, c.File)
		if err == nil {
			err = removeFile(path)
		}
		if err != nil {
			return &Problem{File: c.File, Reason: "created, and could not be removed again: " + err.Error()}
		}
		return nil
	}
	if err := writeAtomic(root, back); err != nil {
		return &Problem{File: c.File, Reason: "changed, and could not be put back: " + err.Error()}
	}
	return nil
}

// Preview is the diff mode: one lint, the fixes that apply to it now, and
// nothing written.
func Preview(lint Lint, opt Options) (*Plan, *Snapshot, error) {
	snap, err := lint()
	if err != nil {
		return nil, nil, err
	}
	return NewPlan(snap.Findings, DiskReader(snap.Root, snap.Source), opt, nil), snap, nil
}
