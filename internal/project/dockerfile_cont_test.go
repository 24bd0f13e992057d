package project

import (
	"regexp"
	"testing"
)

// bkContinuation is BuildKit's line-continuation regexp for an escape
// token (parser.directives.setEscapeToken), and bkTrim its use in
// parser.trimContinuationCharacter.
func bkContinuation(esc rune) *regexp.Regexp {
	s := string(esc)
	return regexp.MustCompile(`([^\` + s + `])\` + s + `[ \t]*$|^\` + s + `[ \t]*$`)
}

func bkTrim(re *regexp.Regexp, s string) (string, bool) {
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return s, false
	}
	if m[2] >= 0 {
		return s[:m[3]], true
	}
	return s[:m[0]], true
}

// dfTrimContinuation matches BuildKit's regexp on every line of up to five
// characters from an alphabet of the cases that matter.
func TestTrimContinuationMatchesBuildKit(t *testing.T) {
	alphabet := []string{"a", `\`, "`", " ", "\t", "é"}
	for _, esc := range []rune{'\\', '`'} {
		re := bkContinuation(esc)
		var lines []string
		var gen func(prefix string, n int)
		gen = func(prefix string, n int) {
			lines = append(lines, prefix)
			if n == 0 {
				return
			}
			for _, c := range alphabet {
				gen(prefix+c, n-1)
			}
		}
		gen("", 5)
		for _, l := range lines {
			wantText, wantMore := bkTrim(re, l)
			gotText, gotMore := dfTrimContinuation(l, byte(esc))
			if gotText != wantText || gotMore != wantMore {
				t.Errorf("escape %q, line %q: got (%q, %v), BuildKit (%q, %v)", esc, l, gotText, gotMore, wantText, wantMore)
			}
		}
	}
}
