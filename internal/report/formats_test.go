package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// oddInput has findings whose text could break an XML or JSON writer:
// markup characters, a CDATA end, control characters, invalid UTF-8, no
// file and no anchor, a file without a position.
func oddInput() Input {
	return Input{Findings: []finding.Finding{
		{RuleID: "DK001", Severity: finding.SeverityError, Message: "engine <down> & \"out\" ]]> gone\x01\x1b[31m"},
		{RuleID: "BC001", Severity: finding.SeverityWarning, Message: "no .dockerignore in \"app dir\"", Range: finding.Range{File: "app dir/Dockerfile"}},
		{RuleID: "CP001", Severity: finding.SeverityError, Message: "bad \xff byte ]]]]>>",
			Range: finding.Range{File: "a&b<c>.yml", Start: finding.Pos{Line: 3, Col: 2}, End: finding.Pos{Line: 3, Col: 9}},
			Fix:   &finding.Fix{Message: "fix <it> ]]>"}},
		{RuleID: "XX999", Severity: finding.SeverityInfo, Message: "line only", Range: finding.Range{File: "x.yml", Start: finding.Pos{Line: 7}}},
	}}
}

// wellFormed reads every token of an XML document.
func wellFormed(t *testing.T, out string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(out))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, out)
		}
	}
}

func TestXMLFormatsWellFormed(t *testing.T) {
	inputs := map[string]Input{
		"fixture": fixtureInput(t),
		"empty":   emptyInput(),
		"odd":     oddInput(),
	}
	for _, format := range []string{"checkstyle", "junit"} {
		for name, in := range inputs {
			t.Run(format+"/"+name, func(t *testing.T) {
				out := render(t, format, in)
				if !strings.HasPrefix(out, xml.Header) || !strings.HasSuffix(out, ">\n") {
					t.Errorf("no XML declaration or final newline:\n%s", out)
				}
				wellFormed(t, out)
			})
		}
	}
}

