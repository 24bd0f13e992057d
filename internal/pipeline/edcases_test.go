package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/pipeline"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

// TestEngineRuleCases runs testdata/rules/ED001 and ED002 the way the rule
// harness does for engine rules: every rule, then the pipeline, and only
// the ED findings compared with want.txt.
func TestEngineRuleCases(t *testing.T) {
	all := rules.All()
	var infos []finding.RuleInfo
	for _, r := range all {
		infos = append(infos, r.Info())
	}
	known := func(s string) (string, bool) {
		r, ok := rules.Lookup(all, s)
		if !ok {
			return "", false
		}
		return r.ID, true
	}
	for _, id := range []string{pipeline.UnusedIgnoreID, pipeline.InvalidIgnoreID} {
		base := filepath.Join("..", "..", "testdata", "rules", id)
		cases, err := os.ReadDir(base)
		if err != nil {
			t.Fatal(err)
		}
		fires, quiet := false, false
		for _, c := range cases {
			dir := filepath.Join(base, c.Name())
			t.Run(id+"/"+c.Name(), func(t *testing.T) {
				p, err := project.Load(context.Background(), dir, project.Options{})
				if err != nil {
					t.Fatalf("load: %v", err)
				}
				res := pipeline.Process(p, rules.Run(p, all), pipeline.Options{Rules: infos, Known: known})
				var ed []finding.Finding
				for _, f := range res.Findings {
					if strings.HasPrefix(f.RuleID, "ED") {
						ed = append(ed, f)
					}
				}
				// In the quiet cases the comments silence a real finding.
				if c.Name() == "used" || c.Name() == "valid" {
					if res.Suppressed == 0 {
						t.Errorf("no finding was suppressed")
					}
				}
				got := golden(ed)
				want, err := os.ReadFile(filepath.Join(dir, "want.txt"))
				if err != nil {
					t.Fatal(err)
				}
				if got != string(want) {
					t.Errorf("--- want\n%s--- got\n%s", want, got)
				}
				if strings.Contains(got, " "+id+" ") {
					fires = true
				} else if got == "" {
					quiet = true
				}
			})
		}
		if !fires || !quiet {
			t.Errorf("%s: needs a case that fires (%v) and one that stays quiet (%v)", id, fires, quiet)
		}
	}
}

// golden is the rule harness's want.txt format.
func golden(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		r := f.Range
		fmt.Fprintf(&b, "%s:%d:%d-%d:%d: %s %s: %s\n", r.File, r.Start.Line, r.Start.Col, r.End.Line, r.End.Col, f.RuleID, f.Severity, f.Message)
		for _, rel := range f.Related {
			fmt.Fprintf(&b, "  related: %s:%d:%d: %s\n", rel.Range.File, rel.Range.Start.Line, rel.Range.Start.Col, rel.Message)
		}
		if f.Fix != nil {
			fmt.Fprintf(&b, "  fix: %s\n", f.Fix.Message)
		}
	}
	return b.String()
}

// TestHadolintWithRealRules: hadolint pragmas in a real Dockerfile silence
// the envdoctor twins that rules/hadolint.go lists, through the rule
// metadata, and nothing else.
func TestHadolintWithRealRules(t *testing.T) {
	dir := t.TempDir()
	src := "FROM python:3.12-slim\n" +
		"# hadolint ignore=DL3020,DL3008\n" +
		"ADD requirements.txt \\\n" +
		"    /app/\n" +
		"ADD src/ /app/src/\n" +
		"# hadolint ignore=DL4000\n" +
		"MAINTAINER Jane\n" +
		"# hadolint ignore=DL3025\n" +
		"CMD python app.py\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	all := rules.All()
	var infos []finding.RuleInfo
	var run []*rules.Rule
	for _, r := range all {
		infos = append(infos, r.Info())
		if r.ID == "DF008" || r.ID == "DF106" || r.ID == "DF107" {
			run = append(run, r)
		}
	}
	p, err := project.Load(context.Background(), dir, project.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := pipeline.Process(p, rules.Run(p, run), pipeline.Options{Rules: infos})
	got := golden(res.Findings)
	want := "Dockerfile:5:1-5:4: DF008 warning: ADD of local \"src/\" does what COPY does: ADD also extracts archives and downloads URLs, so a reader cannot tell what it is for\n" +
		"  fix: write COPY instead of ADD\n"
	if got != want {
		t.Errorf("--- want\n%s--- got\n%s", want, got)
	}
	if res.Suppressed != 3 {
		t.Errorf("Suppressed = %d, want 3", res.Suppressed)
	}
}
