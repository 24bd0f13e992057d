package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// sarifSchemaID is the "id" of the official schema in testdata; the schema
// is registered under it so nothing is ever fetched.
const sarifSchemaID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

func sarifValidator(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(sarifSchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(sarifSchemaID)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateSARIF(t *testing.T, sch *jsonschema.Schema, out string) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	return sch.Validate(inst)
}

func decodeSARIF(t *testing.T, out string) sarifLog {
	t.Helper()
	var log sarifLog
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&log); err != nil {
		t.Fatalf("decoding SARIF: %v", err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	return log
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	sch := sarifValidator(t)
	odd := []finding.Finding{
		// A file but no position, a line but no column, an unknown rule,
		// a path that needs escaping, an edit creating a new file, one
		// appending to a file.
		{RuleID: "BC001", Severity: finding.SeverityWarning, Message: "no .dockerignore in context \"app\"",
			Range: finding.Range{File: "app dir/Dockerfile"},
			Fix: &finding.Fix{Message: "create app dir/.dockerignore", Safe: true, Edits: []finding.Edit{
				finding.CreateFile("app dir/.dockerignore", ".git\n.env\n"),
			}}},
		{RuleID: "SE002", Severity: finding.SeverityError, Message: ".env is not ignored",
			Range: finding.Range{File: ".env"},
			Fix: &finding.Fix{Message: "add .env to .gitignore", Safe: true, Edits: []finding.Edit{
				finding.AppendLines(".gitignore", ".env"),
			}}},
		{RuleID: "XX999", Severity: finding.SeverityInfo, Message: "line only",
			Range: finding.Range{File: "c:odd#name?.yml", Start: finding.Pos{Line: 3}}},
		{RuleID: "ED001", Severity: finding.Severity(0), Message: "unknown severity",
			Range:   finding.Range{File: "x.yml", Start: finding.Pos{Line: 1, Col: 1}},
			Related: []finding.Related{{Message: "no place"}}},
	}
	cases := map[string]Input{
		"fixture": fixtureInput(t),
		"empty":   emptyInput(),
		"all rules": func() Input {
			in := fixtureInput(t)
			in.AllRules = true
			return in
		}(),
		"no lines, no tool": {Findings: fixtureFindings(t), Rules: fixtureRules()},
		"odd findings":      {Findings: odd},
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			out := render(t, "sarif", in)
			if err := validateSARIF(t, sch, out); err != nil {
				t.Errorf("invalid SARIF: %v\n%s", err, out)
			}
			for _, uri := range artifactURIs(decodeSARIF(t, out)) {
				if strings.HasPrefix(uri, "/") || strings.Contains(uri, "://") {
					t.Errorf("artifact uri %q is absolute", uri)
				}
			}
			if base, ok := decodeSARIF(t, out).Runs[0].OriginalURIBaseIDs["%SRCROOT%"]; !ok || base.URI != "" {
				t.Errorf("%%SRCROOT%% must be described, without a machine path: %+v", base)
			}
		})
	}
	// The validator itself must reject a broken log, or the test above
	// proves nothing.
	broken := strings.Replace(render(t, "sarif", fixtureInput(t)), `"level": "error"`, `"level": "fatal"`, 1)
	if err := validateSARIF(t, sch, broken); err == nil {
		t.Error("the schema accepted level \"fatal\"")
	}
	if err := validateSARIF(t, sch, strings.Replace(render(t, "sarif", emptyInput()), `"version": "2.1.0"`, `"version": "2.0.0"`, 1)); err == nil {
		t.Error("the schema accepted version 2.0.0")
	}
}

// artifactURIs lists every artifact uri of a log.
func artifactURIs(log sarifLog) []string {
	var uris []string
	for _, res := range log.Runs[0].Results {
		for _, loc := range append(slices.Clone(res.Locations), res.RelatedLocations...) {
			if loc.PhysicalLocation != nil {
				uris = append(uris, loc.PhysicalLocation.ArtifactLocation.URI)
			}
		}
		for _, fix := range res.Fixes {
			for _, ch := range fix.ArtifactChanges {
				uris = append(uris, ch.ArtifactLocation.URI)
			}
		}
	}
	return uris
}

