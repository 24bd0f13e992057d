package rules

import (
	"fmt"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// duplicateKey is EN001: the same key twice in one env file. Compose keeps
// the last value (v2's dotenv parser, v1's python-dotenv and the older v1
// line reader all do), so the earlier line silently does nothing and
// whoever edits it wonders why their change has no effect.
func duplicateKey() *Rule {
	return &Rule{
		ID:       "EN001",
		Name:     "duplicate-key",
		Title:    "Env file sets the same key twice",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			for _, ef := range composeReadEnvFiles(p.Project) {
				byKey := map[string][]int{}
				pos := make([]int, len(ef.Entries)) // index of each entry in its key's list
				for i, e := range ef.Entries {
					pos[i] = len(byKey[e.Key])
					byKey[e.Key] = append(byKey[e.Key], i)
				}
				for i, e := range ef.Entries {
					idx := byKey[e.Key]
					if len(idx) < 2 || pos[i] == len(idx)-1 {
						continue
					}
					reportDuplicate(p, ef, i, idx[pos[i]:])
				}
			}
		},
	}
}

// reportDuplicate reports the entry at i, one of several for its key (idx,
// in file order), at its key.
func reportDuplicate(p *Pass, ef *project.EnvFile, i int, idx []int) {
	e := ef.Entries[i]
	last := ef.Entries[idx[len(idx)-1]]
	winner := last
	var msg string
	if last.Inherited && !e.Inherited {
		// A bare KEY line takes the shell's value, and leaves the earlier
		// value in place when the shell does not set the key.
		winner = lastValued(ef, idx)
		msg = fmt.Sprintf("duplicate key %q: line %d is a bare %s, which takes the value from the shell environment when the shell sets it", e.Key, last.Line, e.Key)
		if winner.Line != e.Line {
			msg += fmt.Sprintf("; otherwise line %d's value is used, so this line has no effect", winner.Line)
		} else {
			msg += "; otherwise this line's value is used"
		}
	} else {
		again := fmt.Sprintf("line %d", ef.Entries[idx[1]].Line)
		keeps := "the last one"
		switch later := len(idx) - 1; {
		case later == 2:
			again = fmt.Sprintf("lines %d and %d", ef.Entries[idx[1]].Line, last.Line)
			keeps = fmt.Sprintf("the last one (line %d)", last.Line)
		case later > 2:
			again = fmt.Sprintf("line %d and %d more times", ef.Entries[idx[1]].Line, later-1)
			keeps = fmt.Sprintf("the last one (line %d)", last.Line)
		}
		msg = fmt.Sprintf("duplicate key %q: set again on %s, and compose keeps %s, so this line has no effect", e.Key, again, keeps)
	}
	f := finding.Finding{
		Range:   e.KeyRange,
		Message: msg,
		Related: []finding.Related{{Range: winner.KeyRange, Message: fmt.Sprintf("the %s that compose uses", e.Key)}},
	}
	if winner.Line == e.Line {
		f.Related = []finding.Related{{Range: last.KeyRange, Message: fmt.Sprintf("the bare %s that takes the shell's value", e.Key)}}
		f.Fix = &finding.Fix{Message: fmt.Sprintf("keep one %s line: delete the bare %s on line %d if this value is meant", e.Key, e.Key, last.Line)}
		p.Report(f)
		return
	}
	f.Fix = &finding.Fix{
		Message: fmt.Sprintf("delete this line (compose uses line %d); if this is the value you want, move it to line %d instead", winner.Line, winner.Line),
		Edits:   []finding.Edit{{Range: entryLinesRange(ef, e), NewText: ""}},
		// Deleting a line compose overrides changes nothing, unless an
		// entry in between reads the key: ${KEY} in a value is expanded
		// with the value known at that point.
		Safe: !referencedBetween(ef, e.Key, i, idx),
	}
	p.Report(f)
}

// lastValued is the last entry of idx that has a value (not a bare KEY).
func lastValued(ef *project.EnvFile, idx []int) project.EnvEntry {
	for k := len(idx) - 1; k >= 0; k-- {
		if e := ef.Entries[idx[k]]; !e.Inherited {
			return e
		}
	}
	return ef.Entries[idx[0]]
}

// referencedBetween reports whether an entry after i refers to key in its
// value before the key is set again.
func referencedBetween(ef *project.EnvFile, key string, i int, idx []int) bool {
	stop := len(ef.Entries)
	for _, j := range idx {
		if j > i {
			stop = j
			break
		}
	}
	for j := i + 1; j < stop; j++ {
		raw := rawValue(ef, ef.Entries[j])
		if len(raw) > 0 && raw[0] == '\'' {
			continue // single quotes: no expansion
		}
		for _, r := range project.ScanVarRefs(raw) {
			if refersTo(r, key) {
				return true
			}
		}
	}
	return false
}

func refersTo(r project.VarRef, key string) bool {
	if r.Name == key {
		return true
	}
	for _, n := range r.Nested {
		if refersTo(n, key) {
			return true
		}
	}
	return false
}

// rawValue is an entry's value as written (quotes included).
func rawValue(ef *project.EnvFile, e project.EnvEntry) string {
	src := ef.Source
	start, end := src.Offset(e.ValueRange.Start), src.Offset(e.ValueRange.End)
	if start < 0 || end < start || end > len(src.Data) {
		return ""
	}
	return string(src.Data[start:end])
}
