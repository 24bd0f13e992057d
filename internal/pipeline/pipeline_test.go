package pipeline

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/config"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

var testRules = []finding.RuleInfo{
	{ID: "CP001", Name: "unset-variable", Severity: finding.SeverityError},
	{ID: "CP005", Name: "obsolete-version", Severity: finding.SeverityInfo},
	{ID: "DF005", Name: "unpinned-base-image", Severity: finding.SeverityWarning},
	{ID: "DF009", Name: "runs-as-root", Severity: finding.SeverityInfo},
	{ID: "EN001", Name: "duplicate-key", Severity: finding.SeverityWarning},
	{ID: "BC006", Name: "dockerignore-pattern-unused", Severity: finding.SeverityInfo},
	{ID: "ED000", Name: "internal-error", Severity: finding.SeverityError},
	{ID: "ED001", Name: "unused-ignore", Severity: finding.SeverityWarning},
	{ID: "ED002", Name: "invalid-ignore", Severity: finding.SeverityError},
}

// probeRules adds a probe that does not run in a lint-only run.
var probeRules = append(append([]finding.RuleInfo{}, testRules...),
	finding.RuleInfo{ID: "PT001", Name: "port-in-use", Severity: finding.SeverityError})

func known(s string) (string, bool) {
	for _, r := range probeRules {
		if strings.EqualFold(r.ID, s) || strings.EqualFold(r.Name, s) {
			return r.ID, true
		}
	}
	return "", false
}

func opts() Options { return Options{Rules: testRules, Known: known} }

func proj(files ...string) *project.Project {
	p := &project.Project{Root: "/proj", Sources: map[string]*project.Source{}}
	for i := 0; i+1 < len(files); i += 2 {
		p.Sources[files[i]] = project.NewSource(files[i], []byte(files[i+1]))
	}
	return p
}

func fnd(rule string, sev finding.Severity, file string, line, col, endCol int, msg string) finding.Finding {
	return finding.Finding{
		RuleID: rule, Severity: sev, Message: msg,
		Range: finding.Range{File: file, Start: finding.Pos{Line: line, Col: col}, End: finding.Pos{Line: line, Col: endCol}},
	}
}

// render prints findings the way want.txt does.
func render(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		r := f.Range
		fmt.Fprintf(&b, "%s:%d:%d-%d:%d: %s %s: %s\n", r.File, r.Start.Line, r.Start.Col, r.End.Line, r.End.Col, f.RuleID, f.Severity, f.Message)
		if f.Fix != nil {
			fmt.Fprintf(&b, "  fix: %s\n", f.Fix.Message)
		}
	}
	return b.String()
}

func check(t *testing.T, got Result, want string) {
	t.Helper()
	if g := render(got.Findings); g != want {
		t.Errorf("findings:\n%s\nwant:\n%s", g, want)
	}
}

const pinless = "base image \"python\" has no tag"

func TestSuppressNextLine(t *testing.T) {
	p := proj("Dockerfile", "# envdoctor:ignore DF005 -- renovate pins it\nFROM python\nFROM node\n")
	res := Process(p, []finding.Finding{
		fnd("DF005", finding.SeverityWarning, "Dockerfile", 2, 6, 12, pinless),
		fnd("DF005", finding.SeverityWarning, "Dockerfile", 3, 6, 10, "base image \"node\" has no tag"),
	}, opts())
	check(t, res, "Dockerfile:3:6-3:10: DF005 warning: base image \"node\" has no tag\n")
	if res.Suppressed != 1 {
		t.Errorf("Suppressed = %d, want 1", res.Suppressed)
	}
}

func TestSuppressSkipsBlankAndCommentLines(t *testing.T) {
	src := "# envdoctor:ignore DF005 -- a\n\n# envdoctor:ignore runs-as-root -- b\n# just a note\n\nFROM python\n"
	p := proj("Dockerfile", src)
	res := Process(p, []finding.Finding{
		fnd("DF005", finding.SeverityWarning, "Dockerfile", 6, 6, 12, pinless),
		fnd("DF009", finding.SeverityInfo, "Dockerfile", 6, 1, 12, "the final stage runs as root"),
	}, opts())
	check(t, res, "")
	if res.Suppressed != 2 {
		t.Errorf("Suppressed = %d, want 2", res.Suppressed)
	}
}

