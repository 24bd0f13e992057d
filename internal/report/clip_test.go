package report

import (
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// TestClipLine: a line longer than maxExcerpt is cut to a window around
// the finding, the columns shifted so the caret stays under the span.
func TestClipLine(t *testing.T) {
	short := "RUN echo hi"
	if got, r := clipLine(short, finding.Range{Start: finding.Pos{Line: 1, Col: 5}}); got != short || r.Start.Col != 5 {
		t.Errorf("short line changed: %q %v", got, r)
	}
	long := "RUN echo " + strings.Repeat("x", 5000) + " TARGET " + strings.Repeat("é", 3000)
	col := strings.Index(long, "TARGET") + 1
	r := finding.Range{Start: finding.Pos{Line: 1, Col: col}, End: finding.Pos{Line: 1, Col: col + len("TARGET")}}
	got, r := clipLine(long, r)
	if len(got) > maxExcerpt+2*len("…")+4 || !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Fatalf("clipped to %d bytes: %.60q…", len(got), got)
	}
	if span := got[r.Start.Col-1 : r.End.Col-1]; span != "TARGET" {
		t.Errorf("span after clipping = %q", span)
	}
	// A span running past the window is cut at its end.
	r2 := finding.Range{Start: finding.Pos{Line: 1, Col: 1}, End: finding.Pos{Line: 1, Col: len(long) + 1}}
	got2, r2 := clipLine(long, r2)
	if r2.Start.Col != 1 || r2.End.Col != len(got2)+1 {
		t.Errorf("whole-line span = %v over %d bytes", r2, len(got2))
	}
}
