package report

import (
	"strings"
	"testing"

	"github.com/fatih/color"

	"github.com/envdoctor/envdoctor/internal/finding"
)

const esc = "\x1b["

func TestTextColor(t *testing.T) {
	// The formatter must not read or write fatih/color's global switch:
	// colors follow Input.Color whatever NoColor says.
	saved := color.NoColor
	t.Cleanup(func() { color.NoColor = saved })
	for _, global := range []bool{true, false} {
		color.NoColor = global
		in := fixtureInput(t)
		plain := render(t, "text", in)
		if strings.Contains(plain, esc) {
			t.Errorf("NoColor=%v: escape codes with Color false:\n%q", global, plain)
		}
		in.Color = true
		colored := render(t, "text", in)
		for _, want := range []string{
			esc + "31;1merror" + esc + "0;22m CP001", // error: red bold
			esc + "33mwarning" + esc + "0m EN001",    // warning: yellow
			esc + "36minfo" + esc + "0m DF007",       // info: cyan
			esc + "1mdocker-compose.yml:13:22:" + esc + "22m",
			esc + "32mfix:" + esc + "0m add POSTGRES_USER to .env",
			esc + "31;1m^^^^^^^^^^^^^^^^" + esc + "0;22m",
		} {
			if !strings.Contains(colored, want) {
				t.Errorf("NoColor=%v: colored output lacks %q:\n%s", global, want, colored)
			}
		}
		if color.NoColor != global {
			t.Errorf("the formatter changed color.NoColor to %v", color.NoColor)
		}
		// Stripping the escape codes gives the plain output back.
		if got := stripANSI(colored); got != plain {
			t.Errorf("colored output without escapes differs from plain output:\n%s\n---\n%s", got, plain)
		}
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, esc)
		if i < 0 {
			return b.String() + s
		}
		b.WriteString(s[:i])
		s = s[i+len(esc):]
		s = s[strings.IndexByte(s, 'm')+1:]
	}
}

func TestTextSummary(t *testing.T) {
	n := func(errors, warnings, infos int) []finding.Finding {
		var fs []finding.Finding
		for range errors {
			fs = append(fs, finding.Finding{RuleID: "CP001", Severity: finding.SeverityError, Message: "e"})
		}
		for range warnings {
			fs = append(fs, finding.Finding{RuleID: "CP004", Severity: finding.SeverityWarning, Message: "w"})
		}
		for range infos {
			fs = append(fs, finding.Finding{RuleID: "CP005", Severity: finding.SeverityInfo, Message: "i"})
		}
		return fs
	}
	cases := []struct {
		findings []finding.Finding
		want     string
	}{
		{nil, "no problems found"},
		{n(1, 0, 0), "1 error"},
		{n(2, 0, 0), "2 errors"},
		{n(0, 1, 0), "1 warning"},
		{n(0, 3, 0), "3 warnings"},
		{n(0, 0, 1), "1 info"},
		{n(0, 0, 4), "4 info"},
		{n(3, 2, 0), "3 errors, 2 warnings"},
		{n(3, 2, 1), "3 errors, 2 warnings, 1 info"},
		{n(1, 0, 2), "1 error, 2 info"},
		{n(0, 1, 1), "1 warning, 1 info"},
	}
	for _, c := range cases {
		out := render(t, "text", Input{Findings: c.findings})
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if got := lines[len(lines)-1]; got != c.want {
			t.Errorf("summary = %q, want %q", got, c.want)
		}
		if !strings.HasSuffix(out, "\n") || strings.HasSuffix(out, "\n\n") {
			t.Errorf("output must end in exactly one newline: %q", out)
		}
	}
	if got := summary([]finding.Finding{{Severity: 0}}, newPalette(false)); got != "1 other finding" {
		t.Errorf("summary with an unknown severity = %q", got)
	}
}

// excerptOf renders a single finding and returns its source and caret lines.
func excerptOf(t *testing.T, text string, r finding.Range) (src, carets string) {
	t.Helper()
	r.File = "f"
	in := Input{
		Findings: []finding.Finding{{RuleID: "CP001", Severity: finding.SeverityError, Message: "m", Range: r}},
		Lines:    linesOf(map[string]string{"f": text}),
	}
	lines := strings.Split(render(t, "text", in), "\n")
	// lines: header, source, carets, "", summary, ""
	if len(lines) < 3 || !strings.HasPrefix(lines[1], "  ") {
		t.Fatalf("no excerpt in %q", lines)
	}
	if !strings.Contains(lines[2], "^") {
		return lines[1], ""
	}
	return lines[1], lines[2]
}

