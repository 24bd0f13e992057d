package report

import (
	"strconv"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

func TestGitHubEscaping(t *testing.T) {
	data := map[string]string{
		"plain":             "plain",
		"100%":              "100%25",
		"%0A":               "%250A",
		"a\nb":              "a%0Ab",
		"a\r\nb":            "a%0D%0Ab",
		"key: a, b":         "key: a, b",
		"::error::injected": "::error::injected",
		"%\r\n:,":           "%25%0D%0A:,",
	}
	for in, want := range data {
		if got := escapeData(in); got != want {
			t.Errorf("escapeData(%q) = %q, want %q", in, got, want)
		}
	}
	props := map[string]string{
		"docker-compose.yml":      "docker-compose.yml",
		"dir,with:odd%name\n.yml": "dir%2Cwith%3Aodd%25name%0A.yml",
		"CP001 unset-variable":    "CP001 unset-variable",
		"a\rb":                    "a%0Db",
		"::":                      "%3A%3A",
	}
	for in, want := range props {
		if got := escapeProperty(in); got != want {
			t.Errorf("escapeProperty(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGitHubCommands(t *testing.T) {
	pos := func(l, c int) finding.Pos { return finding.Pos{Line: l, Col: c} }
	cases := []struct {
		name string
		f    finding.Finding
		want string
	}{
		{
			name: "error with span and fix",
			f: finding.Finding{RuleID: "CP001", Severity: finding.SeverityError, Message: `variable "A" is not set`,
				Range: finding.Range{File: "docker-compose.yml", Start: pos(8, 26), End: pos(8, 30)},
				Fix:   &finding.Fix{Message: "set A in .env\nor in the shell"}},
			want: `::error file=docker-compose.yml,line=8,col=26,endLine=8,endColumn=30,title=CP001 unset-variable::variable "A" is not set%0Afix: set A in .env%0Aor in the shell`,
		},
		{
			name: "warning over several lines drops the columns",
			f: finding.Finding{RuleID: "EN001", Severity: finding.SeverityWarning, Message: "m",
				Range: finding.Range{File: ".env", Start: pos(2, 1), End: pos(3, 1)}},
			want: "::warning file=.env,line=2,endLine=3,title=EN001 duplicate-key::m",
		},
		{
			name: "info is a notice; no end",
			f: finding.Finding{RuleID: "DF007", Severity: finding.SeverityInfo, Message: "m",
				Range: finding.Range{File: "Dockerfile", Start: pos(6, 5)}},
			want: "::notice file=Dockerfile,line=6,col=5,title=DF007 mkdir-before-workdir::m",
		},
		{
			name: "line only",
			f: finding.Finding{RuleID: "DF000", Severity: finding.SeverityError, Message: "m",
				Range: finding.Range{File: "Dockerfile", Start: pos(3, 0)}},
			want: "::error file=Dockerfile,line=3,title=DF000::m",
		},
		{
			name: "file only, unknown rule, escaped properties",
			f: finding.Finding{RuleID: "BC001", Severity: finding.SeverityWarning, Message: "50% of the context, is .git",
				Range: finding.Range{File: "a,b:c/Dockerfile"}},
			want: "::warning file=a%2Cb%3Ac/Dockerfile,title=BC001::50%25 of the context, is .git",
		},
		{
			name: "no file",
			f: finding.Finding{RuleID: "DK001", Severity: finding.SeverityError, Message: "engine down: unix:///var/run/docker.sock",
				Fix: &finding.Fix{Message: "start it"}},
			want: "::error title=DK001 docker-unreachable::engine down: unix:///var/run/docker.sock%0Afix: start it",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := render(t, "github", Input{Findings: []finding.Finding{c.f}, Rules: fixtureRules()})
			if got != c.want+"\n" {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestGitHubColumnsAreCodePoints(t *testing.T) {
	in := fixtureInput(t)
	out := render(t, "github", in)
	for _, f := range in.Findings {
		if f.RuleID != "DF011" {
			continue
		}
		// "é" and "ö" come before the span: two bytes fewer.
		want := "line=4,col=" + itoa(f.Range.Start.Col-2) + ",endLine=4,endColumn=" + itoa(f.Range.End.Col-2) + ","
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if got := render(t, "github", emptyInput()); got != "" {
		t.Errorf("clean run printed %q", got)
	}
	// One command per finding, each on one line.
	if got := strings.Count(out, "\n"); got != len(in.Findings) {
		t.Errorf("%d lines for %d findings:\n%s", got, len(in.Findings), out)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
