package pipeline

import (
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/envdoctor/envdoctor/internal/project"
)

// fileKind says how comments are written in a file.
type fileKind int

const (
	kindUnknown fileKind = iota
	kindYAML
	kindDockerfile
	kindEnv
	kindDockerignore
)

// lineInfo is what the scanners find on one line.
type lineInfo struct {
	// comment is the byte index of the '#' that starts a real comment on
	// the line, or -1.
	comment int
	// onlyComment is true when the line holds nothing but that comment.
	onlyComment bool
	// blank is true for a line with nothing but white space.
	blank bool
	// Dockerfiles only, on the first line of an instruction: instr is its
	// keyword in upper case and last the index of its last line
	// (continuation lines and heredoc bodies included).
	instr string
	last  int
}

// kinds maps every file of the project that can hold ignore comments to its
// kind: first from what the loader knows, then from the file name.
func kinds(p *project.Project) map[string]fileKind {
	m := map[string]fileKind{}
	for name := range p.Sources {
		if k := kindByName(name); k != kindUnknown {
			m[name] = k
		}
	}
	if p.Compose != nil {
		for _, f := range p.Compose.Files {
			m[f.Path] = kindYAML
		}
	}
	for _, e := range p.EnvFiles {
		m[e.Path] = kindEnv
	}
	for _, d := range p.Dockerfiles {
		if !d.Inline {
			m[d.Path] = kindDockerfile
		}
	}
	for _, c := range p.Contexts {
		if c.Dockerignore != "" {
			m[c.Dockerignore] = kindDockerignore
		}
	}
	return m
}

func kindByName(name string) fileKind {
	base := path.Base(name)
	lower := strings.ToLower(base)
	switch {
	case strings.HasSuffix(lower, ".dockerignore"):
		return kindDockerignore
	case strings.HasSuffix(lower, ".yml"), strings.HasSuffix(lower, ".yaml"):
		return kindYAML
	case lower == "dockerfile", strings.HasPrefix(lower, "dockerfile."), strings.HasSuffix(lower, ".dockerfile"),
		lower == "containerfile", strings.HasPrefix(lower, "containerfile."):
		return kindDockerfile
	case lower == ".env", strings.HasPrefix(lower, ".env."), strings.HasSuffix(lower, ".env"):
		return kindEnv
	}
	return kindUnknown
}

// sourceLines splits a source into lines without their line endings.
func sourceLines(s *project.Source) []string {
	n := s.LineCount()
	lines := make([]string, n)
	for i := range lines {
		lines[i] = s.Line(i + 1)
	}
	return lines
}

func scan(kind fileKind, lines []string) []lineInfo {
	switch kind {
	case kindYAML:
		return scanYAML(lines)
	case kindDockerfile:
		return scanDockerfile(lines)
	case kindEnv:
		return scanEnv(lines)
	case kindDockerignore:
		return scanDockerignore(lines)
	}
	return nil
}

func isBlank(s string) bool { return strings.TrimLeft(s, " \t\v\f\r") == "" }

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' }

