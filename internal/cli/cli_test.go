package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/envdoctor/envdoctor/checks"
	"github.com/envdoctor/envdoctor/internal/config"
	"github.com/envdoctor/envdoctor/internal/report"
	"github.com/envdoctor/envdoctor/rules"
)

var update = flag.Bool("update", false, "rewrite golden files")

// run runs the CLI in-process from dir with a fixed environment.
func run(t *testing.T, dir string, environ []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Environ:    environ,
		Getwd:      func() (string, error) { return abs, nil },
		IsTerminal: func(io.Writer) bool { return false },
	})
	return out.String(), errb.String(), code
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/cli -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

// The shell a developer of the tutorial has: USER is set, as in every shell.
var tutorialShell = []string{"USER=alice", "HOME=/home/alice", "PATH=/usr/bin"}

// TestProjectsGolden runs lint on every project under testdata/projects in
// every format and compares with testdata/projects/<name>/.golden/<format>.
func TestProjectsGolden(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "projects", "*"))
	if len(dirs) == 0 {
		t.Fatal("no projects")
	}
	for _, dir := range dirs {
		// The goldens live in the project directory, which is a build
		// context: lint a copy without them, so their size (BC001) does
		// not depend on themselves.
		proj := copyProject(t, dir)
		for _, format := range report.Names() {
			t.Run(filepath.Base(dir)+"/"+format, func(t *testing.T) {
				out, stderr, code := run(t, proj, tutorialShell, "lint", "--format", format)
				if code != ExitFindings && code != ExitOK {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				golden(t, filepath.Join(dir, ".golden", format), out)
			})
		}
	}
}

// TestTutorialFindings is the acceptance: CP001 for POSTGRES_USER,
// POSTGRES_PASSWORD and POSTGRES_DB at their exact lines and columns.
func TestTutorialFindings(t *testing.T) {
	out, _, code := run(t, "../../testdata/projects/flask-postgres", tutorialShell, "lint", "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit code %d, want %d", code, ExitFindings)
	}
	var rep struct {
		Version  int
		Findings []struct {
			Rule, Name, Severity, Message, File string
			Line, Column, EndLine, EndColumn    int `json:"-"`
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Findings []map[string]any
	}
	_ = json.Unmarshal([]byte(out), &raw)
	want := map[string][3]int{"POSTGRES_USER": {7, 23, 39}, "POSTGRES_PASSWORD": {8, 27, 47}, "POSTGRES_DB": {9, 21, 35}}
	got := map[string][3]int{}
	for _, f := range raw.Findings {
		if f["rule"] != "CP001" {
			continue
		}
		for name := range want {
			if strings.Contains(f["message"].(string), `"`+name+`"`) {
				got[name] = [3]int{int(f["line"].(float64)), int(f["column"].(float64)), int(f["end_column"].(float64))}
			}
		}
		if f["file"] != "docker-compose.yml" || f["severity"] != "error" {
			t.Errorf("finding %v", f)
		}
	}
	for name, pos := range want {
		if got[name] != pos {
			t.Errorf("CP001 %s at %v, want line/col/end %v", name, got[name], pos)
		}
	}
	if rep.Version != 1 {
		t.Errorf("version %d", rep.Version)
	}
}