func TestSARIFArtifactURIs(t *testing.T) {
	in := Input{Findings: []finding.Finding{
		{RuleID: "BC001", Severity: finding.SeverityWarning, Message: "m", Range: finding.Range{File: "app dir/Dockerfile"}},
		{RuleID: "CP001", Severity: finding.SeverityError, Message: "m", Range: finding.Range{File: "c:odd#name?.yml", Start: finding.Pos{Line: 1}}},
		{RuleID: "CP001", Severity: finding.SeverityError, Message: "m", Range: finding.Range{File: "sub/compose.yml", Start: finding.Pos{Line: 1}}},
	}}
	got := strings.Join(artifactURIs(decodeSARIF(t, render(t, "sarif", in))), " ")
	if want := "app%20dir/Dockerfile ./c:odd%23name%3F.yml sub/compose.yml"; got != want {
		t.Errorf("uris %q, want %q", got, want)
	}
}

func TestSARIFContent(t *testing.T) {
	in := fixtureInput(t)
	log := decodeSARIF(t, render(t, "sarif", in))
	run := log.Runs[0]
	if log.Schema != "https://json.schemastore.org/sarif-2.1.0.json" || log.Version != "2.1.0" {
		t.Errorf("$schema %q version %q", log.Schema, log.Version)
	}
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind %q", run.ColumnKind)
	}
	d := run.Tool.Driver
	if d.Name != "envdoctor" || d.Version != "0.1.0" || d.InformationURI != "https://github.com/envdoctor/envdoctor" {
		t.Errorf("driver %+v", d)
	}
	var ids []string
	for _, r := range d.Rules {
		ids = append(ids, r.ID)
	}
	if got, want := strings.Join(ids, ","), "CP001,DF007,DF011,DK001,EN001"; got != want {
		t.Errorf("rules %s, want %s (only rules with findings, sorted)", got, want)
	}
	if len(run.Results) != len(in.Findings) {
		t.Fatalf("%d results, want %d", len(run.Results), len(in.Findings))
	}
	byRule := map[string]sarifResult{}
	for i, res := range run.Results {
		f := in.Findings[i]
		if res.RuleID != f.RuleID || d.Rules[res.RuleIndex].ID != f.RuleID {
			t.Errorf("result %d: ruleId %s ruleIndex %d (rule %s), want %s", i, res.RuleID, res.RuleIndex, d.Rules[res.RuleIndex].ID, f.RuleID)
		}
		if res.Message.Text != f.Message {
			t.Errorf("result %d message %q", i, res.Message.Text)
		}
		byRule[res.RuleID] = res
	}
	levels := map[string]string{"CP001": "error", "DK001": "error", "EN001": "warning", "DF011": "warning", "DF007": "note"}
	for id, want := range levels {
		if got := byRule[id].Level; got != want {
			t.Errorf("%s level %q, want %q", id, got, want)
		}
	}

	// No file: attached to the anchor file at 1:1, and marked.
	dk := byRule["DK001"]
	if len(dk.Locations) != 1 || dk.Fixes != nil || dk.Properties == nil || !dk.Properties.NoFile ||
		dk.Properties.Fix != "start Docker Desktop, or run `sudo systemctl start docker`" {
		t.Fatalf("DK001 result %+v", dk)
	}
	if loc := dk.Locations[0]; loc.PhysicalLocation.ArtifactLocation.URI != "docker-compose.yml" ||
		*loc.PhysicalLocation.Region != (sarifRegion{StartLine: 1, StartColumn: 1}) ||
		loc.Message == nil || !strings.Contains(loc.Message.Text, "not about a file") {
		t.Errorf("DK001 location %+v", loc)
	}
	// Without an anchor: no location at all.
	noAnchor := in
	noAnchor.Anchor = ""
	for _, res := range decodeSARIF(t, render(t, "sarif", noAnchor)).Runs[0].Results {
		if res.RuleID == "DK001" && (res.Locations != nil || res.Properties.NoFile) {
			t.Errorf("DK001 without an anchor: %+v", res)
		}
	}

	cp := byRule["CP001"]
	if len(cp.Locations) != 1 {
		t.Fatalf("CP001 locations %+v", cp.Locations)
	}
	pl := cp.Locations[0].PhysicalLocation
	if pl.ArtifactLocation.URI != "docker-compose.yml" || pl.ArtifactLocation.URIBaseID != "%SRCROOT%" {
		t.Errorf("CP001 artifact %+v", pl.ArtifactLocation)
	}
	if *pl.Region != (sarifRegion{StartLine: 13, StartColumn: 22, EndLine: 13, EndColumn: 38}) {
		t.Errorf("CP001 region %+v", *pl.Region)
	}
	if len(cp.RelatedLocations) != 2 || cp.RelatedLocations[0].ID != 1 || cp.RelatedLocations[1].ID != 2 ||
		cp.RelatedLocations[0].Message.Text != "searched .env" || cp.RelatedLocations[1].PhysicalLocation != nil {
		t.Errorf("CP001 related %+v", cp.RelatedLocations)
	}
	if len(cp.Fixes) != 1 || cp.Fixes[0].Description.Text != "add POSTGRES_USER to .env" {
		t.Fatalf("CP001 fixes %+v", cp.Fixes)
	}
	ch := cp.Fixes[0].ArtifactChanges
	if len(ch) != 1 || ch[0].ArtifactLocation.URI != ".env" || len(ch[0].Replacements) != 1 {
		t.Fatalf("CP001 changes %+v", ch)
	}
	rep := ch[0].Replacements[0]
	if rep.DeletedRegion != (sarifRegion{StartLine: 5, StartColumn: 1, EndLine: 5, EndColumn: 1}) ||
		rep.InsertedContent == nil || rep.InsertedContent.Text != "POSTGRES_USER=\n" {
		t.Errorf("CP001 insertion %+v %+v", rep.DeletedRegion, rep.InsertedContent)
	}

	// A deletion has no insertedContent; a multi-line span keeps its ends.
	en := byRule["EN001"]
	del := en.Fixes[0].ArtifactChanges[0].Replacements[0]
	if del.DeletedRegion != (sarifRegion{StartLine: 2, StartColumn: 1, EndLine: 3, EndColumn: 1}) || del.InsertedContent != nil {
		t.Errorf("EN001 deletion %+v %+v", del.DeletedRegion, del.InsertedContent)
	}
	if en.Properties == nil || en.Properties.FixSafe == nil || !*en.Properties.FixSafe {
		t.Errorf("EN001 properties %+v", en.Properties)
	}

	// Byte columns become code point columns: "é" and "ö" precede the span.
	df := byRule["DF011"]
	var src finding.Range
	for _, f := range in.Findings {
		if f.RuleID == "DF011" {
			src = f.Range
		}
	}
	got := *df.Locations[0].PhysicalLocation.Region
	want := sarifRegion{StartLine: 4, StartColumn: src.Start.Col - 2, EndLine: 4, EndColumn: src.End.Col - 2}
	if got != want {
		t.Errorf("DF011 region %+v, want %+v (byte columns %d-%d)", got, want, src.Start.Col, src.End.Col)
	}
	// Without Lines the byte columns stay.
	in.Lines = nil
	noLines := decodeSARIF(t, render(t, "sarif", in))
	for _, res := range noLines.Runs[0].Results {
		if res.RuleID == "DF011" && res.Locations[0].PhysicalLocation.Region.StartColumn != src.Start.Col {
			t.Errorf("without Lines startColumn %d, want byte column %d", res.Locations[0].PhysicalLocation.Region.StartColumn, src.Start.Col)
		}
	}
}

