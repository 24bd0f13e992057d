package pipeline

import (
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// hadolintOpts gives DF005 and DF009 their hadolint twins.
func hadolintOpts() Options {
	o := opts()
	o.Rules = append([]finding.RuleInfo{}, testRules...)
	for i, r := range o.Rules {
		switch r.ID {
		case "DF005":
			o.Rules[i].Hadolint = []string{"DL3006", "DL3007"}
		case "DF009":
			o.Rules[i].Hadolint = []string{"DL3002"}
		}
	}
	return o
}

func TestHadolintIgnoreNextInstruction(t *testing.T) {
	src := "# hadolint ignore=DL3006\nFROM python\nFROM node\n"
	res := Process(proj("Dockerfile", src), []finding.Finding{
		fnd("DF005", finding.SeverityWarning, "Dockerfile", 2, 6, 12, pinless),
		fnd("DF005", finding.SeverityWarning, "Dockerfile", 3, 6, 10, `base image "node" has no tag`),
	}, hadolintOpts())
	check(t, res, "Dockerfile:3:6-3:10: DF005 warning: base image \"node\" has no tag\n")
	if res.Suppressed != 1 {
		t.Errorf("Suppressed = %d, want 1", res.Suppressed)
	}
}

func TestHadolintIgnoreCoversTheWholeInstruction(t *testing.T) {
	// hadolint reports at the instruction's first line; envdoctor may point
	// at a continuation line or into a heredoc.
	src := "FROM python:3.12\n# hadolint ignore=DL3002,DL3008\nUSER \\\n  root\nRUN <<EOF\necho\nEOF\n"
	res := Process(proj("Dockerfile", src), []finding.Finding{
		fnd("DF009", finding.SeverityInfo, "Dockerfile", 4, 3, 7, "root"),
		fnd("DF009", finding.SeverityInfo, "Dockerfile", 6, 1, 5, "outside"),
	}, hadolintOpts())
	check(t, res, "Dockerfile:6:1-6:5: DF009 info: outside\n")
}

func TestHadolintPragmaForms(t *testing.T) {
	for _, c := range []struct {
		comment    string
		suppresses bool
	}{
		{"# hadolint ignore=DL3006", true},
		{"#hadolint ignore = DL3008 , DL3006", true},
		{"# hadolint ignore=DL3006 # pinned by renovate", true},
		{"#\thadolint\tignore=DL3007,SC2086", true},
		{"# hadolint ignore=DL3008", false},        // no envdoctor twin
		{"# hadolint ignore=", false},              // no code
		{"# hadolint ignore DL3006", false},        // no "="
		{"# hadolintignore=DL3006", false},         // no space
		{"# Hadolint ignore=DL3006", false},        // hadolint is case-sensitive
		{"# hadolint shell=powershell", false},     // not an ignore
		{"# please hadolint ignore=DL3006", false}, // prose
	} {
		res := Process(proj("Dockerfile", c.comment+"\nFROM python\n"), []finding.Finding{
			fnd("DF005", finding.SeverityWarning, "Dockerfile", 2, 6, 12, pinless),
		}, hadolintOpts())
		if got := res.Suppressed == 1; got != c.suppresses {
			t.Errorf("%q: suppressed = %v, want %v", c.comment, got, c.suppresses)
		}
		// A hadolint comment is never an ED001 or ED002 finding.
		for _, f := range res.Findings {
			if f.RuleID != "DF005" {
				t.Errorf("%q: unexpected %s %s", c.comment, f.RuleID, f.Message)
			}
		}
	}
}

func TestHadolintGlobalIgnore(t *testing.T) {
	src := "FROM python\nFROM node:latest\n# hadolint global ignore=DL3006,DL3007\n"
	res := Process(proj("Dockerfile", src, "other/Dockerfile", "FROM python\n"), []finding.Finding{
		fnd("DF005", finding.SeverityWarning, "Dockerfile", 1, 6, 12, pinless),
		fnd("DF005", finding.SeverityWarning, "Dockerfile", 2, 6, 17, "latest"),
		fnd("DF005", finding.SeverityWarning, "other/Dockerfile", 1, 6, 12, pinless),
	}, hadolintOpts())
	check(t, res, "other/Dockerfile:1:6-1:12: DF005 warning: "+pinless+"\n")
}

func TestHadolintStageIgnore(t *testing.T) {
	src := "# hadolint stage ignore=DL3002\nFROM python:3.12 AS build\nUSER root\n\nFROM python:3.12\nUSER root\n" +
		"# hadolint stage ignore=DL3002\nUSER root\n"
	res := Process(proj("Dockerfile", src), []finding.Finding{
		fnd("DF009", finding.SeverityInfo, "Dockerfile", 3, 1, 10, "in the ignored stage"),
		fnd("DF009", finding.SeverityInfo, "Dockerfile", 6, 1, 10, "in the next stage"),
		fnd("DF009", finding.SeverityInfo, "Dockerfile", 8, 1, 10, "stage pragma not above a FROM"),
	}, hadolintOpts())
	check(t, res, ""+
		"Dockerfile:6:1-6:10: DF009 info: in the next stage\n"+
		"Dockerfile:8:1-8:10: DF009 info: stage pragma not above a FROM\n")
}

func TestHadolintOnlyInDockerfiles(t *testing.T) {
	p := proj("compose.yaml", "# hadolint ignore=DL3006\nservices: {}\n")
	res := Process(p, []finding.Finding{
		fnd("DF005", finding.SeverityWarning, "compose.yaml", 2, 1, 5, "not a Dockerfile"),
	}, hadolintOpts())
	if res.Suppressed != 0 {
		t.Errorf("a hadolint comment in a compose file suppressed a finding")
	}
}

func TestHadolintAndEnvdoctorTogether(t *testing.T) {
	src := "# hadolint ignore=DL3006\n# envdoctor:ignore DF009 -- runs as root on purpose\nFROM python\n"
	res := Process(proj("Dockerfile", src), []finding.Finding{
		fnd("DF005", finding.SeverityWarning, "Dockerfile", 3, 6, 12, pinless),
		fnd("DF009", finding.SeverityInfo, "Dockerfile", 3, 1, 12, "root"),
	}, hadolintOpts())
	check(t, res, "")
	if res.Suppressed != 2 {
		t.Errorf("Suppressed = %d, want 2", res.Suppressed)
	}
}
