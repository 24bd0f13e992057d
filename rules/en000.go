package rules

import "github.com/envdoctor/envdoctor/internal/finding"

// envSyntax is EN000: an env file line compose's parser rejects. Compose
// stops reading the file there, so later variables are lost.
func envSyntax() *Rule {
	return &Rule{
		ID:       "EN000",
		Name:     "env-syntax",
		Title:    "Env file line cannot be parsed",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Run: func(p *Pass) {
			for _, ef := range p.Project.EnvFiles {
				if ef.Error == nil {
					continue
				}
				p.Reportf(ef.Error.Range, &finding.Fix{
					Message: "write the line as KEY=value (letters, digits, _ . - in the key; quote values with spaces and close every quote); compose stops reading the file at this line",
				}, "cannot parse %s: %s", ef.Path, ef.Error.Message)
			}
		},
	}
}
