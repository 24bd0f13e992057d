package report

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

func keysOf(m map[string]any) string {
	return strings.Join(slices.Sorted(maps.Keys(m)), ",")
}

func TestJSONFieldNames(t *testing.T) {
	out := render(t, "json", fixtureInput(t))
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if got := keysOf(doc); got != "findings,version" {
		t.Errorf("top-level keys %s", got)
	}
	if doc["version"] != float64(1) {
		t.Errorf("version %v", doc["version"])
	}
	findings := doc["findings"].([]any)
	const rangeKeys = "column,end_column,end_line,file,line"
	for i, f := range findings {
		obj := f.(map[string]any)
		want := "column,end_column,end_line,file,line,message,name,related,rule,severity"
		if obj["fix"] != nil {
			want = "column,end_column,end_line,file,fix,line,message,name,related,rule,severity"
		}
		if got := keysOf(obj); got != want {
			t.Errorf("finding %d keys %s, want %s", i, got, want)
		}
		for _, r := range obj["related"].([]any) {
			if got := keysOf(r.(map[string]any)); got != rangeKeys+",message" {
				t.Errorf("related keys %s", got)
			}
		}
		if fix, ok := obj["fix"].(map[string]any); ok {
			if got := keysOf(fix); got != "edits,message,safe" {
				t.Errorf("fix keys %s", got)
			}
			for _, e := range fix["edits"].([]any) {
				if got := keysOf(e.(map[string]any)); got != "column,end_column,end_line,file,line,new_text" {
					t.Errorf("edit keys %s", got)
				}
			}
		}
	}
	// Empty lists are [] and never null.
	if strings.Contains(out, "null") {
		t.Errorf("null in JSON output:\n%s", out)
	}
	if !strings.Contains(out, `"related": []`) || !strings.Contains(out, `"edits": []`) {
		t.Errorf("empty related/edits are not []:\n%s", out)
	}
	if !strings.HasSuffix(out, "}\n") || !strings.HasPrefix(out, "{\n  \"version\": 1,\n  \"findings\": [\n    {\n      \"rule\"") {
		t.Errorf("not indented by two spaces with a trailing newline:\n%s", out)
	}
}

// The decoding types are written out here, independent of json.go, so a
// renamed tag there fails this test.
type jsonDoc struct {
	Version  int `json:"version"`
	Findings []struct {
		Rule      string `json:"rule"`
		Name      string `json:"name"`
		Severity  string `json:"severity"`
		Message   string `json:"message"`
		File      string `json:"file"`
		Line      int    `json:"line"`
		Column    int    `json:"column"`
		EndLine   int    `json:"end_line"`
		EndColumn int    `json:"end_column"`
		Related   []struct {
			File      string `json:"file"`
			Line      int    `json:"line"`
			Column    int    `json:"column"`
			EndLine   int    `json:"end_line"`
			EndColumn int    `json:"end_column"`
			Message   string `json:"message"`
		} `json:"related"`
		Fix *struct {
			Message string `json:"message"`
			Safe    bool   `json:"safe"`
			Edits   []struct {
				File      string `json:"file"`
				Line      int    `json:"line"`
				Column    int    `json:"column"`
				EndLine   int    `json:"end_line"`
				EndColumn int    `json:"end_column"`
				NewText   string `json:"new_text"`
			} `json:"edits"`
		} `json:"fix"`
	} `json:"findings"`
}

