package fix

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

func writeFile(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestWriteKeepsModeAndFollowsLinks(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "run.sh"), "echo hi\r\n", 0o755)
	if err := os.Mkdir(filepath.Join(root, "shared"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(root, "shared", "compose.yaml"), "version: '3'\n", 0o640)
	if err := os.Symlink("shared/compose.yaml", filepath.Join(root, "compose.yaml")); err != nil {
		t.Skip("no symlinks:", err)
	}
	changes := []*Change{
		{File: "run.sh", Old: Content{Data: []byte("echo hi\r\n"), Exists: true}, New: []byte("echo hi\n")},
		{File: "compose.yaml", Old: Content{Data: []byte("version: '3'\n"), Exists: true}, New: []byte("")},
		{File: ".dockerignore", Old: Content{}, New: []byte(".git\n")},
	}
	written, problems := Write(root, changes)
	if len(problems) > 0 || len(written) != 3 {
		t.Fatalf("problems %v, written %d", problems, len(written))
	}
	if got := readFile(t, filepath.Join(root, "run.sh")); got != "echo hi\n" {
		t.Errorf("run.sh = %q", got)
	}
	if fi, _ := os.Stat(filepath.Join(root, "run.sh")); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o755 {
		t.Errorf("mode %v, want 0755", fi.Mode().Perm())
	}
	if fi, _ := os.Lstat(filepath.Join(root, "compose.yaml")); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symbolic link was replaced by a file")
	}
	if got := readFile(t, filepath.Join(root, "shared", "compose.yaml")); got != "" {
		t.Errorf("link target = %q", got)
	}
	if fi, _ := os.Stat(filepath.Join(root, "shared", "compose.yaml")); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o640 {
		t.Errorf("link target mode %v", fi.Mode().Perm())
	}
	if got := readFile(t, filepath.Join(root, ".dockerignore")); got != ".git\n" {
		t.Errorf(".dockerignore = %q", got)
	}
	assertNoTempFiles(t, root)
}

func assertNoTempFiles(t *testing.T, root string) {
	t.Helper()
	_ = filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err == nil && strings.Contains(filepath.Base(path), ".envdoctor-") {
			t.Errorf("temporary file left: %s", path)
		}
		return nil
	})
}

func TestWriteRefuses(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "changed.yml"), "edited by the user\n", 0o644)
	writeFile(t, filepath.Join(root, "readonly.yml"), "x\n", 0o444)
	writeFile(t, filepath.Join(root, "appeared"), "someone made it\n", 0o644)
	changes := []*Change{
		{File: "changed.yml", Old: Content{Data: []byte("as linted\n"), Exists: true}, New: []byte("fixed\n")},
		{File: "readonly.yml", Old: Content{Data: []byte("x\n"), Exists: true}, New: []byte("y\n")},
		{File: "appeared", Old: Content{}, New: []byte("new\n")},
		{File: "gone.yml", Old: Content{Data: []byte("x\n"), Exists: true}, New: []byte("y\n")},
		{File: "nodir/new", Old: Content{}, New: []byte("new\n")},
	}
	written, problems := Write(root, changes)
	if len(written) != 0 {
		t.Errorf("written %v", written)
	}
	want := map[string]string{
		"changed.yml":  "changed since envdoctor read it",
		"readonly.yml": "read-only",
		"appeared":     "created since envdoctor read the project",
		"gone.yml":     "removed since envdoctor read it",
		"nodir/new":    "directory does not exist",
	}
	if len(problems) != len(want) {
		t.Errorf("problems %v", problems)
	}
	for _, p := range problems {
		if !strings.Contains(p.Reason, want[p.File]) {
			t.Errorf("%s: %q, want %q", p.File, p.Reason, want[p.File])
		}
	}
	if got := readFile(t, filepath.Join(root, "changed.yml")); got != "edited by the user\n" {
		t.Errorf("changed.yml was written: %q", got)
	}
	if got := readFile(t, filepath.Join(root, "readonly.yml")); got != "x\n" {
		t.Errorf("readonly.yml was written: %q", got)
	}
	assertNoTempFiles(t, root)
}

