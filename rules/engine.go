package rules

import "github.com/envdoctor/envdoctor/internal/finding"

// engineRules lists the ED rules: findings the engine itself reports (an
// internal error, a bad or unused ignore comment). Their Run is nil: ED000
// comes from Run's panic recovery, ED001 and ED002 from internal/pipeline
// (which names them pipeline.UnusedIgnoreID and pipeline.InvalidIgnoreID).
func engineRules() []*Rule {
	return []*Rule{
		{ID: InternalErrorID, Name: "internal-error", Title: "A rule of envdoctor failed", Severity: finding.SeverityError, Since: "0.1.0"},
		{ID: "ED001", Name: "unused-ignore", Title: "Ignore comment matches no finding", Severity: finding.SeverityWarning, Since: "0.1.0"},
		{ID: "ED002", Name: "invalid-ignore", Title: "Ignore comment is malformed, has no reason or names an unknown rule", Severity: finding.SeverityError, Since: "0.1.0"},
	}
}
