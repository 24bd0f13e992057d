package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
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
	data := ef.Source.Data
	quoted := quotedSpans(ef)
	next := 0
	first := -1
	crlf, lone, inQuotes := 0, 0, 0
	var edits []finding.Edit
	for i := 0; i < len(data); i++ {
		if data[i] != '\r' {
			continue
		}
		if first < 0 {
			first = i
		}
		at := ef.Source.Pos(i)
		r := finding.Range{File: ef.Path, Start: at, End: finding.Pos{Line: at.Line, Col: at.Col + 1}}
		if i+1 < len(data) && data[i+1] == '\n' {
			crlf++
			edits = append(edits, finding.Edit{Range: r, NewText: ""})
		} else {
			lone++
			edits = append(edits, finding.Edit{Range: r, NewText: "\n"})
		}
		for next < len(quoted) && quoted[next][1] <= i {
			next++
		}
		if next < len(quoted) && quoted[next][0] <= i {
			inQuotes++
		}
	}
	if first < 0 {
		return
	}
	at := ef.Source.Pos(first)
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
			command, gitattributesPattern(ef.Path)),
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

// gitattributesPattern is the .gitattributes pattern that covers the file:
// ".env*" for .env and its variants, "*.env" for app.env, else the name.
func gitattributesPattern(file string) string {
	base := path.Base(file)
	switch {
	case strings.HasPrefix(base, ".env"):
		return ".env*"
	case strings.HasSuffix(base, ".env"):
		return "*.env"
	}
	return file
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
