package project

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/compose-spec/compose-go/v2/dotenv"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// ParseEnvFile reads an env file the way docker compose does, keeping the
// position of every key and value. Compose's own parser decides what is an
// error (it stops at the first one); entries before that line are kept.
func ParseEnvFile(src *Source, role EnvFileRole) *EnvFile {
	ef := &EnvFile{Path: src.Path, Role: role, Source: src}
	ef.Entries = scanEnvEntries(src)
	var err error
	quietly(func() {
		_, err = dotenv.ParseWithLookup(bytes.NewReader(src.Data), func(string) (string, bool) { return "", false })
	})
	if err != nil {
		line := errorLine(err.Error())
		msg := err.Error()
		if m := lineErrPrefix().FindStringSubmatch(msg); m != nil {
			msg = m[2]
		}
		r := finding.Range{File: src.Path, Start: finding.Pos{Line: 1, Col: 1}, End: finding.Pos{Line: 1, Col: 1}}
		if strings.Contains(msg, "unterminated quoted value") {
			// Compose counts the lines inside the quote; point at the line
			// where the quote opens.
			if e, ok := unterminated(ef.Entries, src); ok {
				line = e.Line
			}
		}
		if line > src.LineCount() {
			line = src.LineCount()
		}
		if line > 0 {
			r = src.LineRange(line)
			// Keep only entries compose read before the error.
			kept := ef.Entries[:0]
			for _, e := range ef.Entries {
				if e.Line < line {
					kept = append(kept, e)
				}
			}
			ef.Entries = kept
		}
		ef.Error = &SyntaxError{Range: r, Message: msg}
	}
	return ef
}

// unterminated finds the first entry whose quoted value never closes.
func unterminated(entries []EnvEntry, src *Source) (EnvEntry, bool) {
	for _, e := range entries {
		start, end := src.Offset(e.ValueRange.Start), src.Offset(e.ValueRange.End)
		if start < 0 || end <= start {
			continue
		}
		raw := string(src.Data[start:end])
		if q := raw[0]; (q == '"' || q == '\'') && (len(raw) < 2 || raw[len(raw)-1] != q) {
			return e, true
		}
	}
	return EnvEntry{}, false
}

var lineErrPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^line (\d+): (.*)$`) })

func errorLine(msg string) int {
	if m := lineErrPrefix().FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

var exportPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^export\s+`) })

// scanEnvEntries follows compose's dotenv grammar: blank lines and lines
// starting with # are skipped; "export " is dropped; KEY=value or KEY: value;
// a bare KEY inherits from the shell; quoted values may span lines; an
// unquoted value ends at " #".
func scanEnvEntries(src *Source) []EnvEntry {
	data := string(src.Data)
	var out []EnvEntry
	i := 0
	if strings.HasPrefix(data, "\xef\xbb\xbf") {
		i = 3 // a UTF-8 BOM, which compose skips
	}
	afterQuote := false // the entry continues a line after a closing quote
	for i < len(data) {
		// Skip whitespace (including newlines) and comment lines.
		for i < len(data) && unicode.IsSpace(rune(data[i])) {
			if data[i] == '\n' {
				afterQuote = false
			}
			i++
		}
		if i >= len(data) {
			break
		}
		if data[i] == '#' {
			for i < len(data) && data[i] != '\n' {
				i++
			}
			continue
		}
		if loc := exportPrefix().FindStringIndex(data[i:]); loc != nil {
			i += loc[1]
		}
		keyStart := i
		for i < len(data) && data[i] != '=' && data[i] != ':' && data[i] != '\n' {
			i++
		}
		key := strings.TrimRightFunc(data[keyStart:i], unicode.IsSpace)
		keyEnd := keyStart + len(key)
		entry := EnvEntry{
			Key:        key,
			Line:       src.Pos(keyStart).Line,
			KeyRange:   finding.Range{File: src.Path, Start: src.Pos(keyStart), End: src.Pos(keyEnd)},
			AfterQuote: afterQuote,
		}
		afterQuote = false
		if i >= len(data) || data[i] == '\n' {
			entry.Inherited = true
			entry.ValueRange = finding.Range{File: src.Path, Start: src.Pos(keyEnd), End: src.Pos(keyEnd)}
			out = append(out, entry)
			continue
		}
		i++ // '=' or ':'
		for i < len(data) && data[i] != '\n' && isEnvSpace(data[i]) {
			i++
		}
		valStart := i
		value, end := readEnvValue(data, i)
		entry.Value = value
		entry.ValueRange = finding.Range{File: src.Path, Start: src.Pos(valStart), End: src.Pos(end)}
		out = append(out, entry)
		i = end
		if end > valStart && (data[valStart] == '"' || data[valStart] == '\'') && data[end-1] == data[valStart] && end-valStart >= 2 {
			// After a closing quote compose reads on: blanks, then a
			// comment or another KEY=value on the same line (A='x' B=2
			// sets both; found by FuzzParseEnvFile).
			afterQuote = true
			continue
		}
		// An unquoted value ends the line (what follows is a comment).
		for i < len(data) && data[i] != '\n' {
			i++
		}
	}
	return out
}

