package secrets

import (
	"bytes"
	"encoding/base64"
	"math/rand"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The fake secrets below are assembled from pieces at run time, so the
// repository holds no token-shaped string: seq cycles through a character
// set, which makes values that pass the format and entropy checks and are
// plainly made up.

const (
	alnum  = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	hexLow = "0123456789abcdef"
	upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b64    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// seq returns n characters of set, stepping by 7 so neighbours differ.
func seq(set string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(set[(i*7+3)%len(set)])
	}
	return b.String()
}

func cat(parts ...string) string { return strings.Join(parts, "") }

func fakeJWT() string {
	enc := base64.RawURLEncoding.EncodeToString
	return cat(enc([]byte(`{"alg":"HS256","typ":"JWT"}`)), ".", enc([]byte(`{"sub":"fake-user-0000","name":"Not A Real Token"}`)), ".", seq(alnum, 43))
}

func fakePEM(kind string) string {
	var body strings.Builder
	for i := 0; i < 5; i++ {
		body.WriteString(seq(b64[i:]+b64[:i], 64) + "\n")
	}
	return cat("-----", "BEGIN ", kind, "-----\n", body.String(), "-----", "END ", kind, "-----")
}

func TestDetectors(t *testing.T) {
	ghp := cat("gh", "p_", seq(alnum, 36))
	cases := []struct {
		name, text, id, desc, redacted string
	}{
		{"rsa key", "key = '''\n" + fakePEM("RSA PRIVATE KEY") + "\n'''", "private-key", "RSA private key", ""},
		{"openssh key", fakePEM("OPENSSH PRIVATE KEY"), "private-key", "OpenSSH private key", ""},
		{"pkcs8 key", fakePEM("PRIVATE KEY"), "private-key", "private key", ""},
		{"pgp key", fakePEM("PGP PRIVATE KEY BLOCK"), "private-key", "PGP private key block", ""},
		{"aws key id", cat("aws_access_key_id = ", "AK", "IA", seq(upper, 16)), "aws-access-key-id", "AWS access key ID", "AKIA… (20 chars)"},
		{"aws temp key id", cat("id: ", "AS", "IA", seq(upper, 16)), "aws-access-key-id", "AWS access key ID", "ASIA… (20 chars)"},
		{"aws secret", cat("aws_secret_access_key = ", seq(b64, 40)), "aws-secret-access-key", "AWS secret access key", "… (40 chars)"},
		{"aws secret env", cat("AWS_SECRET_ACCESS_KEY=\"", seq(b64, 40), "\""), "aws-secret-access-key", "AWS secret access key", "… (40 chars)"},
		{"gcp service account", cat(`{"type": "service`, `_account", "project_id": "demo", "private_key": "`, strings.ReplaceAll(fakePEM("PRIVATE KEY"), "\n", `\n`), `\n", "client_email": "x@demo.iam"}`), "gcp-service-account", "Google Cloud service account key", ""},
		{"gcp api key", cat("key=", "AI", "za", seq(alnum, 35)), "gcp-api-key", "Google API key", "AIza… (39 chars)"},
		{"azure storage", cat("DefaultEndpointsProtocol=https;AccountName=demo;Account", "Key=", seq(b64, 86), "==;EndpointSuffix=core.windows.net"), "azure-storage-key", "Azure storage account key", "… (88 chars)"},
		{"azure sas", cat("Endpoint=sb://demo.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccess", "Key=", seq(b64, 43), "="), "azure-storage-key", "Azure shared access key", "… (44 chars)"},
		{"github pat", "token: " + ghp, "github-token", "GitHub personal access token", "ghp_… (40 chars)"},
		{"github oauth", cat("gh", "o_", seq(alnum, 36)), "github-token", "GitHub OAuth access token", "gho_… (40 chars)"},
		{"github s2s", cat("x ", "gh", "s_", seq(alnum, 36)), "github-token", "GitHub server-to-server token", "ghs_… (40 chars)"},
		{"github user", cat("gh", "u_", seq(alnum, 36)), "github-token", "GitHub user-to-server token", "ghu_… (40 chars)"},
		{"github refresh", cat("gh", "r_", seq(alnum, 36)), "github-token", "GitHub refresh token", "ghr_… (40 chars)"},
		{"github fine-grained", cat("github", "_pat_", seq(alnum, 22), "_", seq(alnum[5:]+alnum[:5], 59)), "github-token", "GitHub fine-grained personal access token", "gith… (93 chars)"},
		{"gitlab", cat("GITLAB=", "gl", "pat-", seq(alnum, 20)), "gitlab-token", "GitLab personal access token", "glpa… (26 chars)"},
		{"slack bot", cat("xo", "xb-", "1234567890", "-", "9876543210", "-", seq(alnum, 24)), "slack-token", "Slack token", "xoxb… (51 chars)"},
		{"slack user", cat("xo", "xp-", "1234567890-9876543210-1122334455-", seq(hexLow, 32)), "slack-token", "Slack token", "xoxp… (70 chars)"},
		{"slack webhook", cat("url: https://", "hooks.slack", ".com/services/T", seq(upper, 8), "/B", seq(upper, 9), "/", seq(alnum, 24)), "slack-webhook", "Slack webhook URL", "hook… (70 chars)"},
		{"stripe", cat("STRIPE=", "sk", "_live_", seq(alnum, 24)), "stripe-key", "Stripe live secret key", "sk_l… (32 chars)"},
		{"stripe restricted", cat("rk", "_live_", seq(alnum, 24)), "stripe-key", "Stripe live restricted key", "rk_l… (32 chars)"},
		{"twilio key", cat("TWILIO=", "S", "K", seq(hexLow, 32)), "twilio-sid", "Twilio API key SID", "SK… (34 chars)"},
		{"twilio account", cat("sid: ", "A", "C", seq(hexLow, 32)), "twilio-sid", "Twilio account SID", "AC… (34 chars)"},
		{"sendgrid", cat("S", "G.", seq(alnum, 22), ".", seq(alnum, 43)), "sendgrid-key", "SendGrid API key", "SG.… (69 chars)"},
		{"mailgun", cat("MAILGUN=", "key", "-", seq(hexLow, 32)), "mailgun-key", "Mailgun API key", "key-… (36 chars)"},
		{"npm", cat("//registry.npmjs.org/:_authToken=", "npm", "_", seq(alnum, 36)), "npm-token", "npm access token", "npm_… (40 chars)"},
		{"pypi", cat("password = ", "pypi-", "AgEIcHlwaS5vcmc", seq(alnum, 80)), "pypi-token", "PyPI API token", "pypi… (100 chars)"},
		{"docker hub", cat("dckr", "_pat_", seq(alnum, 27)), "dockerhub-token", "Docker Hub access token", "dckr… (36 chars)"},
		{"heroku v2", cat("HR", "KU-AA", seq(alnum, 58)), "heroku-key", "Heroku API key", "HRKU… (65 chars)"},
		{"heroku uuid", cat("HEROKU_API_KEY=", seq(hexLow, 8), "-", seq(hexLow, 4), "-", seq(hexLow, 4), "-", seq(hexLow, 4), "-", seq(hexLow, 12)), "heroku-key", "Heroku API key", "… (36 chars)"},
		{"jwt", "Authorization: Bearer " + fakeJWT(), "jwt", "JSON Web Token", ""},
		{"postgres url", "DATABASE_URL=postgres://app:s3cr3t-Pa55@db:5432/app", "database-url-password", "password in a postgres URL", "… (11 chars)"},
		{"postgresql driver url", "url = postgresql+psycopg2://app:hunter2x@db/app", "database-url-password", "password in a postgresql URL", "… (8 chars)"},
		{"mysql url", "mysql://root:rootpw1@mysql:3306/db", "database-url-password", "password in a mysql URL", "… (7 chars)"},
		{"mongodb srv", "mongodb+srv://admin:m0ng0pw@cluster0.example.net/db", "database-url-password", "password in a mongodb URL", "… (7 chars)"},
		{"redis no user", "REDIS_URL=redis://:r3d1spw@cache:6379/0", "database-url-password", "password in a redis URL", "… (7 chars)"},
		{"amqp", "amqp://guest:rabbitpw9@rabbit:5672/", "database-url-password", "password in a amqp URL", "… (9 chars)"},
		{"generic env", cat("API_KEY=", seq(alnum, 32)), genericID, "high-entropy value of a secret-named key", "… (32 chars)"},
		{"generic json camel", cat(`{"clientSecret": "`, seq(alnum, 24), `"}`), genericID, "high-entropy value of a secret-named key", "… (24 chars)"},
		{"generic go", cat(`dbPassword := "`, seq(alnum[3:], 20), `"`), genericID, "high-entropy value of a secret-named key", "… (20 chars)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ms := Scan([]byte(c.text))
			if len(ms) != 1 {
				t.Fatalf("Scan found %d matches, want 1: %+v", len(ms), ms)
			}
			m := ms[0]
			if m.ID != c.id || m.Description != c.desc {
				t.Errorf("got %s (%s), want %s (%s)", m.ID, m.Description, c.id, c.desc)
			}
			if c.redacted != "" && m.Redacted() != c.redacted {
				t.Errorf("Redacted() = %q, want %q", m.Redacted(), c.redacted)
			}
			secret := c.text[m.Start:m.End]
			if strings.Contains(m.Redacted(), secret[min(4, len(secret)):]) && len(secret) > 4 {
				t.Errorf("Redacted() %q shows the secret", m.Redacted())
			}
			if m.Length() != len(secret) {
				t.Errorf("Length() = %d, span holds %d bytes", m.Length(), len(secret))
			}
		})
	}
}

