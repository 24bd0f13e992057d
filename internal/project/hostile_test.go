package project

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// hostileCases are compose projects built to break a loader. Each must load
// (no error, no panic) with a located LoadError naming the file and line to
// edit, and the project's other files must still be read.
func hostileCases() []struct {
	name  string
	files map[string]string
	// want is "file:line: message substring" of one LoadError.
	want string
} {
	billionLaughs := func() string {
		var b strings.Builder
		b.WriteString(`x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
		prev := "a"
		for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
			fmt.Fprintf(&b, "x-%s: &%s [%s]\n", n, n, strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ","))
			prev = n
		}
		b.WriteString("services:\n  web:\n    image: nginx:1.27\n    build: .\n    labels: *i\n")
		return b.String()
	}
	mergeBomb := func() string {
		var b strings.Builder
		b.WriteString("x-a: &a {image: \"nginx:1.27\", k0: v}\n")
		prev := "a"
		for i, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"} {
			fmt.Fprintf(&b, "x-%s: &%s\n  <<: [%s]\n  k%d: v\n", n, n, strings.TrimSuffix(strings.Repeat("*"+prev+", ", 9), ", "), i+1)
			prev = n
		}
		b.WriteString("services:\n  web:\n    <<: *m\n    build: .\n")
		return b.String()
	}
	deep := func(open, close string) string {
		const depth = 200000
		return "services:\n  web:\n    image: nginx:1.27\n    build: .\nx-deep: " + strings.Repeat(open, depth) + strings.Repeat(close, depth) + "\n"
	}
	blockDeep := func() string {
		var b strings.Builder
		b.WriteString("services:\n  web:\n    image: nginx:1.27\n    build: .\nx-deep:\n")
		for i := 1; i < 3000; i++ { // 4.5 MB
			fmt.Fprintf(&b, "%s- \n", strings.Repeat(" ", i))
		}
		return b.String()
	}
	dockerfile := "FROM python\n"
	return []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"invalid YAML", map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx:1.27\n    build: .\n  bad: [unclosed\n", "Dockerfile": dockerfile},
			"compose.yaml:6: invalid YAML"},
		{"schema error", map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx:1.27\n    build: .\n    imagee: typo\n", "Dockerfile": dockerfile},
			`compose.yaml:5: services.web: unknown key "imagee"`},
		{"include cycle", map[string]string{
			"compose.yaml":       "include:\n  - other/compose.yaml\nservices:\n  web:\n    image: nginx:1.27\n    build: .\n",
			"other/compose.yaml": "include:\n  - ../compose.yaml\nservices:\n  api:\n    image: nginx:1.27\n",
			"Dockerfile":         dockerfile},
			"other/compose.yaml:2: include cycle: compose.yaml includes other/compose.yaml, which includes compose.yaml"},
		{"include of a missing file", map[string]string{
			"compose.yaml": "include:\n  - path: missing/compose.yaml\nservices:\n  web:\n    image: nginx:1.27\n    build: .\n",
			"Dockerfile":   dockerfile},
			"compose.yaml:2: include: cannot read missing/compose.yaml: no such file or directory"},
		{"extends of a missing file", map[string]string{
			"compose.yaml": "services:\n  web:\n    build: .\n    extends:\n      file: base.yaml\n      service: base\n",
			"Dockerfile":   dockerfile},
			"compose.yaml:5: extends: cannot read base.yaml: no such file or directory"},
		{"extends cycle", map[string]string{
			"compose.yaml": "services:\n  web:\n    build: .\n    extends:\n      file: other.yaml\n      service: api\n",
			"other.yaml":   "services:\n  api:\n    extends:\n      file: compose.yaml\n      service: web\n",
			"Dockerfile":   dockerfile},
			"compose.yaml:5: extends cycle:"},
		{"billion laughs", map[string]string{"compose.yaml": billionLaughs(), "Dockerfile": dockerfile},
			"compose.yaml:1: excessive aliasing"},
		{"merge bomb", map[string]string{"compose.yaml": mergeBomb(), "Dockerfile": dockerfile},
			"compose.yaml:1: excessive aliasing"},
		{"deeply nested flow sequences", map[string]string{"compose.yaml": deep("[", "]"), "Dockerfile": dockerfile},
			"compose.yaml:5: invalid YAML: exceeded max depth"},
		{"deeply nested flow mappings", map[string]string{"compose.yaml": deep("{a: ", "}"), "Dockerfile": dockerfile},
			"compose.yaml:5: invalid YAML: exceeded max depth"},
		{"deeply nested flow, under the parser's limit", map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx:1.27\n    build: .\nx-deep: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n", "Dockerfile": dockerfile},
			"compose.yaml:5: YAML nested deeper than 128 levels"},
		{"deeply nested block sequences", map[string]string{"compose.yaml": blockDeep(), "Dockerfile": dockerfile},
			"compose.yaml:133: YAML nested deeper than 128 levels"},
		{"not a mapping", map[string]string{"compose.yaml": "- just\n- a list\n", "Dockerfile": dockerfile},
			"compose.yaml:1: the file must be a mapping (services:, networks:, volumes:...), not a list"},
		{"binary garbage", map[string]string{"compose.yaml": "\x00\x01\x02\xff\xfe services: {", "Dockerfile": dockerfile},
			"compose.yaml:1:"},
	}
}

func TestHostileCompose(t *testing.T) {
	for _, tt := range hostileCases() {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeProject(t, tt.files)
			// A project with a .env keeps being read too.
			if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("GOOD=1\nnot a line\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			p := loadBounded(t, dir, Options{})
			c := p.Compose
			if c == nil {
				t.Fatal("no compose model at all")
			}
			var got []string
			found := false
			for _, e := range c.LoadErrors {
				s := fmt.Sprintf("%s:%d:%d: %s", e.Range.File, e.Range.Start.Line, e.Range.Start.Col, e.Message)
				got = append(got, s)
				file, rest, _ := strings.Cut(tt.want, ":")
				line, msg, _ := strings.Cut(rest, ":")
				prefix := fmt.Sprintf("%s:%s:", file, line)
				if line == "" {
					prefix = file + ":"
				}
				if strings.HasPrefix(s, prefix) && strings.Contains(e.Message, strings.TrimSpace(msg)) && e.Range.Start.Line > 0 {
					found = true
				}
			}
			if !found {
				t.Errorf("want a load error %q, got %q", tt.want, got)
			}
			// The other files are still read: the .env with its bad line,
			// and the Dockerfile the service builds.
			if len(p.EnvFiles) == 0 || p.EnvFiles[0].Error == nil {
				t.Errorf(".env not read or its bad line not found: %+v", p.EnvFiles)
			}
			if len(p.Dockerfiles) == 0 || p.Dockerfiles[0].Path != "Dockerfile" {
				t.Errorf("the Dockerfile of the build was not loaded: %+v", p.Dockerfiles)
			}
		})
	}
}

// TestHostileHugeFile: a compose file above Options.MaxFileSize is not
// read; the error names the file and the limit, and the load goes on.
func TestHostileHugeFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("services:\n")
	for i := 0; b.Len() < 10<<20; i++ {
		fmt.Fprintf(&b, "  s%d:\n    image: nginx:1.27\n    environment:\n      A: %q\n", i, strings.Repeat("x", 200))
	}
	dir := writeProject(t, map[string]string{"compose.yaml": b.String(), "compose.override.yaml": "version: '3'\nservices: {}\n"})
	p := loadBounded(t, dir, Options{})
	c := p.Compose
	if len(c.LoadErrors) == 0 || c.LoadErrors[0].Range.File != "compose.yaml" || !strings.Contains(c.LoadErrors[0].Message, "larger than 8 MiB") {
		t.Fatalf("load errors = %+v", c.LoadErrors)
	}
	if len(c.Files) != 2 || c.Files[1].Root == nil {
		t.Errorf("the override file was not indexed: %+v", c.Files)
	}
	if _, ok := p.Sources["compose.yaml"]; ok {
		t.Error("the huge file was kept in memory")
	}
}

// TestHostileManyServices: a compose file under the size limit but with more
// nodes than compose-go visits (its MaxNodeVisits) is refused by compose-go,
// as by docker compose; the error is located and the YAML still indexed.
func TestHostileManyServices(t *testing.T) {
	var b strings.Builder
	b.WriteString("services:\n")
	for i := 0; b.Len() < 6<<20; i++ {
		fmt.Fprintf(&b, "  s%d:\n    image: nginx:1.27\n    environment:\n      A: x\n", i)
	}
	dir := writeProject(t, map[string]string{"compose.yaml": b.String()})
	p := loadBounded(t, dir, Options{})
	if len(p.Compose.LoadErrors) == 0 || p.Compose.LoadErrors[0].Range.File != "compose.yaml" || p.Compose.LoadErrors[0].Range.Start.Line < 1 {
		t.Fatalf("load errors = %+v", p.Compose.LoadErrors)
	}
	if p.Compose.Files[0].Root == nil {
		t.Error("the file was not indexed")
	}
}

// loadBounded loads a project and fails (instead of hanging or exhausting
// the machine) when the load does not end within a minute or allocates more
// than 1 GiB: generous bounds that only an unbounded expansion crosses.
func loadBounded(t *testing.T, dir string, opt Options) *Project {
	t.Helper()
	type result struct {
		p   *Project
		err error
	}
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan result, 1)
	go func() {
		p, err := Load(context.Background(), dir, opt)
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("load: %v", r.err)
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<30 {
			t.Errorf("load allocated %d MiB", alloc>>20)
		}
		return r.p
	case <-time.After(hangLimit):
		t.Fatalf("load did not finish within %v", hangLimit)
	}
	return nil
}
