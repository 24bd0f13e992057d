// Package finding defines what every rule and probe reports: a Finding with
// its rule, severity, message, exact source range, related places and fix.
// It imports nothing from envdoctor, so every other package can depend on it.
package finding

import (
	"fmt"
	"strings"
)

// Severity orders findings; a higher value is more severe.
type Severity int

// The severities, from least to most severe. SeverityNone is only used as a
// fail level ("never fail").
const (
	SeverityInfo Severity = iota + 1
	SeverityWarning
	SeverityError
	SeverityNone Severity = 100
)

// String returns the lowercase name used in every output format.
func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	case SeverityNone:
		return "none"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity reads "error", "warning", "info" or "none" (any case).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return SeverityError, nil
	case "warning", "warn":
		return SeverityWarning, nil
	case "info":
		return SeverityInfo, nil
	case "none":
		return SeverityNone, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning, info or none)", s)
}

// Pos is a 1-based line and 1-based byte column. The zero Pos means "unknown".
type Pos struct {
	Line int
	Col  int
}

// IsZero reports whether the position is unknown.
func (p Pos) IsZero() bool { return p.Line == 0 }

// Before reports whether p comes strictly before q.
func (p Pos) Before(q Pos) bool {
	return p.Line < q.Line || (p.Line == q.Line && p.Col < q.Col)
}

// Range is a span in one file. File is relative to the project root and
// slash-separated; an empty File means the finding is not about a file.
// End is exclusive: a span of one character at column 5 has End.Col 6.
type Range struct {
	File  string
	Start Pos
	End   Pos
}

// String renders "file:line:col", or what is known of it.
func (r Range) String() string {
	switch {
	case r.File == "":
		return ""
	case r.Start.IsZero():
		return r.File
	case r.Start.Col == 0:
		return fmt.Sprintf("%s:%d", r.File, r.Start.Line)
	}
	return fmt.Sprintf("%s:%d:%d", r.File, r.Start.Line, r.Start.Col)
}

// Related is a secondary place that explains a finding (where a variable was
// searched, the other service publishing the same port...).
type Related struct {
	Range   Range
	Message string
}

// Edit replaces the bytes of Range with NewText. An empty range (Start == End)
// inserts. Positions may point one past the end of a line (at its line
// ending) and at line count+1, column 1 when the file ends with a newline
// (the end of the file); anything further is out of range and the whole fix
// is not applied.
//
// Two forms write files a rule has not read (internal/fix applies them):
//
//   - Create: Range.File names a file that does not exist, Start = End =
//     1:1 and NewText is the whole content of the new file. If the file
//     exists when the fix is applied, the fix is not applied.
//   - Append: Start and End are both zero (unknown positions): NewText,
//     whole lines, goes at the end of Range.File, after a newline when the
//     file does not end with one (a missing final newline of NewText is
//     added too). The file is created when missing. For lines added to files
//     the loader does not read, such as ".env" in .gitignore or a
//     .gitattributes rule.
type Edit struct {
	Range   Range
	NewText string
}

// CreateFile is the edit that creates file with content (see Edit).
func CreateFile(file, content string) Edit {
	return Edit{Range: Range{File: file, Start: Pos{Line: 1, Col: 1}, End: Pos{Line: 1, Col: 1}}, NewText: content}
}

// AppendLines is the edit that adds lines at the end of file, creating it
// when missing (see Edit).
func AppendLines(file, lines string) Edit {
	return Edit{Range: Range{File: file}, NewText: lines}
}

// IsAppend reports whether the edit is an append (both positions zero).
func (e Edit) IsAppend() bool { return e.Range.Start.IsZero() && e.Range.End.IsZero() }

// Fix is advice for the user, machine-applicable when it has Edits. Safe
// means applying the edits cannot change what the project does at run time
// beyond what the message says.
type Fix struct {
	Message string
	Edits   []Edit
	Safe    bool
}

// Finding is one problem found by a rule or a probe.
type Finding struct {
	RuleID   string
	Severity Severity
	// Message is lowercase, has no trailing period and names the concrete
	// value ("variable \"POSTGRES_USER\" is not set"). It never contains a
	// secret's value.
	Message string
	Range   Range
	Related []Related
	Fix     *Fix
}

// Less orders findings by file, position, rule ID and message, which is the
// order every report prints them in.
func Less(a, b Finding) bool {
	if a.Range.File != b.Range.File {
		// Findings about no file come first.
		return a.Range.File < b.Range.File
	}
	if a.Range.Start != b.Range.Start {
		return a.Range.Start.Before(b.Range.Start)
	}
	if a.RuleID != b.RuleID {
		return a.RuleID < b.RuleID
	}
	return a.Message < b.Message
}

// RuleInfo is what reports need to know about a rule or probe: plain values,
// so report does not import the rule engine.
type RuleInfo struct {
	ID       string
	Name     string
	Title    string // one line, for SARIF shortDescription
	Severity Severity
	// Doc is the full Markdown documentation (why, bad, good, fix).
	Doc string
	// HelpURI points at the rule's documentation page.
	HelpURI string
	// Security marks rules about secrets and exposure; SARIF gives them a
	// security-severity.
	Security bool
	// Hadolint are the codes of hadolint's twin rules: a "# hadolint
	// ignore=DLxxxx" comment silences this rule too.
	Hadolint []string
}