func TestSARIFRules(t *testing.T) {
	in := fixtureInput(t)
	in.AllRules = true
	in.Findings = append(in.Findings, finding.Finding{RuleID: "ZZ001", Severity: finding.SeverityInfo, Message: "from a rule without metadata"})
	log := decodeSARIF(t, render(t, "sarif", in))
	rules := map[string]sarifRule{}
	var ids []string
	for _, r := range log.Runs[0].Tool.Driver.Rules {
		rules[r.ID] = r
		ids = append(ids, r.ID)
	}
	if got, want := strings.Join(ids, ","), "CP001,CP010,DF007,DF011,DK001,EN001,SE001,ZZ001"; got != want {
		t.Errorf("rules %s, want %s", got, want)
	}
	for _, res := range log.Runs[0].Results {
		if ids[res.RuleIndex] != res.RuleID {
			t.Errorf("result %s has ruleIndex %d (%s)", res.RuleID, res.RuleIndex, ids[res.RuleIndex])
		}
	}
	cp := rules["CP001"]
	if cp.Name != "unset-variable" || cp.ShortDescription.Text != "Interpolated variable has no value" ||
		cp.FullDescription.Text != "Compose replaces an unset variable with an empty string and only warns once." ||
		cp.Help.Text != fixtureRules()[0].Doc || cp.Help.Markdown != fixtureRules()[0].Doc ||
		cp.HelpURI != "https://github.com/envdoctor/envdoctor/blob/main/docs/rules.md#CP001" ||
		cp.DefaultConfiguration.Level != "error" ||
		strings.Join(cp.Properties.Tags, ",") != "compose" || cp.Properties.SecuritySeverity != "" {
		t.Errorf("CP001 rule %+v", cp)
	}
	if r := rules["DF007"]; r.FullDescription.Text != r.ShortDescription.Text || r.DefaultConfiguration.Level != "note" {
		t.Errorf("DF007 without a why section: %+v", r)
	}
	security := map[string]struct{ sev, tags string }{
		"SE001": {"8.0", "security,secrets"},
		"CP010": {"5.0", "security,compose"},
		"DF011": {"5.0", "security,dockerfile"},
	}
	for id, want := range security {
		r := rules[id]
		if r.Properties == nil || r.Properties.SecuritySeverity != want.sev || strings.Join(r.Properties.Tags, ",") != want.tags {
			t.Errorf("%s properties %+v, want %+v", id, r.Properties, want)
		}
	}
	if r := rules["ZZ001"]; r.Name != "" || r.ShortDescription != nil || r.DefaultConfiguration != nil || r.Properties != nil {
		t.Errorf("a rule without metadata: %+v", r)
	}
	info := finding.RuleInfo{ID: "HS002", Security: true, Severity: finding.SeverityInfo}
	if p := sarifRuleOf(info).Properties; p.SecuritySeverity != "2.0" || strings.Join(p.Tags, ",") != "security,doctor" {
		t.Errorf("HS002 properties %+v", p)
	}
}