func TestTextCarets(t *testing.T) {
	pos := func(l, c int) finding.Pos { return finding.Pos{Line: l, Col: c} }
	cases := []struct {
		name       string
		text       string
		start, end finding.Pos
		src        string
		carets     string
	}{
		{
			name: "span", text: "image: postgres:latest",
			start: pos(1, 8), end: pos(1, 23),
			src:    "  1 | image: postgres:latest",
			carets: "    |        ^^^^^^^^^^^^^^^",
		},
		{
			name: "end unknown: one caret", text: "image: postgres",
			start:  pos(1, 8),
			src:    "  1 | image: postgres",
			carets: "    |        ^",
		},
		{
			name: "empty span: one caret", text: "image: postgres",
			start: pos(1, 8), end: pos(1, 8),
			src:    "  1 | image: postgres",
			carets: "    |        ^",
		},
		{
			name: "end on a later line: to the end of the line", text: "DEBUG=true",
			start: pos(1, 7), end: pos(2, 1),
			src:    "  1 | DEBUG=true",
			carets: "    |       ^^^^",
		},
		{
			name: "insertion at the end of the line", text: "abc",
			start: pos(1, 4), end: pos(1, 4),
			src:    "  1 | abc",
			carets: "    |    ^",
		},
		{
			// The tab sits at display column 3 and expands to the stop
			// at 4; the caret line uses the same expansion.
			name: "tab", text: "RUN\tcurl x | sh",
			start: pos(1, 5), end: pos(1, 9),
			src:    "  1 | RUN curl x | sh",
			carets: "    |     ^^^^",
		},
		{
			// "é" and "ö" are two bytes each but one column; the tab
			// stop is computed on display columns, not bytes.
			name: "multi-byte then tab", text: "héllo wörld\tx",
			start: pos(1, 8), end: pos(1, 16),
			src:    "  1 | héllo wörld x",
			carets: "    |       ^^^^^^^",
		},
		{
			name: "tab at line start", text: "\t\tkey: v",
			start: pos(1, 3), end: pos(1, 6),
			src:    "  1 |         key: v",
			carets: "    |         ^^^",
		},
		{
			name: "wide characters take two columns", text: "名前: 値",
			start: pos(1, 9), end: pos(1, 12),
			src:    "  1 | 名前: 値",
			carets: "    |       ^^",
		},
		{
			name: "start inside a multi-byte character", text: "aé",
			start: pos(1, 3), end: pos(1, 4),
			src:    "  1 | aé",
			carets: "    |  ^",
		},
		{
			name: "first column", text: "x = 1",
			start: pos(1, 1), end: pos(1, 2),
			src:    "  1 | x = 1",
			carets: "    | ^",
		},
		{
			name: "no column: the line without carets", text: "x = 1",
			start: pos(1, 0),
			src:   "  1 | x = 1",
		},
		{
			name: "escape sequences are neutralized", text: "a\x1b[31mb",
			start: pos(1, 7), end: pos(1, 8),
			src:    "  1 | a\uFFFD[31mb",
			carets: "    |       ^",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, carets := excerptOf(t, c.text, finding.Range{Start: c.start, End: c.end})
			if src != c.src || carets != c.carets {
				t.Errorf("got\n%s\n%s\nwant\n%s\n%s", src, carets, c.src, c.carets)
			}
		})
	}
}

