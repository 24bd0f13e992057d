package fix

import (
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// FuzzPlan: any edits on any content are applied, deferred or rejected,
// never a panic; and the diff of what is applied reads back as the change.
func FuzzPlan(f *testing.F) {
	f.Add("a\nb\nc\n", 1, 1, 2, 1, "x", 2, 1, 2, 2, "y")
	f.Add("no newline", 1, 11, 1, 11, "!", 1, 1, 1, 1, "")
	f.Add("", 1, 1, 1, 1, "new\n", 0, 0, 0, 0, "tail")
	f.Add("a\r\nb\r\n", 1, 2, 2, 1, "\n", 3, 1, 3, 1, "c\n")
	f.Fuzz(func(t *testing.T, content string, l1, c1, l2, c2 int, t1 string, l3, c3, l4, c4 int, t2 string) {
		files := memFiles(map[string]string{"f": content})
		fs := []finding.Finding{
			fixAt("A", 1, true, edit("f", l1, c1, l2, c2, t1)),
			fixAt("B", 2, true, edit("f", l3, c3, l4, c4, t2)),
		}
		plan := NewPlan(fs, files, Options{}, nil)
		if n := len(plan.Applied) + len(plan.Deferred) + len(plan.Rejected); n != 2 {
			t.Fatalf("%d fixes accounted for, want 2: %+v", n, plan)
		}
		for _, c := range plan.Changes {
			if d := Unified(c.File, c.Old, c.New); d == "" {
				t.Fatalf("a change with an empty diff: %q -> %q", c.Old.Data, c.New)
			}
		}
	})
}
