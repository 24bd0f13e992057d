package checks

import (
	"strings"
	"testing"
)

// unsafeEdits are the FileFix probes whose edits may be unsafe (their
// tests show both kinds: TestHS001Edits).
var unsafeEdits = map[string]bool{"HS001": true}

// TestFixDocs is the probes' twin of the rules' TestFixDocs: the "## Fix"
// section of a probe that envdoctor fix runs (FileFix) names
// `envdoctor fix` (and `envdoctor fix --unsafe` when some edits are
// unsafe); every other probe's says there is no automatic fix.
func TestFixDocs(t *testing.T) {
	for _, c := range All() {
		_, section, _ := strings.Cut(Doc(c.ID), "## Fix\n")
		section, _, _ = strings.Cut(section, "\n## ")
		section = strings.Join(strings.Fields(section), " ")
		none := strings.Contains(strings.ToLower(section), "no automatic fix")
		switch {
		case !c.FileFix && !none:
			t.Errorf("%s: envdoctor fix does not run it: the Fix section must say there is no automatic fix", c.ID)
		case c.FileFix && (none || !strings.Contains(section, "`envdoctor fix`")):
			t.Errorf("%s: envdoctor fix runs it: the Fix section must name `envdoctor fix`", c.ID)
		case unsafeEdits[c.ID] && !strings.Contains(section, "envdoctor fix --unsafe"):
			t.Errorf("%s: some edits are unsafe: the Fix section must name `envdoctor fix --unsafe`", c.ID)
		case !c.FileFix && unsafeEdits[c.ID]:
			t.Errorf("%s: in unsafeEdits but not FileFix", c.ID)
		}
	}
}