func TestSpans(t *testing.T) {
	ghp := cat("gh", "p_", seq(alnum, 36))
	text := "# config\nTOKEN=" + ghp + "\nDB=postgres://u:Pw0rd9x@h/db\n"
	ms := Scan([]byte(text))
	if len(ms) != 2 {
		t.Fatalf("got %d matches: %+v", len(ms), ms)
	}
	if got := text[ms[0].Start:ms[0].End]; got != ghp {
		t.Errorf("first span = %q", got)
	}
	if got := text[ms[1].Start:ms[1].End]; got != "Pw0rd9x" {
		t.Errorf("second span = %q, want the password alone", got)
	}
}

func TestNegatives(t *testing.T) {
	cases := map[string]string{
		"aws doc example":        cat("AK", "IAIOSFODNN7", "EXAMPLE"),
		"aws filler":             cat("AK", "IA", strings.Repeat("X", 16)),
		"github filler":          cat("gh", "p_", strings.Repeat("x", 36)),
		"github low entropy":     cat("gh", "p_", strings.Repeat("ab", 18)),
		"github too short":       cat("gh", "p_", seq(alnum, 20)),
		"github too long":        cat("gh", "p_", seq(alnum, 40)),
		"github inside word":     cat("xgh", "p_", seq(alnum, 36)),
		"stripe test key":        cat("sk", "_test_", seq(alnum, 24)),
		"stripe placeholder":     cat("sk", "_live_", "your-key-here-", seq(alnum, 10)),
		"pem header only":        "the file starts with -----" + "BEGIN RSA PRIVATE KEY----- and ends with the END line",
		"pem placeholder":        "-----" + "BEGIN PRIVATE KEY-----\n...\n-----" + "END PRIVATE KEY-----",
		"public key":             "-----" + "BEGIN PUBLIC KEY-----\n" + seq(b64, 64) + "\n-----" + "END PUBLIC KEY-----",
		"url variable password":  "postgresql://${USER}:${PASSWORD}@postgres:5432/${DB}",
		"url placeholder":        "postgres://user:password@localhost/db",
		"url angle placeholder":  "postgres://user:<password>@localhost/db",
		"url no password":        "postgres://user@localhost/db https://example.com/a:b@c",
		"http url":               "https://user:Pw0rd9x@example.org/",
		"generic placeholder":    "API_KEY=changeme",
		"generic short":          "API_KEY=a1b2c3",
		"generic word":           "SECRET_KEY=supersecretvalue",
		"generic reference":      "API_KEY=${API_KEY}",
		"generic shell ref":      "export TOKEN=$GITHUB_TOKEN",
		"generic path":           "SSL_KEY=/etc/ssl/private/server0123456789.key",
		"generic public key":     cat("PUBLIC_KEY=", seq(alnum, 32)),
		"generic key file":       cat("KEY_FILE=", seq(alnum, 32)),
		"generic descriptor":     cat("TOKEN_TTL=", seq(alnum, 32)),
		"generic monkey":         cat("monkey=", seq(alnum, 32)),
		"generic code":           `password = os.environ["DB_PASSWORD_0123456789"]`,
		"generic template":       "password: {{ .Values.db.password }}",
		"jwt bad header":         cat("eyJ", seq(alnum, 20), ".eyJ", seq(alnum, 20), ".", seq(alnum, 30)),
		"twilio no digits":       cat("S", "K", strings.Repeat("abcdef", 5), "ab"),
		"mailgun in word":        cat("monkey", "-", seq(hexLow, 32)),
		"azure placeholder":      "AccountKey=<your-account-key>",
		"service account no key": `{"type": "service_` + `account", "project_id": "x"}`,
		"all same char":          cat("API_TOKEN=", strings.Repeat("0", 40)),
		"empty":                  "",
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			if ms := Scan([]byte(text)); len(ms) != 0 {
				t.Errorf("Scan(%q) = %+v, want nothing", text, ms)
			}
		})
	}
}