func TestOnlyTheNextLine(t *testing.T) {
	p := proj("Dockerfile", "# envdoctor:ignore DF005 -- reason\nFROM python AS build\nFROM python\n")
	res := Process(p, []finding.Finding{fnd("DF005", finding.SeverityWarning, "Dockerfile", 3, 6, 12, pinless)}, opts())
	check(t, res, ""+
		"Dockerfile:1:1-1:35: ED001 warning: ignore comment for DF005 matched no finding\n"+
		"  fix: remove the comment, or fix its rule ID\n"+
		"Dockerfile:3:6-3:12: DF005 warning: "+pinless+"\n")
	if !res.Failed {
		t.Error("warnings should fail at the default fail level")
	}
}

func TestIgnoreFile(t *testing.T) {
	p := proj(
		"Dockerfile", "FROM python\nRUN true\n# envdoctor:ignore-file DF005,DF009 -- base images are pinned by digest in CI\n",
		"app/Dockerfile", "FROM python\n",
	)
	res := Process(p, []finding.Finding{
		fnd("DF005", finding.SeverityWarning, "Dockerfile", 1, 6, 12, pinless),
		fnd("DF005", finding.SeverityWarning, "Dockerfile", 2, 1, 5, pinless+" again"),
		fnd("DF009", finding.SeverityInfo, "Dockerfile", 0, 0, 0, "no position"),
		fnd("DF005", finding.SeverityWarning, "app/Dockerfile", 1, 6, 12, pinless),
	}, opts())
	check(t, res, "app/Dockerfile:1:6-1:12: DF005 warning: "+pinless+"\n")
	if res.Suppressed != 3 {
		t.Errorf("Suppressed = %d, want 3", res.Suppressed)
	}
}

func TestUnusedIgnoreFile(t *testing.T) {
	p := proj("Dockerfile", "# envdoctor:ignore-file DF005 -- reason\nFROM python:3.12\n")
	check(t, Process(p, nil, opts()), ""+
		"Dockerfile:1:1-1:40: ED001 warning: ignore-file comment for DF005 matched no finding in Dockerfile\n"+
		"  fix: remove the comment, or fix its rule ID\n")
}

func TestNamesAndIDsAnyCase(t *testing.T) {
	p := proj("Dockerfile", "# envdoctor:ignore Unpinned-Base-Image df009 -- reason\nFROM python\n")
	res := Process(p, []finding.Finding{
		fnd("DF005", finding.SeverityWarning, "Dockerfile", 2, 6, 12, pinless),
		fnd("DF009", finding.SeverityInfo, "Dockerfile", 2, 1, 12, "root"),
	}, opts())
	check(t, res, "")
	// Without Known, names resolve through Rules.
	o := opts()
	o.Known = nil
	res = Process(p, []finding.Finding{
		fnd("DF005", finding.SeverityWarning, "Dockerfile", 2, 6, 12, pinless),
		fnd("DF009", finding.SeverityInfo, "Dockerfile", 2, 1, 12, "root"),
	}, o)
	check(t, res, "")
}

func TestSeparators(t *testing.T) {
	for _, c := range []string{
		"#envdoctor:ignore DF005,DF009 -- r",
		"# envdoctor:ignore DF005, DF009 -- r",
		"#   envdoctor:ignore\tDF005   DF009\t--\treason with -- dashes",
		"# envdoctor:IGNORE DF005 DF009 -- r",
	} {
		p := proj("Dockerfile", c+"\nFROM python\n")
		res := Process(p, []finding.Finding{
			fnd("DF005", finding.SeverityWarning, "Dockerfile", 2, 6, 12, pinless),
			fnd("DF009", finding.SeverityInfo, "Dockerfile", 2, 1, 12, "root"),
		}, opts())
		if len(res.Findings) != 0 || res.Suppressed != 2 {
			t.Errorf("%q: suppressed %d, left:\n%s", c, res.Suppressed, render(res.Findings))
		}
	}
}

