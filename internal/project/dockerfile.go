package project

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// ParseDockerfile parses src exactly as BuildKit does: parser.Parse (which
// handles the # syntax=, # escape= and # check= directives, line
// continuations and heredocs), then instructions.Parse for the stages and
// the ARGs declared before the first FROM.
//
// When BuildKit rejects the file, ParseError holds BuildKit's message and
// the exact place: the unknown instruction keyword, the unknown flag, or the
// instruction's lines; AST, Stages and MetaArgs are then nil. A file that
// parses but has no FROM ("dockerfile contains no stages to build", an error
// of every build) keeps its AST and MetaArgs and also gets a ParseError.
//
// ParseError.Range is in the Dockerfile's own lines (LineOffset is zero
// while parsing); ParseErrorRange adds the LineOffset a loader sets later.
// The other range helpers (InstructionRange, ArgRange, Instruction) read
// LineOffset when they are called.
func ParseDockerfile(path string, src *Source) (d *Dockerfile) {
	if src == nil {
		src = NewSource(path, nil)
	}
	d = &Dockerfile{Path: path, Source: src}
	defer func() {
		// BuildKit's parsers are fuzzed, but a panic on one odd file must not
		// take the whole run down.
		if v := recover(); v != nil {
			d.AST, d.Stages, d.MetaArgs, d.Lint = nil, nil, nil, nil
			d.ParseError = &SyntaxError{
				Range:   d.lineSpanRange(1, 1),
				Message: fmt.Sprintf("internal error in BuildKit's Dockerfile parser: %v", v),
			}
		}
	}()

	res, err := parser.Parse(bytes.NewReader(src.Data))
	if err != nil {
		d.ParseError = d.syntaxError(err, true)
		return d
	}
	// BuildKit's parse-time checks go to d.Lint, with the file's
	// "# check=" settings; instructions.Parse also merges the
	// per-instruction "# check=" comments into the linter.
	d.Check = checkConfig(src.Data)
	lint := d.newLinter()
	parserWarnings(lint, res.Warnings)
	stages, metaArgs, err := instructions.Parse(res.AST, lint)
	if err != nil {
		d.ParseError = d.syntaxError(err, false)
		return d
	}
	d.AST, d.Stages, d.MetaArgs = res, stages, metaArgs
	if len(stages) == 0 {
		// BuildKit's dockerfile2llb fails with this message and no location.
		line := 1
		if len(metaArgs) > 0 {
			line = rangeLines(metaArgs[0].Location())
		}
		d.ParseError = &SyntaxError{
			Range:   d.lineSpanRange(line, line),
			Message: "dockerfile contains no stages to build",
		}
	}
	return d
}

// ParseErrorRange is ParseError's range in Path: ParseError is computed
// when the file is parsed, in the Dockerfile's own lines, and LineOffset
// (set later for a dockerfile_inline) is added here.
func (d *Dockerfile) ParseErrorRange() finding.Range {
	if d.ParseError == nil {
		return finding.Range{}
	}
	r := d.ParseError.Range
	if !r.Start.IsZero() {
		r.Start, r.End = d.toFile(r.Start), d.toFile(r.End)
	}
	return r
}

// toFile maps a position in the Dockerfile's own text to its file: the
// same position, or for a dockerfile_inline the place in the compose file
// (its block scalar starts LineOffset lines down, indented ColOffset).
func (d *Dockerfile) toFile(p finding.Pos) finding.Pos {
	p.Line += d.LineOffset
	if p.Col > 0 {
		p.Col += d.ColOffset
	}
	return p
}

