package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/report")

// goldenDir holds the expected output of every format.
var goldenDir = filepath.Join("..", "..", "testdata", "report")

// sources are the project files the fixture findings point into.
var sources = map[string]string{
	".env": "# local settings\n" +
		"DEBUG=true\n" +
		"SECRET_KEY=change-me\n" +
		"DEBUG=false\n",
	"Dockerfile": "FROM python:3.12-slim\n" +
		"ARG APP_HOME=/app\n" +
		"ENV PYTHONUNBUFFERED=1\n" +
		"RUN echo \"héllo wörld\"\t&& curl -fsSL https://get.example.com/install.sh | sh\n" +
		"COPY requirements.txt .\n" +
		"RUN mkdir -p /app\n" +
		"WORKDIR /app\n",
	"docker-compose.yml": "services:\n" +
		"  web:\n" +
		"    build: .\n" +
		"    ports:\n" +
		"      - \"5000:5000\"\n" +
		"    depends_on:\n" +
		"      - db\n" +
		"    environment:\n" +
		"      DATABASE_URL: postgres://app@db:5432/app\n" +
		"  db:\n" +
		"    image: postgres:16\n" +
		"    environment:\n" +
		"      POSTGRES_USER: ${POSTGRES_USER}\n" +
		"      POSTGRES_PASSWORD: example\n",
}

// linesOf serves source lines from files, like the project loader does.
func linesOf(files map[string]string) func(string, int) (string, bool) {
	return func(file string, line int) (string, bool) {
		text, ok := files[file]
		if !ok {
			return "", false
		}
		lines := strings.Split(text, "\n")
		if line < 1 || line > len(lines) {
			return "", false
		}
		return lines[line-1], true
	}
}

// span locates the first occurrence of sub on a line of a source file as a
// byte-column range, so fixture columns cannot drift from the sources.
func span(t testing.TB, file string, line int, sub string) finding.Range {
	t.Helper()
	text, ok := linesOf(sources)(file, line)
	if !ok {
		t.Fatalf("no line %s:%d", file, line)
	}
	i := strings.Index(text, sub)
	if i < 0 {
		t.Fatalf("%q not on %s:%d (%q)", sub, file, line, text)
	}
	return finding.Range{File: file, Start: finding.Pos{Line: line, Col: i + 1}, End: finding.Pos{Line: line, Col: i + 1 + len(sub)}}
}

func fixtureRules() []finding.RuleInfo {
	return []finding.RuleInfo{
		{
			ID: "CP001", Name: "unset-variable", Title: "Interpolated variable has no value", Severity: finding.SeverityError,
			Doc:     "# CP001 unset-variable\n\n## Why is this bad?\n\nCompose replaces an unset variable with an empty string\nand only warns once.\n\nThe service then starts with a broken value.\n\n## Example\n\n```yaml\nimage: ${TAG}\n```\n",
			HelpURI: "https://github.com/envdoctor/envdoctor/blob/main/docs/rules.md#CP001",
		},
		{
			ID: "CP010", Name: "hardcoded-secret", Title: "Literal secret in environment", Severity: finding.SeverityWarning, Security: true,
			Doc:     "## Why is this bad?\nA secret committed in a compose file is readable by everyone with the repository.\n",
			HelpURI: "https://github.com/envdoctor/envdoctor/blob/main/docs/rules.md#CP010",
		},
		{
			ID: "DF007", Name: "mkdir-before-workdir", Title: "mkdir before a WORKDIR that creates the directory", Severity: finding.SeverityInfo,
			Doc:     "Title only, no why section.\n",
			HelpURI: "https://github.com/envdoctor/envdoctor/blob/main/docs/rules.md#DF007",
		},
		{
			ID: "DF011", Name: "curl-pipe-shell", Title: "Script downloaded and piped into a shell", Severity: finding.SeverityWarning, Security: true,
			Doc:     "## Why is this bad?\n\nThe script runs unverified, as root, at build time.\n",
			HelpURI: "https://github.com/envdoctor/envdoctor/blob/main/docs/rules.md#DF011",
		},
		{
			ID: "DK001", Name: "docker-unreachable", Title: "The Docker engine does not answer", Severity: finding.SeverityError,
			HelpURI: "https://github.com/envdoctor/envdoctor/blob/main/docs/rules.md#DK001",
		},
		{
			ID: "EN001", Name: "duplicate-key", Title: "Key set twice in an env file", Severity: finding.SeverityWarning,
			Doc:     "## Why is this bad?\n\nOnly the last value counts.\n",
			HelpURI: "https://github.com/envdoctor/envdoctor/blob/main/docs/rules.md#EN001",
		},
		{
			ID: "SE001", Name: "private-key", Title: "Private key committed", Severity: finding.SeverityError, Security: true,
			HelpURI: "https://github.com/envdoctor/envdoctor/blob/main/docs/rules.md#SE001",
		},
	}
}