func TestCheckValue(t *testing.T) {
	ghp := cat("gh", "p_", seq(alnum, 36))
	cases := []struct {
		key, value string
		id         string // "" for no match
	}{
		{"APP_CONFIG", ghp, "github-token"},
		{"GITHUB_TOKEN", "${GITHUB_TOKEN:-" + ghp + "}", "github-token"}, // a default is a literal too
		{"GITHUB_TOKEN", ghp, "github-token"},
		{"DATABASE_URL", "postgres://app:Pw0rd9x@db/app", "database-url-password"},
		{"API_KEY", seq(alnum, 32), genericID},
		{"clientSecret", seq(alnum, 24), genericID},
		{"SECRET_KEY_BASE", seq(hexLow, 64), genericID},
		{"API_KEY", "changeme", ""},
		{"API_KEY", "${API_KEY}", ""},
		{"API_KEY", "$API_KEY", ""},
		{"API_KEY", "<your api key>", ""},
		{"API_KEY", "your-api-key-here", ""},
		{"API_KEY", "xxxxxxxxxxxxxxxx", ""},
		{"PASSWORD", "testpass", ""}, // a weak literal: not random (CP010 says so itself)
		{"APP_NAME", seq(alnum, 32), ""},
		{"PUBLIC_KEY", seq(alnum, 32), ""},
		{"POSTGRES_HOST_AUTH_METHOD", "scram-sha-256", ""},
		{"AWS_ACCESS_KEY_ID", seq(alnum, 20), ""},
	}
	for _, c := range cases {
		m, ok := CheckValue(c.key, c.value)
		if c.id == "" {
			if ok {
				t.Errorf("CheckValue(%s, %q) = %s, want nothing", c.key, c.value, m.ID)
			}
			continue
		}
		if !ok || m.ID != c.id {
			t.Errorf("CheckValue(%s, %q) = %v %q, want %s", c.key, c.value, ok, m.ID, c.id)
			continue
		}
		if m.End > len(c.value) || m.Start < 0 || m.Start >= m.End {
			t.Errorf("CheckValue(%s): bad span %d-%d", c.key, m.Start, m.End)
		}
	}
}