// EscapeToken is the escape character in effect: '\\', or '`' after an
// "# escape=`" directive.
func (d *Dockerfile) EscapeToken() rune {
	if d.AST != nil {
		return d.AST.EscapeToken
	}
	esc := rune(parser.DefaultEscapeToken)
	if d.Source == nil {
		return esc
	}
	dp := &parser.DirectiveParser{}
	for i, line := range dfRawLines(d.Source.Data) {
		if i == 0 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		line = bytes.TrimLeftFunc(line, unicode.IsSpace)
		dir, err := dp.ParseLine(line)
		if err != nil {
			break
		}
		if dir == nil {
			if !bytes.HasPrefix(line, []byte("#")) {
				break
			}
			continue
		}
		if dir.Name == "escape" && (dir.Value == "`" || dir.Value == `\`) {
			esc = rune(dir.Value[0])
		}
	}
	return esc
}

// rangeLines returns the first line of a BuildKit location.
func rangeLines(loc []parser.Range) int {
	start, _ := locLines(loc)
	return start
}

// locLines returns the first and last line of a BuildKit location (one
// Range per line, Characters always 0), or 0, 0.
func locLines(loc []parser.Range) (start, end int) {
	for _, r := range loc {
		for _, l := range []int{r.Start.Line, r.End.Line} {
			if l <= 0 {
				continue
			}
			if start == 0 || l < start {
				start = l
			}
			if l > end {
				end = l
			}
		}
	}
	return start, end
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// dfRawLines splits data into lines without line endings, like the
// Source line index does.
func dfRawLines(data []byte) [][]byte {
	lines := bytes.Split(data, []byte("\n"))
	for i, l := range lines {
		lines[i] = bytes.TrimRight(l, "\r")
	}
	return lines
}

// syntaxError turns a BuildKit error into a located SyntaxError.
func (d *Dockerfile) syntaxError(err error, fromParser bool) *SyntaxError {
	msg := err.Error()
	start, end := 0, 0
	var le *parser.LocationError
	if errors.As(err, &le) {
		// LocationError's message is the inner error's, without the
		// "dockerfile parse error on line N: " prefix instructions.Parse adds.
		msg = le.Error()
		if len(le.Locations) > 0 {
			start, end = locLines(le.Locations[0])
		}
	}
	msg = strings.TrimSuffix(strings.TrimSpace(msg), ".")
	if fromParser && strings.Contains(msg, "line greater than max allowed size") {
		// bufio.Scanner's limit: BuildKit names no line; the first line
		// longer than its 64 KiB buffer is the one.
		for i, l := range dfRawLines(d.Source.Data) {
			if len(l) >= 65535 {
				start, end = i+1, i+1
				break
			}
		}
	} else if fromParser {
		// BuildKit locates directive errors ("only one escape parser
		// directive can be used", a bad escape token) one line too early:
		// it uses the count of lines read before the failing one.
		if line, ok := dfDirectiveErrorLine(d.Source.Data); ok {
			start, end = line, line
		}
	}
	if fromParser && strings.Contains(msg, "dockerfile line greater than max allowed size") {
		// BuildKit's line scanner gives up on a line of 64 KiB or more,
		// without saying which: the first one.
		if line, ok := dfLongLine(d.Source.Data); ok {
			return &SyntaxError{Range: d.firstWordRange(line), Message: msg}
		}
	}
	if start == 0 {
		start, end = 1, 1
	}
	if end < start {
		end = start
	}
	r := d.lineSpanRange(start, end)

	var unknown *instructions.UnknownInstructionError
	if errors.As(err, &unknown) {
		if in := d.instructionAt(start); in != nil {
			r = in.Keyword.Range
		}
	} else if flag, ok := strings.CutPrefix(msg, "unknown flag: "); ok {
		flag, _, _ = strings.Cut(flag, " ")
		if in := d.instructionAt(start); in != nil {
			if w, ok := in.Flag(strings.TrimPrefix(flag, "--")); ok {
				r = w.Range
			}
		}
	}
	return &SyntaxError{Range: r, Message: msg}
}

// dfMaxLine is the size from which BuildKit's line scanner (a
// bufio.Scanner with its default 64 KiB buffer) rejects a line, its line
// ending included.
const dfMaxLine = 64 * 1024

// dfLongLine returns the first line BuildKit's scanner rejects.
func dfLongLine(data []byte) (int, bool) {
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(line) >= dfMaxLine {
			return i + 1, true
		}
	}
	return 0, false
}

// firstWordRange spans the first word of own line n (a keyword), for an
// error about a line too long to show whole.
func (d *Dockerfile) firstWordRange(n int) finding.Range {
	text := d.Source.Line(n)
	start := len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace))
	end := start
	for end < len(text) && end-start < 64 && !dfIsBlank(text[end]) {
		end++
	}
	return finding.Range{File: d.Path, Start: d.toFile(finding.Pos{Line: n, Col: start + 1}), End: d.toFile(finding.Pos{Line: n, Col: end + 1})}
}

// dfDirectiveErrorLine replays BuildKit's directive parsing over the leading
// comment lines and returns the line of the first directive error.
func dfDirectiveErrorLine(data []byte) (int, bool) {
	dp := &parser.DirectiveParser{}
	for i, line := range dfRawLines(data) {
		if i == 0 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		line = bytes.TrimLeftFunc(line, unicode.IsSpace)
		dir, err := dp.ParseLine(line)
		if err != nil {
			return i + 1, true
		}
		if dir != nil && dir.Name == "escape" && dir.Value != "`" && dir.Value != `\` {
			return i + 1, true
		}
		if dir == nil && !bytes.HasPrefix(line, []byte("#")) {
			return 0, false
		}
	}
	return 0, false
}