func TestMissingReason(t *testing.T) {
	for _, c := range []string{
		"# envdoctor:ignore DF005",
		"# envdoctor:ignore DF005 --",
		"# envdoctor:ignore DF005 --   ",
		"# envdoctor:ignore DF005 --reason",
		"# envdoctor:ignore DF005 - reason",
	} {
		p := proj("Dockerfile", c+"\nFROM python\n")
		res := Process(p, []finding.Finding{fnd("DF005", finding.SeverityWarning, "Dockerfile", 2, 6, 12, pinless)}, opts())
		end := len(strings.TrimRight(c, " ")) + 1
		want := fmt.Sprintf("Dockerfile:1:1-1:%d: ED002 error: ignore comment needs a reason after \" -- \"\n", end) +
			"  fix: say why the finding is fine here: # envdoctor:ignore DF005 -- why this is fine here\n" +
			"Dockerfile:2:6-2:12: DF005 warning: " + pinless + "\n"
		if g := render(res.Findings); g != want {
			t.Errorf("%q:\n%s\nwant:\n%s", c, g, want)
		}
		if res.Suppressed != 0 {
			t.Errorf("%q: an invalid comment suppressed a finding", c)
		}
	}
}

func TestUnknownRule(t *testing.T) {
	p := proj("Dockerfile", "FROM python # not a comment\n# envdoctor:ignore XX123,DF005 -- reason\nFROM python\n")
	res := Process(p, []finding.Finding{fnd("DF005", finding.SeverityWarning, "Dockerfile", 3, 6, 12, pinless)}, opts())
	check(t, res, ""+
		"Dockerfile:2:1-2:41: ED002 error: unknown rule \"XX123\" in ignore comment\n"+
		"  fix: fix the rule ID or name (`envdoctor rules` lists them), or remove the comment\n"+
		"Dockerfile:3:6-3:12: DF005 warning: "+pinless+"\n")
}

func TestMalformed(t *testing.T) {
	tests := []struct{ comment, want string }{
		{"# envdoctor:ignroe DF005 -- r", `unknown directive "envdoctor:ignroe" (want envdoctor:ignore or envdoctor:ignore-file)`},
		{"# envdoctor:ignore,DF005 -- r", `unknown directive "envdoctor:ignore,DF005" (want envdoctor:ignore or envdoctor:ignore-file)`},
		{"# envdoctor: ignore DF005 -- r", `malformed ignore comment: no space is allowed after "envdoctor:"`},
		{"# envdoctor:ignore -- r", `ignore comment names no rule`},
		{"# envdoctor:ignore-file -- r", `ignore-file comment names no rule`},
		{"# envdoctor:ignore ED001 -- r", `rule ED001 cannot be silenced by an ignore comment`},
		{"# envdoctor:ignore-file invalid-ignore -- r", `rule ED002 cannot be silenced by an ignore-file comment`},
	}
	for _, tt := range tests {
		p := proj("Dockerfile", tt.comment+"\nFROM python\n")
		res := Process(p, nil, opts())
		if len(res.Findings) != 1 || res.Findings[0].RuleID != InvalidIgnoreID || res.Findings[0].Message != tt.want {
			t.Errorf("%q:\n%s\nwant ED002 %s", tt.comment, render(res.Findings), tt.want)
			continue
		}
		f := res.Findings[0]
		if f.Range.Start != (finding.Pos{Line: 1, Col: 1}) || f.Range.End != (finding.Pos{Line: 1, Col: len(tt.comment) + 1}) {
			t.Errorf("%q: range %+v", tt.comment, f.Range)
		}
		if f.Fix == nil || f.Fix.Message == "" {
			t.Errorf("%q: no fix", tt.comment)
		}
		if !res.Failed {
			t.Errorf("%q: an ED002 error should fail the run", tt.comment)
		}
	}
}

func TestNotDirectives(t *testing.T) {
	for _, c := range []string{
		"# envdoctor: this service needs a healthcheck",
		"# envdoctor:",
		"# see envdoctor:ignore in the docs",
		"# envdoctor:1",
	} {
		p := proj("Dockerfile", c+"\nFROM python\n")
		if res := Process(p, nil, opts()); len(res.Findings) != 0 {
			t.Errorf("%q: %s", c, render(res.Findings))
		}
	}
}

func TestUnusedOneOfSeveral(t *testing.T) {
	p := proj("Dockerfile", "# envdoctor:ignore DF005,DF009 -- reason\nFROM python\n")
	res := Process(p, []finding.Finding{fnd("DF005", finding.SeverityWarning, "Dockerfile", 2, 6, 12, pinless)}, opts())
	check(t, res, ""+
		"Dockerfile:1:1-1:41: ED001 warning: ignore comment for DF009 matched no finding\n"+
		"  fix: remove DF009 from the comment, or fix its rule ID\n")
}