// fixtureFindings is a realistic run: an unset variable with a fix, a
// duplicate key with a safe deletion, an info with related locations, an
// engine that is down (no file), and a span after a tab and multi-byte
// characters. They come back sorted as the pipeline sorts them.
func fixtureFindings(t testing.TB) []finding.Finding {
	t.Helper()
	dup := finding.Range{File: ".env", Start: finding.Pos{Line: 2, Col: 1}, End: finding.Pos{Line: 3, Col: 1}}
	curl := span(t, "Dockerfile", 4, `curl -fsSL https://get.example.com/install.sh | sh`)
	fs := []finding.Finding{
		{
			RuleID:   "CP001",
			Severity: finding.SeverityError,
			Message:  `variable "POSTGRES_USER" is not set`,
			Range:    span(t, "docker-compose.yml", 13, "${POSTGRES_USER}"),
			Related: []finding.Related{
				{Range: finding.Range{File: ".env"}, Message: "searched .env"},
				{Message: "searched the shell environment"},
			},
			Fix: &finding.Fix{
				Message: "add POSTGRES_USER to .env",
				Edits: []finding.Edit{{
					Range:   finding.Range{File: ".env", Start: finding.Pos{Line: 5, Col: 1}, End: finding.Pos{Line: 5, Col: 1}},
					NewText: "POSTGRES_USER=\n",
				}},
			},
		},
		{
			RuleID:   "EN001",
			Severity: finding.SeverityWarning,
			Message:  `key "DEBUG" is set twice, line 4 wins`,
			Range:    dup,
			Related:  []finding.Related{{Range: span(t, ".env", 4, "DEBUG=false"), Message: "the value that wins"}},
			Fix: &finding.Fix{
				Message: "remove the first DEBUG line",
				Edits:   []finding.Edit{{Range: dup}},
				Safe:    true,
			},
		},
		{
			RuleID:   "DF007",
			Severity: finding.SeverityInfo,
			Message:  `mkdir "/app" is not needed: WORKDIR creates it`,
			Range:    span(t, "Dockerfile", 6, "mkdir -p /app"),
			Related: []finding.Related{
				{Range: span(t, "Dockerfile", 7, "WORKDIR /app"), Message: "WORKDIR creates /app here"},
				{Range: span(t, "Dockerfile", 2, "APP_HOME=/app"), Message: "the same path as APP_HOME"},
			},
		},
		{
			RuleID:   "DK001",
			Severity: finding.SeverityError,
			Message:  "cannot connect to the Docker engine at unix:///var/run/docker.sock: connection refused",
			Fix:      &finding.Fix{Message: "start Docker Desktop, or run `sudo systemctl start docker`"},
		},
		{
			RuleID:   "DF011",
			Severity: finding.SeverityWarning,
			Message:  "curl output piped into sh runs an unverified script",
			Range:    curl,
		},
	}
	slices.SortStableFunc(fs, func(a, b finding.Finding) int {
		switch {
		case finding.Less(a, b):
			return -1
		case finding.Less(b, a):
			return 1
		}
		return 0
	})
	return fs
}

func fixtureInput(t testing.TB) Input {
	return Input{
		Findings: fixtureFindings(t),
		Rules:    fixtureRules(),
		Lines:    linesOf(sources),
		Tool:     Tool{Name: "envdoctor", Version: "0.1.0", InformationURI: "https://github.com/envdoctor/envdoctor"},
		Anchor:   "docker-compose.yml",
	}
}

func emptyInput() Input {
	return Input{
		Rules: fixtureRules(),
		Lines: linesOf(sources),
		Tool:  Tool{Name: "envdoctor", Version: "0.1.0", InformationURI: "https://github.com/envdoctor/envdoctor"},
	}
}

// render runs one format and fails the test on error.
func render(t testing.TB, format string, in Input) string {
	t.Helper()
	f, err := New(format)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Format(&buf, in); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return buf.String()
}

// checkGolden compares got with testdata/report/name, or rewrites it with
// -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(goldenDir, name)
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (rerun with -update if the change is intended)\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}
