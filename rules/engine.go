package rules

import "github.com/envdoctor/envdoctor/internal/finding"

// engineRules lists the ED rules: findings the engine itself reports (an
// internal error, a bad or unused ignore comment). Their Run is nil.
func engineRules() []*Rule {
	return []*Rule{
		{ID: InternalErrorID, Name: "internal-error", Title: "A rule of envdoctor failed", Severity: finding.SeverityError, Since: "0.1.0"},
	}
}
