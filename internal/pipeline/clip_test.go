package pipeline

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/envdoctor/envdoctor/internal/finding"
)

func TestClipMessages(t *testing.T) {
	long := "variable " + strings.Repeat("é", 2000) + " is not set"
	f := clipMessages(finding.Finding{Message: long, Fix: &finding.Fix{Message: long}})
	for _, m := range []string{f.Message, f.Fix.Message} {
		if len(m) > MaxMessage+len("…") || !strings.HasSuffix(m, "…") || !utf8.ValidString(m) {
			t.Errorf("clipped to %d bytes, valid %v", len(m), utf8.ValidString(m))
		}
	}
	if g := clipMessages(finding.Finding{Message: "short"}); g.Message != "short" || g.Fix != nil {
		t.Errorf("short message changed: %+v", g)
	}
}
