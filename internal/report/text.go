package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fatih/color"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// textFormatter prints findings for people, in the style of golangci-lint
// and ruff:
//
//	docker-compose.yml:13:22: error CP001 variable "POSTGRES_USER" is not set
//	  13 |       POSTGRES_USER: ${POSTGRES_USER}
//	     |                      ^^^^^^^^^^^^^^^^
//	  fix: add POSTGRES_USER to .env
//
// Findings are grouped by file in the order the caller sorted them (findings
// about no file first, printed without a location), with a blank line
// between files and a summary line at the end. Quiet keeps only the finding
// lines and the summary; Verbose adds the related locations as notes.
type textFormatter struct{}

// tabWidth is the tab stop used to expand tabs in the source excerpt; the
// caret line is computed from the same expansion, so they always line up.
const tabWidth = 4

// palette holds the colors of one Format call. Each color is switched on or
// off explicitly so fatih/color's global NoColor is never consulted.
type palette struct {
	err, warn, info, loc, fix, note, clean *color.Color
}

func newPalette(on bool) palette {
	mk := func(attrs ...color.Attribute) *color.Color {
		c := color.New(attrs...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return palette{
		err:   mk(color.FgRed, color.Bold),
		warn:  mk(color.FgYellow),
		info:  mk(color.FgCyan),
		loc:   mk(color.Bold),
		fix:   mk(color.FgGreen),
		note:  mk(color.FgBlue),
		clean: mk(color.FgGreen),
	}
}

func (p palette) severity(s finding.Severity) *color.Color {
	switch s {
	case finding.SeverityError:
		return p.err
	case finding.SeverityWarning:
		return p.warn
	}
	return p.info
}

func (textFormatter) Format(w io.Writer, in Input) error {
	var b strings.Builder
	p := newPalette(in.Color)
	for gi, group := range groupByFile(in.Findings) {
		if gi > 0 && !in.Quiet {
			b.WriteByte('\n')
		}
		for _, f := range group {
			writeTextFinding(&b, &in, p, f)
		}
	}
	if len(in.Findings) > 0 && !in.Quiet {
		b.WriteByte('\n')
	}
	b.WriteString(summary(in.Findings, p))
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// groupByFile splits findings into runs of the same file, keeping the
// caller's order; a file that reappears later joins its first group.
func groupByFile(findings []finding.Finding) [][]finding.Finding {
	var groups [][]finding.Finding
	index := map[string]int{}
	for _, f := range findings {
		i, ok := index[f.Range.File]
		if !ok {
			i = len(groups)
			index[f.Range.File] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], f)
	}
	return groups
}

func writeTextFinding(b *strings.Builder, in *Input, p palette, f finding.Finding) {
	sev := p.severity(f.Severity)
	if loc := f.Range.String(); loc != "" {
		b.WriteString(p.loc.Sprint(printable(loc) + ":"))
		b.WriteByte(' ')
	}
	fmt.Fprintf(b, "%s %s %s\n", sev.Sprint(f.Severity.String()), printable(f.RuleID), printable(f.Message))
	if in.Quiet {
		return
	}
	writeExcerpt(b, in, sev, f.Range)
	if f.Fix != nil && f.Fix.Message != "" {
		fmt.Fprintf(b, "  %s %s\n", p.fix.Sprint("fix:"), printable(f.Fix.Message))
	}
	if in.Verbose {
		for _, r := range f.Related {
			b.WriteString("  " + p.note.Sprint("note:") + " ")
			if loc := r.Range.String(); loc != "" {
				b.WriteString(printable(loc) + ": ")
			}
			b.WriteString(printable(r.Message) + "\n")
		}
	}
}

// writeExcerpt prints the start line of r with carets under the span:
//
//	13 |       POSTGRES_USER: ${POSTGRES_USER}
//	   |                      ^^^^^^^^^^^^^^^^
//
// The span runs from Start.Col to End.Col (exclusive) when End is on the
// same line, to the end of the line when End is on a later line, and is a
// single caret when End is unknown. Without a start column only the line is
// shown.
func writeExcerpt(b *strings.Builder, in *Input, sev *color.Color, r finding.Range) {
	text, ok := in.sourceLine(r.File, r.Start.Line)
	if !ok {
		return
	}
	text, r = clipLine(text, r)
	ex := newExcerpt(text)
	num := strconv.Itoa(r.Start.Line)
	b.WriteString(strings.TrimRight("  "+num+" | "+ex.text, " ") + "\n")
	if r.Start.Col <= 0 {
		return
	}
	from := ex.startCol(r.Start.Col - 1)
	to := from + 1
	switch {
	case r.End.Line == r.Start.Line && r.End.Col > r.Start.Col:
		to = ex.endCol(r.End.Col - 1)
	case r.End.Line > r.Start.Line:
		to = ex.width
	}
	if to <= from {
		to = from + 1
	}
	gutter := "  " + strings.Repeat(" ", len(num)) + " | "
	b.WriteString(gutter + strings.Repeat(" ", from) + sev.Sprint(strings.Repeat("^", to-from)) + "\n")
}

// maxExcerpt is the most bytes of a source line the text report shows: a
// minified or generated line (or a hostile 7 MB one) is cut to a window
// around the finding, marked with … at the cut ends.
const maxExcerpt = 480

// clipLine cuts a line longer than maxExcerpt to a window that starts a
// little before r's start, and shifts r's columns to match.
func clipLine(text string, r finding.Range) (string, finding.Range) {
	if len(text) <= maxExcerpt {
		return text, r
	}
	lo := 0
	if r.Start.Col > 0 {
		lo = min(max(0, r.Start.Col-1-maxExcerpt/4), len(text))
	}
	hi := min(len(text), lo+maxExcerpt)
	for lo > 0 && lo < len(text) && !utf8.RuneStart(text[lo]) {
		lo--
	}
	for hi < len(text) && !utf8.RuneStart(text[hi]) {
		hi++
	}
	const mark = "…"
	out, shift := text[lo:hi], -lo
	if lo > 0 {
		out, shift = mark+out, shift+len(mark)
	}
	if hi < len(text) {
		out += mark
	}
	if r.Start.Col > 0 {
		r.Start.Col += shift
	}
	if r.End.Line == r.Start.Line && r.End.Col > 0 {
		r.End.Col = min(r.End.Col+shift, len(out)+1)
	}
	return out, r
}

// excerpt is a source line made safe and aligned for a terminal: tabs are
// expanded to tabWidth stops, control characters, bidirectional overrides
// and invalid bytes are shown as U+FFFD, and every byte offset maps to a
// display column. Display widths are approximate: combining marks take no
// column, East Asian wide characters and emoji take two, everything else
// one.
type excerpt struct {
	text string
	// start[i] and end[i] are the display columns (0-based) where the
	// character holding byte i starts and ends.
	start, end []int
	width      int
}

func newExcerpt(line string) excerpt {
	ex := excerpt{start: make([]int, len(line)), end: make([]int, len(line))}
	var sb strings.Builder
	col := 0
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		w := 1
		switch {
		case r == '\t':
			w = tabWidth - col%tabWidth
			sb.WriteString(strings.Repeat(" ", w))
		case r == utf8.RuneError && size == 1, unsafeRune(r):
			sb.WriteRune(utf8.RuneError)
		default:
			sb.WriteRune(r)
			w = runeWidth(r)
		}
		for j := i; j < i+size; j++ {
			ex.start[j], ex.end[j] = col, col+w
		}
		col += w
		i += size
	}
	ex.text, ex.width = sb.String(), col
	return ex
}

// startCol is the display column where byte offset off starts.
func (ex excerpt) startCol(off int) int {
	if off < len(ex.start) {
		return ex.start[off]
	}
	return ex.width + off - len(ex.start)
}

// endCol is the display column where a span ending before byte offset off
// (exclusive) ends.
func (ex excerpt) endCol(off int) int {
	if off <= 0 {
		return 0
	}
	if off <= len(ex.end) {
		return ex.end[off-1]
	}
	return ex.width + off - len(ex.end)
}

// unsafeRune reports runes that must not reach a terminal as they are:
// control characters (escape sequences) and bidirectional overrides.
func unsafeRune(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r < 0xa0) ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

func runeWidth(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me):
		return 0
	case r >= 0x1100 && r <= 0x115f, r >= 0x2e80 && r <= 0xa4cf && r != 0x303f,
		r >= 0xac00 && r <= 0xd7a3, r >= 0xf900 && r <= 0xfaff, r >= 0xfe30 && r <= 0xfe4f,
		r >= 0xff00 && r <= 0xff60, r >= 0xffe0 && r <= 0xffe6, r >= 0x1f300 && r <= 0x1f64f,
		r >= 0x1f900 && r <= 0x1f9ff, r >= 0x20000 && r <= 0x3fffd:
		return 2
	}
	return 1
}

// printable replaces control characters and bidirectional overrides in text
// that comes from the project (messages quote file content) so it cannot
// drive the terminal.
func printable(s string) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unsafeRune(r) {
			return utf8.RuneError
		}
		return r
	}, s)
}

// summary counts findings by severity: "2 errors, 1 warning, 3 info" (info
// is a mass noun and does not take an s), zero counts left out, or "no
// problems found".
func summary(findings []finding.Finding, p palette) string {
	var errors, warnings, infos, others int
	for _, f := range findings {
		switch f.Severity {
		case finding.SeverityError:
			errors++
		case finding.SeverityWarning:
			warnings++
		case finding.SeverityInfo:
			infos++
		default:
			others++
		}
	}
	var parts []string
	add := func(n int, one, many string, c *color.Color) {
		if n == 0 {
			return
		}
		word := many
		if n == 1 {
			word = one
		}
		parts = append(parts, c.Sprintf("%d %s", n, word))
	}
	add(errors, "error", "errors", p.err)
	add(warnings, "warning", "warnings", p.warn)
	add(infos, "info", "info", p.info)
	add(others, "other finding", "other findings", p.info)
	if len(parts) == 0 {
		return p.clean.Sprint("no problems found")
	}
	return strings.Join(parts, ", ")
}