// lineSpanRange covers the instruction text from the first non-blank
// character of line start to the end of the instruction's logical line
// (continuation lines included, heredoc bodies not), but never past line
// end. Lines are the Dockerfile's own.
func (d *Dockerfile) lineSpanRange(start, end int) finding.Range {
	src := d.Source
	if src == nil {
		src = NewSource(d.Path, nil)
	}
	// Source.Line leaves out a BOM: columns of line 1 start after it.
	text := src.Line(start)
	startCol := 1 + len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace))
	last := start
	if in := d.instructionAt(start); in != nil {
		last = in.lastLine
	}
	if last > end {
		last = end
	}
	if last < start {
		last = start
	}
	endCol := len(src.Line(last)) + 1
	if last == start && endCol < startCol {
		endCol = startCol
	}
	return finding.Range{
		File:  d.Path,
		Start: d.toFile(finding.Pos{Line: start, Col: startCol}),
		End:   d.toFile(finding.Pos{Line: last, Col: endCol}),
	}
}

// InstructionRange is the range of the instruction at loc (a command's
// Location() or a stage's Location): from its keyword to the end of its
// last line, heredoc bodies included. It is the fallback span for findings
// about a whole instruction.
func (d *Dockerfile) InstructionRange(loc []parser.Range) finding.Range {
	start, end := locLines(loc)
	if start == 0 {
		return finding.Range{File: d.Path}
	}
	r := d.lineSpanRange(start, start)
	if end > start && d.Source != nil {
		r.End = d.toFile(finding.Pos{Line: end, Col: len(d.Source.Line(end)) + 1})
	}
	return r
}

// InstructionWord is one word of an instruction as written: the keyword, a
// flag (--platform=linux/amd64) or an argument.
type InstructionWord struct {
	// Text is the word as written, quotes and escapes kept, line
	// continuations removed. An element of a JSON array keeps its quotes.
	Text string
	// Value is the word with quotes removed (JSON-decoded for exec form).
	// Variables are not expanded.
	Value string
	// Range is the word's exact span in the file.
	Range finding.Range
	// Start and End are byte offsets of the word in InstructionText.Text.
	Start, End int
}

