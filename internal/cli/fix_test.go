package cli

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

// copyProject copies a project directory (without its .golden folder) to
// a temporary directory of the same name.
func copyProject(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if d.Name() == ".golden" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// snapshotTree reads every file under dir.
func snapshotTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	return files
}

func ruleIDsIn(t *testing.T, jsonReport string) map[string]int {
	t.Helper()
	var rep struct {
		Findings []struct{ Rule string }
	}
	if err := json.Unmarshal([]byte(jsonReport), &rep); err != nil {
		t.Fatalf("%v: %s", err, jsonReport)
	}
	ids := map[string]int{}
	for _, f := range rep.Findings {
		ids[f.Rule]++
	}
	return ids
}

func composeServices(t *testing.T, dir string) (services string, comments []string) {
	t.Helper()
	p, err := project.Load(context.Background(), dir, project.Options{Environ: tutorialShell})
	if err != nil {
		t.Fatal(err)
	}
	if p.Compose == nil || p.Compose.Model == nil {
		t.Fatalf("compose-go does not load the project: %+v", p.Compose)
	}
	var names []string
	for name, s := range p.Compose.Model.Services {
		names = append(names, name+"="+s.Image)
	}
	sort.Strings(names)
	for _, f := range p.Compose.Files {
		comments = append(comments, yamlComments(f.Root)...)
	}
	return strings.Join(names, ","), comments
}

func yamlComments(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	var out []string
	for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
		for _, l := range strings.Split(c, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	}
	for _, c := range n.Content {
		out = append(out, yamlComments(c)...)
	}
	return out
}

// commentedTutorial is the tutorial's compose file with comments a user
// might have written, in every place a fix edits near.
const commentedTutorial = `# The tutorial's stack.
version: '2.1'
services:
  # The database.
  postgres:
    restart: always # keep it up
    image: postgres:10
    environment:
      - POSTGRES_USER=${POSTGRES_USER}
      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD}
      - POSTGRES_DB=${POSTGRES_DB}
    volumes:
      - ./postgres-data/postgres:/var/lib/postgresql/data
    ports:
      - "5432:5432" # psql from the host
  # The Flask app.
  app:
    restart: always
    build: .
    ports:
      - 5000:5000
    volumes:
      - .:/app
    # start the database first
    depends_on:
      - postgres
    entrypoint: ["python", "manage.py","runserver"]
# end
`

// TestFixTutorial is the acceptance: envdoctor fix --unsafe on a
// copy of the tutorial's project leaves no DF001, DF002, DF007, CP004,
// CP005, CP006 (nor BC001, once that rule exists); compose-go still loads
// it to the same services, its comments are intact, and a second fix
// changes nothing.
func TestFixTutorial(t *testing.T) {
	dir := copyProject(t, "../../testdata/projects/flask-postgres")
	if err := os.WriteFile(filepath.Join(dir, "docker-compose.yml"), []byte(commentedTutorial), 0o644); err != nil {
		t.Fatal(err)
	}
	servicesBefore, commentsBefore := composeServices(t, dir)
	if len(commentsBefore) != 7 {
		t.Fatalf("comments %q", commentsBefore)
	}
	before, _, _ := run(t, dir, tutorialShell, "lint", "--format", "json")
	fixedRules := []string{"DF001", "DF002", "DF007", "CP004", "CP005", "CP006"}
	if _, ok := rules.Lookup(rules.All(), "BC001"); ok {
		fixedRules = append(fixedRules, "BC001")
	}
	ids := ruleIDsIn(t, before)
	for _, id := range fixedRules {
		if ids[id] == 0 {
			t.Errorf("%s does not fire on the tutorial before the fix", id)
		}
	}

	out, stderr, code := run(t, dir, tutorialShell, "fix", "--unsafe", "--no-color")
	if code != ExitFindings || stderr != "" {
		t.Fatalf("fix: exit %d (CP001 remains), stderr %q", code, stderr)
	}
	summary, report, _ := strings.Cut(out, "\n\n")
	for _, id := range fixedRules {
		if !strings.Contains(summary, id) {
			t.Errorf("the summary does not name %s:\n%s", id, summary)
		}
	}
	if !strings.Contains("\n"+summary, "\nDockerfile: ") || !strings.Contains("\n"+summary, "\ndocker-compose.yml: ") ||
		!strings.Contains(report, `error CP001 variable "POSTGRES_USER" is not set`) {
		t.Errorf("fix output:\n%s", out)
	}

	after, _, _ := run(t, dir, tutorialShell, "lint", "--format", "json")
	ids = ruleIDsIn(t, after)
	for _, id := range fixedRules {
		if ids[id] > 0 {
			t.Errorf("%s still fires after fix --unsafe:\n%s", id, after)
		}
	}
	servicesAfter, commentsAfter := composeServices(t, dir)
	if servicesAfter != servicesBefore {
		t.Errorf("services %s, after the fix %s", servicesBefore, servicesAfter)
	}
	if strings.Join(commentsAfter, "\n") != strings.Join(commentsBefore, "\n") {
		t.Errorf("comments %q, after the fix %q", commentsBefore, commentsAfter)
	}
	for _, c := range commentsBefore {
		if data, _ := os.ReadFile(filepath.Join(dir, "docker-compose.yml")); !strings.Contains(string(data), c) {
			t.Errorf("comment %q is gone", c)
		}
	}

	tree := snapshotTree(t, dir)
	out, _, code = run(t, dir, tutorialShell, "fix", "--unsafe")
	if code != ExitFindings || !strings.HasPrefix(out, "no fix applied\n") {
		t.Errorf("second fix: exit %d\n%s", code, out)
	}
	if again := snapshotTree(t, dir); !equalTrees(tree, again) {
		t.Error("a second fix changed files")
	}
}

