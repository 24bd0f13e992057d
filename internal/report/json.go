package report

import (
	"encoding/json"
	"io"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// jsonFormatter writes the public, versioned JSON format documented in
// docs/json.md. Its types are explicit DTOs: internal structs are never
// marshaled, so renaming a Go field cannot change the output. Within
// version 1, fields are only ever added.
type jsonFormatter struct{}

// jsonVersion is the "version" of the JSON format.
const jsonVersion = 1

type jsonReport struct {
	Version  int           `json:"version"`
	Findings []jsonFinding `json:"findings"`
}

type jsonFinding struct {
	Rule     string `json:"rule"`
	Name     string `json:"name"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	jsonRange
	Related []jsonRelated `json:"related"`
	Fix     *jsonFix      `json:"fix,omitempty"`
}

// jsonRange is embedded, so its fields sit flat in the enclosing object.
type jsonRange struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
}

type jsonRelated struct {
	jsonRange
	Message string `json:"message"`
}

type jsonFix struct {
	Message string     `json:"message"`
	Safe    bool       `json:"safe"`
	Edits   []jsonEdit `json:"edits"`
}

type jsonEdit struct {
	jsonRange
	NewText string `json:"new_text"`
}

func newJSONRange(r finding.Range) jsonRange {
	return jsonRange{File: r.File, Line: r.Start.Line, Column: r.Start.Col, EndLine: r.End.Line, EndColumn: r.End.Col}
}

func (jsonFormatter) Format(w io.Writer, in Input) error {
	rules := ruleIndex(in.Rules)
	out := jsonReport{Version: jsonVersion, Findings: make([]jsonFinding, 0, len(in.Findings))}
	for _, f := range in.Findings {
		jf := jsonFinding{
			Rule:      f.RuleID,
			Name:      rules[f.RuleID].Name,
			Severity:  f.Severity.String(),
			Message:   f.Message,
			jsonRange: newJSONRange(f.Range),
			Related:   make([]jsonRelated, 0, len(f.Related)),
		}
		for _, r := range f.Related {
			jf.Related = append(jf.Related, jsonRelated{jsonRange: newJSONRange(r.Range), Message: r.Message})
		}
		if f.Fix != nil {
			fix := &jsonFix{Message: f.Fix.Message, Safe: f.Fix.Safe, Edits: make([]jsonEdit, 0, len(f.Fix.Edits))}
			for _, e := range f.Fix.Edits {
				fix.Edits = append(fix.Edits, jsonEdit{jsonRange: newJSONRange(e.Range), NewText: e.NewText})
			}
			jf.Fix = fix
		}
		out.Findings = append(out.Findings, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
