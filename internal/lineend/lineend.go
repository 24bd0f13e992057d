// Package lineend finds the carriage returns of a text file (Windows CRLF
// line endings, lone CRs), builds the edits that convert the file to LF,
// and names the .gitattributes pattern that keeps it LF. EN004 (env files)
// and HS001 (scripts a container runs) share it.
package lineend

import (
	"path"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// CR is one carriage return of a file.
type CR struct {
	// Offset is its byte offset; Pos its line and byte column, lines
	// being separated by \n only (as the fixer counts them).
	Offset int
	Pos    finding.Pos
	// Lone is true for a CR not followed by \n (old Mac line endings, or
	// a stray \r inside a line).
	Lone bool
}

// Find lists the carriage returns of data, in file order.
func Find(data []byte) []CR {
	var out []CR
	line, lineStart := 1, 0
	for i, b := range data {
		switch b {
		case '\n':
			line, lineStart = line+1, i+1
		case '\r':
			out = append(out, CR{
				Offset: i,
				Pos:    finding.Pos{Line: line, Col: i - lineStart + 1},
				Lone:   i+1 >= len(data) || data[i+1] != '\n',
			})
		}
	}
	return out
}

// Count returns how many of the CRs end a CRLF line and how many are lone.
func Count(crs []CR) (crlf, lone int) {
	for _, c := range crs {
		if c.Lone {
			lone++
		} else {
			crlf++
		}
	}
	return crlf, lone
}

// ToLF is the edits of file that convert it to LF line endings: each CR
// before a newline is removed, each lone CR becomes a newline.
func ToLF(file string, crs []CR) []finding.Edit {
	edits := make([]finding.Edit, 0, len(crs))
	for _, c := range crs {
		r := finding.Range{File: file, Start: c.Pos, End: finding.Pos{Line: c.Pos.Line, Col: c.Pos.Col + 1}}
		text := ""
		if c.Lone {
			text = "\n"
		}
		edits = append(edits, finding.Edit{Range: r, NewText: text})
	}
	return edits
}

// scriptExtensions are the extensions a .gitattributes pattern may cover
// by themselves ("*.sh text eol=lf"): every file so named is a script.
var scriptExtensions = map[string]bool{".sh": true, ".bash": true, ".ksh": true, ".zsh": true, ".ash": true}

// GitattributesPattern is the .gitattributes pattern (at the project's
// root) that covers file, a root-relative slash-separated path: ".env*"
// for .env and its variants, "*.env" for app.env, "*.sh" (the file's own
// extension) for a shell script, else the file itself, anchored at the
// root ("/docker/entrypoint"). A file outside the project (../) gets its
// base name, which matches it at any depth of its own repository.
func GitattributesPattern(file string) string {
	base := path.Base(file)
	ext := path.Ext(base)
	switch {
	case strings.HasPrefix(base, ".env"):
		return ".env*"
	case strings.HasSuffix(base, ".env"):
		return "*.env"
	case scriptExtensions[strings.ToLower(ext)]:
		return "*" + ext
	case strings.HasPrefix(file, "../"):
		return base
	}
	return "/" + file
}
