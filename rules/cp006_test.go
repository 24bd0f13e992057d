package rules_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

// TestCP006EditsApply applies every edit CP006 proposes on its cases and
// loads the result again: compose-go must still load it, and only the
// findings that had no edit may remain.
func TestCP006EditsApply(t *testing.T) {
	rule, _ := rules.Lookup(rules.All(), "CP006")
	dirs, _ := filepath.Glob(filepath.Join("..", "testdata", "rules", "CP006", "*"))
	for _, src := range dirs {
		t.Run(filepath.Base(src), func(t *testing.T) {
			dir := copyCase(t, src)
			environ := readShellEnv(t, dir)
			p, err := project.Load(context.Background(), dir, project.Options{Environ: environ})
			if err != nil {
				t.Fatal(err)
			}
			found := rules.Run(p, []*rules.Rule{rule})
			withoutEdit := 0
			var edits []finding.Edit
			for _, f := range found {
				if f.Fix == nil || len(f.Fix.Edits) == 0 {
					withoutEdit++
					continue
				}
				if f.Fix.Safe {
					t.Errorf("%s: CP006 edits change who can connect: they are not safe", f.Range)
				}
				edits = append(edits, f.Fix.Edits...)
			}
			applyEdits(t, p, dir, edits)
			again, err := project.Load(context.Background(), dir, project.Options{Environ: environ})
			if err != nil {
				t.Fatal(err)
			}
			if len(again.Compose.LoadErrors) > 0 {
				t.Fatalf("after the edits: %v", again.Compose.LoadErrors)
			}
			if left := rules.Run(again, []*rules.Rule{rule}); len(left) != withoutEdit {
				t.Errorf("after the edits %d findings remain, want %d:\n%s", len(left), withoutEdit, FormatGolden(left))
			}
		})
	}
}

// applyEdits writes the edits into the files, last edit first.
func applyEdits(t *testing.T, p *project.Project, dir string, edits []finding.Edit) {
	t.Helper()
	byFile := map[string][]finding.Edit{}
	for _, e := range edits {
		byFile[e.Range.File] = append(byFile[e.Range.File], e)
	}
	for file, es := range byFile {
		src := p.Sources[file]
		if src == nil {
			t.Fatalf("edit in unknown file %s", file)
		}
		sort.Slice(es, func(i, j int) bool { return es[j].Range.Start.Before(es[i].Range.Start) })
		data := append([]byte(nil), src.Data...)
		for _, e := range es {
			from, to := src.Offset(e.Range.Start), src.Offset(e.Range.End)
			if from < 0 || to < from {
				t.Fatalf("bad edit range %v", e.Range)
			}
			data = append(data[:from], append([]byte(e.NewText), data[to:]...)...)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(file)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