func TestIsPlaceholder(t *testing.T) {
	yes := []string{"", "  ", "changeme", "CHANGE_ME", "example", "your-token-here", "YOUR_API_KEY_HERE", "<password>",
		"${DB_PASSWORD}", "$DB_PASSWORD", "${X:-y}", "{{ secret }}", "xxx", "sk-xxxxxxxx", "********", "00000000",
		"password", "secret", "dummy", "test", "Dummy-Value-1", "%(password)s", "[your key]", "'changeme'", "\"\""}
	no := []string{"testpass", "hunter2", "s3cr3t-Pa55", "postgres", "P@ssw0rd!", "abc$", "50%"}
	for _, v := range yes {
		if !IsPlaceholder(v) {
			t.Errorf("IsPlaceholder(%q) = false, want true", v)
		}
	}
	for _, v := range no {
		if IsPlaceholder(v) {
			t.Errorf("IsPlaceholder(%q) = true, want false", v)
		}
	}
}

// TestNameLooksSecret checks the word comparison against BuildKit's own
// regexps (v0.34.2 dockerfile2llb/validations.go getSecretsRegex).
func TestNameLooksSecret(t *testing.T) {
	deny := regexp.MustCompile(`(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)`)
	allow := regexp.MustCompile(`(?i)(?:_|^)(?:public|file|version)(?:_|$)`)
	names := []string{"GITHUB_TOKEN", "DB_PASSWORD", "api_key", "AUTH", "apikey", "PUBLIC_KEY", "SSH_KEY_FILE",
		"TOKEN_VERSION", "KEYCLOAK_URL", "apiKey", "MY__KEY", "KEY_", "_SECRET_", "secrets", "PASSWORD_FILE",
		"NPM_AUTH_TOKEN", "credentials", "AWS_SECRET_ACCESS_KEY", "NODE_VERSION", "monkey", "", "_", "Key",
		"POSTGRES_HOST_AUTH_METHOD", "GPG_KEY", "PWORD", "X_PASSWD_Y"}
	rng := rand.New(rand.NewSource(1))
	words := []string{"key", "KEY", "public", "file", "token", "x", "", "auth", "Secret", "version", "keys"}
	for i := 0; i < 2000; i++ {
		n := 1 + rng.Intn(4)
		parts := make([]string, n)
		for j := range parts {
			parts[j] = words[rng.Intn(len(words))]
		}
		names = append(names, strings.Join(parts, "_"))
	}
	for _, n := range names {
		want := deny.MatchString(n) && !allow.MatchString(n)
		if got := NameLooksSecret(n); got != want {
			t.Errorf("NameLooksSecret(%q) = %v, BuildKit says %v", n, got, want)
		}
	}
}