// InstructionText is one instruction's logical line as BuildKit's parser
// joins it (node.Original): the lines of a continuation joined without the
// escape characters, comment and blank lines inside it dropped, leading
// whitespace of the first line trimmed. Heredoc bodies are not part of it.
// Every byte maps back to its place in the file, so findings inside an
// instruction (a word, a shell command parsed from Text) get exact ranges.
type InstructionText struct {
	Text    string
	Keyword InstructionWord
	// Flags are the builder flags (--from=..., --mount=...) in order.
	Flags []InstructionWord
	// ArgsStart is the offset in Text where the arguments begin (after the
	// keyword and the flags); ArgsText is Text[ArgsStart:].
	ArgsStart int
	// Args are the arguments: the elements of a JSON array (exec form), or
	// else words split on blanks outside quotes (shell form).
	Args []InstructionWord
	// JSON is true when the arguments are a JSON array of strings.
	JSON bool

	d *Dockerfile
	// segs map Text back to the file: Text[segs[k].off:] comes from line
	// segs[k].line (own lines) from column segs[k].col0+1 on, up to the
	// next segment. end is the place just after Text.
	segs     []textSeg
	end      finding.Pos
	lastLine int // last line of the logical line (own lines)
}

// textSeg is one physical line's part of an instruction's Text.
type textSeg struct{ off, line, col0 int }

// posAt is the place (own lines) of Text[i]; i == len(Text) is the place
// just after the text.
func (t *InstructionText) posAt(i int) finding.Pos {
	if i >= len(t.Text) || len(t.segs) == 0 {
		return t.end
	}
	if i < 0 {
		i = 0
	}
	k := sort.Search(len(t.segs), func(k int) bool { return t.segs[k].off > i }) - 1
	if k < 0 {
		k = 0
	}
	sg := t.segs[k]
	return finding.Pos{Line: sg.line, Col: sg.col0 + i - sg.off + 1}
}

// ArgsText is the argument part of the instruction (shell form: the
// command line as written, for a shell parser).
func (t *InstructionText) ArgsText() string { return t.Text[t.ArgsStart:] }

// Range converts byte offsets [start, end) of Text to a file range.
func (t *InstructionText) Range(start, end int) finding.Range {
	if start < 0 {
		start = 0
	}
	if end > len(t.Text) {
		end = len(t.Text)
	}
	if end < start {
		end = start
	}
	s := t.posAt(start)
	var e finding.Pos
	if end > start {
		e = t.posAt(end - 1)
		e.Col++ // End is exclusive
	} else {
		e = s
	}
	return finding.Range{File: t.d.Path, Start: t.d.toFile(s), End: t.d.toFile(e)}
}

// Flag returns the flag --name (matched case-insensitively, like BuildKit).
func (t *InstructionText) Flag(name string) (InstructionWord, bool) {
	for _, f := range t.Flags {
		n := strings.TrimPrefix(f.Value, "--")
		n, _, _ = strings.Cut(n, "=")
		if strings.EqualFold(n, name) {
			return f, true
		}
	}
	return InstructionWord{}, false
}

// Instruction returns the source text of the instruction at loc (a
// command's Location() or a stage's Location), or nil when loc is empty or
// outside the file.
func (d *Dockerfile) Instruction(loc []parser.Range) *InstructionText {
	start, _ := locLines(loc)
	return d.instructionAt(start)
}

// ArgRange is the exact span of the i-th argument (0-based, after the
// keyword and flags) of the instruction at loc: for `FROM python:3.6 AS
// base`, argument 0 spans columns 6 to 16 (End exclusive). ok is false when
// there is no such argument.
func (d *Dockerfile) ArgRange(loc []parser.Range, i int) (r finding.Range, ok bool) {
	in := d.Instruction(loc)
	if in == nil || i < 0 || i >= len(in.Args) {
		return finding.Range{}, false
	}
	return in.Args[i].Range, true
}

// FlagRange is the exact span of the flag --name of the instruction at loc.
func (d *Dockerfile) FlagRange(loc []parser.Range, name string) (r finding.Range, ok bool) {
	in := d.Instruction(loc)
	if in == nil {
		return finding.Range{}, false
	}
	w, ok := in.Flag(name)
	return w.Range, ok
}