// fakeLint lints a directory of one-line "key: value" files: each line
// "old" gets a fix replacing it with "new"; two fixes overlap on purpose.
func fakeLint(root string, findings func(files map[string]string) []finding.Finding) Lint {
	return func() (*Snapshot, error) {
		files := map[string]string{}
		entries, _ := os.ReadDir(root)
		for _, e := range entries {
			if data, err := os.ReadFile(filepath.Join(root, e.Name())); err == nil {
				files[e.Name()] = string(data)
			}
		}
		return &Snapshot{
			Root:     root,
			Findings: findings(files),
			Source: func(file string) ([]byte, bool) {
				s, ok := files[file]
				return []byte(s), ok
			},
		}, nil
	}
}

// TestRunRounds: overlapping fixes are applied over several rounds, and a
// second run changes nothing.
func TestRunRounds(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "Dockerfile"), "RUN apt-get update\nRUN mkdir /app\nWORKDIR /app\n", 0o644)
	lint := fakeLint(root, func(files map[string]string) []finding.Finding {
		var out []finding.Finding
		lines := strings.SplitAfter(files["Dockerfile"], "\n")
		for i, l := range lines {
			switch {
			case strings.HasPrefix(l, "RUN apt-get update\n"):
				// Delete this line and the next: overlaps the mkdir fix.
				out = append(out, fixAt("DF002", i+1, true, edit("Dockerfile", i+1, 1, i+3, 1, "RUN apt-get update && apt-get install -y curl\n")))
			case strings.HasPrefix(l, "RUN mkdir"):
				out = append(out, fixAt("DF007", i+1, true, edit("Dockerfile", i+1, 1, i+2, 1, "")))
			}
		}
		return out
	})
	res, err := Run(lint, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Round 1 applies DF002 (first in order) which removes the mkdir line.
	if got := readFile(t, filepath.Join(root, "Dockerfile")); got != "RUN apt-get update && apt-get install -y curl\nWORKDIR /app\n" {
		t.Errorf("Dockerfile = %q", got)
	}
	if res.Rounds != 1 || len(res.Remaining) != 0 || res.Applied() != 1 {
		t.Errorf("rounds %d, remaining %v, applied %d", res.Rounds, res.Remaining, res.Applied())
	}
	again, err := Run(lint, Options{})
	if err != nil || again.Rounds != 0 || len(again.Files) != 0 {
		t.Errorf("second run: %+v %v", again, err)
	}
}

func TestRunOverlapNeedsTwoRounds(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a"), "x\n", 0o644)
	// Two fixes insert at the start of a file with different lines: one per
	// round, the other proposed again after re-linting.
	lint := fakeLint(root, func(files map[string]string) []finding.Finding {
		var out []finding.Finding
		if !strings.Contains(files["a"], "one\n") {
			out = append(out, fixAt("R1", 1, true, edit("a", 1, 1, 1, 1, "one\n")))
		}
		if !strings.Contains(files["a"], "two\n") {
			out = append(out, fixAt("R2", 1, true, edit("a", 1, 1, 1, 1, "two\n")))
		}
		return out
	})
	res, err := Run(lint, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "a")); got != "two\none\nx\n" {
		t.Errorf("a = %q", got)
	}
	if res.Rounds != 2 || len(res.Files) != 1 || strings.Join(res.Files[0].Rules(), ",") != "R1,R2" {
		t.Errorf("rounds %d files %+v", res.Rounds, res.Files)
	}
}