// scanYAML finds YAML comments: a '#' at the start of a line or after white
// space, outside quoted scalars (which may span lines) and block scalars
// (| and >). A quote only opens a scalar at the start of a token, as in
// YAML: in `command: echo 'a # b'` the comment is "# b'".
func scanYAML(lines []string) []lineInfo {
	out := make([]lineInfo, len(lines))
	var (
		quote        byte // the quote of a quoted scalar still open at the end of the previous line
		flow         int  // depth of [ and { collections
		inBlock      bool // inside a block scalar
		blockParent  int  // its content is indented more than this
		blockContent int  // the indentation of its first content line, or -1
	)
	for i, line := range lines {
		info := lineInfo{comment: -1}
		trimmed := strings.TrimLeft(line, " \t")
		indent := len(line) - len(trimmed)
		if inBlock {
			if trimmed == "" {
				info.blank = true
				out[i] = info
				continue
			}
			if blockContent < 0 && indent > blockParent {
				blockContent = indent
			}
			if blockContent >= 0 && indent >= blockContent {
				out[i] = info // block scalar content, never a comment
				continue
			}
			inBlock = false
		}
		if quote == 0 && trimmed == "" {
			info.blank = true
			out[i] = info
			continue
		}
		atToken := quote == 0 // at the start of a token: a quote opens a scalar
		firstToken, lastDash := -1, -1
		for j := 0; j < len(line); j++ {
			c := line[j]
			if quote != 0 {
				switch {
				case quote == '"' && c == '\\':
					j++
				case quote == '"' && c == '"':
					quote, atToken = 0, false
				case quote == '\'' && c == '\'':
					if j+1 < len(line) && line[j+1] == '\'' {
						j++ // '' is an escaped quote
					} else {
						quote, atToken = 0, false
					}
				}
				continue
			}
			if c == '#' && (j == 0 || isSpaceByte(line[j-1])) {
				info.comment = j
				break
			}
			if isSpaceByte(c) {
				continue
			}
			endsToken := j+1 == len(line) || isSpaceByte(line[j+1])
			if atToken {
				switch {
				case c == '"' || c == '\'':
					quote = c
					if firstToken < 0 {
						firstToken = j
					}
				case (c == '-' || c == '?' || c == ':') && endsToken:
					if c == '-' {
						lastDash = j
					}
				case c == '[' || c == '{':
					flow++
				case c == ',' && flow > 0:
				case (c == ']' || c == '}') && flow > 0:
					flow--
					atToken = false
				case c == '&' || c == '!' || c == '*':
					// anchor, tag or alias: skip the word
					for j+1 < len(line) && !isSpaceByte(line[j+1]) {
						j++
					}
					if c == '*' {
						atToken = false
					}
				case (c == '|' || c == '>') && flow == 0:
					// block scalar header: indicators, then maybe a comment
					for j+1 < len(line) && strings.IndexByte("+-0123456789", line[j+1]) >= 0 {
						j++
					}
					inBlock, blockContent = true, -1
					switch {
					case firstToken >= 0:
						blockParent = firstToken // key: |
					case lastDash >= 0:
						blockParent = lastDash // - |
					default:
						blockParent = indent - 1
					}
				default:
					if firstToken < 0 {
						firstToken = j
					}
					atToken = false // a plain scalar starts
				}
				continue
			}
			// inside a plain scalar, or after a quoted one
			switch {
			case c == ':' && (endsToken || (flow > 0 && strings.IndexByte(",[]{}", line[j+1]) >= 0)):
				atToken = true
			case flow > 0 && c == ',':
				atToken = true
			case flow > 0 && (c == ']' || c == '}'):
				flow--
			}
		}
		info.onlyComment = info.comment >= 0 && info.comment == indent
		out[i] = info
	}
	return out
}