func isEnvSpace(b byte) bool {
	switch b {
	case '\t', '\v', '\f', '\r', ' ':
		return true
	}
	return false
}

// readEnvValue reads a value at data[i:], returning the value (unquoted and,
// for double quotes, unescaped; variables are not expanded) and the offset
// just past its raw text.
func readEnvValue(data string, i int) (string, int) {
	if i < len(data) && (data[i] == '"' || data[i] == '\'') {
		quote := data[i]
		var b strings.Builder
		escaped := false
		for j := i + 1; j < len(data); j++ {
			c := data[j]
			if c == quote && !escaped {
				v := b.String()
				if quote == '"' {
					v = unescapeDouble(v)
				}
				return v, j + 1
			}
			if c == '\\' && !escaped {
				escaped = true
				b.WriteByte(c)
				continue
			}
			escaped = false
			b.WriteByte(c)
		}
		// Unterminated: compose reports the error; take the line.
		end := strings.IndexByte(data[i:], '\n')
		if end < 0 {
			end = len(data) - i
		}
		return data[i+1 : i+end], i + end
	}
	end := strings.IndexByte(data[i:], '\n')
	if end < 0 {
		end = len(data) - i
	}
	line := data[i : i+end]
	if c := strings.Index(line, " #"); c >= 0 {
		line = line[:c]
	}
	value := strings.TrimRightFunc(line, unicode.IsSpace)
	return value, i + len(value)
}

var escapeSeq = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\\(?:[abcfnrtv$"\\]|0\d{0,3})`) })

func unescapeDouble(s string) string {
	// Drop the backslash of escaped quotes first, as compose does.
	s = strings.ReplaceAll(s, `\"`, `"`)
	return escapeSeq().ReplaceAllStringFunc(s, func(m string) string {
		if m == `\$` {
			return "$"
		}
		if strings.HasPrefix(m, `\0`) {
			m = `\` + m[2:]
		}
		v, _, _, err := strconv.UnquoteChar(m, '"')
		if err != nil {
			return m
		}
		return string(v)
	})
}

// Lookup returns the last value given to key, as compose keeps the last.
func (ef *EnvFile) Lookup(key string) (EnvEntry, bool) {
	for i := len(ef.Entries) - 1; i >= 0; i-- {
		if ef.Entries[i].Key == key {
			return ef.Entries[i], true
		}
	}
	return EnvEntry{}, false
}

// String describes the role for messages.
func (r EnvFileRole) String() string {
	switch r {
	case RoleDotEnv:
		return ".env"
	case RoleEnvFileFlag:
		return "--env-file"
	case RoleServiceEnvFile:
		return "env_file"
	case RoleExample:
		return "example env file"
	}
	return fmt.Sprintf("role(%d)", int(r))
}
