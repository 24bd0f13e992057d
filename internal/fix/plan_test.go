package fix

import (
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

func pos(l, c int) finding.Pos { return finding.Pos{Line: l, Col: c} }

func edit(file string, l1, c1, l2, c2 int, text string) finding.Edit {
	return finding.Edit{Range: finding.Range{File: file, Start: pos(l1, c1), End: pos(l2, c2)}, NewText: text}
}

func fixAt(rule string, line int, safe bool, edits ...finding.Edit) finding.Finding {
	file := "f"
	if len(edits) > 0 {
		file = edits[0].Range.File
	}
	return finding.Finding{
		RuleID: rule, Severity: finding.SeverityWarning, Message: rule + " message",
		Range: finding.Range{File: file, Start: pos(line, 1), End: pos(line, 2)},
		Fix:   &finding.Fix{Message: "do it", Edits: edits, Safe: safe},
	}
}

// memFiles is a ReadFunc over linted contents; a file not listed does not
// exist.
func memFiles(files map[string]string) ReadFunc {
	return func(file string) (Content, error) {
		data, ok := files[file]
		if !ok {
			return Content{}, nil
		}
		return Content{Data: []byte(data), Exists: true, Linted: true}, nil
	}
}

func newContent(t *testing.T, plan *Plan, file string) string {
	t.Helper()
	for _, c := range plan.Changes {
		if c.File == file {
			return string(c.New)
		}
	}
	t.Fatalf("no change to %s in %+v", file, plan.Changes)
	return ""
}

func TestPlanAppliesInOrder(t *testing.T) {
	files := memFiles(map[string]string{"a.yml": "version: '3'\nservices:\n  db:\n    ports:\n      - 5432:5432\n"})
	fs := []finding.Finding{
		fixAt("CP006", 5, false, edit("a.yml", 5, 9, 5, 9, "127.0.0.1:")),
		fixAt("CP005", 1, true, edit("a.yml", 1, 1, 2, 1, "")),
	}
	plan := NewPlan(fs, files, Options{Unsafe: true}, nil)
	if got, want := newContent(t, plan, "a.yml"), "services:\n  db:\n    ports:\n      - 127.0.0.1:5432:5432\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := strings.Join(plan.Changes[0].Rules(), ","); got != "CP005,CP006" {
		t.Errorf("rules %s", got)
	}
	// Without --unsafe only the safe fix applies.
	plan = NewPlan(fs, files, Options{}, nil)
	if got, want := newContent(t, plan, "a.yml"), "services:\n  db:\n    ports:\n      - 5432:5432\n"; got != want {
		t.Errorf("safe only: got %q", got)
	}
	// --rule limits the fixes.
	plan = NewPlan(fs, files, Options{Unsafe: true, Rule: func(id string) bool { return id == "CP006" }}, nil)
	if len(plan.Applied) != 1 || plan.Applied[0].RuleID != "CP006" {
		t.Errorf("rule filter: %+v", plan.Applied)
	}
}

