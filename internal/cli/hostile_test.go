//go:build unix

package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHostileLint runs `envdoctor lint` on compose projects built to break
// it. Each run must end with exit code 1, a CP000 finding naming the file
// and line to edit, no internal error (a rule that panicked), and the other
// files linted: the Dockerfile's DF005 and the .env's EN000.
func TestHostileLint(t *testing.T) {
	laughs := func() string {
		var b strings.Builder
		b.WriteString(`x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
		prev := "a"
		for _, n := range strings.Split("bcdefghi", "") {
			fmt.Fprintf(&b, "x-%s: &%s [%s]\n", n, n, strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ","))
			prev = n
		}
		b.WriteString("services:\n  web:\n    build: .\n    labels: *i\n")
		return b.String()
	}
	merges := func() string {
		var b strings.Builder
		b.WriteString("x-a: &a {image: \"nginx:1.27\", ports: [\"5432:5432\"]}\n")
		prev := "a"
		for i, n := range strings.Split("bcdefghijklm", "") {
			fmt.Fprintf(&b, "x-%s: &%s\n  <<: [%s]\n  k%d: v\n", n, n, strings.TrimSuffix(strings.Repeat("*"+prev+", ", 9), ", "), i)
			prev = n
		}
		b.WriteString("services:\n  web:\n    <<: *m\n    build: .\n")
		return b.String()
	}
	huge := func() string {
		var b strings.Builder
		b.WriteString("services:\n  web:\n    build: .\n")
		for i := 0; b.Len() < 10<<20; i++ {
			fmt.Fprintf(&b, "  s%d:\n    image: nginx:1.27\n    environment:\n      A: %q\n", i, strings.Repeat("x", 200))
		}
		return b.String()
	}
	tests := []struct {
		name  string
		files map[string]string
		want  string // "file:line" of the CP000 finding
	}{
		{"invalid YAML", map[string]string{"compose.yaml": "services:\n  web:\n    build: .\n  bad: [\n"}, "compose.yaml:5"},
		{"schema error", map[string]string{"compose.yaml": "services:\n  web:\n    build: .\n    imagee: x\n"}, "compose.yaml:4"},
		{"include cycle", map[string]string{
			"compose.yaml": "include:\n  - sub/b.yaml\nservices:\n  web:\n    build: .\n",
			"sub/b.yaml":   "include:\n  - ../compose.yaml\nservices:\n  b:\n    image: nginx:1.27\n"}, "sub/b.yaml:2"},
		{"extends of a missing file", map[string]string{
			"compose.yaml": "services:\n  web:\n    build: .\n    extends:\n      file: nope.yaml\n      service: base\n"}, "compose.yaml:5"},
		{"billion laughs", map[string]string{"compose.yaml": laughs()}, "compose.yaml:1"},
		{"merge bomb", map[string]string{"compose.yaml": merges()}, "compose.yaml:1"},
		{"deep nesting", map[string]string{"compose.yaml": "services:\n  web:\n    build: .\nx-deep: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n"}, "compose.yaml:4"},
		{"10 MB compose file", map[string]string{"compose.yaml": huge()}, "compose.yaml:1"},
		{"garbage ports", map[string]string{"compose.yaml": "services:\n  web:\n    build: .\n    ports:\n      - \"99999999999:80\"\n      - -1\n      - {target: 80, published: \"x\"}\n"}, "compose.yaml:5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.files["Dockerfile"] = "FROM python\n"
			tt.files[".env"] = "GOOD=1\nnot a line\n"
			for name, content := range tt.files {
				path := filepath.Join(dir, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			// Within the hostile suite's bounds (hostile_suite_test.go).
			out, stderr, code := runBounded(t, dir, "lint", "--format", "github")
			if code != ExitFindings {
				t.Fatalf("exit %d, want %d\n%s%s", code, ExitFindings, out, stderr)
			}
			file, line, _ := strings.Cut(tt.want, ":")
			for _, want := range []string{
				fmt.Sprintf("file=%s,line=%s,", file, line), "title=CP000",
				"file=Dockerfile,line=1,", "title=DF005",
				"file=.env,line=2,", "title=EN000",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%.3000s", want, out)
				}
			}
			if strings.Contains(out, "ED000") {
				t.Errorf("a rule failed:\n%.3000s", out)
			}
		})
	}
}