func equalTrees(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestFixDiff: --diff changes nothing and prints what fix would do: the
// diff applied with patch -p1 gives the same files as fix.
func TestFixDiff(t *testing.T) {
	for _, args := range [][]string{{"--diff"}, {"--unsafe", "--diff"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := copyProject(t, "../../testdata/projects/flask-postgres")
			tree := snapshotTree(t, dir)
			diff, stderr, code := run(t, dir, tutorialShell, append([]string{"fix"}, args...)...)
			if code != ExitFindings {
				t.Errorf("exit %d, want the findings' code", code)
			}
			if !equalTrees(tree, snapshotTree(t, dir)) {
				t.Fatal("--diff changed files")
			}
			if !strings.Contains(diff, "--- a/Dockerfile\n+++ b/Dockerfile\n@@ ") || !strings.Contains(diff, "--- a/docker-compose.yml\n") {
				t.Errorf("diff:\n%s", diff)
			}
			if !strings.Contains(stderr, "the diff holds") {
				t.Errorf("stderr %q", stderr)
			}
			unsafe := len(args) == 2
			if hint := strings.Contains(stderr, "unsafe fixes are not in the diff ("); hint == unsafe {
				t.Errorf("unsafe hint %v with %v: %q", hint, args, stderr)
			}
			if _, err := exec.LookPath("patch"); err != nil {
				return
			}
			patched := copyProject(t, "../../testdata/projects/flask-postgres")
			cmd := exec.Command("patch", "-p1", "--quiet")
			cmd.Dir = patched
			cmd.Stdin = strings.NewReader(diff)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("patch -p1: %v\n%s", err, out)
			}
			fixArgs := []string{"fix"}
			if unsafe {
				fixArgs = append(fixArgs, "--unsafe")
			}
			run(t, dir, tutorialShell, fixArgs...)
			if !equalTrees(snapshotTree(t, dir), snapshotTree(t, patched)) {
				t.Error("the diff applied with patch differs from what fix writes")
			}
		})
	}
}

