package binddefaults

import (
	"testing"

	"github.com/envdoctor/envdoctor/internal/project"
)

// TestAppFilesRead: every file the table asks about is one the project
// loader reads, or the rules could never see it.
func TestAppFilesRead(t *testing.T) {
	read := map[string]bool{}
	for _, n := range project.AppFileNames() {
		read[n] = true
	}
	want := []string{"manage.py", "package.json"}
	for _, s := range Table() {
		want = append(want, s.ConfigFiles...)
	}
	for _, n := range want {
		if !read[n] {
			t.Errorf("%s: not in project.AppFileNames", n)
		}
	}
}
