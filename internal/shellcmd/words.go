package shellcmd

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// wordBuilder collects a word's value with the offset of each byte.
type wordBuilder struct {
	t      *text
	val    strings.Builder
	starts []int
	ends   []int
	static bool
}

// add appends byte c whose source is t.s[from:to].
func (wb *wordBuilder) add(c byte, from, to int) {
	wb.val.WriteByte(c)
	wb.starts = append(wb.starts, wb.t.root(from))
	wb.ends = append(wb.ends, wb.t.rootEnd(to))
}

// raw adds t.s[a:b] as written.
func (wb *wordBuilder) raw(a, b int) {
	for i := a; i < b && i < len(wb.t.s); i++ {
		wb.add(wb.t.s[i], i, i+1)
	}
}

// unquoted adds an unquoted literal: a backslash escapes the next byte and
// a backslash-newline disappears.
func (wb *wordBuilder) unquoted(a, b int) {
	s := wb.t.s
	for i := a; i < b && i < len(s); i++ {
		if s[i] == '\\' && i+1 < b {
			i++
			if s[i] != '\n' {
				wb.add(s[i], i-1, i+1)
			}
			continue
		}
		wb.add(s[i], i, i+1)
	}
}

// dquoted adds a literal inside double quotes: a backslash escapes only
// $ ` " \ and newline.
func (wb *wordBuilder) dquoted(a, b int) {
	s := wb.t.s
	for i := a; i < b && i < len(s); i++ {
		if s[i] == '\\' && i+1 < b && strings.IndexByte("$`\"\\\n", s[i+1]) >= 0 {
			i++
			if s[i] != '\n' {
				wb.add(s[i], i-1, i+1)
			}
			continue
		}
		wb.add(s[i], i, i+1)
	}
}

func (wb *wordBuilder) part(p syntax.WordPart, quoted bool) {
	a, b := int(p.Pos().Offset()), int(p.End().Offset())
	switch p := p.(type) {
	case *syntax.Lit:
		if quoted {
			wb.dquoted(a, b)
		} else {
			wb.unquoted(a, b)
		}
	case *syntax.SglQuoted:
		if p.Dollar {
			// $'...' has C escapes; keep it as written.
			wb.static = false
			wb.raw(a, b)
			return
		}
		left := int(p.Left.Offset()) + 1
		wb.raw(left, int(p.Right.Offset()))
	case *syntax.DblQuoted:
		if p.Dollar {
			wb.static = false
		}
		for _, q := range p.Parts {
			wb.part(q, true)
		}
	default:
		wb.static = false
		wb.raw(a, b)
	}
}

func (wb *wordBuilder) word(start, end int) Word {
	return Word{
		Value:  wb.val.String(),
		Static: wb.static,
		Start:  wb.t.root(start),
		End:    wb.t.rootEnd(end),
		starts: wb.starts,
		ends:   wb.ends,
	}
}

func makeWord(w *syntax.Word, t *text) Word {
	if w == nil || len(w.Parts) == 0 {
		return Word{Static: true}
	}
	wb := &wordBuilder{t: t, static: true}
	for _, p := range w.Parts {
		wb.part(p, false)
	}
	return wb.word(int(w.Pos().Offset()), int(w.End().Offset()))
}

func litWord(l *syntax.Lit, t *text) Word {
	wb := &wordBuilder{t: t, static: true}
	a, b := int(l.Pos().Offset()), int(l.End().Offset())
	wb.unquoted(a, b)
	return wb.word(a, b)
}

// assignWord is NAME=value as one word (value unquoted).
func assignWord(a *syntax.Assign, t *text) Word {
	wb := &wordBuilder{t: t, static: true}
	start, end := int(a.Pos().Offset()), int(a.End().Offset())
	if a.Name == nil {
		if a.Value != nil {
			return makeWord(a.Value, t)
		}
		return Word{Start: t.root(start), End: t.rootEnd(end)}
	}
	wb.raw(int(a.Name.Pos().Offset()), int(a.Name.End().Offset()))
	if a.Index != nil || a.Array != nil || a.Naked {
		wb.static = false
		wb.raw(int(a.Name.End().Offset()), end)
		return wb.word(start, end)
	}
	eq := int(a.Name.End().Offset())
	if a.Append {
		wb.raw(eq, eq+1)
		eq++
	}
	wb.raw(eq, eq+1) // '='
	if a.Value != nil {
		for _, p := range a.Value.Parts {
			wb.part(p, false)
		}
	}
	return wb.word(start, end)
}
