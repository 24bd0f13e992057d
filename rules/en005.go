package rules

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"

	"github.com/compose-spec/compose-go/v2/dotenv"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/secrets"
)

// The three env file readers compose has shipped. Their behaviour was
// observed, not assumed (see en005_test.go for the table):
//   - docker compose v2: compose-go's dotenv parser (v2.16.2 here).
//   - docker-compose 1.26 to 1.29: python-dotenv (dotenv_values with
//     interpolation). Observed with Debian 12's docker-compose 1.29.2 and
//     python3-dotenv 0.21.0, `docker-compose config`.
//   - docker-compose 1.25 and older: a line reader that strips the line and
//     splits it at the first "=" (docker/compose
//     compose/config/environment.py at 04ce00a7, env_vars_from_file), run
//     as is on the same inputs. Debian 11 and Ubuntu 20.04 ship 1.25.0.
const (
	readV2 = iota
	readV1
	readLegacy
)

var readerNames = [3]string{"docker compose v2", "docker-compose 1.26-1.29", "docker-compose 1.25 and older"}

// maxPerLine caps the findings of one kind on one line.
const maxPerLine = 10

// ambiguity is one construct of an env file line that the readers read
// differently.
type ambiguity struct {
	r     finding.Range
	what  string
	reads [3]string // what each reader makes of it
	fix   string
	edits []finding.Edit
	safe  bool
}

// ambiguousValue is EN005: an env file line that docker compose v2 and
// docker-compose v1 read differently. Teams where one developer still runs
// `docker-compose` (v1, the Debian/Ubuntu package) and another `docker
// compose` get different values from the same file, with no warning.
func ambiguousValue() *Rule {
	return &Rule{
		ID:       "EN005",
		Name:     "ambiguous-value",
		Title:    "Env file line is read differently by compose v1 and v2",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			for _, ef := range composeReadEnvFiles(p.Project) {
				interp := ef.Role == project.RoleDotEnv || ef.Role == project.RoleEnvFileFlag
				data := string(ef.Source.Data)
				for _, e := range ef.Entries {
					for _, a := range entryAmbiguities(ef, data, e, interp) {
						f := finding.Finding{
							Range:   a.r,
							Message: fmt.Sprintf("%s: %s (%s)", e.Key, a.what, renderReads(a.reads)),
							Fix:     &finding.Fix{Message: a.fix, Edits: a.edits, Safe: a.safe && len(a.edits) > 0},
						}
						p.Report(f)
					}
				}
			}
		},
	}
}

// renderReads groups the readers that agree: "docker compose v2: a comment;
// docker-compose v1: part of the value".
func renderReads(reads [3]string) string {
	var parts []string
	done := [3]bool{}
	for i := range reads {
		if done[i] {
			continue
		}
		group := []int{i}
		for j := i + 1; j < len(reads); j++ {
			if !done[j] && reads[j] == reads[i] {
				group = append(group, j)
				done[j] = true
			}
		}
		var names string
		switch {
		case len(group) == 2 && group[0] == readV1 && group[1] == readLegacy:
			names = "docker-compose v1"
		default:
			ns := make([]string, len(group))
			for k, g := range group {
				ns[k] = readerNames[g]
			}
			names = strings.Join(ns, " and ")
		}
		parts = append(parts, names+": "+reads[i])
	}
	return strings.Join(parts, "; ")
}

// envLine is the raw text around one entry, as offsets into the file.
type envLine struct {
	ef        *project.EnvFile
	e         project.EnvEntry
	data      string
	lineStart int
	keyStart  int
	keyEnd    int
	valStart  int
	valEnd    int
	lineEnd   int // end of the value's last line, before "\r\n" or "\n"
	quote     byte
}

