package secrets

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"strings"
	"sync"
)

// genericID is the detector of high-entropy values under secret-named keys.
const genericID = "secret-assignment"

// detector finds one kind of secret. A regexp detector's regexp is anchored
// at its keyword (or, with back, at the start of the word before it: the
// scheme before "://") and reads at most maxLen bytes (within one line when
// sameLine). Token detectors have keywords that start the token (ghp_,
// AKIA): the token must not be glued to a word on either side. Custom
// detectors are hand-written (private keys, service-account files,
// assignments) and return how far later hits of their keywords may be
// skipped.
type detector struct {
	id, desc string
	// keywords are the literals of the prefilter, matched ignoring ASCII
	// case unless caseSensitive.
	keywords      []string
	caseSensitive bool
	token         bool
	// re is compiled the first time a keyword of the detector is found:
	// compiling all of them costs more (3 to 6 ms in a new process) than
	// scanning a small project.
	re         func() *regexp.Regexp
	group      int // the submatch holding the secret (0: the whole match)
	maxLen     int
	back       int
	sameLine   bool
	minEntropy float64
	// prefix is how many leading characters of the secret are the public
	// part of its format, which Redacted may show (at most 4).
	prefix   int
	check    func(secret []byte) bool
	describe func(text []byte, loc []int) string
	custom   func(s *scan, di, start int) (skipUntil int)
}

// lazyRegexp compiles expr on first use (TestDetectorRegexpsCompile
// compiles them all).
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// accept applies the checks every detector shares: not a placeholder,
// random enough, and the detector's own format check.
func (d *detector) accept(secret []byte) bool {
	if IsPlaceholder(string(secret)) {
		return false
	}
	if d.minEntropy > 0 && entropy(string(secret)) < d.minEntropy {
		return false
	}
	return d.check == nil || d.check(secret)
}

