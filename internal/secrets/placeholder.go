package secrets

import (
	"math"
	"strings"
)

// placeholderWords are values that stand for a secret in examples and
// templates; a value equal to one of them (ignoring case, and "-", "_" or
// blanks between words) is not a secret. Collected from the false positives
// secret scanners are known for (gitleaks stopwords discussions,
// detect-secrets' allowlist) and from .env.example files.
var placeholderWords = []string{
	"changeme", "changeit", "changethis", "replaceme", "example", "sample", "placeholder",
	"password", "passwd", "pass", "pwd", "secret", "token", "key", "apikey", "credentials",
	"dummy", "test", "testing", "todo", "tbd", "fixme", "none", "null", "nil", "undefined",
	"empty", "redacted", "hidden", "masked", "value", "string", "foo", "bar", "foobar", "baz",
	"true", "false", "yes", "no", "on", "off", "enabled", "disabled", "user", "username",
	"mysecret", "mypassword", "secretkey", "secretpassword", "yourpassword", "yoursecret",
	"yourtoken", "yourkey", "yourapikey", "notasecret", "notsecret",
}

// placeholderMarkers are substrings that make any value a placeholder:
// "xxx" fillers (AKIAXXXXXXXXXXXXXXXX), the provider documentation's
// EXAMPLE keys (AKIAIOSFODNN7EXAMPLE), templates and masks.
var placeholderMarkers = []string{"xxx", "example", "changeme", "change_me", "change-me", "placeholder", "dummy", "replace_me", "replace-me", "insert_", "insert-", "****", "...", "…"}

// IsPlaceholder reports whether a value stands for a secret instead of being
// one: empty or blank, a variable reference or template (${X}, $X, {{ x }},
// <x>, %(x)s), a placeholder word (changeme, example, password, secret,
// dummy, test...), a "your-…-here" phrase, a value of one repeated
// character (********, 00000000), or a value containing a filler such as
// "xxx" or "EXAMPLE".
func IsPlaceholder(value string) bool {
	v := strings.TrimSpace(value)
	v = strings.Trim(v, `"'`+"`")
	if v == "" {
		return true
	}
	lower := strings.ToLower(v)
	if isReference(v) {
		return true
	}
	if strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">") ||
		strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") && len(v) > 2 && !strings.ContainsAny(v[1:len(v)-1], "[]") ||
		strings.HasPrefix(v, "{{") && strings.HasSuffix(v, "}}") ||
		strings.HasPrefix(v, "%(") && strings.HasSuffix(v, ")s") {
		return true
	}
	squashed := strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', ' ', '.':
			return -1
		}
		return r
	}, lower)
	for _, w := range placeholderWords {
		if squashed == w {
			return true
		}
	}
	if strings.HasPrefix(squashed, "your") && (strings.HasSuffix(squashed, "here") || strings.Contains(lower, "your-") || strings.Contains(lower, "your_") || strings.Contains(lower, "your ")) {
		return true
	}
	if strings.HasPrefix(squashed, "enteryour") || strings.HasPrefix(squashed, "insertyour") || strings.HasPrefix(squashed, "putyour") || strings.HasPrefix(squashed, "addyour") {
		return true
	}
	for _, m := range placeholderMarkers {
		if strings.Contains(lower, m) {
			return true
		}
	}
	return oneChar(v)
}

// isReference reports whether v is, or contains, a variable reference or
// template expression that something else fills in: ${X}, $X, $(cmd),
// {{ x }}, %X% (Windows), #{x}.
func isReference(v string) bool {
	for i := 0; i+1 < len(v); i++ {
		c, n := v[i], v[i+1]
		switch {
		case c == '$' && (n == '{' || n == '(' || n == '_' || n >= 'A' && n <= 'Z' || n >= 'a' && n <= 'z'):
			return true
		case c == '{' && n == '{', c == '#' && n == '{':
			return true
		}
	}
	return len(v) > 2 && v[0] == '%' && v[len(v)-1] == '%' && !strings.ContainsAny(v[1:len(v)-1], "% ")
}

// oneChar reports whether v repeats a single character.
func oneChar(v string) bool {
	for i := 1; i < len(v); i++ {
		if v[i] != v[0] {
			return false
		}
	}
	return true
}

// entropy is the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	e := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			e -= p * math.Log2(p)
		}
	}
	return e
}
