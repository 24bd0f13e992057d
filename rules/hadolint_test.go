package rules

import (
	"regexp"
	"strings"
	"testing"
)

// TestHadolintTwins: every entry of the table names a DF rule and real
// hadolint codes, and reaches the rule through All.
func TestHadolintTwins(t *testing.T) {
	code := regexp.MustCompile(`^DL[34][0-9]{3}$`)
	all := All()
	byID := map[string]*Rule{}
	for _, r := range all {
		byID[r.ID] = r
	}
	seen := map[string]string{}
	for id, codes := range hadolintTwins {
		if !strings.HasPrefix(id, "DF") || !idPattern().MatchString(id) {
			t.Errorf("%s: not a Dockerfile rule ID", id)
		}
		for _, c := range codes {
			if !code.MatchString(c) {
				t.Errorf("%s: %q is not a hadolint DL code", id, c)
			}
			if other, dup := seen[c]; dup {
				t.Errorf("%s is the twin of both %s and %s", c, other, id)
			}
			seen[c] = id
		}
		r, ok := byID[id]
		if !ok {
			t.Errorf("%s: no such rule", id)
			continue
		}
		if strings.Join(r.Hadolint, ",") != strings.Join(codes, ",") {
			t.Errorf("%s: Hadolint = %v, want %v", id, r.Hadolint, codes)
		}
		if strings.Join(r.Info().Hadolint, ",") != strings.Join(codes, ",") {
			t.Errorf("%s: Info().Hadolint = %v", id, r.Info().Hadolint)
		}
	}
}
