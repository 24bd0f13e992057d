package rules

import (
	"fmt"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// exampleDrift is EN003: .env and its template (.env.example, .env.sample,
// .env.dist) list different keys. A key only in the example is a setting
// the developer never copied (compose substitutes an empty string); a key
// only in .env is one the next developer will not know to set. Values are
// never printed: the example may hold placeholders, .env real secrets.
func exampleDrift() *Rule {
	return &Rule{
		ID:       "EN003",
		Name:     "example-drift",
		Title:    "Env file and its example list different keys",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			var dotenv *project.EnvFile
			var examples []*project.EnvFile
			for _, ef := range p.Project.EnvFiles {
				switch ef.Role {
				case project.RoleDotEnv:
					dotenv = ef
				case project.RoleExample:
					examples = append(examples, ef)
				}
			}
			if dotenv == nil {
				return // no .env to compare (CP001 reports what is unset)
			}
			for _, ex := range examples {
				for _, e := range missingKeys(ex, dotenv) {
					p.Report(finding.Finding{
						Range:   e.KeyRange,
						Message: fmt.Sprintf("%s is in %s but missing from %s, so it has no value unless the shell sets it", e.Key, ex.Path, dotenv.Path),
						Related: []finding.Related{{Range: fileStart(dotenv.Path), Message: fmt.Sprintf("%s has no %s line", dotenv.Path, e.Key)}},
						Fix: &finding.Fix{Message: fmt.Sprintf("add %s=<value> to %s (%s line %d shows the expected form), or delete it from %s if it is no longer used",
							e.Key, dotenv.Path, ex.Path, e.Line, ex.Path)},
					})
				}
				for _, e := range missingKeys(dotenv, ex) {
					p.Report(finding.Finding{
						Range:   e.KeyRange,
						Message: fmt.Sprintf("%s is in %s but missing from %s, so whoever copies %s will not know to set it", e.Key, dotenv.Path, ex.Path, ex.Path),
						Related: []finding.Related{{Range: fileStart(ex.Path), Message: fmt.Sprintf("%s has no %s line", ex.Path, e.Key)}},
						Fix: &finding.Fix{
							Message: fmt.Sprintf("add %s= to %s with a placeholder value (never the real one)", e.Key, ex.Path),
							Edits:   []finding.Edit{appendLine(ex, e.Key+"=")},
							// The example is not read by compose.
							Safe: true,
						},
					})
				}
			}
		},
	}
}

// missingKeys are the keys of from (each once, first occurrence) that to
// does not have.
func missingKeys(from, to *project.EnvFile) []project.EnvEntry {
	have := map[string]bool{}
	for _, e := range to.Entries {
		have[e.Key] = true
	}
	var out []project.EnvEntry
	for _, e := range from.Entries {
		if !have[e.Key] {
			out = append(out, e)
			have[e.Key] = true
		}
	}
	return out
}

// appendLine is an edit adding line at the end of the file.
func appendLine(ef *project.EnvFile, line string) finding.Edit {
	data := ef.Source.Data
	at := ef.Source.Pos(len(data))
	text := line + "\n"
	if len(data) > 0 && data[len(data)-1] != '\n' {
		text = "\n" + text
	}
	return finding.Edit{Range: finding.Range{File: ef.Path, Start: at, End: at}, NewText: text}
}