// heredocPattern finds BuildKit heredoc openers (<<EOF, <<-EOF, <<"EOF").
var heredocPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:^|\s)\d*<<(-?)(["']?)([A-Za-z0-9_.-]+)(["']?)`) })

type heredoc struct {
	word  string
	strip bool // <<- strips leading tabs from the terminator line
}

// scanDockerfile finds Dockerfile comments: lines whose first non-blank
// character is '#' (BuildKit has no trailing comments: a '#' inside a RUN
// line is the shell's business). Heredoc bodies of RUN, COPY and ADD are
// skipped.
func scanDockerfile(lines []string) []lineInfo {
	out := make([]lineInfo, len(lines))
	var pending []heredoc
	continued := false // the previous instruction line ended with a backslash
	instr := ""
	cur := -1 // the first line of the current instruction
	for i, line := range lines {
		info := lineInfo{comment: -1}
		if len(pending) > 0 {
			cmp := line
			if pending[0].strip {
				cmp = strings.TrimLeft(line, "\t")
			}
			if cmp == pending[0].word {
				pending = pending[1:]
			}
			out[i] = info
			if cur >= 0 {
				out[cur].last = i
			}
			continue
		}
		trimmed := strings.TrimLeft(line, " \t")
		switch {
		case trimmed == "":
			info.blank = true
		case trimmed[0] == '#':
			info.comment = len(line) - len(trimmed)
			info.onlyComment = true
		default:
			if !continued {
				word, _, _ := strings.Cut(trimmed, " ")
				instr = strings.ToUpper(strings.TrimSpace(word))
				cur = i
				info.instr = instr
			}
			if instr == "RUN" || instr == "COPY" || instr == "ADD" {
				for _, m := range heredocPattern().FindAllStringSubmatch(line, -1) {
					if m[2] != m[4] {
						continue
					}
					pending = append(pending, heredoc{word: m[3], strip: m[1] == "-"})
				}
			}
			continued = strings.HasSuffix(strings.TrimRight(line, " \t"), "\\")
		}
		out[i] = info
		if cur >= 0 && !info.blank && !info.onlyComment {
			out[cur].last = i
		}
	}
	return out
}

// scanEnv finds env file comments the way compose's dotenv parser reads
// them: a line starting with '#', " #" after an unquoted value, and '#'
// after the closing quote of a quoted value (which may span lines).
func scanEnv(lines []string) []lineInfo {
	out := make([]lineInfo, len(lines))
	var quote byte
	for i, line := range lines {
		info := lineInfo{comment: -1}
		if quote != 0 {
			if end := closeQuote(line, 0, quote); end >= 0 {
				quote = 0
				info.comment = commentAfter(line, end)
			}
			out[i] = info
			continue
		}
		trimmed := strings.TrimLeft(line, " \t\v\f\r")
		indent := len(line) - len(trimmed)
		switch {
		case trimmed == "":
			info.blank = true
		case trimmed[0] == '#':
			info.comment = indent
			info.onlyComment = true
		default:
			sep := strings.IndexAny(line[indent:], "=:")
			if sep < 0 {
				break // a bare KEY inherited from the shell
			}
			v := indent + sep + 1
			for v < len(line) && strings.IndexByte(" \t\v\f\r", line[v]) >= 0 {
				v++
			}
			if v < len(line) && (line[v] == '"' || line[v] == '\'') {
				end := closeQuote(line, v+1, line[v])
				if end < 0 {
					quote = line[v]
					break
				}
				info.comment = commentAfter(line, end)
			} else if k := strings.Index(line[v:], " #"); k >= 0 {
				info.comment = v + k + 1
			}
		}
		out[i] = info
	}
	return out
}

// closeQuote returns the index just after the closing quote q at or after
// from, honouring backslash escapes, or -1.
func closeQuote(line string, from int, q byte) int {
	for j := from; j < len(line); j++ {
		switch line[j] {
		case '\\':
			j++
		case q:
			return j + 1
		}
	}
	return -1
}

// commentAfter returns the index of a '#' that follows from (after white
// space only), or -1.
func commentAfter(line string, from int) int {
	j := from
	for j < len(line) && isSpaceByte(line[j]) {
		j++
	}
	if j < len(line) && line[j] == '#' {
		return j
	}
	return -1
}

// scanDockerignore finds .dockerignore comments: only lines starting with
// '#' in the first column (moby's ignorefile reads "  # x" as a pattern).
func scanDockerignore(lines []string) []lineInfo {
	out := make([]lineInfo, len(lines))
	for i, line := range lines {
		info := lineInfo{comment: -1}
		if i == 0 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		switch {
		case strings.HasPrefix(line, "#"):
			info.comment = len(lines[i]) - len(line)
			info.onlyComment = true
		case isBlank(line):
			info.blank = true
		}
		out[i] = info
	}
	return out
}
