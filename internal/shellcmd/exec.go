package shellcmd

import (
	"strconv"
	"unicode/utf8"
)

// ParseExec builds the script of an exec-form instruction
// (`RUN ["sh", "-c", "apt-get update"]`): one command whose words are the
// JSON string literals at elems (start and end offsets in src, quotes
// included). A shell's -c string is parsed like any nested script, so its
// commands get exact offsets inside the JSON literal, escapes included.
func ParseExec(src string, elems [][2]int) *Script {
	s := &Script{Src: src, Flat: true}
	if len(elems) == 0 {
		return s
	}
	args := make([]Word, 0, len(elems))
	for _, e := range elems {
		w, ok := jsonWord(src, e[0], e[1])
		if !ok {
			s.Err = parseError("invalid JSON string in exec form")
			return s
		}
		args = append(args, w)
	}
	cmd := &Command{Start: elems[0][0], End: elems[len(elems)-1][1]}
	cmd.Wrappers, cmd.Args = unwrap(args)
	b := &builder{flat: true, cmds: []*Command{cmd}}
	b.nestedScripts(cmd, nil, walker{t: &text{s: src}})
	b.finish(s)
	return s
}

// jsonWord decodes the JSON string literal src[start:end] with the offset
// of each decoded byte (an escape maps to its backslash).
func jsonWord(src string, start, end int) (Word, bool) {
	if start < 0 || end > len(src) || end-start < 2 || src[start] != '"' || src[end-1] != '"' {
		return Word{}, false
	}
	var val []byte
	var starts, ends []int
	emit := func(r rune, at, to int) {
		var buf [utf8.UTFMax]byte
		n := utf8.EncodeRune(buf[:], r)
		for k := 0; k < n; k++ {
			val = append(val, buf[k])
			starts = append(starts, at)
			ends = append(ends, to)
		}
	}
	for i := start + 1; i < end-1; {
		c := src[i]
		if c != '\\' {
			val = append(val, c)
			starts = append(starts, i)
			ends = append(ends, i+1)
			i++
			continue
		}
		if i+1 >= end-1 {
			return Word{}, false
		}
		at := i
		switch src[i+1] {
		case '"', '\\', '/':
			emit(rune(src[i+1]), at, at+2)
			i += 2
		case 'b':
			emit('\b', at, at+2)
			i += 2
		case 'f':
			emit('\f', at, at+2)
			i += 2
		case 'n':
			emit('\n', at, at+2)
			i += 2
		case 'r':
			emit('\r', at, at+2)
			i += 2
		case 't':
			emit('\t', at, at+2)
			i += 2
		case 'u':
			r, n, ok := jsonUnicode(src[i : end-1])
			if !ok {
				return Word{}, false
			}
			emit(r, at, at+n)
			i += n
		default:
			return Word{}, false
		}
	}
	return Word{Value: string(val), Static: true, Start: start, End: end, starts: starts, ends: ends}, true
}

// jsonUnicode reads \uXXXX (and a following low surrogate) at the start of
// s; n is the number of bytes read.
func jsonUnicode(s string) (r rune, n int, ok bool) {
	hex := func(s string) (rune, bool) {
		if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(s[2:6], 16, 32)
		return rune(v), err == nil
	}
	r, ok = hex(s)
	if !ok {
		return 0, 0, false
	}
	if r >= 0xD800 && r < 0xDC00 {
		if lo, ok := hex(s[6:]); ok && lo >= 0xDC00 && lo < 0xE000 {
			return (r-0xD800)<<10 + (lo - 0xDC00) + 0x10000, 12, true
		}
		return utf8.RuneError, 6, true
	}
	return r, 6, true
}