// detectorTable lists the detectors, most specific first: where two match
// the same bytes, the earlier one wins. The formats are the providers'
// documented ones (see each entry).
func detectorTable() []*detector {
	return []*detector{
		{
			// Google Cloud service-account key file: a JSON object with
			// "type": "service_account" and a PEM "private_key"
			// (cloud.google.com/iam/docs/keys-create-delete).
			id: "gcp-service-account", desc: "Google Cloud service account key",
			keywords: []string{"service_account"}, custom: scanServiceAccount,
		},
		{
			// PEM (RFC 7468) and OpenSSH private keys, PGP private key blocks
			// (RFC 4880 armor).
			id: "private-key", desc: "private key",
			keywords: []string{"-----BEGIN "}, caseSensitive: true, custom: scanPrivateKey,
		},
		{
			// GitHub tokens: ghp_ (classic personal access), gho_ (OAuth),
			// ghu_ (user-to-server), ghs_ (server-to-server), ghr_ (refresh),
			// each with 36 base62 characters (github.blog 2021-04-05
			// "Behind GitHub's new authentication token formats").
			id: "github-token", desc: "GitHub token",
			keywords: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}, caseSensitive: true, token: true,
			re: lazyRegexp(`^gh[pousr]_[0-9A-Za-z]{36}`), maxLen: 40, minEntropy: 3, prefix: 4,
			describe: func(text []byte, _ []int) string {
				return map[byte]string{
					'p': "GitHub personal access token", 'o': "GitHub OAuth access token",
					'u': "GitHub user-to-server token", 's': "GitHub server-to-server token", 'r': "GitHub refresh token",
				}[text[2]]
			},
		},
		{
			// GitHub fine-grained personal access token: github_pat_, 22
			// characters, "_", 59 characters.
			id: "github-token", desc: "GitHub fine-grained personal access token",
			keywords: []string{"github_pat_"}, caseSensitive: true, token: true,
			re: lazyRegexp(`^github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59}`), maxLen: 93, minEntropy: 3, prefix: 4,
		},
		{
			// GitLab personal access token: glpat- and 20 or more characters
			// (docs.gitlab.com/security/tokens, "Token prefixes").
			id: "gitlab-token", desc: "GitLab personal access token",
			keywords: []string{"glpat-"}, caseSensitive: true, token: true,
			re: lazyRegexp(`^glpat-[0-9A-Za-z_\-]{20,64}`), maxLen: 70, minEntropy: 3, prefix: 4,
		},
		{
			// Slack incoming webhook URL (api.slack.com/messaging/webhooks):
			// hooks.slack.com/services/T…/B…/<secret>.
			id: "slack-webhook", desc: "Slack webhook URL",
			keywords: []string{"hooks.slack.com/"}, token: true,
			re:     lazyRegexp(`^hooks\.slack\.com/(?:services/T[0-9A-Z]{6,12}/B[0-9A-Z]{6,12}/[0-9A-Za-z]{20,32}|(?:workflows|triggers)/T[0-9A-Z]{6,12}/[0-9A-Za-z/]{20,120})`),
			maxLen: 200, minEntropy: 3, prefix: 4,
		},
		{
			// Slack tokens: xoxb- (bot), xoxp- (user), xoxa- (app), xoxr-
			// (refresh), xoxs- (legacy workspace) (api.slack.com/authentication/token-types).
			id: "slack-token", desc: "Slack token",
			keywords: []string{"xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"}, caseSensitive: true, token: true,
			re: lazyRegexp(`^xox[baprs]-[0-9A-Za-z]{1,40}-[0-9A-Za-z\-]{8,200}`), maxLen: 250, minEntropy: 3, prefix: 4,
		},
		{
			// Stripe live secret (sk_live_) and restricted (rk_live_) keys
			// (docs.stripe.com/keys).
			id: "stripe-key", desc: "Stripe live secret key",
			keywords: []string{"sk_live_", "rk_live_"}, caseSensitive: true, token: true,
			re: lazyRegexp(`^[sr]k_live_[0-9A-Za-z]{20,247}`), maxLen: 255, minEntropy: 3, prefix: 4,
			describe: func(text []byte, _ []int) string {
				if text[0] == 'r' {
					return "Stripe live restricted key"
				}
				return "Stripe live secret key"
			},
		},
		{
			// SendGrid API key: SG.<22>.<43> (docs.sendgrid.com, API keys).
			id: "sendgrid-key", desc: "SendGrid API key",
			keywords: []string{"SG."}, caseSensitive: true, token: true,
			re: lazyRegexp(`^SG\.[0-9A-Za-z_\-]{22}\.[0-9A-Za-z_\-]{43}`), maxLen: 69, minEntropy: 3, prefix: 3,
		},
		{
			// npm access token: npm_ and 36 characters (docs.npmjs.com,
			// "About access tokens").
			id: "npm-token", desc: "npm access token",
			keywords: []string{"npm_"}, caseSensitive: true, token: true,
			re: lazyRegexp(`^npm_[0-9A-Za-z]{36}`), maxLen: 40, minEntropy: 3, prefix: 4,
		},
		{
			// PyPI API token: a macaroon whose base64 starts with the
			// location "pypi.org" (pypi.org/help/#apitoken).
			id: "pypi-token", desc: "PyPI API token",
			keywords: []string{"pypi-AgEIcHlwaS5vcmc"}, caseSensitive: true, token: true,
			re: lazyRegexp(`^pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_\-]{50,1000}`), maxLen: 1020, minEntropy: 3, prefix: 4,
		},
		{
			// Docker Hub personal (dckr_pat_) and organization (dckr_oat_)
			// access tokens (docs.docker.com/security/access-tokens).
			id: "dockerhub-token", desc: "Docker Hub access token",
			keywords: []string{"dckr_pat_", "dckr_oat_"}, caseSensitive: true, token: true,
			re: lazyRegexp(`^dckr_(?:pat|oat)_[0-9A-Za-z_\-]{20,64}`), maxLen: 73, minEntropy: 3, prefix: 4,
		},
		{
			// Heroku API key, current format: HRKU-AA and 58 characters
			// (devcenter.heroku.com, "Heroku API key format").
			id: "heroku-key", desc: "Heroku API key",
			keywords: []string{"HRKU-"}, caseSensitive: true, token: true,
			re: lazyRegexp(`^HRKU-AA[0-9A-Za-z_\-]{58}`), maxLen: 65, minEntropy: 3, prefix: 4,
		},
		{
			// Google API key: AIza and 35 characters
			// (cloud.google.com/docs/authentication/api-keys).
			id: "gcp-api-key", desc: "Google API key",
			keywords: []string{"AIza"}, caseSensitive: true, token: true,
			re: lazyRegexp(`^AIza[0-9A-Za-z_\-]{35}`), maxLen: 39, minEntropy: 3, prefix: 4,
		},
		{
			// AWS access key ID: AKIA (long-term) or ASIA (temporary), and
			// ABIA/ACCA, then 16 base32 characters (docs.aws.amazon.com IAM
			// "Understanding unique ID prefixes").
			id: "aws-access-key-id", desc: "AWS access key ID",
			keywords: []string{"AKIA", "ASIA", "ABIA", "ACCA"}, caseSensitive: true, token: true,
			re: lazyRegexp(`^(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}`), maxLen: 20, minEntropy: 3, prefix: 4,
		},
		{
			// AWS secret access key: 40 base64 characters, recognised by the
			// name it is given (aws_secret_access_key in ~/.aws/credentials,
			// AWS_SECRET_ACCESS_KEY, "SecretAccessKey" in the API's JSON).
			id: "aws-secret-access-key", desc: "AWS secret access key",
			keywords: []string{"secret_access_key", "secretaccesskey", "aws_secret"},
			re:       lazyRegexp(`^(?i)(?:secret_access_key|secretaccesskey|aws_secret)[A-Za-z0-9_\-]{0,24}["']?[ \t]{0,8}(?:=|:|=>|:=)[ \t]{0,8}["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`),
			group:    1, maxLen: 120, sameLine: true, minEntropy: 3.5,
		},
		{
			// Azure storage account key in a connection string (AccountKey=,
			// 64 bytes in base64) and Service Bus / Event Hubs shared access
			// keys (SharedAccessKey=, 32 bytes) (learn.microsoft.com, "Configure
			// Azure Storage connection strings").
			id: "azure-storage-key", desc: "Azure storage account key",
			keywords: []string{"accountkey", "sharedaccesskey"},
			re:       lazyRegexp(`^(?i)(AccountKey|SharedAccessKey)[ \t]{0,4}=[ \t]{0,4}([A-Za-z0-9+/]{42,86}={0,2})(?:[^A-Za-z0-9+/=]|$)`),
			group:    2, maxLen: 120, sameLine: true, minEntropy: 3.5,
			describe: func(text []byte, loc []int) string {
				if bytes.EqualFold(text[loc[2]:loc[3]], []byte("SharedAccessKey")) {
					return "Azure shared access key"
				}
				return "Azure storage account key"
			},
		},
		{
			// Mailgun private API key: key- and 32 hex digits.
			id: "mailgun-key", desc: "Mailgun API key",
			keywords: []string{"key-"}, caseSensitive: true, token: true,
			re: lazyRegexp(`^key-[0-9a-f]{32}`), maxLen: 36, minEntropy: 3, prefix: 4,
		},
		{
			// Twilio API key SID (SK) and account SID (AC): two letters and
			// 32 hex digits (twilio.com/docs/glossary/what-is-a-sid).
			id: "twilio-sid", desc: "Twilio API key SID",
			keywords: []string{"SK", "AC"}, caseSensitive: true, token: true,
			re: lazyRegexp(`^(?:SK|AC)[0-9a-f]{32}`), maxLen: 34, minEntropy: 3, prefix: 2,
			check: hasLetterAndDigit,
			describe: func(text []byte, _ []int) string {
				if text[0] == 'A' {
					return "Twilio account SID"
				}
				return "Twilio API key SID"
			},
		},
		{
			// JSON Web Token (RFC 7519): base64url header and payload, both
			// JSON objects ("eyJ" is `{"`), and a signature.
			id: "jwt", desc: "JSON Web Token",
			keywords: []string{"eyJ"}, caseSensitive: true, token: true,
			re:     lazyRegexp(`^eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,}`),
			maxLen: 8192, minEntropy: 3, prefix: 3, check: jwtHeaderOK,
		},
		{
			// Heroku API key, legacy format: a UUID given to a heroku-named
			// key.
			id: "heroku-key", desc: "Heroku API key",
			keywords: []string{"heroku"},
			re:       lazyRegexp(`^(?i)heroku[A-Za-z0-9_.\-]{0,30}["']?[ \t]{0,8}(?:=|:|=>|:=)[ \t]{0,8}["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[^0-9A-Za-z\-]|$)`),
			group:    1, maxLen: 100, sameLine: true, minEntropy: 3,
		},
		{
			// A password written inside a database or broker URL
			// (scheme://user:password@host).
			id: "database-url-password", desc: "password in a database URL",
			keywords: []string{"://"},
			re:       lazyRegexp(`^(?i)(postgres(?:ql)?|mysql|mariadb|mongodb|rediss?|amqps?)(?:\+[a-z0-9]+)?://([^:@/\s"'<>]{0,128}):([^@/\s"'<>]{1,256})@[^/\s"'<>:?#,]`),
			group:    3, back: 24, maxLen: 440, sameLine: true,
			describe: func(text []byte, loc []int) string {
				return "password in a " + strings.ToLower(string(text[loc[2]:loc[3]])) + " URL"
			},
		},
		{
			// A random-looking value assigned to a secret-named key
			// (NameHoldsSecret): API_KEY=..., "clientSecret": "...".
			id: genericID, desc: "high-entropy value of a secret-named key",
			keywords: []string{"key", "token", "secret", "passw", "pword", "auth", "credential"},
			custom:   scanAssignment,
		},
	}
}