func TestNameHoldsSecret(t *testing.T) {
	yes := []string{"API_KEY", "apiKey", "clientSecret", "db.password", "client-secret", "GITHUB_TOKEN", "SECRET_KEY_BASE", "AWSSecretKey", "x-auth-token", "DB_PASS", "smtpPass", "MYSQL_PWD", "KEY_PASSPHRASE"}
	no := []string{"PWD", "OLDPWD", "PASS", "BYPASS_CACHE", "PASS_THROUGH", "PWD_DIR", "DB_PASS_FILE", "PUBLIC_KEY", "KEY_FILE", "POSTGRES_HOST_AUTH_METHOD", "TOKEN_TTL", "AWS_ACCESS_KEY_ID", "PASSWORD_MIN_LENGTH", "monkey", "keyboard", "AUTH_ENABLED", "APP_NAME"}
	for _, n := range yes {
		if !NameHoldsSecret(n) {
			t.Errorf("NameHoldsSecret(%q) = false", n)
		}
	}
	for _, n := range no {
		if NameHoldsSecret(n) {
			t.Errorf("NameHoldsSecret(%q) = true", n)
		}
	}
}

func TestOverlapKeepsSpecific(t *testing.T) {
	// A JWT under a secret-named key is one match: the JWT.
	text := "API_TOKEN=" + fakeJWT()
	ms := Scan([]byte(text))
	if len(ms) != 1 || ms[0].ID != "jwt" {
		t.Fatalf("got %+v, want one jwt match", ms)
	}
}

