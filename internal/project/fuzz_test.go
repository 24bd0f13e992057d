package project

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// Fuzz targets of the loader: the compose loader with its position index,
// the .env parser and the .dockerignore reader. (FuzzParseDockerfile is in
// dockerfile_test.go.) Seeds are the repository's own test projects;
// crashers found are kept under testdata/fuzz/<FuzzName>/.

// repoFiles returns the contents of the files named name under the
// repository's testdata (rule cases and example projects).
func repoFiles(tb testing.TB, names ...string) []string {
	tb.Helper()
	var out []string
	for _, root := range []string{"../../testdata/rules", "../../testdata/projects"} {
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !slices.Contains(names, d.Name()) {
				return nil //nolint:nilerr // best effort: a seed less
			}
			if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
				out = append(out, string(data))
			}
			return nil
		})
	}
	if len(out) == 0 {
		tb.Fatalf("no %v under testdata", names)
	}
	return out
}

// checkRange fails when r is not a valid range of src: lines from 1,
// start before end, both inside the file (the end may be one past the
// last line's end).
func checkRange(t *testing.T, what string, src *Source, r finding.Range) {
	t.Helper()
	if r.Start.Line < 1 || r.End.Before(r.Start) {
		t.Fatalf("%s: bad range %v", what, r)
	}
	if src == nil {
		return
	}
	if r.Start.Line > src.LineCount()+1 || r.End.Line > src.LineCount()+1 {
		t.Fatalf("%s: range %v past the %d lines of %s", what, r, src.LineCount(), src.Path)
	}
	if r.Start.Col > 0 && src.Offset(r.Start) < 0 && r.Start.Line <= src.LineCount() {
		t.Fatalf("%s: start %v outside %s", what, r.Start, src.Path)
	}
}

// FuzzLoadCompose: any compose file (with any .env) loads without panic
// or error, and every position the loader hands the rules is inside the
// file: load errors, every node of the index, variable references, unset
// variables.
func FuzzLoadCompose(f *testing.F) {
	composes := repoFiles(f, "compose.yaml", "docker-compose.yml", "compose.yml")
	envs := repoFiles(f, ".env")
	for i, c := range composes {
		f.Add(c, envs[i%len(envs)])
	}
	for _, tt := range hostileCases() {
		f.Add(tt.files["compose.yaml"], "A=1\n")
	}
	f.Fuzz(func(t *testing.T, compose, env string) {
		dir := t.TempDir()
		for name, text := range map[string]string{"compose.yaml": compose, ".env": env, "Dockerfile": "FROM scratch\n"} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		p, err := Load(context.Background(), dir, Options{Environ: []string{"HOME=/home/u"}})
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("load: %v", err)
			}
			return
		}
		c := p.Compose
		if c == nil {
			t.Fatal("no compose model")
		}
		for _, e := range c.LoadErrors {
			checkRange(t, "load error "+e.Message, p.Sources[e.Range.File], e.Range)
		}
		for _, u := range c.Unset {
			checkRange(t, "unset "+u.Name, p.Sources[u.Range.File], u.Range)
		}
		for _, cf := range c.Files {
			if cf.Root == nil {
				continue
			}
			var walk func(n *yaml.Node, depth int)
			walk = func(n *yaml.Node, depth int) {
				if n == nil || depth > MaxYAMLDepth+2 {
					return
				}
				checkRange(t, "node", cf.Source, NodeRange(cf.Source, n))
				for _, ch := range n.Content {
					walk(ch, depth+1)
				}
			}
			walk(cf.Root, 0)
			WalkScalars(cf.Root, func(n *yaml.Node) {
				for _, r := range ScalarRefs(cf.Source, n) {
					checkRange(t, "reference "+r.Ref.Name, cf.Source, r.Range)
				}
			})
			if services, _ := cf.Lookup("services"); services != nil {
				for _, kv := range MappingPairs(services) {
					_, _ = cf.Lookup("services", kv[0].Value, "ports", "0")
				}
			}
		}
	})
}

// FuzzParseEnvFile: every entry of any .env lies inside the file in line
// order, the error (if any) is located, and without an error the keys are
// exactly those compose-go's own parser reads (but for the "" key of its
// last-line quirk).
func FuzzParseEnvFile(f *testing.F) {
	for _, s := range repoFiles(f, ".env", ".env.example", "app.env") {
		f.Add([]byte(s))
	}
	for _, s := range []string{"A=1\nA=2\n", "export A = \"x\" junk\n", "A: b\nB\n", "A=\"multi\nline\"\n", "A='x'#c\r\nB=${A:-${C}}\r", "\xef\xbb\xbfA=1", "A=\"\\\"", "=x\n", "A=1\x00\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		src := NewSource(".env", data)
		ef := ParseEnvFile(src, RoleDotEnv)
		line := 0
		for _, e := range ef.Entries {
			if e.Line < line {
				t.Fatalf("entry %q on line %d after line %d", e.Key, e.Line, line)
			}
			line = e.Line
			checkRange(t, "key "+e.Key, src, e.KeyRange)
			if !e.Inherited {
				checkRange(t, "value of "+e.Key, src, e.ValueRange)
			}
		}
		if ef.Error != nil {
			checkRange(t, "error "+ef.Error.Message, src, ef.Error.Range)
			return
		}
		var want map[string]string
		var err error
		quietly(func() {
			want, err = dotenv.ParseWithLookup(bytes.NewReader(data), func(string) (string, bool) { return "", false })
		})
		if err != nil {
			t.Fatalf("compose-go fails (%v) where ParseEnvFile finds no error", err)
		}
		got := map[string]bool{}
		for _, e := range ef.Entries {
			got[e.Key] = true
			if _, ok := want[e.Key]; !ok && !e.Inherited {
				t.Fatalf("entry %q that compose-go does not read (%q)", e.Key, want)
			}
		}
		for k := range want {
			// compose-go reads a last line without "=" and without a line
			// break ("A", "0") as the key "" (found by this target; a
			// quirk of its parser, not a variable anyone can use).
			if !got[k] && k != "" {
				t.Fatalf("compose-go reads %q, ParseEnvFile has no entry for it", k)
			}
		}
	})
}

// FuzzParseDockerignore: any ignore file parses without panic; every
// pattern is located on its line, and Excluded answers for any path.
func FuzzParseDockerignore(f *testing.F) {
	for _, s := range repoFiles(f, ".dockerignore") {
		f.Add([]byte(s), "src/app.py")
	}
	for _, s := range []string{"*\n!keep\n", "**/*.pyc\n/abs\n../up\n", "[a-\n", "!\n", "\xef\xbb\xbf# c\r\nx\r\n", "a/**/b\\\n"} {
		f.Add([]byte(s), "a/b/c")
	}
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		src := NewSource(".dockerignore", data)
		d := ParseDockerignore(src)
		for _, p := range d.Patterns {
			checkRange(t, "pattern "+p.Pattern, src, p.Range)
			if p.Range.Start.Line != p.Line {
				t.Fatalf("pattern %q: line %d, range %v", p.Pattern, p.Line, p.Range)
			}
		}
		excluded, by := d.Excluded(path)
		if excluded && by == nil {
			t.Fatalf("%q excluded by no pattern", path)
		}
		_ = d.HasExclusions()
	})
}