func TestCategory(t *testing.T) {
	want := map[string]string{
		"DF001": "dockerfile", "DF101": "dockerfile", "CP001": "compose", "EN004": "env", "BC002": "build-context",
		"SE001": "secrets", "DK001": "doctor", "PT001": "doctor", "HS001": "doctor", "RT001": "doctor",
		"ED001": "envdoctor", "XX001": "", "": "", "D": "",
	}
	for id, w := range want {
		if got := category(id); got != w {
			t.Errorf("category(%q) = %q, want %q", id, got, w)
		}
	}
}

func TestWhyParagraph(t *testing.T) {
	cases := map[string]string{
		"":                         "",
		"# Title\n\nNo section.\n": "",
		"## Why is this bad?\nOne.\nTwo.\n\nThree.\n":  "One. Two.",
		"## Why\r\n\r\n  Spaced  \r\n## Next\r\n":      "Spaced",
		"## Whys and wherefores\nno\n":                 "",
		"## why it matters\n\ntext\n```\ncode\n```\n":  "text",
		"## Example\nx\n## Why is this bad?\n\nlast\n": "last",
	}
	for doc, want := range cases {
		if got := whyParagraph(doc); got != want {
			t.Errorf("whyParagraph(%q) = %q, want %q", doc, got, want)
		}
	}
}

// fingerprints returns the partial fingerprint of each result.
func fingerprints(t *testing.T, in Input) []string {
	t.Helper()
	var fps []string
	for _, res := range decodeSARIF(t, render(t, "sarif", in)).Runs[0].Results {
		fp := res.PartialFingerprints["envdoctor/v1"]
		if fp == "" {
			t.Fatalf("result %s has no envdoctor/v1 fingerprint", res.RuleID)
		}
		fps = append(fps, fp)
	}
	return fps
}