func TestUnusedOnlyForRulesThatRan(t *testing.T) {
	src := "# envdoctor:ignore DF005 -- reason\nFROM python:3.12\n"
	cfg := &config.Config{Disable: []string{"DF005"}}

	o := opts()
	o.Config = cfg
	check(t, Process(proj("Dockerfile", src), nil, o), "")

	o = opts()
	o.Disable = []string{"DF005"}
	check(t, Process(proj("Dockerfile", src), nil, o), "")

	// Disabled in config, enabled again on the command line: it ran.
	o = opts()
	o.Config = cfg
	o.Enable = []string{"DF005"}
	if res := Process(proj("Dockerfile", src), nil, o); len(res.Findings) != 1 || res.Findings[0].RuleID != UnusedIgnoreID {
		t.Errorf("want ED001, got:\n%s", render(res.Findings))
	}

	o = opts()
	o.Ran = func(id string) bool { return id != "DF005" }
	check(t, Process(proj("Dockerfile", src), nil, o), "")

	// A probe named in a comment during a lint-only run (Rules holds only
	// the static rules): resolved through Known, but did not run.
	psrc := "services:\n  db:\n    ports:\n      # envdoctor:ignore port-in-use -- the dev database port is shared on purpose\n      - 5432:5432\n"
	check(t, Process(proj("compose.yaml", psrc), nil, opts()), "")
}

func TestEDFindingsCannotBeSuppressed(t *testing.T) {
	p := proj("Dockerfile", "# envdoctor:ignore-file DF005 -- reason\n# envdoctor:ignore DF005\nFROM python\n")
	res := Process(p, []finding.Finding{
		fnd("DF005", finding.SeverityWarning, "Dockerfile", 3, 6, 12, pinless),
		fnd("ED000", finding.SeverityError, "", 0, 0, 0, "internal error in rule CP001"),
	}, opts())
	check(t, res, ""+
		":0:0-0:0: ED000 error: internal error in rule CP001\n"+
		"Dockerfile:2:1-2:25: ED002 error: ignore comment needs a reason after \" -- \"\n"+
		"  fix: say why the finding is fine here: # envdoctor:ignore DF005 -- why this is fine here\n")
}

func TestEDFindingsFollowConfig(t *testing.T) {
	src := "# envdoctor:ignore DF005 -- reason\nFROM python:3.12\n# envdoctor:ignore DF005\n"
	o := opts()
	o.Config = &config.Config{Disable: []string{"ED001"}, Severity: map[string]finding.Severity{"ED002": finding.SeverityInfo}}
	res := Process(proj("Dockerfile", src), nil, o)
	check(t, res, ""+
		"Dockerfile:3:1-3:25: ED002 info: ignore comment needs a reason after \" -- \"\n"+
		"  fix: say why the finding is fine here: # envdoctor:ignore DF005 -- why this is fine here\n")
	if res.Failed {
		t.Error("an info finding failed the run")
	}
	o.Config.Exclude = []string{"Dockerfile"}
	check(t, Process(proj("Dockerfile", src), nil, o), "")
}

func TestSeverityOverrideAndFailed(t *testing.T) {
	fs := []finding.Finding{fnd("CP005", finding.SeverityInfo, "compose.yaml", 1, 1, 8, "obsolete version")}
	res := Process(nil, fs, opts())
	if res.Failed {
		t.Error("an info finding failed at fail level warning")
	}
	o := opts()
	o.Config = &config.Config{Severity: map[string]finding.Severity{"CP005": finding.SeverityError}}
	res = Process(nil, fs, o)
	if !res.Failed || res.Findings[0].Severity != finding.SeverityError {
		t.Errorf("override to error: failed=%v severity=%v", res.Failed, res.Findings[0].Severity)
	}
	if fs[0].Severity != finding.SeverityInfo {
		t.Error("Process modified its input")
	}
	// Lowering a severity makes the run pass.
	o.Config.Severity["CP001"] = finding.SeverityInfo
	res = Process(nil, []finding.Finding{fnd("CP001", finding.SeverityError, "compose.yaml", 3, 5, 10, "unset")}, o)
	if res.Failed {
		t.Error("CP001 lowered to info still fails")
	}
}

