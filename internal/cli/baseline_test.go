package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func jsonRules(t *testing.T, out string) []string {
	t.Helper()
	var rep struct {
		Findings []struct {
			Rule    string
			Message string
			Line    int
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.Rule)
	}
	return got
}

// TestBaseline is the acceptance: a baseline written on the example
// project makes the next lint exit 0, and a new problem added above the
// old ones is reported while the old ones stay hidden, although their
// lines moved.
func TestBaseline(t *testing.T) {
	dir := copyProject(t, "../../testdata/projects/flask-postgres")
	out, stderr, code := run(t, dir, tutorialShell, "lint", "--write-baseline", "envdoctor-baseline.json")
	var written int
	if _, err := fmt.Sscanf(stderr[strings.Index(stderr, "wrote ")+len("wrote "):], "%d findings to the baseline envdoctor-baseline.json", &written); err != nil ||
		code != ExitOK || !strings.Contains(out, "no problems found") || written < 10 {
		t.Fatalf("--write-baseline: exit %d (%v)\n%s\n%s", code, err, out, stderr)
	}
	out, stderr, code = run(t, dir, tutorialShell, "lint", "--baseline", "envdoctor-baseline.json", "--format", "json")
	if code != ExitOK || len(jsonRules(t, out)) != 0 {
		t.Fatalf("lint with the baseline: exit %d\n%s\n%s", code, out, stderr)
	}

	// A new service with an unset variable, above the old services: every
	// old finding of the compose file moves down by four lines.
	compose := filepath.Join(dir, "docker-compose.yml")
	data, _ := os.ReadFile(compose)
	edited := strings.Replace(string(data), "services:\n", "services:\n  cache:\n    image: redis:7\n    environment:\n      - REDIS_PASSWORD=${REDIS_PASSWORD}\n", 1)
	if err := os.WriteFile(compose, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code = run(t, dir, tutorialShell, "lint", "--baseline", "envdoctor-baseline.json", "--format", "json")
	if got := strings.Join(jsonRules(t, out), " "); code != ExitFindings || got != "CP001" || !strings.Contains(out, `REDIS_PASSWORD`) {
		t.Errorf("new problem above the old ones: exit %d, rules %q\n%s\n%s", code, got, out, stderr)
	}
	// Without the baseline the old ones are still there, lower down.
	out, _, _ = run(t, dir, tutorialShell, "lint", "--format", "json")
	if !strings.Contains(out, `"line": 11,`) || strings.Count(out, `"rule": "CP001"`) != 4 {
		t.Errorf("without the baseline: %s", out)
	}

	// The config's baseline: applies the same, relative to the config.
	if err := os.WriteFile(filepath.Join(dir, ".envdoctor.yaml"), []byte("baseline: envdoctor-baseline.json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = run(t, dir, tutorialShell, "lint", "--format", "json")
	if got := strings.Join(jsonRules(t, out), " "); code != ExitFindings || got != "CP001" {
		t.Errorf("config baseline: exit %d, rules %q", code, got)
	}
	// From another directory, the paths still match.
	out, _, code = run(t, filepath.Dir(dir), tutorialShell, "lint", "--format", "json", filepath.Base(dir))
	if got := strings.Join(jsonRules(t, out), " "); code != ExitFindings || got != "CP001" {
		t.Errorf("from the parent directory: exit %d, rules %q", code, got)
	}

	// A fixed finding is reported as fixed with -v.
	df := filepath.Join(dir, "Dockerfile")
	data, _ = os.ReadFile(df)
	if err := os.WriteFile(df, []byte(strings.Replace(string(data), "LABEL maintainer \"Timothy Ko <tk2@illinois.edu>\"\n", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, _ = run(t, dir, tutorialShell, "lint", "-v", "-q")
	if !strings.Contains(stderr, fmt.Sprintf("note: the baseline envdoctor-baseline.json hid %d of its %d findings", written-1, written)) ||
		!strings.Contains(stderr, "note: fixed since the baseline: Dockerfile: DF112 ") ||
		strings.Count(stderr, "fixed since the baseline") != 1 {
		t.Errorf("-v stderr:\n%s", stderr)
	}
	// Without -v, nothing about the baseline.
	if _, stderr, _ = run(t, dir, tutorialShell, "lint", "-q"); strings.Contains(stderr, "baseline") {
		t.Errorf("stderr without -v: %s", stderr)
	}
	// Linting only the compose file: the Dockerfile's entries are not
	// "fixed", they were not looked at.
	_, stderr, _ = run(t, dir, tutorialShell, "lint", "-v", "-q", "docker-compose.yml")
	if strings.Contains(stderr, "fixed since") {
		t.Errorf("files mode reported fixed findings of other files:\n%s", stderr)
	}
}

func TestBaselineErrors(t *testing.T) {
	dir := copyProject(t, "../../testdata/projects/flask-postgres")
	cases := []struct {
		args []string
		err  string
	}{
		{[]string{"lint", "--baseline", "nope.json"}, "nope.json does not exist"},
		{[]string{"lint", "--write-baseline", "b.json", "Dockerfile"}, "give a directory, not files"},
	}
	for _, c := range cases {
		_, stderr, code := run(t, dir, tutorialShell, c.args...)
		if code != ExitError || !strings.Contains(stderr, c.err) {
			t.Errorf("%v: exit %d, stderr %q", c.args, code, stderr)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, dir, tutorialShell, "lint", "--baseline", "bad.json"); code != ExitError || !strings.Contains(stderr, "version 0") {
		t.Errorf("bad baseline: exit %d, %s", code, stderr)
	}
}

// TestLintFilesOutsideAnyProject: pre-commit may pass a .env of a
// directory without compose file or Dockerfile; it is skipped, not an
// error.
func TestLintFilesOutsideAnyProject(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "web"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "web", ".env"), []byte("VITE_API=http://localhost\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := run(t, dir, tutorialShell, "lint", "web/.env")
	if code != ExitOK || !strings.Contains(out, "no problems found") {
		t.Errorf("exit %d\n%s\n%s", code, out, stderr)
	}
	_, stderr, _ = run(t, dir, tutorialShell, "lint", "-v", "web/.env")
	if !strings.Contains(stderr, "skipped") {
		t.Errorf("-v does not say the file was skipped: %s", stderr)
	}
}
