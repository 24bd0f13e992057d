package rules

import (
	"fmt"

	"github.com/envdoctor/envdoctor/internal/eol"
)

// eolProblem describes an end-of-life finding of internal/eol, to follow
// `image "python:3.6"` in a message: what lost support, when, and the
// oldest version still supported on the day the table was checked.
func eolProblem(f eol.Finding, checked string) string {
	version := f.Version
	if f.Codename != "" {
		version += " (" + f.Codename + ")"
	}
	var msg string
	if f.Variant {
		msg = fmt.Sprintf("is built on %s %s, which lost support %s", f.Product, version, onDate(f))
	} else {
		msg = fmt.Sprintf("is end of life: %s %s lost support %s", f.Product, version, onDate(f))
	}
	msg += " and gets no security fixes"
	if f.Oldest != "" {
		oldest := f.Oldest
		if f.OldestCodename != "" {
			oldest += " (" + f.OldestCodename + ")"
		}
		until := ""
		if f.OldestEOL != "" {
			until = fmt.Sprintf(", supported until %s", f.OldestEOL)
		}
		msg += fmt.Sprintf("; the oldest %s still supported on %s is %s%s", f.Product, checked, oldest, until)
	}
	return msg
}

func onDate(f eol.Finding) string {
	switch {
	case f.Approx:
		return "around " + f.EOL
	case f.By:
		return "by " + f.EOL
	}
	return "on " + f.EOL
}

// eolFix is the fix message: the reference to move to (written as the
// line the user edits, e.g. "image: postgres:15" or "FROM python:3.11"),
// and the product's upgrade advice.
func eolFix(f eol.Finding, linePrefix string) string {
	var msg string
	switch {
	case f.Suggested != "":
		msg = fmt.Sprintf("move to a supported version: %s%s (or newer)", linePrefix, f.Suggested)
	case f.Fallback != "":
		msg = "move to " + f.Fallback
	default:
		msg = "move to a supported version"
	}
	if f.Note != "" {
		msg += "; " + f.Note
	}
	return msg + " (dates: " + f.Source + ")"
}