// dfTrimContinuation cuts the continuation token (and the blanks after
// it) off a line, like parser.trimContinuationCharacter with BuildKit's
// line-continuation regexp (a test checks they agree): the escape token,
// followed only by spaces and tabs, that is the whole line or follows
// another character than itself. more is false when the line does not
// continue.
func dfTrimContinuation(line string, esc byte) (trimmed string, more bool) {
	t := strings.TrimRight(line, " \t")
	k := len(t) - 1
	if k < 0 || t[k] != esc {
		return line, false
	}
	if k > 0 && t[k-1] == esc {
		return line, false
	}
	return t[:k], true
}

// buildInstructionAt rebuilds the logical line that starts at line start
// (own line numbers) the way parser.Parse does. instructionAt is its
// memoised form.
func (d *Dockerfile) buildInstructionAt(start int) *InstructionText {
	src := d.Source
	if src == nil || start < 1 || start > src.LineCount() {
		return nil
	}
	esc := d.EscapeToken()
	t := &InstructionText{d: d}
	var text strings.Builder
	add := func(line int, col0 int, seg string) {
		if seg == "" {
			return
		}
		t.segs = append(t.segs, textSeg{off: text.Len(), line: line, col0: col0})
		text.WriteString(seg)
	}
	trim := func(s string) (string, bool) { return dfTrimContinuation(s, byte(esc)) }

	line := start
	raw := src.Line(line) // without a BOM
	off := len(raw) - len(strings.TrimLeftFunc(raw, unicode.IsSpace))
	seg, more := trim(raw[off:])
	add(line, off, seg)
	for more && line < src.LineCount() {
		line++
		raw = src.Line(line)
		trimmed := strings.TrimLeftFunc(raw, unicode.IsSpace)
		if strings.HasPrefix(trimmed, "#") || trimmed == "" {
			// Comment and empty continuation lines are skipped.
			continue
		}
		seg, more = trim(raw)
		add(line, 0, seg)
	}
	t.lastLine = line
	t.Text = text.String()
	// The position just after the text.
	if n := len(t.segs); n > 0 {
		last := t.segs[n-1]
		t.end = finding.Pos{Line: last.line, Col: last.col0 + len(t.Text) - last.off + 1}
	} else {
		t.end = finding.Pos{Line: start, Col: off + 1}
	}
	t.split(esc)
	return t
}

func dfIsBlank(b byte) bool {
	switch b {
	case ' ', '\t', '\v', '\f', '\r':
		return true
	}
	return false
}

// split finds the keyword, the flags and the arguments, following
// parser.splitCommand and parser.extractBuilderFlags.
func (t *InstructionText) split(esc rune) {
	s := t.Text
	i := 0
	for i < len(s) && dfIsBlank(s[i]) {
		i++
	}
	j := i
	for j < len(s) && !dfIsBlank(s[j]) {
		j++
	}
	t.Keyword = t.word(i, j, s[i:j])
	i = j

	// Flags: words starting with "--" before the first other word; a lone
	// "--" ends them.
	for {
		for i < len(s) && dfIsBlank(s[i]) {
			i++
		}
		if i+1 >= len(s) || s[i] != '-' || s[i+1] != '-' {
			break
		}
		end, value := dfScanWord(s, i, esc)
		if s[i:end] == "--" {
			i = end
			for i < len(s) && dfIsBlank(s[i]) {
				i++
			}
			break
		}
		w := t.word(i, end, value)
		t.Flags = append(t.Flags, w)
		i = end
	}
	t.ArgsStart = i
	args := strings.TrimRightFunc(s[i:], func(r rune) bool { return r < utf8.RuneSelf && dfIsBlank(byte(r)) })
	if strings.HasPrefix(args, "[") {
		var elems []string
		if json.Unmarshal([]byte(args), &elems) == nil {
			t.JSON = true
			t.Args = t.jsonWords(i, i+len(args))
			return
		}
	}
	t.Args = make([]InstructionWord, 0, dfCountWords(s[i:]))
	for {
		for i < len(s) && dfIsBlank(s[i]) {
			i++
		}
		if i >= len(s) {
			break
		}
		end, value := dfScanWord(s, i, esc)
		t.Args = append(t.Args, t.word(i, end, value))
		i = end
	}
}