func newEnvLine(ef *project.EnvFile, data string, e project.EnvEntry) (envLine, bool) {
	src := ef.Source
	l := envLine{ef: ef, e: e, data: data}
	l.lineStart = src.Offset(finding.Pos{Line: e.Line, Col: 1})
	l.keyStart, l.keyEnd = src.Offset(e.KeyRange.Start), src.Offset(e.KeyRange.End)
	l.valStart, l.valEnd = src.Offset(e.ValueRange.Start), src.Offset(e.ValueRange.End)
	if l.lineStart < 0 || l.keyStart < l.lineStart || l.keyEnd < l.keyStart || l.valStart < l.keyEnd || l.valEnd < l.valStart {
		return l, false
	}
	l.lineEnd = len(l.data)
	if i := strings.IndexByte(l.data[l.valEnd:], '\n'); i >= 0 {
		l.lineEnd = l.valEnd + i
	}
	for l.lineEnd > l.valEnd && l.data[l.lineEnd-1] == '\r' {
		l.lineEnd--
	}
	if l.valEnd > l.valStart {
		if q := l.data[l.valStart]; q == '"' || q == '\'' {
			l.quote = q
		}
	}
	return l, true
}

func (l envLine) rng(start, end int) finding.Range {
	return finding.Range{File: l.ef.Path, Start: l.ef.Source.Pos(start), End: l.ef.Source.Pos(end)}
}

func (l envLine) edit(start, end int, text string) finding.Edit {
	return finding.Edit{Range: l.rng(start, end), NewText: text}
}

// terminated reports whether a quoted value has its closing quote.
func (l envLine) terminated() bool {
	return l.quote != 0 && l.valEnd-l.valStart >= 2 && l.data[l.valEnd-1] == l.quote
}

// inner is the value's text without its quotes, with its offset.
func (l envLine) inner() (string, int) {
	if l.quote != 0 && l.terminated() {
		return l.data[l.valStart+1 : l.valEnd-1], l.valStart + 1
	}
	return l.data[l.valStart:l.valEnd], l.valStart
}