func TestExitCodes(t *testing.T) {
	tutorial := "../../testdata/projects/flask-postgres"
	emptyDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(emptyDir, "README.md"), []byte("hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A project whose only finding is CP005 (info): the policy cases do
	// not depend on which rules fire on the tutorial.
	infoOnly := t.TempDir()
	if err := os.WriteFile(filepath.Join(infoOnly, "compose.yaml"), []byte("version: \"3.8\"\nservices:\n  web:\n    image: ghcr.io/acme/web:1.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		dir  string
		args []string
		code int
		err  string
	}{
		{"findings", tutorial, []string{"lint"}, ExitFindings, ""},
		{"exit-zero", tutorial, []string{"lint", "--exit-zero"}, ExitOK, ""},
		{"fail-level none", tutorial, []string{"lint", "--fail-level", "none"}, ExitOK, ""},
		{"disable the info", infoOnly, []string{"lint", "--disable", "obsolete-version", "--fail-level", "info"}, ExitOK, ""},
		{"info fails at info", infoOnly, []string{"lint", "--fail-level", "info"}, ExitFindings, ""},
		{"info passes at warning", infoOnly, []string{"lint"}, ExitOK, ""},
		{"json same code", tutorial, []string{"lint", "--format", "json"}, ExitFindings, ""},
		{"bad format", tutorial, []string{"lint", "--format", "xml"}, ExitError, "xml"},
		{"bad fail level", tutorial, []string{"lint", "--fail-level", "fatal"}, ExitError, "fatal"},
		{"unknown rule", tutorial, []string{"lint", "--disable", "CP999"}, ExitError, `unknown rule "CP999"`},
		{"unknown flag", tutorial, []string{"lint", "--frobnicate"}, ExitError, "frobnicate"},
		{"missing dir", tutorial, []string{"lint", "does-not-exist"}, ExitError, "does-not-exist: no such file or directory"},
		{"no docker files", emptyDir, []string{"lint"}, ExitError, "no compose file"},
		{"missing -f", tutorial, []string{"lint", "-f", "nope.yml"}, ExitError, "nope.yml (from -f): no such file"},
		{"missing --env-file", tutorial, []string{"lint", "--env-file", "nope.env"}, ExitError, "nope.env (from --env-file)"},
		{"explain unknown", tutorial, []string{"explain", "XX123"}, ExitError, `unknown rule "XX123"`},
		{"doctor default", tutorial, nil, ExitFindings, ""},
		{"doctor no docker files", emptyDir, nil, ExitOK, "only the machine was checked"},
		{"doctor bad timeout", tutorial, []string{"doctor", "--timeout", "0s"}, ExitError, "--timeout must be positive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := run(t, c.dir, tutorialShell, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.code, stderr)
			}
			if c.err != "" && !strings.Contains(stderr, c.err) {
				t.Errorf("stderr %q does not contain %q", stderr, c.err)
			}
			if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
				t.Errorf("stack trace on stderr: %s", stderr)
			}
		})
	}
}

// TestLintFiles: pre-commit passes files; only findings in them (or
// anchored in them) are reported.
func TestLintFiles(t *testing.T) {
	tutorial := "../../testdata/projects/flask-postgres"
	out, _, code := run(t, tutorial, tutorialShell, "lint", "--format", "json", "Dockerfile")
	if code != ExitFindings || !strings.Contains(out, `"file": "Dockerfile"`) ||
		strings.Contains(out, "docker-compose.yml") || findingIn(t, out, ".env") ||
		!strings.Contains(out, `"rule": "DF001"`) || !strings.Contains(out, `"rule": "DF002"`) || !strings.Contains(out, `"rule": "DF007"`) {
		t.Errorf("Dockerfile alone: exit %d, %s", code, out)
	}
	// .env is related to the CP001 findings (it holds USER, PASSWORD, DB).
	out, _, code = run(t, tutorial, tutorialShell, "lint", "--format", "json", ".env")
	if code != ExitFindings || strings.Count(out, `"rule": "CP001"`) != 3 || strings.Contains(out, "CP005") {
		t.Errorf(".env: exit %d, %s", code, out)
	}
	out, _, _ = run(t, tutorial, tutorialShell, "lint", "--format", "json", "docker-compose.yml")
	if strings.Count(out, `"rule": "CP001"`) != 3 || !strings.Contains(out, "CP005") {
		t.Errorf("docker-compose.yml: %s", out)
	}
}

