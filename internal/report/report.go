// Package report renders findings. Each output format lives in its own file
// (text.go, json.go, sarif.go, github.go, codeclimate.go, checkstyle.go,
// junit.go) behind the one-method Formatter
// interface. Formatters never decide anything: the caller has already
// filtered, re-severitied and sorted the findings, and owns the exit code.
package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// Input is everything a formatter needs for one run.
type Input struct {
	// Findings are already filtered and sorted by the caller (finding.Less).
	Findings []finding.Finding
	// Rules is the metadata of every rule and probe. SARIF lists, in
	// driver.rules, every rule that appears in Findings, plus all of Rules
	// when AllRules is true.
	Rules    []finding.RuleInfo
	AllRules bool
	// Lines returns the text of a source line (1-based, without its line
	// ending). It feeds the caret display, the SARIF fingerprints and the
	// byte-to-code-point column conversion. It may be nil.
	Lines func(file string, line int) (string, bool)
	// Tool names the producer (Name "envdoctor", Version, InformationURI).
	Tool Tool
	// Color turns ANSI colors on in the text format. It never touches
	// fatih/color's global NoColor.
	Color bool
	// Verbose makes the text format print related locations as notes.
	Verbose bool
	// Quiet makes the text format print only the finding lines and the
	// summary: no source line, carets, fixes or notes.
	Quiet bool
	// Anchor is the file (the project's first compose file, else its first
	// Dockerfile) that findings about no file (the engine is down) are
	// attached to, at line 1, in the formats whose consumers reject a
	// result without a file: SARIF (GitHub code scanning), Code Climate
	// (GitLab) and Checkstyle. "" leaves them without a location.
	Anchor string
}

// Tool describes the program that produced the findings.
type Tool struct{ Name, Version, InformationURI string }

// Formatter renders one run's findings to w.
type Formatter interface {
	Format(w io.Writer, in Input) error
}

// formats lists the formatters in the order Names reports them.
var formats = []struct {
	name string
	f    Formatter
}{
	{"text", textFormatter{}},
	{"json", jsonFormatter{}},
	{"sarif", sarifFormatter{}},
	{"github", githubFormatter{}},
	{"codeclimate", codeClimateFormatter{}},
	{"checkstyle", checkstyleFormatter{}},
	{"junit", junitFormatter{}},
}

// Names returns the valid format names, in a fixed order.
func Names() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.name
	}
	return names
}

// New returns the formatter for a format name: "text", "json", "sarif",
// "github", "codeclimate", "checkstyle" or "junit".
func New(format string) (Formatter, error) {
	for _, f := range formats {
		if f.name == format {
			return f.f, nil
		}
	}
	return nil, fmt.Errorf("unknown format %q (valid formats: %s)", format, strings.Join(Names(), ", "))
}

// ruleIndex maps rule IDs to their metadata; the first entry for an ID wins.
func ruleIndex(rules []finding.RuleInfo) map[string]finding.RuleInfo {
	m := make(map[string]finding.RuleInfo, len(rules))
	for _, r := range rules {
		if _, ok := m[r.ID]; !ok {
			m[r.ID] = r
		}
	}
	return m
}

// sourceLine returns the text of line in file when Lines knows it.
func (in *Input) sourceLine(file string, line int) (string, bool) {
	if in.Lines == nil || file == "" || line <= 0 {
		return "", false
	}
	return in.Lines(file, line)
}

// runeColumn converts a 1-based byte column on a line to a 1-based Unicode
// code point column. Without the line text the byte column is returned
// unchanged (the two agree for ASCII). A column inside a multi-byte
// character is moved to that character's start, or with end set (an
// exclusive end column) past it. Columns beyond the end of the line keep
// their distance from it.
func (in *Input) runeColumn(file string, line, col int, end bool) int {
	if col <= 0 {
		return col
	}
	text, ok := in.sourceLine(file, line)
	if !ok {
		return col
	}
	return runeCol(text, col, end)
}

// runeCol is runeColumn on a known line text. Invalid UTF-8 bytes count as
// one code point each, as utf8.DecodeRuneInString reads them.
func runeCol(text string, col int, end bool) int {
	off := col - 1
	n := 0 // code points before i
	for i := 0; i < len(text); n++ {
		_, size := utf8.DecodeRuneInString(text[i:])
		if off < i+size {
			if off == i || !end {
				return n + 1
			}
			return n + 2
		}
		i += size
	}
	return n + 1 + off - len(text)
}

// anchored returns where a finding is shown in the formats that need a
// file: its own range, or for a finding about no file the anchor file at
// 1:1 (ok is false when there is no anchor either).
func (in *Input) anchored(f finding.Finding) (r finding.Range, attached, ok bool) {
	switch {
	case f.Range.File != "":
		return f.Range, false, true
	case in.Anchor != "":
		return finding.Range{File: in.Anchor, Start: finding.Pos{Line: 1, Col: 1}}, true, true
	}
	return finding.Range{}, false, false
}

// anchorNote explains an attached location.
const anchorNote = "not about a file: envdoctor attaches findings about the machine or the whole project to the project's main file"
