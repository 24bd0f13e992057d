package shellcmd

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// wordBuilder collects a word's value with the offset of each byte. While
// every byte comes from the one after the previous one (no quote or
// escape so far), the offsets are only base and the length.
type wordBuilder struct {
	t      *text
	val    strings.Builder
	n      int // source length, for sizing
	base   int
	mapped bool // starts and ends hold the offsets
	starts []int
	ends   []int
	static bool
}

// newWordBuilder sizes the builder for a word of at most n bytes (its
// source's length).
func newWordBuilder(t *text, n int) *wordBuilder {
	if n < 0 || n > 1<<16 {
		n = 0
	}
	wb := &wordBuilder{t: t, static: true, n: n}
	wb.val.Grow(n)
	return wb
}

// add appends byte c whose source is t.s[from:to].
func (wb *wordBuilder) add(c byte, from, to int) {
	start, end := wb.t.root(from), wb.t.rootEnd(to)
	k := wb.val.Len()
	wb.val.WriteByte(c)
	if !wb.mapped {
		if k == 0 {
			wb.base = start
		}
		if start == wb.base+k && end == start+1 {
			return
		}
		wb.mapped = true
		wb.starts, wb.ends = make([]int, k, max(wb.n, k+1)), make([]int, k, max(wb.n, k+1))
		for i := 0; i < k; i++ {
			wb.starts[i], wb.ends[i] = wb.base+i, wb.base+i+1
		}
	}
	wb.starts = append(wb.starts, start)
	wb.ends = append(wb.ends, end)
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
		seq:    !wb.mapped && wb.val.Len() > 0,
		base:   wb.base,
	}
}

func makeWord(w *syntax.Word, t *text) Word {
	if w == nil || len(w.Parts) == 0 {
		return Word{Static: true}
	}
	start, end := int(w.Pos().Offset()), int(w.End().Offset())
	if l, ok := w.Parts[0].(*syntax.Lit); ok && len(w.Parts) == 1 && t.starts == nil {
		// A plain word of the script (the common case): its value is
		// its text, unless an escape is in it.
		a, b := int(l.Pos().Offset()), int(l.End().Offset())
		if a == start && b == end && 0 <= a && a <= b && b <= len(t.s) && strings.IndexByte(t.s[a:b], '\\') < 0 {
			return Word{Value: t.s[a:b], Static: true, Start: a, End: b, seq: a < b, base: a}
		}
	}
	wb := newWordBuilder(t, end-start)
	for _, p := range w.Parts {
		wb.part(p, false)
	}
	return wb.word(start, end)
}

func litWord(l *syntax.Lit, t *text) Word {
	a, b := int(l.Pos().Offset()), int(l.End().Offset())
	wb := newWordBuilder(t, b-a)
	wb.unquoted(a, b)
	return wb.word(a, b)
}

// assignWord is NAME=value as one word (value unquoted).
func assignWord(a *syntax.Assign, t *text) Word {
	start, end := int(a.Pos().Offset()), int(a.End().Offset())
	wb := newWordBuilder(t, end-start)
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
