package binddefaults

import (
	"encoding/json"
	"regexp"
	"strings"
	"sync"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// Syntax says how a word is written in its file, so that a fix can be
// rendered in place.
type Syntax int

// The syntaxes a word can be written in.
const (
	// SyntaxNone: the word's place is unknown; no edit is made there.
	SyntaxNone Syntax = iota
	// SyntaxShell is a shell word: a Dockerfile shell-form command, a
	// script given to sh -c, or a compose command string (which compose
	// splits like a shell).
	SyntaxShell
	// SyntaxJSON is a string in a JSON array (Dockerfile exec form) or in
	// a YAML flow sequence (command: ["flask", "run"]).
	SyntaxJSON
	// SyntaxYAMLBlock is an item of a YAML block sequence ("- run");
	// Loc.Indent is the text before its dash.
	SyntaxYAMLBlock
)

// Loc is where a word is written.
type Loc struct {
	// Range is the word as written, quotes included. Range.File is "" when
	// the place is unknown.
	Range  finding.Range
	Syntax Syntax
	// Indent is the text before the "- " of a SyntaxYAMLBlock item.
	Indent string
	// At maps byte i of the word's value (0 <= i <= len(Value)) to its
	// place in the file. It is nil unless the value is written literally,
	// without quotes or escapes inside it, on one line, so that a script
	// inside the word can be located too.
	At func(i int) finding.Pos
}

// Word is one argument of a command line.
type Word struct {
	Value string
	// Unknown is true when the value depends on something envdoctor cannot
	// know (a variable without a value, a command substitution).
	Unknown bool
	Loc     Loc
}

// Words makes words without places from plain strings (tests, and argv
// whose source is unknown).
func Words(args ...string) []Word {
	out := make([]Word, len(args))
	for i, a := range args {
		out[i] = Word{Value: a}
	}
	return out
}

// Values returns the values of words.
func Values(ws []Word) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.Value
	}
	return out
}

// LinearAt is the At function of a value written literally from pos on one
// line: byte i is i columns to the right.
func LinearAt(pos finding.Pos) func(int) finding.Pos {
	return func(i int) finding.Pos { return finding.Pos{Line: pos.Line, Col: pos.Col + i} }
}

// plainWord matches words that need no quoting in a shell, a compose
// command string or a script nested in a quoted string.
var plainWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`) })

// plainYAML matches words that YAML reads as the same string unquoted.
var plainYAML = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z-][A-Za-z0-9_./=-]*$`) })

// jsonString quotes s as JSON does, without escaping <, > and &.
func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func yamlScalar(s string) string {
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "y", "n", "-", "--":
		return jsonString(s)
	}
	if plainYAML().MatchString(s) && !strings.HasPrefix(s, "- ") {
		return s
	}
	return jsonString(s)
}

// renderWord renders one word for the syntax of loc, or false when it
// cannot be written there without changing its meaning.
func renderWord(loc Loc, s string) (string, bool) {
	switch loc.Syntax {
	case SyntaxShell:
		return s, plainWord().MatchString(s)
	case SyntaxJSON:
		return jsonString(s), true
	case SyntaxYAMLBlock:
		return yamlScalar(s), true
	}
	return "", false
}

// insertAfter is the edit that adds words right after w.
func insertAfter(w Word, words []string) (finding.Edit, bool) {
	if w.Loc.Range.File == "" || w.Loc.Syntax == SyntaxNone || len(words) == 0 {
		return finding.Edit{}, false
	}
	var b strings.Builder
	for _, s := range words {
		r, ok := renderWord(w.Loc, s)
		if !ok {
			return finding.Edit{}, false
		}
		switch w.Loc.Syntax {
		case SyntaxShell:
			b.WriteString(" " + r)
		case SyntaxJSON:
			b.WriteString(", " + r)
		case SyntaxYAMLBlock:
			b.WriteString("\n" + w.Loc.Indent + "- " + r)
		}
	}
	at := finding.Range{File: w.Loc.Range.File, Start: w.Loc.Range.End, End: w.Loc.Range.End}
	return finding.Edit{Range: at, NewText: b.String()}, true
}

// replaceWord is the edit that writes s in place of w.
func replaceWord(w Word, s string) (finding.Edit, bool) {
	if w.Loc.Range.File == "" || w.Loc.Syntax == SyntaxNone {
		return finding.Edit{}, false
	}
	r, ok := renderWord(w.Loc, s)
	if !ok {
		return finding.Edit{}, false
	}
	return finding.Edit{Range: w.Loc.Range, NewText: r}, true
}