func (t *InstructionText) word(start, end int, value string) InstructionWord {
	return InstructionWord{Text: t.Text[start:end], Value: value, Range: t.Range(start, end), Start: start, End: end}
}

// dfScanWord reads one blank-separated word starting at i; quotes group
// blanks, the escape token escapes the next byte. It returns the end offset
// and the word with quotes and escapes removed.
func dfScanWord(s string, i int, esc rune) (int, string) {
	// The common word has no quote or escape: its value is its text.
	j := i
	for j < len(s) && !dfIsBlank(s[j]) && s[j] != '"' && s[j] != '\'' && rune(s[j]) != esc {
		j++
	}
	if j >= len(s) || dfIsBlank(s[j]) {
		return j, s[i:j]
	}
	var b strings.Builder
	b.WriteString(s[i:j])
	i = j
	var quote byte
	for i < len(s) {
		c := s[i]
		switch {
		case quote == 0 && dfIsBlank(c):
			return i, b.String()
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote != 0 && c == quote:
			quote = 0
		case rune(c) == esc && quote != '\'' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
		i++
	}
	return i, b.String()
}

// dfCountWords is an upper bound of the words in s (runs of non-blanks),
// to size the argument list.
func dfCountWords(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		b := dfIsBlank(s[i])
		if !b && !in {
			n++
		}
		in = !b
	}
	return n
}

// jsonWords finds the string literals of a JSON array in Text[start:end].
func (t *InstructionText) jsonWords(start, end int) []InstructionWord {
	var out []InstructionWord
	s := t.Text
	for i := start; i < end; i++ {
		if s[i] != '"' {
			continue
		}
		j := i + 1
		for j < end && s[j] != '"' {
			if s[j] == '\\' {
				j++
			}
			j++
		}
		if j >= end {
			break
		}
		var v string
		_ = json.Unmarshal([]byte(s[i:j+1]), &v)
		out = append(out, t.word(i, j+1, v))
		i = j
	}
	return out
}

// ExpandFromImage resolves the base image of a stage the way BuildKit does
// for FROM: the stage's BaseName is expanded with BuildKit's shell lexer and
// the escape token of the file, using the ARGs declared before the first
// FROM (MetaArgs), where compose's build.args override the defaults.
//
// ok is false when the image depends on a value that cannot be known
// statically: an ARG with no default and no build arg, a build arg named
// without a value (taken from the environment), BuildKit's platform args
// (TARGETARCH, BUILDPLATFORM...) unless a build arg sets them, or a word
// the lexer rejects. A rule must then stay quiet. A variable that is not
// declared at all expands to "" as in BuildKit.
func (d *Dockerfile) ExpandFromImage(stage instructions.Stage) (image string, ok bool) {
	image, ok = d.ExpandMetaArgs(stage.BaseName)
	return image, ok && image != ""
}

// ExpandMetaArgs expands word with the meta ARGs (see ExpandFromImage); it
// is how BuildKit expands FROM images and FROM --platform values.
func (d *Dockerfile) ExpandMetaArgs(word string) (string, bool) {
	if !d.cache.complete {
		return d.expandMetaArgs(word)
	}
	r := cached(&d.cache.mu, &d.cache.meta, word, func() metaResult {
		s, ok := d.expandMetaArgs(word)
		return metaResult{s, ok}
	})
	return r.s, r.ok
}

