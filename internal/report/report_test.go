package report

import (
	"slices"
	"strings"
	"testing"
)

func TestNamesAndNew(t *testing.T) {
	want := []string{"text", "json", "sarif", "github", "codeclimate", "checkstyle", "junit"}
	if got := Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
	for _, name := range want {
		f, err := New(name)
		if err != nil || f == nil {
			t.Errorf("New(%q) = %v, %v", name, f, err)
		}
	}
	for _, bad := range []string{"", "xml", "JSON", "sarif "} {
		f, err := New(bad)
		if err == nil || f != nil {
			t.Errorf("New(%q) = %v, %v; want an error", bad, f, err)
			continue
		}
		for _, name := range want {
			if !strings.Contains(err.Error(), name) {
				t.Errorf("New(%q) error %q does not list %q", bad, err, name)
			}
		}
	}
}

// TestGolden renders the fixture run and the clean run in every format.
func TestGolden(t *testing.T) {
	cases := []struct {
		golden, format string
		in             func(t testing.TB) Input
	}{
		{"text.golden", "text", fixtureInput},
		{"text-color.golden", "text", func(t testing.TB) Input { in := fixtureInput(t); in.Color = true; return in }},
		{"text-verbose.golden", "text", func(t testing.TB) Input { in := fixtureInput(t); in.Verbose = true; return in }},
		{"text-quiet.golden", "text", func(t testing.TB) Input { in := fixtureInput(t); in.Quiet = true; return in }},
		{"text-empty.golden", "text", func(testing.TB) Input { return emptyInput() }},
		{"json.golden", "json", fixtureInput},
		{"json-empty.golden", "json", func(testing.TB) Input { return emptyInput() }},
		{"sarif.golden", "sarif", fixtureInput},
		{"sarif-empty.golden", "sarif", func(testing.TB) Input { return emptyInput() }},
		{"github.golden", "github", fixtureInput},
		{"github-empty.golden", "github", func(testing.TB) Input { return emptyInput() }},
		{"codeclimate.golden", "codeclimate", fixtureInput},
		{"codeclimate-empty.golden", "codeclimate", func(testing.TB) Input { return emptyInput() }},
		{"checkstyle.golden", "checkstyle", fixtureInput},
		{"checkstyle-empty.golden", "checkstyle", func(testing.TB) Input { return emptyInput() }},
		{"junit.golden", "junit", fixtureInput},
		{"junit-empty.golden", "junit", func(testing.TB) Input { return emptyInput() }},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			checkGolden(t, c.golden, render(t, c.format, c.in(t)))
		})
	}
}

// TestDeterministic: the same input renders byte for byte the same output,
// whatever map iteration order does.
func TestDeterministic(t *testing.T) {
	for _, name := range Names() {
		in := fixtureInput(t)
		in.AllRules = true
		first := render(t, name, in)
		for range 5 {
			if got := render(t, name, in); got != first {
				t.Fatalf("%s output changed between two runs", name)
			}
		}
	}
}

func TestRuneCol(t *testing.T) {
	line := "a\té€x" // é is 2 bytes, € is 3
	cases := []struct {
		col  int
		end  bool
		want int
	}{
		{1, false, 1}, // a
		{2, false, 2}, // tab
		{3, false, 3}, // é
		{4, false, 3}, // inside é, start: back to é
		{4, true, 4},  // inside é, end: past é
		{5, false, 4}, // €
		{7, false, 4}, // inside €
		{7, true, 5},  // inside €, end
		{8, false, 5}, // x
		{9, true, 6},  // end of line
		{11, true, 8}, // past the end keeps its distance
		{1 + len(line), false, 6},
	}
	for _, c := range cases {
		if got := runeCol(line, c.col, c.end); got != c.want {
			t.Errorf("runeCol(%q, %d, %v) = %d, want %d", line, c.col, c.end, got, c.want)
		}
	}
	in := Input{}
	if got := in.runeColumn("Dockerfile", 1, 7, false); got != 7 {
		t.Errorf("without Lines the byte column must be kept, got %d", got)
	}
	in.Lines = linesOf(map[string]string{"f": line})
	if got := in.runeColumn("f", 1, 8, false); got != 5 {
		t.Errorf("runeColumn with Lines = %d, want 5", got)
	}
	if got := in.runeColumn("f", 1, 0, false); got != 0 {
		t.Errorf("an unknown column must stay 0, got %d", got)
	}
}