func TestFixFlags(t *testing.T) {
	tutorial := "../../testdata/projects/flask-postgres"
	t.Run("safe only, with the unsafe hint", func(t *testing.T) {
		dir := copyProject(t, tutorial)
		// The rules that fire on the tutorial today, so that a new rule
		// does not change the counts.
		out, _, _ := run(t, dir, tutorialShell, "fix", "--no-color", "--rule", "CP004,CP005,CP006,DF001,DF002,DF007,DF112")
		for _, want := range []string{
			"Dockerfile: 2 fixes (DF007, DF112)\n",
			"docker-compose.yml: 1 fix (CP005)\n",
			"3 fixes applied to 2 files\n",
			"4 unsafe fixes were not applied (CP004, CP006, DF001, DF002): review them with envdoctor fix --unsafe --diff, apply them with envdoctor fix --unsafe\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("--rule", func(t *testing.T) {
		dir := copyProject(t, tutorial)
		out, _, _ := run(t, dir, tutorialShell, "fix", "--unsafe", "--rule", "port-all-interfaces", "--rule", "cp005")
		if !strings.Contains(out, "docker-compose.yml: 2 fixes (CP005, CP006)\n") || strings.Contains(out, "Dockerfile: ") {
			t.Errorf("output:\n%s", out)
		}
	})
	t.Run("lint --fix is fix", func(t *testing.T) {
		a, b := copyProject(t, tutorial), copyProject(t, tutorial)
		outA, _, codeA := run(t, a, tutorialShell, "fix", "--no-color")
		outB, _, codeB := run(t, b, tutorialShell, "lint", "--fix", "--no-color")
		if outA != outB || codeA != codeB || !equalTrees(snapshotTree(t, a), snapshotTree(t, b)) {
			t.Errorf("fix and lint --fix differ:\n%s\n%s", outA, outB)
		}
	})
	t.Run("json stays json", func(t *testing.T) {
		dir := copyProject(t, tutorial)
		out, stderr, code := run(t, dir, tutorialShell, "fix", "--format", "json", "--rule", "CP005,DF007,DF112")
		if code != ExitFindings || !json.Valid([]byte(out)) || !strings.Contains(stderr, "3 fixes applied to 2 files") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
		}
	})
	t.Run("from another directory", func(t *testing.T) {
		dir := copyProject(t, tutorial)
		out, _, _ := run(t, filepath.Dir(dir), tutorialShell, "fix", "--rule", "CP005", filepath.Base(dir))
		if !strings.Contains(out, "flask-postgres/docker-compose.yml: 1 fix (CP005)\n") {
			t.Errorf("output:\n%s", out)
		}
	})
	t.Run("exit zero when only infos remain", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte("version: \"3.8\"\nservices:\n  web:\n    image: ghcr.io/acme/web:1.0\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, _, code := run(t, dir, nil, "fix", "--fail-level", "info")
		if code != ExitOK || !strings.Contains(out, "compose.yaml: 1 fix (CP005)") {
			t.Errorf("exit %d:\n%s", code, out)
		}
		if data, _ := os.ReadFile(filepath.Join(dir, "compose.yaml")); string(data) != "services:\n  web:\n    image: ghcr.io/acme/web:1.0\n" {
			t.Errorf("compose.yaml = %q", data)
		}
	})
	t.Run("an ignored finding is not fixed", func(t *testing.T) {
		dir := copyProject(t, tutorial)
		compose := filepath.Join(dir, "docker-compose.yml")
		data, _ := os.ReadFile(compose)
		kept := "# envdoctor:ignore CP005 -- old docker-compose reads it\n" + string(data)
		if err := os.WriteFile(compose, []byte(kept), 0o644); err != nil {
			t.Fatal(err)
		}
		out, _, _ := run(t, dir, tutorialShell, "fix", "--rule", "CP005")
		if after, _ := os.ReadFile(compose); string(after) != kept || !strings.HasPrefix(out, "no fix applied\n") {
			t.Errorf("output:\n%s", out)
		}
	})
	usage := []struct {
		args []string
		err  string
	}{
		{[]string{"fix", "--rule", "CP999"}, `--rule: unknown rule "CP999"`},
		{[]string{"lint", "--unsafe"}, "--unsafe and --rule choose fixes: add --fix"},
		{[]string{"lint", "--rule", "CP005"}, "add --fix"},
	}
	for _, u := range usage {
		_, stderr, code := run(t, tutorial, tutorialShell, u.args...)
		if code != ExitError || !strings.Contains(stderr, u.err) {
			t.Errorf("%v: exit %d, stderr %q", u.args, code, stderr)
		}
	}
}

// TestFixReadOnly: a read-only file is reported and left as it is; the
// other files are fixed.
func TestFixReadOnly(t *testing.T) {
	dir := copyProject(t, "../../testdata/projects/flask-postgres")
	compose := filepath.Join(dir, "docker-compose.yml")
	before, _ := os.ReadFile(compose)
	if err := os.Chmod(compose, 0o444); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := run(t, dir, tutorialShell, "fix")
	if code != ExitFindings {
		t.Errorf("exit %d", code)
	}
	if !strings.Contains(stderr, "envdoctor fix: warning: docker-compose.yml: the file is read-only: not changed\n") {
		t.Errorf("stderr %q", stderr)
	}
	if !strings.Contains(out, "Dockerfile: ") || strings.Contains(out, "docker-compose.yml: ") {
		t.Errorf("stdout:\n%s", out)
	}
	if after, _ := os.ReadFile(compose); string(after) != string(before) {
		t.Error("the read-only file was changed")
	}
}