func hasLetterAndDigit(b []byte) bool {
	letter, digit := false, false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letter = true
		}
	}
	return letter && digit
}

// jwtHeaderOK decodes a JWT's header: a JSON object with an "alg".
func jwtHeaderOK(tok []byte) bool {
	head, _, _ := bytes.Cut(tok, []byte("."))
	dec, err := base64.RawURLEncoding.DecodeString(string(head))
	if err != nil {
		return false
	}
	return bytes.HasPrefix(dec, []byte("{")) && bytes.Contains(dec, []byte(`"alg"`))
}

var (
	pemHeader = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----`)
	})
	pemKinds = map[string]string{
		"PRIVATE KEY": "private key", "RSA PRIVATE KEY": "RSA private key", "EC PRIVATE KEY": "EC private key",
		"DSA PRIVATE KEY": "DSA private key", "OPENSSH PRIVATE KEY": "OpenSSH private key",
		"ENCRYPTED PRIVATE KEY": "encrypted private key", "PGP PRIVATE KEY BLOCK": "PGP private key block",
	}
)

// maxKeyBody bounds how far a private key's body is read.
const maxKeyBody = 64 << 10

// scanPrivateKey reads a private key block at start: the BEGIN line, then a
// body of at least 64 base64 characters (line breaks, JSON "\n" escapes and
// armor headers allowed) up to its END line. A BEGIN line alone (in
// documentation) is not a key.
func scanPrivateKey(s *scan, di, start int) int {
	data := s.data
	head := data[start:min(len(data), start+64)]
	loc := pemHeader().FindSubmatchIndex(head)
	if loc == nil {
		return start + 1
	}
	desc := pemKinds[string(head[loc[2]:loc[3]])]
	i := start + loc[1]
	limit := min(len(data), i+maxKeyBody)
	b64 := 0
	end := -1
	for i < limit {
		c := data[i]
		switch {
		case c == '-':
			if bytes.HasPrefix(data[i:], []byte("-----END ")) {
				if j := bytes.Index(data[i+9:min(len(data), i+80)], []byte("-----")); j >= 0 {
					end = i + 9 + j + 5
				}
			}
			limit = i // a dash ends the body either way
		case c == '\\' && i+1 < len(data) && (data[i+1] == 'n' || data[i+1] == 'r' || data[i+1] == '\n'):
			// A JSON "\n" escape, or a line continuation (.properties).
			i += 2
			continue
		case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=':
			b64++
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':' || c == ',' || c == '.':
			// line breaks; armor headers ("Version: x", "Proc-Type: 4,ENCRYPTED")
		default:
			limit = i
		}
		if i < limit {
			i++
		}
	}
	if b64 < 64 {
		return i
	}
	if end < 0 {
		end = i
	}
	body := data[start+loc[1] : end]
	if IsPlaceholder(string(bytes.TrimSpace(body))) {
		return end
	}
	s.add(di, newMatch("private-key", desc, start, end, 0, string(data[start:end]), ""))
	return end
}

var (
	saType = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`"type"\s*:\s*"service_account"`) })
	saKey  = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^"private_key"[ \t]{0,8}:[ \t]{0,8}"(-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----[^"]{64,})"`)
	})
)

