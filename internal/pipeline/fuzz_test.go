package pipeline

import (
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// FuzzDirectives: the comment scanners and the directive parser never
// panic, and every directive range lies on its line.
func FuzzDirectives(f *testing.F) {
	for _, s := range []string{
		"# envdoctor:ignore DF005 -- r\nFROM python\n",
		"a: \"x # envdoctor:ignore CP001 -- r\" # envdoctor:ignore CP001 -- r\nb: |\n  # c\n",
		"A='x\n# y' # envdoctor:ignore-file EN001 -- r\n",
		"RUN <<EOF\n# envdoctor:ignore\nEOF\n",
		"# envdoctor: ignore x\n#envdoctor:ignroe,DF005 --\n",
		"# hadolint ignore=DL3006,DL3002\nFROM python \\\n  AS x\n# hadolint stage ignore=DL3002\nUSER root\n",
		"# hadolint global ignore = DL3007 # why\n#hadolint ignore=\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		for _, name := range []string{"compose.yaml", "Dockerfile", ".env", ".dockerignore"} {
			p := proj(name, src)
			res := Process(p, []finding.Finding{fnd("DF005", finding.SeverityWarning, name, 1, 1, 2, "x")}, hadolintOpts())
			for _, f := range res.Findings {
				if !strings.HasPrefix(f.RuleID, "ED") {
					continue
				}
				line := p.Sources[name].Line(f.Range.Start.Line)
				if f.Range.Start.Col < 1 || f.Range.End.Col-1 > len(line) || line[f.Range.Start.Col-1] != '#' {
					t.Fatalf("%s: bad range %+v for line %q", name, f.Range, line)
				}
			}
		}
	})
}