func TestEnableDisablePrecedence(t *testing.T) {
	tests := []struct {
		name                  string
		cfgEnable, cfgDisable []string
		cliEnable, cliDisable []string
		want                  bool
	}{
		{name: "default on", want: true},
		{name: "config disable", cfgDisable: []string{"CP005"}, want: false},
		{name: "config enable", cfgEnable: []string{"CP005"}, want: true},
		{name: "cli enable beats config disable", cfgDisable: []string{"CP005"}, cliEnable: []string{"CP005"}, want: true},
		{name: "cli disable beats config enable", cfgEnable: []string{"CP005"}, cliDisable: []string{"CP005"}, want: false},
		{name: "cli disable beats cli enable", cliEnable: []string{"CP005"}, cliDisable: []string{"CP005"}, want: false},
		{name: "other rule", cfgDisable: []string{"CP001"}, cliDisable: []string{"DF005"}, want: true},
		{name: "any case", cliDisable: []string{"cp005"}, want: false},
	}
	for _, tt := range tests {
		o := opts()
		o.Config = &config.Config{Enable: tt.cfgEnable, Disable: tt.cfgDisable}
		o.Enable, o.Disable = tt.cliEnable, tt.cliDisable
		if got := RuleEnabled("CP005", o); got != tt.want {
			t.Errorf("%s: RuleEnabled = %v, want %v", tt.name, got, tt.want)
		}
		res := Process(nil, []finding.Finding{fnd("CP005", finding.SeverityInfo, "compose.yaml", 1, 1, 8, "v")}, o)
		if (len(res.Findings) == 1) != tt.want {
			t.Errorf("%s: findings %v", tt.name, res.Findings)
		}
	}
	if !RuleEnabled("CP005", Options{}) {
		t.Error("rules are on without options")
	}
}