func TestJSONRoundTrip(t *testing.T) {
	in := fixtureInput(t)
	out := render(t, "json", in)
	var doc jsonDoc
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || len(doc.Findings) != len(in.Findings) {
		t.Fatalf("version %d, %d findings", doc.Version, len(doc.Findings))
	}
	names := map[string]string{}
	for _, r := range in.Rules {
		names[r.ID] = r.Name
	}
	for i, got := range doc.Findings {
		want := in.Findings[i]
		if got.Rule != want.RuleID || got.Name != names[want.RuleID] || got.Severity != want.Severity.String() ||
			got.Message != want.Message || got.File != want.Range.File ||
			got.Line != want.Range.Start.Line || got.Column != want.Range.Start.Col ||
			got.EndLine != want.Range.End.Line || got.EndColumn != want.Range.End.Col {
			t.Errorf("finding %d: got %+v, want %+v", i, got, want)
		}
		if len(got.Related) != len(want.Related) {
			t.Errorf("finding %d: %d related, want %d", i, len(got.Related), len(want.Related))
		}
		for j, r := range want.Related {
			g := got.Related[j]
			if g.File != r.Range.File || g.Line != r.Range.Start.Line || g.Column != r.Range.Start.Col ||
				g.EndLine != r.Range.End.Line || g.EndColumn != r.Range.End.Col || g.Message != r.Message {
				t.Errorf("finding %d related %d: %+v, want %+v", i, j, g, r)
			}
		}
		if (got.Fix == nil) != (want.Fix == nil) {
			t.Fatalf("finding %d: fix %v, want %v", i, got.Fix, want.Fix)
		}
		if want.Fix == nil {
			continue
		}
		if got.Fix.Message != want.Fix.Message || got.Fix.Safe != want.Fix.Safe || len(got.Fix.Edits) != len(want.Fix.Edits) {
			t.Errorf("finding %d fix %+v, want %+v", i, *got.Fix, *want.Fix)
			continue
		}
		for j, e := range want.Fix.Edits {
			g := got.Fix.Edits[j]
			if g.File != e.Range.File || g.Line != e.Range.Start.Line || g.Column != e.Range.Start.Col ||
				g.EndLine != e.Range.End.Line || g.EndColumn != e.Range.End.Col || g.NewText != e.NewText {
				t.Errorf("finding %d edit %d: %+v, want %+v", i, j, g, e)
			}
		}
	}
	// Spot checks on concrete values.
	first := doc.Findings[0]
	if first.Rule != "DK001" || first.File != "" || first.Line != 0 || first.Fix == nil || len(first.Fix.Edits) != 0 {
		t.Errorf("the finding about no file: %+v", first)
	}
	last := doc.Findings[len(doc.Findings)-1]
	if last.Rule != "CP001" || last.Name != "unset-variable" || last.Severity != "error" || last.Line != 13 ||
		last.Column != 22 || last.EndColumn != 38 || last.Fix.Edits[0].NewText != "POSTGRES_USER=\n" {
		t.Errorf("CP001: %+v", last)
	}
}

func TestJSONEmptyAndUnknownRule(t *testing.T) {
	if got, want := render(t, "json", Input{}), "{\n  \"version\": 1,\n  \"findings\": []\n}\n"; got != want {
		t.Errorf("clean run: %q, want %q", got, want)
	}
	out := render(t, "json", Input{Findings: []finding.Finding{{RuleID: "ZZ999", Severity: finding.SeverityInfo, Message: "a <b> & c"}}})
	if !strings.Contains(out, `"name": "",`) {
		t.Errorf("unknown rule must have an empty name:\n%s", out)
	}
	if !strings.Contains(out, `"message": "a <b> & c"`) {
		t.Errorf("HTML characters must not be escaped:\n%s", out)
	}
	if strings.Contains(out, `"fix"`) {
		t.Errorf("fix present without a fix:\n%s", out)
	}
}

// TestJSONDoc keeps docs/json.md honest: its first example is exactly what
// the formatter writes for those findings, every example decodes with no
// unknown field, and every field is documented.
func TestJSONDoc(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "json.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	var blocks []string
	for rest := doc; ; {
		i := strings.Index(rest, "```json\n")
		if i < 0 {
			break
		}
		rest = rest[i+len("```json\n"):]
		j := strings.Index(rest, "```")
		blocks = append(blocks, rest[:j])
		rest = rest[j:]
	}
	if len(blocks) != 2 {
		t.Fatalf("%d json examples in docs/json.md, want 2", len(blocks))
	}
	fs := fixtureFindings(t)
	in := fixtureInput(t)
	in.Findings = []finding.Finding{fs[0], fs[1], fs[len(fs)-1]}
	if got := render(t, "json", in); got != blocks[0] {
		t.Errorf("the example in docs/json.md is not the current output; replace it with:\n%s", got)
	}
	if got := render(t, "json", Input{}); got != blocks[1] {
		t.Errorf("the clean example in docs/json.md is not the current output; replace it with:\n%s", got)
	}
	for _, b := range blocks {
		var d jsonDoc
		dec := json.NewDecoder(strings.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			t.Errorf("example does not decode: %v", err)
		}
	}
	for _, field := range []string{"version", "findings", "rule", "name", "severity", "message", "file", "line",
		"column", "end_line", "end_column", "related", "fix", "safe", "edits", "new_text"} {
		if !strings.Contains(doc, "| `"+field+"`") && !strings.Contains(doc, "`"+field+"`, ") {
			t.Errorf("docs/json.md does not document %q in a table", field)
		}
	}
}