// A fix that never makes its finding go away is applied once, and a rule
// that always finds something new stops at the round bound.
func TestRunBounded(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a"), "x\n", 0o644)
	n := 0
	lint := fakeLint(root, func(files map[string]string) []finding.Finding {
		n++
		f := fixAt("R1", 1, true, edit("a", 1, 1, 1, 1, "again\n"))
		f.Message = "round " + string(rune('0'+n))
		return []finding.Finding{f, fixAt("STUCK", 1, true, finding.AppendLines("a", "stuck"))}
	})
	res, err := Run(lint, Options{MaxRounds: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rounds != 3 || res.Pending == 0 {
		t.Errorf("rounds %d pending %d", res.Rounds, res.Pending)
	}
	if got := readFile(t, filepath.Join(root, "a")); strings.Count(got, "stuck\n") != 1 {
		t.Errorf("the same fix was applied twice: %q", got)
	}
}

// TestRunLeavesChangedFile: a file edited between the lint and the write is
// left alone with a problem, and so is every fix touching it, in every file;
// the other files are fixed.
func TestRunLeavesChangedFile(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a"), "x\n", 0o644)
	writeFile(t, filepath.Join(root, "b"), "x\n", 0o644)
	writeFile(t, filepath.Join(root, "c"), "x\n", 0o644)
	inner := fakeLint(root, func(files map[string]string) []finding.Finding {
		var out []finding.Finding
		if files["a"] == "x\n" {
			out = append(out, fixAt("R1", 1, true, edit("a", 1, 1, 1, 2, "y")))
		}
		if files["b"] == "x\n" {
			// One fix across b and c: when b cannot be written, c must not change either.
			out = append(out, fixAt("R2", 1, true, edit("b", 1, 1, 1, 2, "y"), edit("c", 1, 1, 1, 2, "y")))
		}
		return out
	})
	first := true
	lint := func() (*Snapshot, error) {
		s, err := inner()
		if first {
			first = false
			writeFile(t, filepath.Join(root, "b"), "edited meanwhile\n", 0o644)
		}
		return s, err
	}
	res, err := Run(lint, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if readFile(t, filepath.Join(root, "a")) != "y\n" || readFile(t, filepath.Join(root, "b")) != "edited meanwhile\n" || readFile(t, filepath.Join(root, "c")) != "x\n" {
		t.Errorf("a %q b %q c %q", readFile(t, filepath.Join(root, "a")), readFile(t, filepath.Join(root, "b")), readFile(t, filepath.Join(root, "c")))
	}
	if len(res.Problems) != 1 || res.Problems[0].File != "b" || !strings.Contains(res.Problems[0].Reason, "changed since") {
		t.Errorf("problems %v", res.Problems)
	}
}

func TestRunReadOnly(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a"), "x\n", 0o444)
	lint := fakeLint(root, func(files map[string]string) []finding.Finding {
		return []finding.Finding{fixAt("R1", 1, true, edit("a", 1, 1, 1, 2, "y"))}
	})
	res, err := Run(lint, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].String(), "a: the file is read-only") || len(res.Files) != 0 {
		t.Errorf("%+v", res)
	}
	if len(res.Remaining) != 1 {
		t.Errorf("the finding remains: %v", res.Remaining)
	}
}

func TestRunRejectsOutOfRange(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a"), "x\n", 0o644)
	lint := fakeLint(root, func(files map[string]string) []finding.Finding {
		return []finding.Finding{
			fixAt("BAD", 1, true, edit("a", 1, 1, 1, 2, "y"), edit("a", 9, 1, 9, 1, "z")),
			fixAt("OK", 1, true, finding.AppendLines("a", "tail")),
		}
	})
	res, err := Run(lint, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "a")); got != "x\ntail\n" {
		t.Errorf("a = %q (the bad fix must not be half-applied)", got)
	}
	if len(res.Rejected) != 1 || !strings.Contains(res.Rejected[0].String(), "BAD fix at a:1:1 not applied: edit 9:1-9:1 is outside a") {
		t.Errorf("rejected %v", res.Rejected)
	}
}

// TestWriteAllPutsBack: when one file of a round cannot be written, the
// files already written in the round get their old content back.
func TestWriteAllPutsBack(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a"), "old\n", 0o644)
	changes := []*Change{
		{File: "a", Old: Content{Data: []byte("old\n"), Exists: true}, New: []byte("new\n")},
		{File: "b", Old: Content{}, New: []byte("created\n")},
		{File: "missing-dir/c", Old: Content{}, New: []byte("x\n")},
	}
	written, problems := writeAll(root, changes)
	if len(written) != 0 || len(problems) != 1 || problems[0].File != "missing-dir/c" {
		t.Errorf("written %v problems %v", written, problems)
	}
	if got := readFile(t, filepath.Join(root, "a")); got != "old\n" {
		t.Errorf("a = %q, want it put back", got)
	}
	if _, err := os.Stat(filepath.Join(root, "b")); !os.IsNotExist(err) {
		t.Errorf("b was created and not removed: %v", err)
	}
}

// A fix that changes nothing does not hold back one that overlaps it.
func TestRunNoOpDoesNotBlock(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a"), "x\n", 0o644)
	lint := fakeLint(root, func(files map[string]string) []finding.Finding {
		if files["a"] != "x\n" {
			return nil
		}
		return []finding.Finding{
			fixAt("A", 1, true, edit("a", 1, 1, 1, 2, "x")), // no-op
			fixAt("B", 1, true, edit("a", 1, 1, 2, 1, "y\n")),
		}
	})
	if _, err := Run(lint, Options{}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(root, "a")); got != "y\n" {
		t.Errorf("a = %q", got)
	}
}
