package rules

import (
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// obsoleteVersion is CP005: the top-level `version:` key, which Compose v2
// ignores (with a warning) since the Compose Specification replaced it.
func obsoleteVersion() *Rule {
	return &Rule{
		ID:       "CP005",
		Name:     "obsolete-version",
		Title:    "Top-level version is obsolete",
		Severity: finding.SeverityInfo,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil {
				return
			}
			for _, cf := range c.Files {
				value, key := cf.Lookup("version")
				if key == nil {
					continue
				}
				r := project.NodeRange(cf.Source, key)
				r.End = project.NodeRange(cf.Source, value).End
				fix := &finding.Fix{
					Message: "delete the `version:` line: docker compose ignores it and always uses the latest Compose Specification",
					Safe:    true,
				}
				// Delete the whole line when the key stands alone on it.
				if key.Column == 1 && value.Line == key.Line {
					fix.Edits = []finding.Edit{{
						Range:   finding.Range{File: cf.Path, Start: finding.Pos{Line: key.Line, Col: 1}, End: finding.Pos{Line: key.Line + 1, Col: 1}},
						NewText: "",
					}}
				}
				p.Reportf(r, fix, "the top-level `version: %s` is obsolete and ignored by docker compose", value.Value)
			}
		},
	}
}
