package rules

import "github.com/envdoctor/envdoctor/internal/finding"

// composeSyntax is CP000: a compose file that cannot be read, is not YAML,
// or that docker compose refuses to load.
func composeSyntax() *Rule {
	return &Rule{
		ID:       "CP000",
		Name:     "compose-syntax",
		Title:    "Compose file cannot be parsed or loaded",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil {
				return
			}
			portErrs := portSyntaxErrors(c)
			for _, e := range c.LoadErrors {
				if len(portErrs) > 0 && composePortLoadError().MatchString(e.Message) {
					continue // located below
				}
				fix := e.Fix // the loader's own advice (a file it refused, a limit)
				if fix == "" {
					fix = "correct the file at this line; `docker compose config` shows the same error"
				}
				p.Reportf(e.Range, &finding.Fix{Message: fix}, "%s", lowerFirst(e.Message))
			}
			for _, f := range portErrs {
				p.Report(f)
			}
		},
	}
}
