package report

import (
	"io"
	"strconv"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// githubFormatter writes GitHub Actions workflow commands, one per finding,
// which the runner turns into annotations on the pull request:
//
//	::error file=docker-compose.yml,line=13,col=22,endLine=13,endColumn=38,title=CP001 unset-variable::variable "POSTGRES_USER" is not set%0Afix: add POSTGRES_USER to .env
//
// Warnings use ::warning and info ::notice. Columns are converted to code
// points like SARIF's. col and endColumn are left out when the span covers
// several lines, because GitHub rejects columns on multi-line annotations.
// A fix's message follows the finding's on a second line. Nothing is
// written when there are no findings.
type githubFormatter struct{}

func (githubFormatter) Format(w io.Writer, in Input) error {
	rules := ruleIndex(in.Rules)
	var b strings.Builder
	for _, f := range in.Findings {
		b.WriteString("::" + githubCommand(f.Severity))
		var props []string
		add := func(key, value string) {
			props = append(props, key+"="+escapeProperty(value))
		}
		r := f.Range
		if r.File != "" {
			add("file", r.File)
			if r.Start.Line > 0 {
				add("line", strconv.Itoa(r.Start.Line))
				oneLine := r.End.Line == 0 || r.End.Line == r.Start.Line
				if col := in.runeColumn(r.File, r.Start.Line, r.Start.Col, false); col > 0 && oneLine {
					add("col", strconv.Itoa(col))
				}
				if r.End.Line > 0 {
					add("endLine", strconv.Itoa(r.End.Line))
				}
				if col := in.runeColumn(r.File, r.End.Line, r.End.Col, true); col > 0 && oneLine && r.Start.Col > 0 {
					add("endColumn", strconv.Itoa(col))
				}
			}
		}
		title := f.RuleID
		if name := rules[f.RuleID].Name; name != "" {
			title += " " + name
		}
		add("title", title)
		b.WriteString(" " + strings.Join(props, ","))
		msg := f.Message
		if f.Fix != nil && f.Fix.Message != "" {
			msg += "\nfix: " + f.Fix.Message
		}
		b.WriteString("::" + escapeData(msg) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func githubCommand(s finding.Severity) string {
	switch s {
	case finding.SeverityError:
		return "error"
	case finding.SeverityWarning:
		return "warning"
	}
	return "notice"
}

// escapeData escapes a workflow command's message as the runner expects.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value, which may
// not contain the ":" and "," that delimit properties either.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