func TestSARIFFingerprintIgnoresLineNumbers(t *testing.T) {
	before := fixtureInput(t)

	// The same project with three lines inserted at the top of every
	// file: every finding moves down by three lines.
	moved := map[string]string{}
	for file, text := range sources {
		moved[file] = "# one\n# two\n# three\n" + text
	}
	shift := func(r finding.Range) finding.Range {
		if !r.Start.IsZero() {
			r.Start.Line += 3
		}
		if !r.End.IsZero() {
			r.End.Line += 3
		}
		return r
	}
	after := fixtureInput(t)
	after.Lines = linesOf(moved)
	for i := range after.Findings {
		f := &after.Findings[i]
		f.Range = shift(f.Range)
		related := make([]finding.Related, len(f.Related))
		for j, r := range f.Related {
			related[j] = finding.Related{Range: shift(r.Range), Message: r.Message}
		}
		f.Related = related
	}
	fb, fa := fingerprints(t, before), fingerprints(t, after)
	if strings.Join(fb, " ") != strings.Join(fa, " ") {
		t.Errorf("fingerprints changed when findings moved down 3 lines:\nbefore %q\nafter  %q", fb, fa)
	}
	// They are distinct from each other, and they are not the line number
	// in disguise: the regions did move.
	seen := map[string]bool{}
	for _, fp := range fb {
		if seen[fp] {
			t.Errorf("duplicate fingerprint %s", fp)
		}
		seen[fp] = true
	}
	regionLine := func(in Input) int {
		for _, res := range decodeSARIF(t, render(t, "sarif", in)).Runs[0].Results {
			if res.RuleID == "CP001" {
				return res.Locations[0].PhysicalLocation.Region.StartLine
			}
		}
		return 0
	}
	if b, a := regionLine(before), regionLine(after); a != b+3 {
		t.Errorf("CP001 startLine %d then %d, want a move of 3", b, a)
	}

	// A different line text, message, rule or file does change it.
	base := finding.Finding{RuleID: "CP013", Severity: finding.SeverityWarning, Message: `image "redis" has no tag`,
		Range: finding.Range{File: "compose.yml", Start: finding.Pos{Line: 2, Col: 12}}}
	one := func(f finding.Finding, line string) string {
		in := Input{Findings: []finding.Finding{f}, Lines: linesOf(map[string]string{f.Range.File: "services:\n" + line + "\n"})}
		return fingerprints(t, in)[0]
	}
	ref := one(base, "    image: redis")
	if got := one(base, "\t  image: redis  "); got != ref {
		t.Errorf("indentation changed the fingerprint")
	}
	variants := map[string]func() string{
		"line text": func() string { return one(base, "    image: redis # cache") },
		"message":   func() string { f := base; f.Message = `image "valkey" has no tag`; return one(f, "    image: redis") },
		"rule":      func() string { f := base; f.RuleID = "CP006"; return one(f, "    image: redis") },
		"file":      func() string { f := base; f.Range.File = "compose.override.yml"; return one(f, "    image: redis") },
	}
	for name, fp := range variants {
		if fp() == ref {
			t.Errorf("a different %s kept the fingerprint", name)
		}
	}

	// Identical findings on identical lines are numbered in order.
	twin := Input{
		Findings: []finding.Finding{base, base},
		Lines:    linesOf(map[string]string{"compose.yml": "services:\n    image: redis\n"}),
	}
	fps := fingerprints(t, twin)
	h := strings.TrimSuffix(fps[0], ":1")
	if !strings.HasSuffix(fps[0], ":1") || fps[1] != h+":2" || len(h) != 64 {
		t.Errorf("twin fingerprints %q", fps)
	}
}

// TestSARIFAppendIsAdvice: an edit appending to a file has no position
// SARIF can express, so its fix is advice only; a created file is an
// insertion at 1:1.
func TestSARIFAppendIsAdvice(t *testing.T) {
	in := Input{Findings: []finding.Finding{
		{RuleID: "SE002", Severity: finding.SeverityError, Message: ".env is not ignored", Range: finding.Range{File: ".env"},
			Fix: &finding.Fix{Message: "add .env to .gitignore", Safe: true, Edits: []finding.Edit{finding.AppendLines(".gitignore", ".env")}}},
		{RuleID: "BC001", Severity: finding.SeverityWarning, Message: "no .dockerignore", Range: finding.Range{File: "Dockerfile"},
			Fix: &finding.Fix{Message: "create .dockerignore", Safe: true, Edits: []finding.Edit{finding.CreateFile(".dockerignore", ".git\n")}}},
	}}
	log := decodeSARIF(t, render(t, "sarif", in))
	for _, res := range log.Runs[0].Results {
		switch res.RuleID {
		case "SE002":
			if res.Fixes != nil || res.Properties == nil || res.Properties.Fix != "add .env to .gitignore" {
				t.Errorf("SE002: fixes %+v, properties %+v", res.Fixes, res.Properties)
			}
		case "BC001":
			if len(res.Fixes) != 1 || res.Fixes[0].ArtifactChanges[0].Replacements[0].DeletedRegion.StartLine != 1 {
				t.Errorf("BC001 fixes %+v", res.Fixes)
			}
		}
	}
}
