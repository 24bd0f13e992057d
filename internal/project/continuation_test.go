package project

import (
	"regexp"
	"testing"
)

// dfContinuation builds BuildKit's line-continuation regexp for an escape
// token (parser.directives.setEscapeToken).
func dfContinuation(esc rune) *regexp.Regexp {
	s := string(esc)
	return regexp.MustCompile(`([^\` + s + `])\` + s + `[ \t]*$|^\` + s + `[ \t]*$`)
}

// trimByRegexp is what instructionAt did with the regexp.
func trimByRegexp(re *regexp.Regexp, s string) (string, bool) {
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return s, false
	}
	if m[2] >= 0 {
		return s[:m[3]], true
	}
	return s[:m[0]], true
}

func checkContinuation(t *testing.T, s string) {
	for _, esc := range []rune{'\\', '`'} {
		want, wantOK := trimByRegexp(dfContinuation(esc), s)
		got, ok := dfTrimContinuation(s, byte(esc))
		if got != want || ok != wantOK {
			t.Fatalf("escape %q, line %q: got %q %v, the regexp %q %v", esc, s, got, ok, want, wantOK)
		}
	}
}

// TestTrimContinuationAlphabet: every line of up to five characters from an
// alphabet of the cases that matter.
func TestTrimContinuationAlphabet(t *testing.T) {
	alphabet := []string{"a", `\`, "`", " ", "\t", "é"}
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		checkContinuation(t, prefix)
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			gen(prefix+c, n-1)
		}
	}
	gen("", 5)
}

func TestTrimContinuation(t *testing.T) {
	for _, s := range []string{"", "\\", "\\ \t", "RUN a \\", "RUN a\\\\", "RUN a \\\\ ", "`", "a`", "a``", "é\\", "\xff\\", "\\\\", " \\", "a \\ b", "\t`\t"} {
		checkContinuation(t, s)
	}
}

func FuzzTrimContinuation(f *testing.F) {
	for _, s := range []string{"RUN a \\", "a``", "\xff\\  "} {
		f.Add(s)
	}
	f.Fuzz(checkContinuation)
}