func TestTextGutterWidth(t *testing.T) {
	text := strings.Repeat("x\n", 120) + "value: 1\n"
	r := finding.Range{File: "f", Start: finding.Pos{Line: 121, Col: 8}, End: finding.Pos{Line: 121, Col: 9}}
	in := Input{
		Findings: []finding.Finding{{RuleID: "CP001", Severity: finding.SeverityError, Message: "m", Range: r}},
		Lines:    linesOf(map[string]string{"f": text}),
	}
	want := "f:121:8: error CP001 m\n" +
		"  121 | value: 1\n" +
		"      |        ^\n" +
		"\n" +
		"1 error\n"
	if got := render(t, "text", in); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestTextModes(t *testing.T) {
	in := fixtureInput(t)
	normal := render(t, "text", in)
	in.Quiet = true
	quiet := render(t, "text", in)
	in.Quiet, in.Verbose = false, true
	verbose := render(t, "text", in)

	// Quiet: one line per finding plus the summary, nothing else.
	qlines := strings.Split(strings.TrimSuffix(quiet, "\n"), "\n")
	if len(qlines) != len(in.Findings)+1 {
		t.Errorf("quiet output has %d lines, want %d:\n%s", len(qlines), len(in.Findings)+1, quiet)
	}
	for _, bad := range []string{"fix:", "note:", " | ", "^"} {
		if strings.Contains(quiet, bad) {
			t.Errorf("quiet output contains %q:\n%s", bad, quiet)
		}
	}
	if strings.Contains(normal, "note:") {
		t.Errorf("related locations shown without Verbose:\n%s", normal)
	}
	for _, want := range []string{
		"  fix: add POSTGRES_USER to .env\n",
		"  fix: start Docker Desktop, or run `sudo systemctl start docker`\n",
		"  13 |       POSTGRES_USER: ${POSTGRES_USER}\n",
		"     |                      ^^^^^^^^^^^^^^^^\n",
		// The finding about no file comes first, without a location.
		"error DK001 cannot connect to the Docker engine",
	} {
		if !strings.Contains(normal, want) {
			t.Errorf("output lacks %q:\n%s", want, normal)
		}
	}
	if !strings.HasPrefix(normal, "error DK001 ") {
		t.Errorf("the finding without a file must come first:\n%s", normal)
	}
	for _, want := range []string{
		"  note: Dockerfile:7:1: WORKDIR creates /app here\n",
		"  note: Dockerfile:2:5: the same path as APP_HOME\n",
		"  note: .env: searched .env\n",
		"  note: searched the shell environment\n",
		"  note: .env:4:1: the value that wins\n",
	} {
		if !strings.Contains(verbose, want) {
			t.Errorf("verbose output lacks %q:\n%s", want, verbose)
		}
	}
	// Files are separated by exactly one blank line: four groups here.
	if got := strings.Count(strings.TrimSuffix(normal, "\n"), "\n\n"); got != 4 {
		t.Errorf("%d blank lines, want 3 between the 4 file groups and 1 before the summary:\n%s", got, normal)
	}
}

func TestTextWithoutLines(t *testing.T) {
	in := fixtureInput(t)
	in.Lines = nil
	out := render(t, "text", in)
	if strings.Contains(out, " | ") || strings.Contains(out, "^") {
		t.Errorf("source excerpt printed without Lines:\n%s", out)
	}
	if !strings.Contains(out, "docker-compose.yml:13:22: error CP001 variable \"POSTGRES_USER\" is not set\n  fix: add POSTGRES_USER to .env\n") {
		t.Errorf("unexpected output:\n%s", out)
	}
}

func TestTextGroupsUnsortedInput(t *testing.T) {
	f := func(file string, line int) finding.Finding {
		return finding.Finding{RuleID: "CP013", Severity: finding.SeverityWarning, Message: "m",
			Range: finding.Range{File: file, Start: finding.Pos{Line: line, Col: 1}}}
	}
	in := Input{Findings: []finding.Finding{f("b.yml", 1), f("a.yml", 2), f("b.yml", 3)}, Quiet: true}
	want := "b.yml:1:1: warning CP013 m\nb.yml:3:1: warning CP013 m\na.yml:2:1: warning CP013 m\n3 warnings\n"
	if got := render(t, "text", in); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestTextMessagesArePrintable(t *testing.T) {
	in := Input{Findings: []finding.Finding{{
		RuleID: "EN000", Severity: finding.SeverityError,
		Message: "bad key \"A\x1b]0;pwned\x07\"",
		Range:   finding.Range{File: "x\x1b[2J.env", Start: finding.Pos{Line: 1, Col: 1}},
		Fix:     &finding.Fix{Message: "remove \u202eit"},
	}}}
	out := render(t, "text", in)
	for _, bad := range []string{"\x1b", "\x07", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q: %q", bad, out)
		}
	}
	if !strings.Contains(out, "x\uFFFD[2J.env:1:1: error EN000 bad key \"A\uFFFD]0;pwned\uFFFD\"") {
		t.Errorf("unexpected output: %q", out)
	}
}
