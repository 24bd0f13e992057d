// Package baseline records the findings a project accepts for now, so that
// envdoctor can be adopted in an existing project and fail only on new
// problems. A finding is recorded by its fingerprint (package fingerprint:
// rule, file, message without line numbers, and the content of its first
// line), never by its line number, so editing the file above a finding
// does not bring it back.
package baseline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/fingerprint"
)

// Version is the version of the baseline file format.
const Version = 1

// File is the baseline file as written: JSON, entries sorted, so that it
// diffs well in review.
type File struct {
	// Version is the format version (1).
	Version int `json:"version"`
	// Comment says what the file is, for whoever opens it.
	Comment string `json:"comment,omitempty"`
	// Findings are the accepted findings; identical findings on identical
	// lines are listed once each.
	Findings []Entry `json:"findings"`
}

// Entry is one accepted finding. Rule, File and Message are there for the
// reader and for the "fixed" report; only Fingerprint is matched.
type Entry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	// File is relative to the baseline file's directory, slash-separated;
	// "" for a finding about no file.
	File    string `json:"file"`
	Message string `json:"message"`
}

const comment = "Findings envdoctor accepts for now: they are not reported. Written by envdoctor lint --write-baseline; rewrite it the same way. Matched by fingerprint (rule, file, message and the content of the line), not by line number."

// Baseline is a loaded baseline file, ready to match findings.
type Baseline struct {
	// Path is the absolute path of the file; Dir its directory, which the
	// entries' File are relative to.
	Path, Dir string
	Entries   []Entry
	// left counts, per fingerprint, the entries not matched yet.
	left map[string]int
}

// New returns an empty baseline that would be stored at path.
func New(path string) *Baseline {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return &Baseline{Path: abs, Dir: filepath.Dir(abs), left: map[string]int{}}
}

// Load reads the baseline file at path.
func Load(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("baseline %s does not exist (write it with envdoctor lint --write-baseline %s)", path, path)
		}
		return nil, fmt.Errorf("cannot read the baseline: %w", err)
	}
	var f File
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("baseline %s is not a baseline file: %w", path, err)
	}
	if f.Version != Version {
		return nil, fmt.Errorf("baseline %s has version %d; this envdoctor reads version %d (rewrite it with --write-baseline)", path, f.Version, Version)
	}
	b := New(path)
	for i, e := range f.Findings {
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("baseline %s: finding %d has no fingerprint", path, i+1)
		}
		b.add(e)
	}
	return b, nil
}

func (b *Baseline) add(e Entry) {
	b.Entries = append(b.Entries, e)
	b.left[e.Fingerprint]++
}

// FileKey names a file of a project (root-relative path) relative to the
// baseline's directory; "" stays "".
func (b *Baseline) FileKey(root, rel string) string {
	if rel == "" {
		return ""
	}
	abs := filepath.Join(root, filepath.FromSlash(rel))
	if k, err := filepath.Rel(b.Dir, abs); err == nil {
		return filepath.ToSlash(k)
	}
	return filepath.ToSlash(abs)
}

// EntryOf is the entry of a finding of the project at root; lines looks up
// the text of a root-relative file's line.
func (b *Baseline) EntryOf(root string, f finding.Finding, lines func(file string, line int) (string, bool)) Entry {
	key := b.FileKey(root, f.Range.File)
	return Entry{
		Fingerprint: fingerprint.Finding(f, key, lines),
		Rule:        f.RuleID,
		File:        key,
		Message:     f.Message,
	}
}

// Match reports whether the entry's finding is in the baseline, and uses
// up one baseline entry with that fingerprint: two identical findings need
// two entries.
func (b *Baseline) Match(e Entry) bool {
	if b.left[e.Fingerprint] == 0 {
		return false
	}
	b.left[e.Fingerprint]--
	return true
}

// Record adds a finding to a baseline being written.
func (b *Baseline) Record(e Entry) { b.add(e) }

// Unmatched returns the entries that matched no finding, in file order:
// the findings that are fixed since the baseline was written (when the run
// covered their file and rule).
func (b *Baseline) Unmatched() []Entry {
	left := make(map[string]int, len(b.left))
	for k, v := range b.left {
		left[k] = v
	}
	var out []Entry
	// The last entries of a fingerprint are the unmatched ones.
	for i := len(b.Entries) - 1; i >= 0; i-- {
		e := b.Entries[i]
		if left[e.Fingerprint] > 0 {
			left[e.Fingerprint]--
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, compareEntries)
	return out
}

func compareEntries(a, b Entry) int {
	for _, c := range [][2]string{{a.File, b.File}, {a.Rule, b.Rule}, {a.Message, b.Message}, {a.Fingerprint, b.Fingerprint}} {
		if n := strings.Compare(c[0], c[1]); n != 0 {
			return n
		}
	}
	return 0
}

// Write stores the baseline's entries at its path, sorted, with a final
// newline.
func (b *Baseline) Write() error {
	entries := slices.Clone(b.Entries)
	slices.SortStableFunc(entries, compareEntries)
	if entries == nil {
		entries = []Entry{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(File{Version: Version, Comment: comment, Findings: entries}); err != nil {
		return err
	}
	if err := os.WriteFile(b.Path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("cannot write the baseline: %w", err)
	}
	return nil
}