func TestColor(t *testing.T) {
	tutorial := "../../testdata/projects/flask-postgres"
	out, _, _ := run(t, tutorial, append([]string{"FORCE_COLOR=1"}, tutorialShell...), "lint")
	if !strings.Contains(out, "\x1b[") {
		t.Error("FORCE_COLOR=1: no color")
	}
	out, _, _ = run(t, tutorial, append([]string{"FORCE_COLOR=1", "NO_COLOR=1"}, tutorialShell...), "lint")
	if strings.Contains(out, "\x1b[") {
		t.Error("NO_COLOR=1 wins over FORCE_COLOR: colored")
	}
	out, _, _ = run(t, tutorial, append([]string{"FORCE_COLOR=1"}, tutorialShell...), "lint", "--no-color")
	if strings.Contains(out, "\x1b[") {
		t.Error("--no-color: colored")
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, c := range commands() {
		out, stderr, code := run(t, ".", nil, c.name, "--help")
		if code != ExitOK || !strings.Contains(out, "Usage:") || stderr != "" {
			t.Errorf("%s --help: exit %d, out %q, err %q", c.name, code, out, stderr)
		}
		if c.name != "version" && !strings.Contains(out, "Examples:") {
			t.Errorf("%s --help has no examples", c.name)
		}
	}
	out, _, code := run(t, ".", nil, "--help")
	if code != ExitOK || !strings.Contains(out, "Commands:") {
		t.Errorf("--help: %d %q", code, out)
	}
}

func TestExplain(t *testing.T) {
	out, _, code := run(t, ".", nil, "explain", "unset-variable")
	if code != ExitOK || !strings.HasPrefix(out, "# CP001 unset-variable") || !strings.Contains(out, "## Bad") {
		t.Errorf("explain: %d %q", code, out)
	}
	out2, _, _ := run(t, ".", nil, "explain", "cp001")
	if out2 != out {
		t.Error("explain by lowercase ID differs from by name")
	}
	// BuildKit's checks keep BuildKit's names, found in any case.
	bk, _, code := run(t, ".", nil, "explain", "StageNameCasing")
	if code != ExitOK || !strings.HasPrefix(bk, "# DF100 StageNameCasing") {
		t.Errorf("explain StageNameCasing: %d %q", code, bk)
	}
	for _, name := range []string{"stagenamecasing", "STAGENAMECASING", "df100"} {
		if got, _, _ := run(t, ".", nil, "explain", name); got != bk {
			t.Errorf("explain %s differs from explain StageNameCasing", name)
		}
	}
}

// TestRulesMarkdownFresh fails when docs/rules.md is stale.
func TestRulesMarkdownFresh(t *testing.T) {
	golden(t, filepath.Join("..", "..", "docs", "rules.md"), RulesMarkdown(rules.All(), checks.All()))
}

func TestOutputFile(t *testing.T) {
	dir := t.TempDir()
	outPath := filepath.Join(dir, "report.sarif")
	stdout, stderr, code := run(t, "../../testdata/projects/flask-postgres", tutorialShell, "lint", "--format", "sarif", "-o", outPath, "--exit-zero")
	if code != ExitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	data, err := os.ReadFile(outPath)
	if err != nil || !json.Valid(data) || !bytes.Contains(data, []byte(`"ruleId": "CP001"`)) {
		t.Errorf("report file: %v %s", err, data)
	}
}

// TestNoLibraryLogging: compose-go logs through logrus' global logger, which
// writes to the process's stderr behind envdoctor's back. Every rule and
// the loader must keep it quiet: the output is envdoctor's alone.
func TestNoLibraryLogging(t *testing.T) {
	var logged bytes.Buffer
	std := logrus.StandardLogger()
	prev := std.Out
	std.SetOutput(&logged)
	defer std.SetOutput(prev)
	for _, dir := range []string{"../../testdata/projects/flask-postgres"} {
		run(t, dir, tutorialShell, "lint")
		run(t, dir, nil, "lint", "--format", "json")
	}
	if logged.Len() > 0 {
		t.Errorf("a library logged:\n%s", logged.String())
	}
}

// TestConfigSchemaFresh fails when schema/envdoctor.schema.json is stale
// (a rule was added): go test ./internal/cli -update rewrites it.
func TestConfigSchemaFresh(t *testing.T) {
	golden(t, filepath.Join("..", "..", "schema", "envdoctor.schema.json"), string(config.Schema(ruleInfos(rules.All(), checks.All()))))
}

// findingIn reports whether a JSON report has a finding located in file
// (related locations aside).
func findingIn(t *testing.T, out, file string) bool {
	t.Helper()
	var rep struct {
		Findings []struct{ File string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.File == file {
			return true
		}
	}
	return false
}
