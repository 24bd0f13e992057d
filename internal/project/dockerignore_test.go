package project

import (
	"testing"

	"bytes"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

func TestParseDockerignore(t *testing.T) {
	text := "\xef\xbb\xbf# comment\n  *.log  \n/build\n\n!build/keep.txt\n**/node_modules\n   # not a comment: a pattern\n! spaced \n"
	src := NewSource(".dockerignore", []byte(text))
	d := ParseDockerignore(src)
	if d.Err != nil {
		t.Fatal(d.Err)
	}
	want, err := ignorefile.ReadAll(bytes.NewReader([]byte(text)))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Patterns) != len(want) {
		t.Fatalf("got %d patterns, ReadAll gives %d: %v", len(d.Patterns), len(want), want)
	}
	lines := []int{2, 3, 5, 6, 7, 8}
	for i, p := range d.Patterns {
		if p.Pattern != want[i] || p.Line != lines[i] {
			t.Errorf("pattern %d = %q line %d, want %q line %d", i, p.Pattern, p.Line, want[i], lines[i])
		}
	}
	if !d.Patterns[2].Exclusion || d.Patterns[0].Exclusion {
		t.Error("exclusion flags wrong")
	}
	if r := d.Patterns[0].Range; r.Start.Line != 2 || r.Start.Col != 1 || r.End.Col != 10 {
		t.Errorf("range = %+v", r)
	}
}

func TestDockerignoreExcluded(t *testing.T) {
	text := "*.log\nbuild\n!build/keep.txt\n**/node_modules\nsecrets/\n!secrets/public/**\ndocs/*.md\n"
	d := ParseDockerignore(NewSource(".dockerignore", []byte(text)))
	pm, err := patternmatcher.New(func() []string {
		var ps []string
		for _, p := range d.Patterns {
			ps = append(ps, p.Pattern)
		}
		return ps
	}())
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]int{ // path -> excluding line (0: kept)
		"app.log":                 1,
		"sub/app.log":             0, // *.log is anchored at the root
		"build":                   2,
		"build/out.bin":           2,
		"build/keep.txt":          0,
		"node_modules/x/index.js": 4,
		"a/b/node_modules":        4,
		"secrets/key.pem":         5,
		"secrets/public/cert.pem": 0,
		"docs/readme.md":          7,
		"docs/sub/readme.md":      0,
		"./app.log":               1,
		"/build/x":                2,
		"main.go":                 0,
	}
	for p, line := range cases {
		ex, by := d.Excluded(p)
		got := 0
		if by != nil {
			got = by.Line
		}
		if ex != (line != 0) || got != line {
			t.Errorf("Excluded(%q) = %v by line %d, want line %d", p, ex, got, line)
		}
		if want, _ := pm.MatchesOrParentMatches(CleanContextPath(p)); want != ex {
			t.Errorf("Excluded(%q) = %v, patternmatcher says %v", p, ex, want)
		}
	}
	if !d.HasExclusions() {
		t.Error("HasExclusions = false")
	}
}

func TestDockerignoreInvalid(t *testing.T) {
	for _, text := range []string{"!\n", "[\n"} {
		d := ParseDockerignore(NewSource(".dockerignore", []byte(text)))
		if d.Err == nil {
			t.Errorf("%q: no error", text)
		}
		if ex, _ := d.Excluded("x"); ex {
			t.Errorf("%q: excludes", text)
		}
	}
	if ex, _ := ParseDockerignore(nil).Excluded("x"); ex {
		t.Error("no ignore file excludes")
	}
}
