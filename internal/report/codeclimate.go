package report

import (
	"encoding/json"
	"io"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/fingerprint"
)

// codeClimateFormatter writes the Code Climate issue list that GitLab
// reads as a Code Quality report (artifacts: reports: codequality) and
// shows in the merge request widget:
//
//	[{"type": "issue", "check_name": "CP001", "description": "CP001 unset-variable: variable \"POSTGRES_USER\" is not set",
//	  "content": {"body": "..."}, "categories": ["Bug Risk"], "severity": "major",
//	  "location": {"path": "docker-compose.yml", "positions": {"begin": {"line": 13, "column": 22}, "end": {...}}},
//	  "fingerprint": "…"}]
//
// GitLab reads description, check_name, fingerprint, severity,
// location.path and location.lines.begin or location.positions.begin.line.
// A location has positions when the column is known and lines otherwise.
// Columns are code points, like SARIF's.
//
// Severities (GitLab's info, minor, major, critical, blocker): error is
// major, warning is minor, info is info, as ESLint's GitLab formatters map
// them; warnings and errors of security rules go one step up (a security
// warning is major, a security error critical). blocker is never used.
//
// The fingerprint is the SARIF partial fingerprint (package fingerprint):
// it does not change when lines are inserted above a finding, so GitLab
// does not report a moved finding as resolved and new. Findings about no
// file are located at line 1 of Input.Anchor (GitLab needs a path), or of
// "." without one. An empty run is [].
type codeClimateFormatter struct{}

type ccIssue struct {
	Type        string     `json:"type"`
	CheckName   string     `json:"check_name"`
	Description string     `json:"description"`
	Content     *ccContent `json:"content,omitempty"`
	Categories  []string   `json:"categories"`
	Severity    string     `json:"severity"`
	Location    ccLocation `json:"location"`
	Fingerprint string     `json:"fingerprint"`
}

type ccContent struct {
	Body string `json:"body"`
}

type ccLocation struct {
	Path      string       `json:"path"`
	Lines     *ccLines     `json:"lines,omitempty"`
	Positions *ccPositions `json:"positions,omitempty"`
}

type ccLines struct {
	Begin int `json:"begin"`
	End   int `json:"end"`
}

type ccPositions struct {
	Begin ccPosition `json:"begin"`
	End   ccPosition `json:"end"`
}

type ccPosition struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

func (codeClimateFormatter) Format(w io.Writer, in Input) error {
	rules := ruleIndex(in.Rules)
	issues := make([]ccIssue, 0, len(in.Findings))
	seen := fingerprint.Counter{}
	for _, f := range in.Findings {
		info := rules[f.RuleID]
		desc := f.RuleID
		if info.Name != "" {
			desc += " " + info.Name
		}
		issue := ccIssue{
			Type:        "issue",
			CheckName:   f.RuleID,
			Description: desc + ": " + f.Message,
			Categories:  []string{"Bug Risk"},
			Severity:    codeClimateSeverity(f.Severity, info.Security),
			Location:    in.codeClimateLocation(f),
			Fingerprint: seen.Next(fingerprint.Finding(f, "", in.Lines)),
		}
		if info.Security {
			issue.Categories = []string{"Security"}
		}
		var body []string
		if f.Fix != nil && f.Fix.Message != "" {
			body = append(body, "Fix: "+f.Fix.Message)
		}
		if f.Range.File == "" && in.Anchor != "" {
			body = append(body, "This finding is "+anchorNote+".")
		}
		if info.HelpURI != "" {
			body = append(body, "Documentation: "+info.HelpURI)
		}
		if len(body) > 0 {
			issue.Content = &ccContent{Body: strings.Join(body, "\n\n")}
		}
		issues = append(issues, issue)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(issues)
}

func (in *Input) codeClimateLocation(f finding.Finding) ccLocation {
	r, _, ok := in.anchored(f)
	if !ok {
		return ccLocation{Path: ".", Lines: &ccLines{Begin: 1, End: 1}}
	}
	loc := ccLocation{Path: r.File}
	begin := max(r.Start.Line, 1)
	end := max(r.End.Line, begin)
	if r.Start.Line > 0 && r.Start.Col > 0 {
		endCol := in.runeColumn(r.File, r.End.Line, r.End.Col, true)
		if r.End.Line == 0 || r.End.Col == 0 {
			endCol = in.runeColumn(r.File, r.Start.Line, r.Start.Col, false)
		}
		loc.Positions = &ccPositions{
			Begin: ccPosition{Line: begin, Column: in.runeColumn(r.File, r.Start.Line, r.Start.Col, false)},
			End:   ccPosition{Line: end, Column: endCol},
		}
		return loc
	}
	loc.Lines = &ccLines{Begin: begin, End: end}
	return loc
}

// codeClimateSeverity maps a severity to GitLab's scale; security rules go
// one step up.
func codeClimateSeverity(s finding.Severity, security bool) string {
	scale := []string{"info", "minor", "major", "critical", "blocker"}
	i := 0
	switch s {
	case finding.SeverityError:
		i = 2
	case finding.SeverityWarning:
		i = 1
	}
	if security && i > 0 {
		i++
	}
	return scale[i]
}