func TestExclude(t *testing.T) {
	cfg, err := config.Parse(".envdoctor.yaml", []byte("exclude: [vendor, '**/testdata/**', 'legacy/*.yml']\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	o := opts()
	o.Config = cfg
	res := Process(nil, []finding.Finding{
		fnd("DF005", finding.SeverityWarning, "vendor/lib/Dockerfile", 1, 6, 12, pinless),
		fnd("DF005", finding.SeverityWarning, "app/testdata/x/Dockerfile", 1, 6, 12, pinless),
		fnd("CP005", finding.SeverityInfo, "legacy/compose.yml", 1, 1, 8, "v"),
		fnd("CP005", finding.SeverityInfo, "legacy/old/compose.yml", 1, 1, 8, "v"),
		fnd("DF005", finding.SeverityWarning, "Dockerfile", 1, 6, 12, pinless),
		fnd("ED000", finding.SeverityError, "", 0, 0, 0, "internal error"),
	}, o)
	check(t, res, ""+
		":0:0-0:0: ED000 error: internal error\n"+
		"Dockerfile:1:6-1:12: DF005 warning: "+pinless+"\n"+
		"legacy/old/compose.yml:1:1-1:8: CP005 info: v\n")
}

func TestDedupeAndSort(t *testing.T) {
	a := fnd("DF005", finding.SeverityWarning, "b/Dockerfile", 2, 6, 12, pinless)
	a2 := a
	a2.Fix = &finding.Fix{Message: "the first one wins"}
	res := Process(nil, []finding.Finding{
		a,
		fnd("CP001", finding.SeverityError, "compose.yaml", 7, 9, 20, "variable \"B\" is not set"),
		a2,
		fnd("CP001", finding.SeverityError, "compose.yaml", 7, 9, 20, "variable \"A\" is not set"),
		fnd("CP001", finding.SeverityError, "compose.yaml", 3, 9, 20, "variable \"C\" is not set"),
		fnd("DF009", finding.SeverityInfo, "b/Dockerfile", 2, 6, 12, pinless),
		fnd("CP001", finding.SeverityError, "compose.yaml", 7, 9, 20, "variable \"A\" is not set"),
		fnd("ED000", finding.SeverityError, "", 0, 0, 0, "internal error"),
	}, opts())
	check(t, res, ""+
		":0:0-0:0: ED000 error: internal error\n"+
		"b/Dockerfile:2:6-2:12: DF005 warning: "+pinless+"\n"+
		"b/Dockerfile:2:6-2:12: DF009 info: "+pinless+"\n"+
		"compose.yaml:3:9-3:20: CP001 error: variable \"C\" is not set\n"+
		"compose.yaml:7:9-7:20: CP001 error: variable \"A\" is not set\n"+
		"compose.yaml:7:9-7:20: CP001 error: variable \"B\" is not set\n")
}

func TestFailLevels(t *testing.T) {
	info := fnd("CP005", finding.SeverityInfo, "compose.yaml", 1, 1, 8, "v")
	warn := fnd("DF005", finding.SeverityWarning, "Dockerfile", 1, 6, 12, pinless)
	errf := fnd("CP001", finding.SeverityError, "compose.yaml", 3, 9, 20, "unset")
	lvl := func(s finding.Severity) *finding.Severity { return &s }
	tests := []struct {
		name     string
		level    finding.Severity
		cfgLevel *finding.Severity
		found    []finding.Finding
		want     bool
	}{
		{"default warning, info only", 0, nil, []finding.Finding{info}, false},
		{"default warning, warning", 0, nil, []finding.Finding{info, warn}, true},
		{"error, warning", finding.SeverityError, nil, []finding.Finding{warn}, false},
		{"error, error", finding.SeverityError, nil, []finding.Finding{info, errf}, true},
		{"info, info", finding.SeverityInfo, nil, []finding.Finding{info}, true},
		{"none, error", finding.SeverityNone, nil, []finding.Finding{errf}, false},
		{"nothing found", finding.SeverityInfo, nil, nil, false},
		{"config error", 0, lvl(finding.SeverityError), []finding.Finding{warn}, false},
		{"config none", 0, lvl(finding.SeverityNone), []finding.Finding{errf}, false},
		{"flag beats config", finding.SeverityInfo, lvl(finding.SeverityError), []finding.Finding{info}, true},
	}
	for _, tt := range tests {
		o := opts()
		o.FailLevel = tt.level
		o.Config = &config.Config{FailLevel: tt.cfgLevel}
		if got := Process(nil, tt.found, o).Failed; got != tt.want {
			t.Errorf("%s: Failed = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestEmptyResultIsNotNil(t *testing.T) {
	res := Process(nil, nil, Options{})
	if res.Findings == nil || len(res.Findings) != 0 || res.Failed || res.Suppressed != 0 {
		t.Errorf("got %+v", res)
	}
}

func TestComposeYAML(t *testing.T) {
	src := "" +
		"services:\n" + // 1
		"  web:\n" + // 2
		"    image: nginx:latest # envdoctor:ignore CP001 -- trailing covers this line\n" + // 3
		"    environment:\n" + // 4
		"      URL: \"http://x # envdoctor:ignore CP001 -- inside a string\"\n" + // 5
		"      # envdoctor:ignore unset-variable -- set by CI\n" + // 6
		"\n" + // 7
		"      TOKEN: ${TOKEN}\n" + // 8
		"    command: |\n" + // 9
		"      # envdoctor:ignore CP001 -- block scalar content\n" + // 10
		"      run\n" + // 11
		"    entrypoint: echo 'a # envdoctor:ignore-file CP005 -- the quote does not open a string here'\n" // 12
	p := proj("compose.yaml", src)
	res := Process(p, []finding.Finding{
		fnd("CP001", finding.SeverityError, "compose.yaml", 3, 12, 24, "on line 3"),
		fnd("CP001", finding.SeverityError, "compose.yaml", 5, 12, 20, "on line 5"),
		fnd("CP001", finding.SeverityError, "compose.yaml", 8, 14, 22, "on line 8"),
		fnd("CP001", finding.SeverityError, "compose.yaml", 11, 7, 10, "on line 11"),
		fnd("CP005", finding.SeverityInfo, "compose.yaml", 1, 1, 9, "obsolete version"),
	}, opts())
	check(t, res, ""+
		"compose.yaml:5:12-5:20: CP001 error: on line 5\n"+
		"compose.yaml:11:7-11:10: CP001 error: on line 11\n")
	if res.Suppressed != 3 {
		t.Errorf("Suppressed = %d, want 3", res.Suppressed)
	}
}

func TestEnvFile(t *testing.T) {
	src := "" +
		"A=1 # envdoctor:ignore EN001 -- trailing\n" + // 1
		"B=\"x # envdoctor:ignore EN001 -- quoted\"\n" + // 2
		"C=\"y\" # envdoctor:ignore EN001 -- after the quote\n" + // 3
		"# envdoctor:ignore EN001 -- own line\n" + // 4
		"D=2\n" + // 5
		"E=a#envdoctor:ignore EN001 -- no space before the hash\n" // 6
	p := proj(".env", src)
	var fs []finding.Finding
	for _, line := range []int{1, 2, 3, 5, 6} {
		fs = append(fs, fnd("EN001", finding.SeverityWarning, ".env", line, 1, 2, fmt.Sprintf("line %d", line)))
	}
	check(t, Process(p, fs, opts()), ""+
		".env:2:1-2:2: EN001 warning: line 2\n"+
		".env:6:1-6:2: EN001 warning: line 6\n")
}

func TestDockerignore(t *testing.T) {
	src := "# envdoctor:ignore BC006 -- kept for older builders\nold/\n  # envdoctor:ignore BC006 -- this is a pattern, not a comment\nnew/\n"
	p := proj(".dockerignore", src)
	res := Process(p, []finding.Finding{
		fnd("BC006", finding.SeverityInfo, ".dockerignore", 2, 1, 5, "old"),
		fnd("BC006", finding.SeverityInfo, ".dockerignore", 4, 1, 5, "new"),
	}, opts())
	check(t, res, ".dockerignore:4:1-4:5: BC006 info: new\n")
}

func TestDockerfileNotComments(t *testing.T) {
	src := "" +
		"FROM python\n" + // 1
		"RUN echo hi # envdoctor:ignore DF005 -- shell comment, not a Dockerfile one\n" + // 2
		"RUN <<EOF\n" + // 3
		"# envdoctor:ignore DF005 -- heredoc body\n" + // 4
		"echo hi\n" + // 5
		"EOF\n" + // 6
		"  # envdoctor:ignore DF009 -- indented comments are comments\n" + // 7
		"USER root\n" // 8
	p := proj("Dockerfile", src)
	res := Process(p, []finding.Finding{
		fnd("DF005", finding.SeverityWarning, "Dockerfile", 5, 1, 5, "line 5"),
		fnd("DF009", finding.SeverityInfo, "Dockerfile", 8, 1, 10, "root"),
	}, opts())
	check(t, res, "Dockerfile:5:1-5:5: DF005 warning: line 5\n")
}

func TestUnknownFileKindsAreNotScanned(t *testing.T) {
	p := proj("README.md", "# envdoctor:ignore XX999\n", "script.sh", "# envdoctor:ignore DF005 -- r\necho\n")
	res := Process(p, []finding.Finding{fnd("DF005", finding.SeverityWarning, "script.sh", 2, 1, 5, "x")}, opts())
	check(t, res, "script.sh:2:1-2:5: DF005 warning: x\n")
}

func TestKindsFromProject(t *testing.T) {
	p := proj(
		"deploy/app.compose", "x: 1 # envdoctor:ignore CP005 -- r\n",
		"config/prod.vars", "A=1 # envdoctor:ignore EN001 -- r\n",
		"build/Buildfile", "# envdoctor:ignore DF005 -- r\nFROM python\n",
		"build/ignore.txt", "# envdoctor:ignore BC006 -- r\nold/\n",
	)
	p.Compose = &project.Compose{Files: []*project.ComposeFile{{Path: "deploy/app.compose"}}}
	p.EnvFiles = []*project.EnvFile{{Path: "config/prod.vars"}}
	p.Dockerfiles = []*project.Dockerfile{{Path: "build/Buildfile"}, {Path: "deploy/app.compose", Inline: true}}
	p.Contexts = []*project.BuildContext{{Dir: "build", Dockerignore: "build/ignore.txt"}}
	res := Process(p, []finding.Finding{
		fnd("CP005", finding.SeverityInfo, "deploy/app.compose", 1, 1, 2, "x"),
		fnd("EN001", finding.SeverityWarning, "config/prod.vars", 1, 1, 2, "x"),
		fnd("DF005", finding.SeverityWarning, "build/Buildfile", 2, 6, 12, "x"),
		fnd("BC006", finding.SeverityInfo, "build/ignore.txt", 2, 1, 5, "x"),
	}, opts())
	check(t, res, "")
	if res.Suppressed != 4 {
		t.Errorf("Suppressed = %d", res.Suppressed)
	}
}

func TestCRLF(t *testing.T) {
	p := proj("Dockerfile", "# envdoctor:ignore DF005 -- reason\r\nFROM python\r\n")
	res := Process(p, []finding.Finding{fnd("DF005", finding.SeverityWarning, "Dockerfile", 2, 6, 12, pinless)}, opts())
	check(t, res, "")
	p = proj("Dockerfile", "# envdoctor:ignore DF005 -- reason\r\nFROM python:3\r\n")
	check(t, Process(p, nil, opts()), ""+
		"Dockerfile:1:1-1:35: ED001 warning: ignore comment for DF005 matched no finding\n"+
		"  fix: remove the comment, or fix its rule ID\n")
}

func TestDirectiveAtEndOfFileCoversNothing(t *testing.T) {
	p := proj("Dockerfile", "FROM python\n# envdoctor:ignore DF005 -- reason\n\n")
	res := Process(p, []finding.Finding{fnd("DF005", finding.SeverityWarning, "Dockerfile", 1, 6, 12, pinless)}, opts())
	if len(res.Findings) != 2 || res.Findings[1].RuleID != UnusedIgnoreID {
		t.Errorf("got:\n%s", render(res.Findings))
	}
}

func TestScanYAML(t *testing.T) {
	tests := []struct {
		lines []string
		want  []int // comment index per line
	}{
		{[]string{"a: 1 # c", "# c", "  # c", "b: x#y", "c: 'x # y' # c"}, []int{5, 0, 2, -1, 11}},
		{[]string{`a: "x \" # y" # c`, `b: 'it''s # x' # c`, "c: don't # c", `d: x "y # z"`}, []int{14, 15, 9, 8}},
		{[]string{`a: "multi`, `  # inside`, `  line" # c`, `b: 1`}, []int{-1, -1, 8, -1}},
		{[]string{"a: |", "  # content", "", "  more", "# c", "b: >-  # c", "   # content", " # c"}, []int{-1, -1, -1, -1, 0, 7, -1, 1}},
		{[]string{"- |", "  # content", "- key: |2", "    # content", "  # c (indent 2 is not more than the key's)", "- x"}, []int{-1, -1, -1, -1, 2, -1}},
		{[]string{"a: [b, 'c # d', e] # c", "f: {g: 'h # i'} # c", "j: &anc 'k # l' # c", "m: !!str 'n # o' # c"}, []int{19, 16, 16, 17}},
		{[]string{"a: [x,", "  # c", "  'y # z']", "b: *anc # c"}, []int{-1, 2, -1, 8}},
		{[]string{`"k # x": v # c`, "url: http://h/#frag # c"}, []int{11, 20}},
	}
	for _, tt := range tests {
		infos := scanYAML(tt.lines)
		var got []int
		for _, in := range infos {
			got = append(got, in.comment)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q:\ngot  %v\nwant %v", tt.lines, got, tt.want)
		}
	}
}

func TestScanEnv(t *testing.T) {
	lines := []string{
		"A=1 # c", "B=1\t# not", "C= # value", "D='x # y' # c", "E=\"a\\\" # b\"#c",
		"F=\"multi", "# inside", "line\" # c", "export G=1 # c", "  # c", "H", "I: 1 # c",
	}
	want := []int{4, -1, -1, 10, 11, -1, -1, 6, 11, 2, -1, 5}
	var got []int
	for _, in := range scanEnv(lines) {
		got = append(got, in.comment)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestScanDockerfile(t *testing.T) {
	lines := []string{
		"# syntax=docker/dockerfile:1", "FROM alpine", "RUN a \\", "  # c inside a continuation", "  && b",
		"COPY <<-\"A\" <<B /dst/", "# body", "\tA", "# body", "B", "  # c", "RUN echo '<<EOF'", "# c",
	}
	want := []int{0, -1, -1, 2, -1, -1, -1, -1, -1, -1, 2, -1, 0}
	var got []int
	for _, in := range scanDockerfile(lines) {
		got = append(got, in.comment)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestKindByName(t *testing.T) {
	for name, want := range map[string]fileKind{
		"compose.yaml": kindYAML, "a/docker-compose.yml": kindYAML, ".envdoctor.yaml": kindYAML,
		"Dockerfile": kindDockerfile, "app/Dockerfile.dev": kindDockerfile, "web.Dockerfile": kindDockerfile,
		"Containerfile": kindDockerfile, ".env": kindEnv, ".env.local": kindEnv, "prod.env": kindEnv,
		".dockerignore": kindDockerignore, "Dockerfile.dockerignore": kindDockerignore,
		"README.md": kindUnknown, "main.go": kindUnknown, "environment.txt": kindUnknown,
	} {
		if got := kindByName(name); got != want {
			t.Errorf("kindByName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestBareDirective(t *testing.T) {
	p := proj("Dockerfile", "# envdoctor:ignore\nFROM python\n")
	check(t, Process(p, nil, opts()), ""+
		"Dockerfile:1:1-1:19: ED002 error: ignore comment names no rule\n"+
		"  fix: name the rule or rules it silences, and why: # envdoctor:ignore DF005 -- why this is fine here\n")
}
