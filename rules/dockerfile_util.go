package rules

import (
	"fmt"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// reportOnce drops a finding identical (same rule, place and message) to
// one already reported in this pass: a Dockerfile built by several
// services is listed once per build, and most DF findings do not depend
// on the build.
type reportOnce map[string]bool

func (seen reportOnce) first(f finding.Finding) bool {
	key := fmt.Sprintf("%s\x00%s\x00%v\x00%v\x00%s", f.RuleID, f.Range.File, f.Range.Start, f.Range.End, f.Message)
	if seen[key] {
		return false
	}
	seen[key] = true
	return true
}