func TestPlanOverlaps(t *testing.T) {
	files := memFiles(map[string]string{"Dockerfile": "FROM a\nRUN x\nRUN y\n"})
	cases := []struct {
		name     string
		a, b     finding.Edit
		deferred bool
		want     string
	}{
		{"disjoint", edit("Dockerfile", 2, 1, 3, 1, ""), edit("Dockerfile", 3, 5, 3, 6, "z"), false, "FROM a\nRUN z\n"},
		{"touching delete then insert", edit("Dockerfile", 2, 1, 3, 1, ""), edit("Dockerfile", 3, 1, 3, 1, "# c\n"), false, "FROM a\n# c\nRUN y\n"},
		{"insert at the end of a delete", edit("Dockerfile", 3, 1, 3, 1, "# c\n"), edit("Dockerfile", 2, 1, 3, 1, ""), false, "FROM a\n# c\nRUN y\n"},
		{"overlap", edit("Dockerfile", 2, 1, 3, 1, ""), edit("Dockerfile", 2, 5, 2, 6, "z"), true, "FROM a\nRUN y\n"},
		{"insert inside", edit("Dockerfile", 2, 1, 3, 1, ""), edit("Dockerfile", 2, 3, 2, 3, "N"), true, "FROM a\nRUN y\n"},
		{"two inserts at one place", edit("Dockerfile", 2, 1, 2, 1, "A\n"), edit("Dockerfile", 2, 1, 2, 1, "B\n"), true, "FROM a\nA\nRUN x\nRUN y\n"},
		{"identical edits apply once", edit("Dockerfile", 2, 1, 2, 1, "A\n"), edit("Dockerfile", 2, 1, 2, 1, "A\n"), false, "FROM a\nA\nRUN x\nRUN y\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := []finding.Finding{fixAt("DF001", 1, true, c.a), fixAt("DF002", 2, true, c.b)}
			plan := NewPlan(fs, files, Options{}, nil)
			if (len(plan.Deferred) == 1) != c.deferred {
				t.Errorf("deferred %v, want %v", plan.Deferred, c.deferred)
			}
			if got := newContent(t, plan, "Dockerfile"); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// A fix is all or nothing: when one of its edits overlaps, none applies,
// in no file.
func TestPlanFixIsAtomic(t *testing.T) {
	files := memFiles(map[string]string{"a": "1\n2\n3\n", "b": "x\n"})
	first := fixAt("CP004", 1, true, edit("a", 2, 1, 3, 1, "two\n"))
	second := fixAt("CP004", 2, true, edit("b", 1, 1, 1, 2, "y"), edit("a", 2, 1, 2, 2, "deux"))
	plan := NewPlan([]finding.Finding{first, second}, files, Options{}, nil)
	if len(plan.Changes) != 1 || plan.Changes[0].File != "a" || len(plan.Deferred) != 1 {
		t.Errorf("changes %+v deferred %v", plan.Changes, plan.Deferred)
	}
}

func TestPlanRejects(t *testing.T) {
	files := memFiles(map[string]string{"a": "one\ntwo\n", "noeol": "abc"})
	cases := []struct {
		name   string
		edits  []finding.Edit
		reason string
	}{
		{"line past the end", []finding.Edit{edit("a", 4, 1, 4, 1, "x")}, "outside a (3 lines)"},
		{"column past the line", []finding.Edit{edit("a", 1, 6, 1, 6, "x")}, "outside a"},
		{"column zero", []finding.Edit{edit("a", 1, 0, 1, 1, "x")}, "outside a"},
		{"past a last line without newline", []finding.Edit{edit("noeol", 1, 5, 1, 5, "x")}, "outside noeol"},
		{"end before start", []finding.Edit{edit("a", 2, 1, 1, 1, "x")}, "ends before it starts"},
		{"edits of one fix overlap", []finding.Edit{edit("a", 1, 1, 2, 1, ""), edit("a", 1, 2, 1, 3, "x")}, "overlap each other"},
		{"absolute path", []finding.Edit{edit("/etc/passwd", 1, 1, 1, 1, "x")}, "not a file of the project"},
		{"unclean path", []finding.Edit{edit("a/../b", 1, 1, 1, 1, "x")}, ""},
		{"missing file, not a create", []finding.Edit{edit("gone", 2, 1, 2, 1, "x")}, "gone does not exist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := fixAt("DF001", 1, true, c.edits...)
			plan := NewPlan([]finding.Finding{f}, files, Options{}, nil)
			if len(plan.Rejected) != 1 || len(plan.Changes) != 0 {
				t.Fatalf("rejected %v, changes %v", plan.Rejected, plan.Changes)
			}
			if !strings.Contains(plan.Rejected[0].Reason, c.reason) {
				t.Errorf("reason %q, want %q", plan.Rejected[0].Reason, c.reason)
			}
		})
	}
	// The end of the file and the end of a line are in range.
	ok := []finding.Edit{edit("a", 3, 1, 3, 1, "three\n"), edit("a", 1, 4, 1, 4, "!")}
	plan := NewPlan([]finding.Finding{fixAt("DF001", 1, true, ok...)}, files, Options{}, nil)
	if got := newContent(t, plan, "a"); got != "one!\ntwo\nthree\n" {
		t.Errorf("got %q", got)
	}
}

func TestPlanCreateAndAppend(t *testing.T) {
	read := func(file string) (Content, error) {
		switch file {
		case ".gitignore": // on disk, not linted
			return Content{Data: []byte("node_modules"), Exists: true}, nil
		case "Dockerfile":
			return Content{Data: []byte("FROM a\n"), Exists: true, Linted: true}, nil
		}
		return Content{}, nil
	}
	fs := []finding.Finding{
		fixAt("BC001", 1, true, finding.CreateFile(".dockerignore", ".git\n.env\n")),
		fixAt("SE002", 1, true, finding.AppendLines(".gitignore", ".env")),
		fixAt("SE003", 1, true, finding.AppendLines(".gitignore", "*.pem\n")),
		fixAt("SE004", 1, true, finding.AppendLines(".gitignore", ".env")), // the same line: once
		fixAt("HS005", 1, true, finding.AppendLines(".gitattributes", "*.sh text eol=lf\n")),
	}
	plan := NewPlan(fs, read, Options{}, nil)
	want := map[string]string{
		".dockerignore":  ".git\n.env\n",
		".gitignore":     "node_modules\n.env\n*.pem\n",
		".gitattributes": "*.sh text eol=lf\n",
	}
	for file, content := range want {
		if got := newContent(t, plan, file); got != content {
			t.Errorf("%s: got %q, want %q", file, got, content)
		}
	}
	for _, c := range plan.Changes {
		if c.Old.Exists != (c.File == ".gitignore") {
			t.Errorf("%s: Old.Exists %v", c.File, c.Old.Exists)
		}
	}
	// A positional edit in a file the lint did not read is refused (a
	// create whose file appeared since).
	plan = NewPlan([]finding.Finding{fixAt("BC001", 1, true, finding.CreateFile(".gitignore", "x\n"))}, read, Options{}, nil)
	if len(plan.Rejected) != 1 || !strings.Contains(plan.Rejected[0].Reason, "not read by the lint") {
		t.Errorf("create over an existing file: %v", plan.Rejected)
	}
}

func TestPlanSkipsBlockedFiles(t *testing.T) {
	files := memFiles(map[string]string{"a": "x\n", "b": "y\n"})
	fs := []finding.Finding{fixAt("X", 1, true, edit("a", 1, 1, 1, 2, "z"), edit("b", 1, 1, 1, 2, "z"))}
	plan := NewPlan(fs, files, Options{}, func(f string) bool { return f == "b" })
	if len(plan.Changes) != 0 || len(plan.Applied) != 0 || len(plan.Rejected) != 0 {
		t.Errorf("a fix touching a blocked file must be left out whole: %+v", plan)
	}
}

// A fix whose edits write what is already there changes no file.
func TestPlanNoOp(t *testing.T) {
	files := memFiles(map[string]string{"a": "x\n"})
	plan := NewPlan([]finding.Finding{fixAt("X", 1, true, edit("a", 1, 1, 1, 2, "x"))}, files, Options{}, nil)
	if len(plan.Changes) != 0 {
		t.Errorf("changes %+v", plan.Changes)
	}
}

// A whole-file replacement (CRLF to LF, as EN004 would write it) is an
// edit from 1:1 to the end of the file.
func TestPlanWholeFile(t *testing.T) {
	crlf := "A=1\r\nB=2\r\n"
	files := memFiles(map[string]string{".env": crlf})
	f := fixAt("EN004", 1, true, edit(".env", 1, 1, 3, 1, strings.ReplaceAll(crlf, "\r\n", "\n")))
	plan := NewPlan([]finding.Finding{f}, files, Options{}, nil)
	if got := newContent(t, plan, ".env"); got != "A=1\nB=2\n" {
		t.Errorf("got %q", got)
	}
	d := Unified(".env", plan.Changes[0].Old, plan.Changes[0].New)
	if !strings.Contains(d, "-A=1\r\n-B=2\r\n+A=1\n+B=2\n") {
		t.Errorf("diff %q", d)
	}
}