func (d *Dockerfile) expandMetaArgs(word string) (string, bool) {
	env := *d.sharedMetaEnv() // its own hitUnknown; the maps are only read
	env.hitUnknown = false
	res, err := ProcessWord(d.EscapeToken(), word, &env)
	if err != nil || env.hitUnknown {
		return res.Result, false
	}
	return res.Result, true
}

// dfPlatformArgs are the args BuildKit defines before any ARG
// (dockerfile2llb defaultArgs); their values depend on the machine.
var dfPlatformArgs = []string{
	"BUILDPLATFORM", "BUILDOS", "BUILDOSVERSION", "BUILDARCH", "BUILDVARIANT",
	"TARGETPLATFORM", "TARGETOS", "TARGETOSVERSION", "TARGETARCH", "TARGETVARIANT",
}

// dfMetaEnv is the environment FROM lines are expanded with. Unknown names
// are declared but without a value we can know.
type dfMetaEnv struct {
	vals       map[string]string
	unknown    map[string]bool
	keys       []string
	hitUnknown bool
}

func (e *dfMetaEnv) Get(key string) (string, bool) {
	if v, ok := e.vals[key]; ok {
		return v, true
	}
	if e.unknown[key] {
		e.hitUnknown = true
	}
	return "", false
}

func (e *dfMetaEnv) Keys() []string { return e.keys }

func (e *dfMetaEnv) set(key, value string) {
	if _, ok := e.vals[key]; !ok && !e.unknown[key] {
		e.keys = append(e.keys, key)
	}
	delete(e.unknown, key)
	e.vals[key] = value
}

func (e *dfMetaEnv) setUnknown(key string) {
	if _, ok := e.vals[key]; !ok && !e.unknown[key] {
		e.keys = append(e.keys, key)
	}
	delete(e.vals, key)
	e.unknown[key] = true
}

// metaEnvKey memoises metaEnv.
type metaEnvKey struct{}

// sharedMetaEnv is metaEnv computed once: its maps and keys are shared,
// its readers must not change them (a copy of the struct has a
// hitUnknown of its own).
func (d *Dockerfile) sharedMetaEnv() *dfMetaEnv {
	env, _ := d.Derived(metaEnvKey{}, func() any { return d.metaEnv() }).(*dfMetaEnv)
	return env
}

// metaEnv follows dockerfile2llb's defaultArgs and buildMetaArgs.
func (d *Dockerfile) metaEnv() *dfMetaEnv {
	env := &dfMetaEnv{vals: map[string]string{}, unknown: map[string]bool{}}
	for _, k := range dfPlatformArgs {
		if v, ok := d.BuildArgs[k]; ok && v != nil {
			env.set(k, *v)
		} else {
			env.setUnknown(k)
		}
	}
	target := d.Target
	if target == "" {
		target = "default"
	}
	if v, ok := d.BuildArgs["TARGETSTAGE"]; ok {
		if v != nil {
			env.set("TARGETSTAGE", *v)
		} else {
			env.setUnknown("TARGETSTAGE")
		}
	} else {
		env.set("TARGETSTAGE", target)
	}

	escape := d.EscapeToken()
	lex := GetLexer(escape)
	defer PutLexer(escape, lex)
	for _, cmd := range d.MetaArgs {
		for _, kp := range cmd.Args {
			if v, ok := d.BuildArgs[kp.Key]; ok {
				if v == nil {
					env.setUnknown(kp.Key)
				} else {
					env.set(kp.Key, *v)
				}
				continue
			}
			if kp.Value == nil {
				// BuildKit keeps any earlier value; a new name with no
				// default is expected from outside the file.
				if _, known := env.vals[kp.Key]; !known {
					env.setUnknown(kp.Key)
				}
				continue
			}
			env.hitUnknown = false
			res, err := lex.ProcessWordWithMatches(*kp.Value, env)
			if err != nil || env.hitUnknown {
				env.setUnknown(kp.Key)
				continue
			}
			env.set(kp.Key, res.Result)
		}
	}
	env.hitUnknown = false
	return env
}