// saWindow bounds how far from "type": "service_account" the private key
// is looked for (a key file is about 2.3 KB).
const saWindow = 16 << 10

// scanServiceAccount finds a service-account key file: "type":
// "service_account" and, within saWindow bytes, a "private_key". The
// search for "private_key" remembers how far it got, so many "type" lines
// cost one pass.
func scanServiceAccount(s *scan, di, start int) int {
	data := s.data
	a := max(0, start-24)
	if !saType().Match(data[a:min(len(data), start+len("service_account")+1)]) {
		return start + 1
	}
	from, hi := max(0, start-saWindow, s.saScanned), min(len(data), start+saWindow)
	for from < hi {
		k := bytes.Index(data[from:hi], []byte(`"private_key"`))
		if k < 0 {
			s.saScanned = hi
			return start + 1
		}
		k += from
		from = k + 1
		s.saScanned = from
		loc := saKey().FindSubmatchIndex(data[k:min(len(data), k+maxKeyBody)])
		if loc == nil {
			continue
		}
		ks, ke := k+loc[2], k+loc[3]
		s.saScanned = ke
		key := string(data[ks:ke])
		if IsPlaceholder(strings.TrimPrefix(key, "-----BEGIN PRIVATE KEY-----")) {
			continue
		}
		s.add(di, newMatch("gcp-service-account", "Google Cloud service account key", ks, ke, 0, key, ""))
		return max(ke, start+1)
	}
	return start + 1
}