func TestAhoCorasick(t *testing.T) {
	kws := []string{"he", "she", "his", "hers", "-----BEGIN "}
	m := newAhoCorasick(kws)
	var got []string
	text := "uSHErs ahis -----begin x"
	m.scan([]byte(text), func(kw, start int) { got = append(got, kws[kw]+"@"+strconv.Itoa(start)) })
	want := []string{"she@1", "he@2", "hers@2", "his@8", "-----BEGIN @12"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestAhoCorasickQuarters: the four-automata scan reports exactly what one
// automaton over the whole data reports, in the same order, for data of
// many lengths (one block and several, quarters of every remainder) full
// of keywords, also across the quarters' and blocks' boundaries.
func TestAhoCorasickQuarters(t *testing.T) {
	e := theEngine()
	var kws []string
	for _, ref := range e.kwDetector {
		kws = append(kws, ref.keyword)
	}
	rng := rand.New(rand.NewSource(3))
	for _, n := range []int{0, 1, 4*acMinQuarter - 1, 4 * acMinQuarter, 4*acMinQuarter + 3, 5000, 5003, acBlock - 1, acBlock, acBlock + 1, 3*acBlock + 1021, 5*acBlock/2 + 7} {
		for round := 0; round < 3; round++ {
			var buf []byte
			for len(buf) < n {
				switch r := rng.Intn(10); {
				case r < 4:
					kw := kws[rng.Intn(len(kws))]
					if rng.Intn(2) == 0 {
						kw = strings.ToUpper(kw)
					}
					buf = append(buf, kw...)
				case r < 6:
					buf = append(buf, kws[rng.Intn(len(kws))][:1]...)
				default:
					const other = "abcxyz _-:/.\n"
					buf = append(buf, other[rng.Intn(len(other))])
				}
			}
			sameHitsBothScans(t, e, buf[:n])
		}
	}
}

// sameHitsBothScans checks that the four-automata scan reports the hits of
// one automaton over data, in the same order.
func sameHitsBothScans(t *testing.T, e *engine, data []byte) {
	t.Helper()
	type hit struct{ kw, start int }
	var want, got []hit
	e.ac.scan1(data, 0, 0, func(kw, start int) { want = append(want, hit{kw, start}) })
	e.ac.scan(data, func(kw, start int) { got = append(got, hit{kw, start}) })
	if len(got) != len(want) {
		t.Fatalf("%d bytes: %d hits, want %d", len(data), len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%d bytes: hit %d is %v, want %v", len(data), i, got[i], want[i])
		}
	}
}

// TestAhoCorasickBoundaries plants each keyword across every quarter and
// block boundary, at every shift, in data of which nothing else matches:
// each must be reported once, at its place.
func TestAhoCorasickBoundaries(t *testing.T) {
	e := theEngine()
	check := func(n int, bounds []int, kws []int) {
		t.Helper()
		data := bytes.Repeat([]byte{'z'}, n)
		for _, k := range kws {
			kw := e.kwDetector[k].keyword
			for _, b := range bounds {
				for at := b - len(kw) - 1; at <= b+1; at++ {
					if at < 0 || at+len(kw) > n {
						continue
					}
					copy(data[at:], kw)
					var got []int
					e.ac.scan(data, func(kw, start int) {
						if kw == k {
							got = append(got, start)
						}
					})
					if len(got) != 1 || got[0] != at {
						t.Fatalf("%d bytes, %q at %d: found at %v", n, kw, at, got)
					}
					copy(data[at:], bytes.Repeat([]byte{'z'}, len(kw)))
				}
			}
		}
	}
	all := make([]int, len(e.kwDetector))
	for i := range all {
		all[i] = i
	}
	n := 8*acMinQuarter + 5 // one block of quarters of 2*acMinQuarter+1 bytes, then 1 byte
	q := n / 4
	check(n, []int{q, 2 * q, 3 * q, 4 * q}, all)
	// Two blocks, the second of 4*acMinQuarter bytes, then 3 bytes: the
	// longest keyword and a short one.
	longest, shortest := 0, 0
	for i, ref := range e.kwDetector {
		if len(ref.keyword) > len(e.kwDetector[longest].keyword) {
			longest = i
		}
		if len(ref.keyword) < len(e.kwDetector[shortest].keyword) {
			shortest = i
		}
	}
	n = acBlock + 4*acMinQuarter + 3
	q = acBlock / 4
	check(n, []int{q, 2 * q, 3 * q, acBlock, acBlock + acMinQuarter, acBlock + 2*acMinQuarter, acBlock + 3*acMinQuarter, acBlock + 4*acMinQuarter}, []int{longest, shortest})
}

// FuzzAhoCorasick: the four-automata scan reports what one automaton
// reports, on the input repeated to a length where the blocks and
// quarters start (up to past the end of the first block).
func FuzzAhoCorasick(f *testing.F) {
	f.Add([]byte("ghp_x AKIA key= -----BEGIN ://"), uint16(0))
	f.Add([]byte("pypi-AgEIcHlwaS5vcmcSKac"), uint16(acBlock-4*acMinQuarter+1))
	e := theEngine()
	f.Fuzz(func(t *testing.T, unit []byte, extra uint16) {
		if len(unit) == 0 {
			return
		}
		n := 4*acMinQuarter + int(extra)
		sameHitsBothScans(t, e, bytes.Repeat(unit, n/len(unit)+1)[:n])
	})
}

// TestHugeLine: one 10 MB line of random base64 (no line breaks for the
// line-bounded detectors to stop at) and lines of repeated keywords are
// scanned in bounded time; the test timeout is the bound, the log shows the
// time.
func TestHugeLine(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	rng := rand.New(rand.NewSource(42))
	raw := make([]byte, 7_500_000)
	rng.Read(raw)
	data := []byte(base64.StdEncoding.EncodeToString(raw))
	if len(data) < 10_000_000 {
		t.Fatalf("only %d bytes", len(data))
	}
	for _, d := range [][]byte{
		data,
		[]byte(strings.Repeat("key", 3_400_000)),
		[]byte(strings.Repeat("API_KEY=", 1_300_000)),
		[]byte(strings.Repeat("eyJ", 3_400_000)),
		[]byte(strings.Repeat("://", 3_400_000)),
		[]byte(strings.Repeat("-----BEGIN PRIVATE KEY-----", 380_000)),
		[]byte(strings.Repeat("aws_secret_access_key=", 460_000)),
		[]byte(strings.Repeat(`"type":"service_account"`, 420_000)),
	} {
		t0 := time.Now()
		ms := Scan(d)
		t.Logf("%d bytes starting %q: %d matches in %v", len(d), d[:12], len(ms), time.Since(t0))
	}
}

// FuzzScan: no panic, and matches are in bounds, sorted and disjoint.
func FuzzScan(f *testing.F) {
	f.Add([]byte("API_KEY=" + seq(alnum, 32)))
	f.Add([]byte(fakePEM("RSA PRIVATE KEY")))
	f.Add([]byte(`{"type": "service_` + `account", "private_key": "` + strings.ReplaceAll(fakePEM("PRIVATE KEY"), "\n", `\n`) + `"}`))
	f.Add([]byte("postgres://u:Pw0rd9x@h/db " + fakeJWT()))
	f.Fuzz(func(t *testing.T, data []byte) {
		prev := 0
		for _, m := range Scan(data) {
			if m.Start < prev || m.End <= m.Start || m.End > len(data) {
				t.Fatalf("bad match %+v after %d in %d bytes", m, prev, len(data))
			}
			prev = m.End
		}
	})
}

// TestDetectorRegexpsCompile compiles every detector's regexp, which the
// engine compiles only when a keyword of the detector is found.
func TestDetectorRegexpsCompile(t *testing.T) {
	for _, d := range detectorTable() {
		if d.re == nil {
			if d.custom == nil {
				t.Errorf("%s: neither a regexp nor a custom scan", d.id)
			}
			continue
		}
		if re := d.re(); !strings.HasPrefix(re.String(), "^") {
			t.Errorf("%s: %s is not anchored at the keyword", d.id, re)
		}
	}
}
