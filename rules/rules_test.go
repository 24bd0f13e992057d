package rules_test

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

var update = flag.Bool("update", false, "rewrite want.txt files from the current output")

// TestRules runs every case under testdata/rules/<ID>/<case>/: the case
// directory is loaded as a project (with the shell environment of its
// shell.env file, if any, and the engine's answers about local images of
// its local-images.json, as envdoctor fix gives them), only rule <ID> runs, and the findings must equal
// want.txt. An empty want.txt means the rule must stay quiet.
func TestRules(t *testing.T) {
	all := rules.All()
	base := filepath.Join("..", "testdata", "rules")
	ids, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, idDir := range ids {
		rule, ok := rules.Lookup(all, idDir.Name())
		if !ok {
			t.Errorf("testdata/rules/%s: no such rule", idDir.Name())
			continue
		}
		if strings.HasPrefix(rule.ID, "ED") {
			continue // engine findings: tested through the pipeline
		}
		cases, _ := os.ReadDir(filepath.Join(base, idDir.Name()))
		for _, c := range cases {
			if !c.IsDir() {
				continue
			}
			dir := filepath.Join(base, idDir.Name(), c.Name())
			t.Run(rule.ID+"/"+c.Name(), func(t *testing.T) {
				loadDir, git := generateCase(t, caseDir(t, dir))
				// Git starts in the background as in a lint.
				p, err := project.Load(context.Background(), loadDir, project.Options{Environ: readShellEnv(t, dir), Git: git, GitPrefetch: true})
				if err != nil {
					t.Fatalf("load: %v", err)
				}
				defer p.Git.Close()
				p.LocalImages = readLocalImages(t, dir)
				got := FormatGolden(rules.Run(p, []*rules.Rule{rule}))
				compareGolden(t, filepath.Join(base, idDir.Name(), c.Name(), "want.txt"), got)
			})
		}
	}
}

// FormatGolden renders findings in the golden format: one line per finding
// with its exact span, then its fix message.
func FormatGolden(fs []finding.Finding) string {
	sort.SliceStable(fs, func(i, j int) bool { return finding.Less(fs[i], fs[j]) })
	var b strings.Builder
	for _, f := range fs {
		r := f.Range
		fmt.Fprintf(&b, "%s:%d:%d-%d:%d: %s %s: %s\n", r.File, r.Start.Line, r.Start.Col, r.End.Line, r.End.Col, f.RuleID, f.Severity, f.Message)
		for _, rel := range f.Related {
			fmt.Fprintf(&b, "  related: %s:%d:%d: %s\n", rel.Range.File, rel.Range.Start.Line, rel.Range.Start.Col, rel.Message)
		}
		if f.Fix != nil {
			fmt.Fprintf(&b, "  fix: %s\n", f.Fix.Message)
			for _, e := range f.Fix.Edits {
				safety := "unsafe"
				if f.Fix.Safe {
					safety = "safe"
				}
				fmt.Fprintf(&b, "  edit (%s): %s:%d:%d-%d:%d %q\n", safety, e.Range.File, e.Range.Start.Line, e.Range.Start.Col, e.Range.End.Line, e.Range.End.Col, e.NewText)
			}
		}
	}
	return b.String()
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs\n--- want\n%s--- got\n%s", path, want, got)
	}
}

// readShellEnv reads KEY=VALUE lines of the case's shell.env: the shell
// environment the case runs with. Without it the environment is empty, so
// the developer's own shell never changes a result.
func readShellEnv(t *testing.T, dir string) []string {
	f, err := os.Open(filepath.Join(dir, "shell.env"))
	if err != nil {
		return nil
	}
	defer f.Close()
	var env []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			env = append(env, line)
		}
	}
	return env
}

// readLocalImages reads the case's local-images.json: what the engine
// answered about the project's images (project.LocalImages), as envdoctor
// fix asks it. Without it nobody asked, as in lint.
func readLocalImages(t *testing.T, dir string) *project.LocalImages {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "local-images.json"))
	if err != nil {
		return nil
	}
	var li project.LocalImages
	if err := json.Unmarshal(data, &li); err != nil {
		t.Fatalf("local-images.json: %v", err)
	}
	return &li
}

// TestRegistry rejects a rule without doc, with a bad ID or name, or without
// both a case that fires and a case that stays quiet.
func TestRegistry(t *testing.T) {
	all := rules.All()
	seen := map[string]bool{}
	for i, r := range all {
		if err := rules.Validate(r); err != nil {
			t.Error(err)
		}
		if seen[r.ID] || seen[r.Name] {
			t.Errorf("rule %s: duplicate ID or name %q", r.ID, r.Name)
		}
		seen[r.ID], seen[r.Name] = true, true
		if i > 0 && all[i-1].ID >= r.ID {
			t.Errorf("rules not sorted by ID at %s", r.ID)
		}
		doc := rules.Doc(r.ID)
		for _, section := range []string{"# " + r.ID + " " + r.Name, "## Why", "## Fix"} {
			if !strings.Contains(doc, section) {
				t.Errorf("rule %s: doc lacks %q", r.ID, section)
			}
		}
		if r.ID == rules.InternalErrorID {
			continue // cannot be triggered on purpose; tested in TestPanicRecovery
		}
		if !strings.Contains(doc, "## Bad") || !strings.Contains(doc, "## Good") {
			t.Errorf("rule %s: doc needs a ## Bad and a ## Good example", r.ID)
		}
		fires, quiet := caseKinds(t, r.ID)
		if !fires || !quiet {
			t.Errorf("rule %s: needs testdata cases that fire (%v) and that stay quiet (%v)", r.ID, fires, quiet)
		}
	}
}