// isIdentByte reports whether b can be part of a key name.
func isIdentByte(b byte) bool {
	return isTokenByte(b) || b == '.'
}

// maxKeyName and maxValue bound a generic assignment.
const (
	maxKeyName = 64
	maxValue   = 256
)

// scanAssignment reads `name <op> value` around a keyword hit inside name,
// with op one of = : := => and optional quotes, and reports a random-looking
// value (looksRandom, no path, URL or code) of a name that NameHoldsSecret.
func scanAssignment(s *scan, di, start int) int {
	data := s.data
	l := start
	for l > 0 && isIdentByte(data[l-1]) && start-l <= maxKeyName {
		l--
	}
	r := start
	for r < len(data) && isIdentByte(data[r]) {
		r++
	}
	if r-l > maxKeyName {
		return r
	}
	name := string(data[l:r])
	i := r
	if i < len(data) && (data[i] == '"' || data[i] == '\'') {
		i++
	}
	i = skipBlanks(data, i)
	switch {
	case bytes.HasPrefix(data[i:], []byte(":=")), bytes.HasPrefix(data[i:], []byte("=>")):
		i += 2
	case i < len(data) && (data[i] == '=' || data[i] == ':'):
		i++
	default:
		return r
	}
	i = skipBlanks(data, i)
	if !NameHoldsSecret(name) {
		return r
	}
	var quote byte
	if i < len(data) && (data[i] == '"' || data[i] == '\'' || data[i] == '`') {
		quote = data[i]
		i++
	}
	vs := i
	for i < len(data) && i-vs <= maxValue {
		c := data[i]
		if c == '\n' || c == '\r' || quote != 0 && c == quote ||
			quote == 0 && (c == ' ' || c == '\t' || c == ',' || c == ';' || c == '"' || c == '\'' || c == '`' || c == ')' || c == '}' || c == ']') {
			break
		}
		i++
	}
	if i-vs > maxValue {
		return i
	}
	value := string(data[vs:i])
	if IsPlaceholder(value) || !looksRandom(value) || strings.ContainsAny(value, "(){}[]<>") ||
		strings.HasPrefix(value, "/") || strings.HasPrefix(value, "./") || strings.HasPrefix(value, "~") || strings.Contains(value, "://") {
		return r
	}
	s.add(di, newMatch(genericID, "high-entropy value of a secret-named key", vs, i, 0, value, name))
	return i
}

func skipBlanks(data []byte, i int) int {
	for n := 0; i < len(data) && (data[i] == ' ' || data[i] == '\t') && n < 16; n++ {
		i++
	}
	return i
}