func TestCheckstyleContent(t *testing.T) {
	var rep struct {
		Version string `xml:"version,attr"`
		Files   []struct {
			Name   string `xml:"name,attr"`
			Errors []struct {
				Line     int    `xml:"line,attr"`
				Column   int    `xml:"column,attr"`
				Severity string `xml:"severity,attr"`
				Message  string `xml:"message,attr"`
				Source   string `xml:"source,attr"`
			} `xml:"error"`
		} `xml:"file"`
	}
	in := fixtureInput(t)
	if err := xml.Unmarshal([]byte(render(t, "checkstyle", in)), &rep); err != nil {
		t.Fatal(err)
	}
	var names []string
	count := 0
	for _, f := range rep.Files {
		names = append(names, f.Name)
		count += len(f.Errors)
		for _, e := range f.Errors {
			if !slices.Contains([]string{"error", "warning", "info"}, e.Severity) || !strings.HasPrefix(e.Source, "envdoctor.") {
				t.Errorf("%s: error %+v", f.Name, e)
			}
			if e.Source == "envdoctor.DF011" && e.Column != 27 {
				t.Errorf("DF011 column %d, want 27 (code points)", e.Column)
			}
			if e.Source == "envdoctor.DK001" && (f.Name != "docker-compose.yml" || e.Line != 1) {
				t.Errorf("DK001 in %s at line %d, want the anchor at line 1", f.Name, e.Line)
			}
		}
	}
	if rep.Version != "4.3" || strings.Join(names, " ") != ".env Dockerfile docker-compose.yml" || count != len(in.Findings) {
		t.Errorf("version %s, files %q, %d errors", rep.Version, names, count)
	}
	// The odd input decodes back to the same messages (invalid
	// characters aside).
	rep.Files = nil
	if err := xml.Unmarshal([]byte(render(t, "checkstyle", oddInput())), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Files[0].Name != "" || !strings.HasPrefix(rep.Files[0].Errors[0].Message, `engine <down> & "out" ]]> gone`) {
		t.Errorf("odd: %+v", rep.Files[0])
	}
}

func TestJUnitContent(t *testing.T) {
	type testcase struct {
		Name      string `xml:"name,attr"`
		ClassName string `xml:"classname,attr"`
		Failure   *struct {
			Message string `xml:"message,attr"`
			Type    string `xml:"type,attr"`
			Text    string `xml:",chardata"`
		} `xml:"failure"`
	}
	var rep struct {
		XMLName  xml.Name
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name     string     `xml:"name,attr"`
			Tests    int        `xml:"tests,attr"`
			Failures int        `xml:"failures,attr"`
			Cases    []testcase `xml:"testcase"`
		} `xml:"testsuite"`
	}
	for _, c := range []struct {
		name string
		in   Input
	}{{"fixture", fixtureInput(t)}, {"odd", oddInput()}} {
		name, in := c.name, c.in
		rep.Suites = nil
		if err := xml.Unmarshal([]byte(render(t, "junit", in)), &rep); err != nil {
			t.Fatal(err)
		}
		n := len(in.Findings)
		if rep.XMLName.Local != "testsuites" || rep.Tests != n || rep.Failures != n {
			t.Errorf("%s: %s tests=%d failures=%d, want %d", name, rep.XMLName.Local, rep.Tests, rep.Failures, n)
		}
		sum := 0
		for _, s := range rep.Suites {
			if s.Tests != len(s.Cases) || s.Failures != len(s.Cases) {
				t.Errorf("%s: suite %s counts %d/%d for %d cases", name, s.Name, s.Tests, s.Failures, len(s.Cases))
			}
			for _, c := range s.Cases {
				if c.Failure == nil || c.ClassName != s.Name || c.Failure.Type == "" {
					t.Errorf("%s: case %+v", name, c)
				}
			}
			sum += len(s.Cases)
		}
		if sum != n {
			t.Errorf("%s: %d cases, want %d", name, sum, n)
		}
	}
	// A fix survives CDATA, "]]>" included (the last run was the odd one;
	// its first suite is the CP001 file).
	if !strings.Contains(rep.Suites[0].Cases[0].Failure.Text, "fix: fix <it> ]]>") {
		t.Errorf("odd fix text %q", rep.Suites[0].Cases[0].Failure.Text)
	}
	// A clean run passes one test.
	rep.Suites = nil
	if err := xml.Unmarshal([]byte(render(t, "junit", emptyInput())), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Tests != 1 || rep.Failures != 0 || len(rep.Suites) != 1 || rep.Suites[0].Cases[0].Failure != nil {
		t.Errorf("clean run: %+v", rep)
	}
}

// TestCodeClimateFields checks every issue against the fields GitLab's
// Code Quality report documents: description, check_name, fingerprint,
// severity (info, minor, major, critical, blocker), location.path and
// location.lines.begin or location.positions.begin.line; plus Code
// Climate's type and categories.
func TestCodeClimateFields(t *testing.T) {
	categories := []string{"Bug Risk", "Clarity", "Compatibility", "Complexity", "Duplication", "Performance", "Security", "Style"}
	for name, in := range map[string]Input{"fixture": fixtureInput(t), "odd": oddInput(), "empty": emptyInput()} {
		out := render(t, "codeclimate", in)
		var issues []map[string]any
		dec := json.NewDecoder(strings.NewReader(out))
		dec.UseNumber()
		if err := dec.Decode(&issues); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		if issues == nil || len(issues) != len(in.Findings) {
			t.Fatalf("%s: %d issues for %d findings (an empty run must be [])", name, len(issues), len(in.Findings))
		}
		fps := map[string]bool{}
		for i, is := range issues {
			keys := keysOf(is)
			if keys != "categories,check_name,content,description,fingerprint,location,severity,type" &&
				keys != "categories,check_name,description,fingerprint,location,severity,type" {
				t.Errorf("%s issue %d keys %s", name, i, keys)
			}
			str := func(k string) string { s, _ := is[k].(string); return s }
			if str("type") != "issue" || str("description") == "" || str("check_name") != in.Findings[i].RuleID {
				t.Errorf("%s issue %d: %v", name, i, is)
			}
			if !slices.Contains([]string{"info", "minor", "major", "critical", "blocker"}, str("severity")) {
				t.Errorf("%s issue %d severity %q", name, i, str("severity"))
			}
			for _, c := range is["categories"].([]any) {
				if !slices.Contains(categories, c.(string)) {
					t.Errorf("%s issue %d category %q", name, i, c)
				}
			}
			if fp := str("fingerprint"); fp == "" || fps[fp] {
				t.Errorf("%s issue %d fingerprint %q empty or repeated", name, i, fp)
			} else {
				fps[fp] = true
			}
			loc := is["location"].(map[string]any)
			if p, _ := loc["path"].(string); p == "" {
				t.Errorf("%s issue %d has no location.path", name, i)
			}
			line := func(path ...string) int64 {
				var v any = loc
				for _, k := range path {
					m, ok := v.(map[string]any)
					if !ok {
						return 0
					}
					v = m[k]
				}
				n, _ := v.(json.Number).Int64()
				return n
			}
			begin := line("lines", "begin")
			if loc["positions"] != nil {
				begin = line("positions", "begin", "line")
				if line("positions", "begin", "column") < 1 || line("positions", "end", "line") < begin {
					t.Errorf("%s issue %d positions %v", name, i, loc["positions"])
				}
			}
			if begin < 1 || (loc["lines"] == nil) == (loc["positions"] == nil) {
				t.Errorf("%s issue %d location %v: want lines or positions, beginning at a line >= 1", name, i, loc)
			}
		}
	}
}

func TestCodeClimateSeverityAndFingerprint(t *testing.T) {
	want := map[[2]any]string{
		{finding.SeverityInfo, false}: "info", {finding.SeverityWarning, false}: "minor", {finding.SeverityError, false}: "major",
		{finding.SeverityInfo, true}: "info", {finding.SeverityWarning, true}: "major", {finding.SeverityError, true}: "critical",
	}
	for k, w := range want {
		if got := codeClimateSeverity(k[0].(finding.Severity), k[1].(bool)); got != w {
			t.Errorf("codeClimateSeverity(%v, security %v) = %s, want %s", k[0], k[1], got, w)
		}
	}
	// The fingerprints are SARIF's partial fingerprints.
	in := fixtureInput(t)
	var issues []struct{ Fingerprint string }
	if err := json.Unmarshal([]byte(render(t, "codeclimate", in)), &issues); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, is := range issues {
		got = append(got, is.Fingerprint)
	}
	if sarif := fingerprints(t, in); !slices.Equal(got, sarif) {
		t.Errorf("codeclimate fingerprints %q, SARIF's %q", got, sarif)
	}
}

// TestEveryFormatHandlesOddInput: no format fails or panics on odd input.
func TestEveryFormatHandlesOddInput(t *testing.T) {
	for _, name := range Names() {
		f, _ := New(name)
		var buf bytes.Buffer
		if err := f.Format(&buf, oddInput()); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