// sameForV2 parses the entry's lines before and after replacing
// [start,end) with text, with compose-go's own parser, and reports whether
// compose v2 reads the same variables and values (references expand to a
// marker per name, so they compare too).
func (l envLine) sameForV2(start, end int, text string) bool {
	lineEnd := len(l.data)
	if i := strings.IndexByte(l.data[l.lineEnd:], '\n'); i >= 0 {
		lineEnd = l.lineEnd + i + 1
	}
	if lineEnd-l.lineStart > 64<<10 {
		return false // not worth parsing twice: no edit for a huge entry
	}
	before := l.data[l.lineStart:lineEnd]
	after := l.data[l.lineStart:start] + text + l.data[end:lineEnd]
	lookup := func(k string) (string, bool) { return "\x00" + k + "\x00", true }
	a, errA := dotenv.ParseWithLookup(bytes.NewReader([]byte(before)), lookup)
	b, errB := dotenv.ParseWithLookup(bytes.NewReader([]byte(after)), lookup)
	if errA != nil || errB != nil || len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func entryAmbiguities(ef *project.EnvFile, data string, e project.EnvEntry, interp bool) []ambiguity {
	if e.AfterQuote {
		return nil // reported as the text after the closing quote of the entry before it
	}
	l, ok := newEnvLine(ef, data, e)
	if !ok {
		return nil
	}
	var out []ambiguity
	out = append(out, exportPrefixAmbiguity(l)...)
	if e.Inherited {
		if interp {
			out = append(out, ambiguity{
				r:    e.KeyRange,
				what: fmt.Sprintf("a bare %s without =", e.Key),
				reads: [3]string{
					readV2:     "takes the value from the shell, or leaves it unset",
					readV1:     fmt.Sprintf(`when the shell does not set it, ${%s} becomes the text "None"`, e.Key),
					readLegacy: fmt.Sprintf(`when the shell does not set it, ${%s} becomes the text "None"`, e.Key),
				},
				fix: fmt.Sprintf("give it a value (%s=value) or delete the line, and set it in the shell when it must come from there", e.Key),
			})
		}
		return out
	}
	out = append(out, separatorAmbiguities(l)...)
	if l.quote == 0 {
		out = append(out, commentAmbiguities(l)...)
	} else {
		out = append(out, quoteAmbiguities(l)...)
	}
	out = append(out, referenceAmbiguities(l)...)
	return out
}

// exportPrefixAmbiguity: "export KEY=value". Compose v2 and python-dotenv
// drop the prefix; the 1.25 line reader takes "export KEY" as the name and
// fails ("environment variable name 'export KEY' may not contain
// whitespace").
func exportPrefixAmbiguity(l envLine) []ambiguity {
	prefix := l.data[l.lineStart:l.keyStart]
	i := strings.Index(prefix, "export")
	if i < 0 {
		return nil
	}
	start := l.lineStart + i
	return []ambiguity{{
		r:    l.rng(start, start+len("export")),
		what: "the export prefix",
		reads: [3]string{
			readV2:     "ignored",
			readV1:     "ignored",
			readLegacy: fmt.Sprintf("the whole file is rejected (the name %q contains whitespace)", "export "+l.e.Key),
		},
		fix:   "delete `export ` if no shell script sources the file (compose never needs it)",
		edits: []finding.Edit{l.edit(start, l.keyStart, "")},
		// A script that sources the file needs export to pass the
		// variable on: the edit is not safe.
	}}
}

// separatorAmbiguities: "KEY: value" (YAML style) and spaces around "=".
func separatorAmbiguities(l envLine) []ambiguity {
	sep := l.data[l.keyEnd:l.valStart]
	trimmed := strings.TrimSpace(sep)
	sepStart := l.keyEnd
	switch {
	case trimmed == ":":
		a := ambiguity{
			r:    l.rng(sepStart, l.valStart),
			what: "the YAML-style separator \":\"",
			reads: [3]string{
				readV2:     "a KEY: value line",
				readV1:     "not understood: python-dotenv skips the line with a warning, so the key is unset",
				readLegacy: "not understood: the line is one name with no value",
			},
			fix: fmt.Sprintf("write %s=value", l.e.Key),
		}
		if strings.ContainsAny(sep+l.data[l.valStart:l.lineEnd], " \t") {
			a.reads[readLegacy] = fmt.Sprintf("the whole file is rejected (the name %q contains whitespace)", strings.TrimRight(l.data[l.keyStart:l.lineEnd], " \t"))
		}
		if l.sameForV2(sepStart, l.valStart, "=") {
			a.edits, a.safe = []finding.Edit{l.edit(sepStart, l.valStart, "=")}, true
		}
		return []ambiguity{a}
	case trimmed == "=" && sep != "=":
		a := ambiguity{
			r:    l.rng(sepStart, l.valStart),
			what: "spaces around =",
			reads: [3]string{
				readV2: "ignored",
				readV1: "ignored",
			},
			fix: fmt.Sprintf("write %s=value without spaces", l.e.Key),
		}
		if strings.HasPrefix(sep, "=") {
			a.reads[readLegacy] = "kept at the start of the value"
		} else {
			name := l.data[l.keyStart : l.keyEnd+strings.Index(sep, "=")]
			a.reads[readLegacy] = fmt.Sprintf("the whole file is rejected (the name %q contains whitespace)", name)
		}
		if l.valStart == l.lineEnd && strings.HasPrefix(sep, "=") {
			return nil // "KEY=   ": an empty value for everyone
		}
		if l.sameForV2(sepStart, l.valStart, "=") {
			a.edits, a.safe = []finding.Edit{l.edit(sepStart, l.valStart, "=")}, true
		}
		return []ambiguity{a}
	}
	return nil
}

// commentAmbiguities: an unquoted value followed by a comment. Compose v2
// ends the value at " #" (a space, then #); python-dotenv at any
// whitespace then # (a tab too); the 1.25 reader keeps everything.
func commentAmbiguities(l envLine) []ambiguity {
	rest := l.data[l.valStart:l.lineEnd]
	trim := func(s string) string { return strings.TrimRightFunc(s, isPySpace) }
	whole := trim(rest)
	v2 := whole
	if c := strings.Index(rest, " #"); c >= 0 {
		v2 = trim(rest[:c])
	}
	v1 := whole
	if c := pyCommentStart(rest); c >= 0 {
		v1 = trim(rest[:c])
	}
	if v2 == whole && v1 == whole {
		return nil
	}
	base := v2
	if len(v1) < len(base) {
		base = v1
	}
	start := len(base) // the comment (with the space before it) starts here
	comment := strings.TrimLeftFunc(rest[start:], isPySpace)
	secret := secrets.NameLooksSecret(l.e.Key)
	describe := func(v string) string {
		switch {
		case v == base:
			return "a comment, not part of the value"
		case v == whole:
			return "part of the value"
		case secret:
			return "partly a comment"
		}
		return fmt.Sprintf("partly a comment (the value keeps %q)", strings.TrimLeftFunc(v[start:], isPySpace))
	}
	a := ambiguity{
		r:    l.rng(l.valStart+start, l.lineEnd),
		what: fmt.Sprintf("the inline comment %q", comment),
		reads: [3]string{
			readV2:     describe(v2),
			readV1:     describe(v1),
			readLegacy: "part of the value",
		},
	}
	if secret {
		// It may be part of the secret for some reader: never print it.
		a.what = "the inline comment after the value"
	}
	if v2 == base {
		a.fix = "move the comment to its own line above"
		if l.sameForV2(l.valStart+start, l.lineEnd, "") {
			a.edits = []finding.Edit{
				l.edit(l.lineStart, l.lineStart, comment+"\n"),
				l.edit(l.valStart+start, l.lineEnd, ""),
			}
			a.safe = true
		}
	} else {
		a.fix = "if it is a comment, put a space before # or move it to its own line; if it is part of the value, quote the value"
	}
	return []ambiguity{a}
}

// pyCommentStart is where python-dotenv's re.sub(r"\s+#.*", "", value)
// cuts an unquoted value: at the whitespace run before the first # that
// follows whitespace; -1 when it does not cut.
func pyCommentStart(s string) int {
	for i := 1; i < len(s); i++ {
		if s[i] != '#' || !isPySpace(rune(s[i-1])) {
			continue
		}
		j := i - 1
		for j > 0 && isPySpace(rune(s[j-1])) {
			j--
		}
		return j
	}
	return -1
}

// isPySpace is Python's \s on ASCII text (str patterns also match Unicode
// spaces, which unicode.IsSpace covers).
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// quoteAmbiguities: a quoted value. Compose v2 and python-dotenv remove
// the quotes; the 1.25 reader keeps them (and a multi-line value loses its
// other lines). Text after the closing quote is a bare key for v2 and makes
// python-dotenv skip the line. A \' inside double quotes is an escape for
// python-dotenv only.
func quoteAmbiguities(l envLine) []ambiguity {
	var out []ambiguity
	inner, innerStart := l.inner()
	if !l.terminated() {
		return nil // EN000: compose v2 rejects the file
	}
	after := l.data[l.valEnd:l.lineEnd]
	trimmedAfter := strings.TrimLeft(after, " \t")
	q := ambiguity{
		r:    l.rng(l.valStart, l.valEnd),
		what: "the quotes around the value",
		reads: [3]string{
			readV2:     "removed",
			readV1:     "removed",
			readLegacy: "kept as part of the value",
		},
		fix: "write the value without quotes if docker-compose 1.25 or older must read the file (compose v2 and 1.26+ read unquoted values up to the end of the line, spaces included)",
	}
	if strings.Contains(inner, "\n") {
		q.reads[readLegacy] = "only the first line is read, with its opening quote; the next lines become names without values"
		q.fix = "docker-compose 1.25 and older cannot read a multi-line value: write it on one line with \\n escapes (compose v2 and 1.26+ expand them in double quotes), or upgrade to docker compose v2"
	} else if portableUnquoted(inner) && strings.HasPrefix(trimmedAfter, "#") {
		q.fix = "remove the quotes and move the comment to its own line: every version then reads the value the same"
	} else if portableUnquoted(inner) && trimmedAfter == "" {
		if l.sameForV2(l.valStart, l.valEnd, inner) {
			q.edits, q.safe = []finding.Edit{l.edit(l.valStart, l.valEnd, inner)}, true
			q.fix = "remove the quotes: every version reads this value the same without them"
		}
	}
	out = append(out, q)
	if trimmedAfter != "" && !strings.HasPrefix(trimmedAfter, "#") {
		start := l.lineEnd - len(trimmedAfter)
		out = append(out, ambiguity{
			r:    l.rng(start, l.lineEnd),
			what: junkWhat(l.e.Key, trimmedAfter),
			reads: [3]string{
				readV2:     fmt.Sprintf("%s is set, and the text is read as another name (a bare key)", l.e.Key),
				readV1:     fmt.Sprintf("python-dotenv skips the whole line with a warning, so %s is unset", l.e.Key),
				readLegacy: "kept as part of the value",
			},
			fix:   "delete the text after the closing quote, or make it a comment with ` # `",
			edits: []finding.Edit{l.edit(start, start, "# ")},
		})
	}
	if l.quote == '"' {
		for i := 0; i+1 < len(inner) && len(out) < maxPerLine; i++ {
			if inner[i] != '\\' {
				continue
			}
			if inner[i+1] == '\'' {
				at := innerStart + i
				out = append(out, ambiguity{
					r:    l.rng(at, at+2),
					what: `the escape \' inside double quotes`,
					reads: [3]string{
						readV2:     `kept as \' (backslash included)`,
						readV1:     "read as '",
						readLegacy: `kept as \' (with the quotes)`,
					},
					fix:   `write ' without the backslash: inside double quotes it needs no escape`,
					edits: []finding.Edit{l.edit(at, at+1, "")},
				})
			}
			i++ // the escaped character
		}
	}
	return out
}

func junkWhat(key, text string) string {
	if secrets.NameLooksSecret(key) {
		return "the text after the closing quote"
	}
	return fmt.Sprintf("the text %q after the closing quote", text)
}

// portableUnquoted reports whether a value reads the same unquoted in every
// version: no spaces at its ends, no comment marker, no quote at its start,
// nothing compose or python-dotenv would expand or unescape.
func portableUnquoted(v string) bool {
	if v != strings.TrimSpace(v) || strings.ContainsAny(v, "#$\\\r\n") {
		return false
	}
	return v == "" || (v[0] != '"' && v[0] != '\'')
}

// pyVariable is python-dotenv's POSIX variable pattern (variables.py): only
// ${NAME} and ${NAME:-default} are expanded; "$NAME" is text.
var pyVariable = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{([^}:]*)(?::-([^}]*))?\}`) })

// referenceAmbiguities: variable references in a value. Compose v2
// expands $NAME, ${NAME}, every modifier and $$, in unquoted and double-
// quoted values only; python-dotenv expands ${NAME} and ${NAME:-default}
// in every value (single quotes included) and nothing else; the 1.25
// reader expands nothing.
func referenceAmbiguities(l envLine) []ambiguity {
	inner, innerStart := l.inner()
	if l.quote == '\'' {
		matches := pyVariable().FindAllStringIndex(inner, maxPerLine)
		out := make([]ambiguity, 0, len(matches))
		for _, m := range matches {
			ref := inner[m[0]:m[1]]
			out = append(out, ambiguity{
				r:    l.rng(innerStart+m[0], innerStart+m[1]),
				what: fmt.Sprintf("%s inside single quotes", ref),
				reads: [3]string{
					readV2:     "kept as text (single quotes turn expansion off)",
					readV1:     "expanded",
					readLegacy: "kept as text",
				},
				fix: "docker-compose 1.26+ always expands ${...} in env files: if the text is meant literally and v1 must read the file, move the value into the compose file with $$ escaping",
			})
		}
		return out
	}
	var out []ambiguity
	var legacyRefs []string
	legacyStart := -1
	refs := project.ScanVarRefs(inner) // once: the value may be long
	next := 0
	for i := 0; i < len(inner); i++ {
		if inner[i] == '\\' && l.quote == '"' && i+1 < len(inner) {
			if inner[i+1] == '$' {
				out = append(out, dollarAmbiguity(l, innerStart+i, `\$`))
			}
			i++
			continue
		}
		if inner[i] != '$' || i+1 >= len(inner) {
			continue
		}
		if inner[i+1] == '$' {
			out = append(out, dollarAmbiguity(l, innerStart+i, "$$"))
			i++
			continue
		}
		if len(out)+len(legacyRefs) >= maxPerLine {
			break // enough to make the point; a huge value stays cheap
		}
		for next < len(refs) && refs[next].Start < i {
			next++
		}
		if next >= len(refs) || refs[next].Start != i {
			continue
		}
		r := refs[next]
		text := inner[r.Start:r.End]
		start, end := innerStart+r.Start, innerStart+r.End
		i = r.End - 1
		switch {
		case text[1] != '{':
			a := ambiguity{
				r:    l.rng(start, end),
				what: fmt.Sprintf("the reference %s without braces", text),
				reads: [3]string{
					readV2:     "expanded",
					readV1:     "kept as text (only ${...} is expanded)",
					readLegacy: "kept as text (only ${...} is expanded)",
				},
				fix: fmt.Sprintf("write ${%s}, which compose v2 and docker-compose 1.26+ both expand", r.Name),
			}
			a.reads[readLegacy] = "kept as text (nothing is expanded)"
			if l.sameForV2(start, end, "${"+r.Name+"}") {
				a.edits, a.safe = []finding.Edit{l.edit(start, end, "${"+r.Name+"}")}, true
			}
			out = append(out, a)
		case r.Op == "" || (r.Op == ":-" && !strings.ContainsAny(r.Arg, "${}")):
			if legacyStart < 0 {
				legacyStart = start
			}
			legacyRefs = append(legacyRefs, text)
		case r.Op == ":-":
			out = append(out, ambiguity{
				r:    l.rng(start, end),
				what: fmt.Sprintf("the nested default %s", text),
				reads: [3]string{
					readV2:     "expanded",
					readV1:     "misread: the default ends at the first }",
					readLegacy: "kept as text (nothing is expanded)",
				},
				fix: "keep env file defaults simple (${NAME:-text}), or move the expression into the compose file",
			})
		default:
			v1 := "kept as text (only ${NAME} and ${NAME:-default} are expanded)"
			if !strings.HasPrefix(r.Op, ":") {
				v1 = fmt.Sprintf("read as a variable named %q, which is never set, so it becomes empty", r.Name+r.Op+r.Arg)
			}
			out = append(out, ambiguity{
				r:    l.rng(start, end),
				what: fmt.Sprintf("the modifier %s in %s", r.Op, text),
				reads: [3]string{
					readV2:     "applied",
					readV1:     v1,
					readLegacy: "kept as text (nothing is expanded)",
				},
				fix: "env files read by docker-compose v1 can only use ${NAME} and ${NAME:-default}; move this expression into the compose file, where both versions apply it",
			})
		}
	}
	if len(legacyRefs) > 0 {
		what := "the reference " + legacyRefs[0]
		if len(legacyRefs) > 1 {
			what = fmt.Sprintf("the references %s", strings.Join(legacyRefs, ", "))
		}
		first := legacyRefs[0]
		out = append(out, ambiguity{
			r:    l.rng(legacyStart, legacyStart+len(first)),
			what: what,
			reads: [3]string{
				readV2:     "expanded",
				readV1:     "expanded",
				readLegacy: "kept as text (nothing is expanded)",
			},
			fix: "if docker-compose 1.25 or older must read the file, write the value out in full, or move the reference into the compose file",
		})
	}
	return out
}

// dollarAmbiguity: $$ or \$ in an unquoted or double-quoted value.
func dollarAmbiguity(l envLine, at int, text string) ambiguity {
	return ambiguity{
		r:    l.rng(at, at+len(text)),
		what: fmt.Sprintf("the escape %s", text),
		reads: [3]string{
			readV2:     "one $",
			readV1:     fmt.Sprintf("kept as %s", text),
			readLegacy: fmt.Sprintf("kept as %s", text),
		},
		fix: "for a literal $ that compose v2 and docker-compose 1.26+ both read, single-quote the value and write a plain $ ('a$b'; no ${ inside)",
	}
}
