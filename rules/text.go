package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// lowerFirst lowercases the first letter of a message, unless the first
// word is an acronym or an identifier (YAML, ADD).
func lowerFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 || !unicode.IsUpper(r) {
		return s
	}
	word, _, _ := strings.Cut(s, " ")
	if len(word) > 1 {
		r2, _ := utf8.DecodeRuneInString(word[size:])
		if unicode.IsUpper(r2) {
			return s
		}
	}
	return string(unicode.ToLower(r)) + s[size:]
}