func caseKinds(t *testing.T, id string) (fires, quiet bool) {
	dir := filepath.Join("..", "testdata", "rules", id)
	cases, _ := os.ReadDir(dir)
	for _, c := range cases {
		want, err := os.ReadFile(filepath.Join(dir, c.Name(), "want.txt"))
		if err != nil {
			continue
		}
		if len(strings.TrimSpace(string(want))) == 0 {
			quiet = true
		} else if strings.Contains(string(want), " "+id+" ") {
			fires = true
		}
	}
	return fires, quiet
}

// TestPanicRecovery: a rule that panics becomes one ED000 finding and the
// other rules still run.
func TestPanicRecovery(t *testing.T) {
	p := &project.Project{Sources: map[string]*project.Source{}}
	boom := &rules.Rule{ID: "XX001", Name: "boom", Run: func(*rules.Pass) { panic("kaboom") }}
	ok := &rules.Rule{ID: "XX002", Name: "ok", Severity: finding.SeverityInfo, Run: func(p *rules.Pass) {
		p.Reportf(finding.Range{File: "f"}, nil, "still ran")
	}}
	got := rules.Run(p, []*rules.Rule{boom, ok})
	if len(got) != 2 {
		t.Fatalf("got %d findings, want 2: %+v", len(got), got)
	}
	if got[0].RuleID != rules.InternalErrorID || !strings.Contains(got[0].Message, "XX001") || !strings.Contains(got[0].Message, "kaboom") {
		t.Errorf("panic finding = %+v", got[0])
	}
	if got[1].Message != "still ran" || got[1].RuleID != "XX002" || got[1].Severity != finding.SeverityInfo {
		t.Errorf("second finding = %+v", got[1])
	}
}

// generateCase prepares a case whose inputs cannot live in the repository:
// with a generate.txt, the case is copied to a temporary directory and
// each line of generate.txt is applied there:
//
//	sparse PATH SIZE        a sparse file of SIZE bytes (never written)
//	files DIR COUNT         COUNT small files in DIR
//	fifo PATH               a named pipe
//	socket PATH             a Unix socket (kept open for the test)
//	git init                a git repository (user and email set)
//	git add PATH...         git add; the load then asks the real git
//	git commit              commit what was added
//	mkdir PATH              an empty directory
//
// Without generate.txt the case directory is loaded as is, without git.
func generateCase(t *testing.T, dir string) (string, project.GitRunner) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "generate.txt"))
	if err != nil {
		return dir, nil
	}
	tmp := filepath.Join(t.TempDir(), filepath.Base(dir))
	if err := copyTree(dir, tmp); err != nil {
		t.Fatal(err)
	}
	var git project.GitRunner
	runGit := func(args ...string) {
		t.Helper()
		if _, err := exec.LookPath("git"); err != nil {
			t.Skip("git is not installed")
		}
		cmd := exec.Command("git", append([]string{"-C", tmp, "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		at := func(i int) string { return filepath.Join(tmp, filepath.FromSlash(f[i])) }
		mkParent := func(p string) {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		switch {
		case f[0] == "sparse" && len(f) == 3:
			size, err := strconv.ParseInt(f[2], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			mkParent(at(1))
			fh, err := os.Create(at(1))
			if err != nil {
				t.Fatal(err)
			}
			if err := fh.Truncate(size); err != nil {
				t.Fatal(err)
			}
			fh.Close()
		case f[0] == "files" && len(f) == 3:
			n, err := strconv.Atoi(f[2])
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(at(1), 0o755); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < n; i++ {
				if err := os.WriteFile(filepath.Join(at(1), fmt.Sprintf("f%05d.txt", i)), []byte("x\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		case f[0] == "fifo" && len(f) == 2:
			mkParent(at(1))
			if err := mkfifo(at(1)); err != nil {
				t.Skipf("cannot make a named pipe: %v", err)
			}
		case f[0] == "socket" && len(f) == 2:
			mkParent(at(1))
			l, err := net.Listen("unix", at(1))
			if err != nil {
				t.Skipf("cannot make a Unix socket at %s: %v", at(1), err)
			}
			t.Cleanup(func() { l.Close() })
		case f[0] == "mkdir" && len(f) == 2:
			if err := os.MkdirAll(at(1), 0o755); err != nil {
				t.Fatal(err)
			}
		case f[0] == "git" && len(f) >= 2:
			switch f[1] {
			case "init":
				runGit("init", "-q")
				git = project.ExecGit
			case "commit":
				runGit("commit", "-q", "-m", "test")
			default:
				runGit(f[1:]...)
			}
		default:
			t.Fatalf("generate.txt: bad line %q", line)
		}
	}
	return tmp, git
}

// copyTree copies a case directory (files and directories only).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if rel == "generate.txt" || rel == "want.txt" || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
