package rules

import (
	"fmt"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/lineend"
	"github.com/envdoctor/envdoctor/internal/project"
)

// crlfEnvFile is EN004: an env file with CR line endings (CRLF, as Windows
// editors and git's core.autocrlf write them, or a lone CR). Compose v2's
// parser (compose-go dotenv) drops a CR at the end of an unquoted or quoted
// one-line value, but keeps it inside a quoted multi-line value, and does
// not treat a lone CR as a line break: "A=1\rB=2" sets A to "1\rB=2" and
// never sets B. Shell scripts that read the file (`. ./.env`, `set -a`),
// and Makefiles that `include .env`, get every value with a trailing \r.
// Compose v1 (python-dotenv, which reads the file with universal newlines)
// reads all of them as line breaks. One finding per file.
func crlfEnvFile() *Rule {
	return &Rule{
		ID:       "EN004",
		Name:     "crlf-env-file",
		Title:    "Env file has CRLF line endings",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			for _, ef := range p.Project.EnvFiles {
				if ef.Source != nil {
					checkCR(p, ef)
				}
			}
		},
	}
}

func checkCR(p *Pass, ef *project.EnvFile) {
	crs := lineend.Find(ef.Source.Data)
	if len(crs) == 0 {
		return
	}
	quoted := quotedSpans(ef)
	next := 0
	inQuotes := 0
	for _, cr := range crs {
		for next < len(quoted) && quoted[next][1] <= cr.Offset {
			next++
		}
		if next < len(quoted) && quoted[next][0] <= cr.Offset {
			inQuotes++
		}
	}
	crlf, lone := lineend.Count(crs)
	edits := lineend.ToLF(ef.Path, crs)
	at := crs[0].Pos
	var what []string
	if crlf > 0 {
		what = append(what, fmt.Sprintf("%s with Windows (CRLF) line endings", plural(crlf, "line")))
	}
	if lone > 0 {
		what = append(what, fmt.Sprintf("%s (a carriage return without a newline)", plural(lone, "lone CR")))
	}
	msg := fmt.Sprintf("%s has %s, first on line %d", ef.Path, strings.Join(what, " and "), at.Line)
	var effects []string
	if lone > 0 {
		effects = append(effects, "docker compose v2 does not break lines at a lone CR, so the text after it joins the value before it and its keys are never set")
	}
	if inQuotes > 0 {
		effects = append(effects, "docker compose v2 keeps the \\r inside quoted values")
	}
	effects = append(effects, "shell scripts and Makefiles that read the file (`. ./.env`, `include .env`) get values ending in \\r, which Linux programs do not strip")
	msg += ": " + strings.Join(effects, "; ")
	command := fmt.Sprintf("sed -i 's/\\r$//' %s", ef.Path)
	if lone > 0 {
		command = fmt.Sprintf("sed -i 's/\\r$//; s/\\r/\\n/g' %s", ef.Path)
	}
	fix := &finding.Fix{
		Message: fmt.Sprintf("convert the file to LF line endings: `%s` (or set LF in your editor), and add `%s text eol=lf` to .gitattributes so git does not convert it back",
			command, lineend.GitattributesPattern(ef.Path)),
		Edits: edits,
		// Removing the CR of a CRLF changes no value compose reads, except
		// inside quotes; a lone CR becomes a line break, which changes them.
		Safe: lone == 0 && inQuotes == 0,
	}
	p.Report(finding.Finding{
		Range:   finding.Range{File: ef.Path, Start: at, End: finding.Pos{Line: at.Line, Col: at.Col + 1}},
		Message: msg,
		Fix:     fix,
	})
}

// quotedSpans are the byte spans of the quoted values, in file order.
func quotedSpans(ef *project.EnvFile) [][2]int {
	var out [][2]int
	for _, e := range ef.Entries {
		start, end := ef.Source.Offset(e.ValueRange.Start), ef.Source.Offset(e.ValueRange.End)
		if start < 0 || end <= start {
			continue
		}
		if q := ef.Source.Data[start]; q == '"' || q == '\'' {
			out = append(out, [2]int{start, end})
		}
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
