package secrets

import (
	"strings"
	"unicode"
)

// The word lists of BuildKit's SecretsUsedInArgOrEnv check (moby/buildkit
// v0.34.2, frontend/dockerfile/dockerfile2llb/validations.go,
// getSecretsRegex): a name is secret-looking when one of its "_"-separated
// words is a secret word and none is an allowed word. BuildKit writes them as
// the case-insensitive regexps
//
//	(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)
//	(?:_|^)(?:public|file|version)(?:_|$)
//
// which match exactly when a whole "_"-separated word equals one of the
// tokens (no token contains "_"), so the words are compared directly here.
var (
	buildkitSecretWords = []string{"apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret", "token"}
	buildkitAllowWords  = []string{"public", "file", "version"}
)

// abbreviatedSecretWords are short forms of "password" that env files use
// (DB_PASS, SMTP_PASS, MYSQL_PWD, KEY_PASSPHRASE) and BuildKit's list does
// not have; NameHoldsSecret counts them as the last word after another one
// (PWD alone is the shell's working directory, PASS_THROUGH no password).
var abbreviatedSecretWords = []string{"pass", "pwd", "passphrase"}

// descriptorWords end names that describe a secret rather than hold it
// (POSTGRES_HOST_AUTH_METHOD=trust, TOKEN_EXPIRY=3600, AUTH_ENABLED=true).
// BuildKit does not know them; NameHoldsSecret uses them.
var descriptorWords = []string{
	"algorithm", "alg", "audience", "dir", "domain", "enable", "enabled", "disable", "disabled",
	"endpoint", "expiration", "expires", "expiry", "header", "host", "id", "issuer", "length",
	"lifetime", "method", "mode", "name", "path", "port", "provider", "realm", "required",
	"scheme", "server", "size", "strategy", "timeout", "ttl", "type", "uri", "url", "user",
	"username",
}

// NameLooksSecret reports whether a variable name looks like it holds a
// secret by BuildKit's SecretsUsedInArgOrEnv rule, exactly: GITHUB_TOKEN,
// DB_PASSWORD, api_key and AUTH do; PUBLIC_KEY, SSH_KEY_FILE, TOKEN_VERSION,
// KEYCLOAK_URL and apiKey (no "_" before Key) do not.
func NameLooksSecret(name string) bool {
	return hasWord(name, buildkitSecretWords) && !hasWord(name, buildkitAllowWords)
}

// NameHoldsSecret is a stricter reading of a name for value checks: the name
// is split into words at "_", "-", "." and camelCase humps (so apiKey,
// client-secret and db.password count), it must pass NameLooksSecret's word
// lists, and its last word must not describe the secret instead of holding it
// (AUTH_METHOD, TOKEN_TTL, PASSWORD_LENGTH, AWS_ACCESS_KEY_ID).
func NameHoldsSecret(name string) bool {
	words := splitName(name)
	if len(words) == 0 || anyIn(words, buildkitAllowWords) {
		return false
	}
	if !anyIn(words, buildkitSecretWords) && (len(words) < 2 || !in(words[len(words)-1], abbreviatedSecretWords)) {
		return false
	}
	return !in(words[len(words)-1], descriptorWords)
}

// hasWord reports whether one of name's "_"-separated words equals one of
// words, ignoring case.
func hasWord(name string, words []string) bool {
	for len(name) > 0 {
		w, rest, _ := strings.Cut(name, "_")
		if in(w, words) {
			return true
		}
		name = rest
	}
	return false
}

func in(w string, words []string) bool {
	for _, x := range words {
		if strings.EqualFold(w, x) {
			return true
		}
	}
	return false
}

func anyIn(ws, words []string) bool {
	for _, w := range ws {
		if in(w, words) {
			return true
		}
	}
	return false
}

// splitName splits a key into words at "_", "-", ".", blanks and camelCase
// humps: "dbPassword" and "DB_PASSWORD" give the same words. An upper-case
// run stays one word ("AWSSecret" gives "AWS", "Secret").
func splitName(name string) []string {
	var words []string
	start := -1
	rs := []rune(name)
	flush := func(end int) {
		if start >= 0 && end > start {
			words = append(words, string(rs[start:end]))
		}
		start = -1
	}
	for i, r := range rs {
		switch {
		case r == '_' || r == '-' || r == '.' || unicode.IsSpace(r):
			flush(i)
		case unicode.IsUpper(r):
			lowerBefore := i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]))
			lowerAfter := i > 0 && unicode.IsUpper(rs[i-1]) && i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if lowerBefore || lowerAfter {
				flush(i)
			}
			if start < 0 {
				start = i
			}
		default:
			if start < 0 {
				start = i
			}
		}
	}
	flush(len(rs))
	return words
}
