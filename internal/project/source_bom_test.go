package project

import (
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// Columns of line 1 are counted after a UTF-8 BOM, as editors and the YAML
// parser count them; Offset and Pos convert them to and from byte offsets
// of the data, which holds the BOM.
func TestSourceBOM(t *testing.T) {
	src := NewSource("f", []byte("\xef\xbb\xbfname: x\r\nb: y\n"))
	if got := src.Line(1); got != "name: x" {
		t.Errorf("Line(1) = %q", got)
	}
	if got := src.Line(2); got != "b: y" {
		t.Errorf("Line(2) = %q", got)
	}
	for _, c := range []struct {
		pos finding.Pos
		off int
	}{
		{finding.Pos{Line: 1, Col: 1}, 3},
		{finding.Pos{Line: 1, Col: 7}, 9},
		{finding.Pos{Line: 2, Col: 1}, 12},
	} {
		if got := src.Offset(c.pos); got != c.off {
			t.Errorf("Offset(%v) = %d, want %d", c.pos, got, c.off)
		}
		if got := src.Pos(c.off); got != c.pos {
			t.Errorf("Pos(%d) = %v, want %v", c.off, got, c.pos)
		}
	}
	if got := src.Pos(1); got != (finding.Pos{Line: 1, Col: 1}) {
		t.Errorf("Pos inside the BOM = %v", got)
	}
	if got := src.LineRange(1); got.End.Col != 8 {
		t.Errorf("LineRange(1) = %v", got)
	}
	empty := NewSource("e", []byte("\xef\xbb\xbf"))
	if empty.Line(1) != "" || empty.Offset(finding.Pos{Line: 1, Col: 1}) != 3 {
		t.Errorf("a file holding only a BOM: %q %d", empty.Line(1), empty.Offset(finding.Pos{Line: 1, Col: 1}))
	}
}
