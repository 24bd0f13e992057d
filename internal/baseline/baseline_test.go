package baseline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

func lines(files map[string]string) func(string, int) (string, bool) {
	return func(file string, n int) (string, bool) {
		ls := strings.Split(files[file], "\n")
		if n < 1 || n > len(ls) {
			return "", false
		}
		return ls[n-1], true
	}
}

func TestWriteLoadMatch(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "app")
	path := filepath.Join(dir, "baseline.json")
	src := map[string]string{"compose.yaml": "services:\n  web:\n    image: redis\n    image: redis\n"}
	f := func(line int) finding.Finding {
		return finding.Finding{RuleID: "CP013", Severity: finding.SeverityWarning, Message: `image "redis" has no tag`,
			Range: finding.Range{File: "compose.yaml", Start: finding.Pos{Line: line, Col: 12}}}
	}
	w := New(path)
	// Two identical findings on identical lines, and one about no file.
	w.Record(w.EntryOf(root, f(3), lines(src)))
	w.Record(w.EntryOf(root, f(4), lines(src)))
	w.Record(w.EntryOf(root, finding.Finding{RuleID: "DK001", Message: "engine down"}, lines(src)))
	if err := w.Write(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	text := string(data)
	if !strings.Contains(text, `"file": "app/compose.yaml"`) || !strings.Contains(text, `"file": ""`) ||
		strings.Index(text, `"DK001"`) > strings.Index(text, `"CP013"`) || !strings.HasSuffix(text, "}\n") {
		t.Errorf("baseline file:\n%s", text)
	}
	b, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Entries) != 3 {
		t.Fatalf("%d entries", len(b.Entries))
	}
	// Lines inserted above: the findings moved to lines 5 and 6.
	moved := map[string]string{"compose.yaml": "# one\n# two\n" + src["compose.yaml"]}
	if !b.Match(b.EntryOf(root, f(5), lines(moved))) || !b.Match(b.EntryOf(root, f(6), lines(moved))) {
		t.Error("moved findings do not match")
	}
	// A third identical one is new: the baseline held two.
	if b.Match(b.EntryOf(root, f(7), lines(map[string]string{"compose.yaml": strings.Repeat("    image: redis\n", 8)}))) {
		t.Error("a third twin matched")
	}
	// Another line content is another finding.
	other := map[string]string{"compose.yaml": "services:\n  web:\n    image: redis # cache\n"}
	if b.Match(b.EntryOf(root, f(3), lines(other))) {
		t.Error("a finding on a changed line matched")
	}
	// The finding about no file was not seen: it is unmatched.
	un := b.Unmatched()
	if len(un) != 1 || un[0].Rule != "DK001" {
		t.Errorf("unmatched %+v", un)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := map[string]string{
		write("v2.json", `{"version": 2, "findings": []}`):                     "version 2",
		write("junk.json", `[1, 2]`):                                           "not a baseline file",
		write("unknown.json", `{"version": 1, "findings": [], "extra": true}`): "not a baseline file",
		write("nofp.json", `{"version": 1, "findings": [{"rule": "CP001"}]}`):  "no fingerprint",
		filepath.Join(dir, "missing.json"):                                     "does not exist",
	}
	for path, want := range cases {
		if _, err := Load(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%s) = %v, want an error with %q", filepath.Base(path), err, want)
		}
	}
	if b, err := Load(write("empty.json", `{"version": 1, "findings": []}`)); err != nil || len(b.Entries) != 0 {
		t.Errorf("empty baseline: %v %v", b, err)
	}
}
