package checks

import (
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// How the file probes find the scripts a container or a build runs: the
// words of a command line (exec form, or a shell script given to sh -c) that
// name a file to execute.

// scriptRef is one word of a command line that names a script.
type scriptRef struct {
	// Word is the path as written ("./entrypoint.sh", "/start.sh",
	// "docker-entrypoint.sh").
	Word string
	// ViaShell is true when a shell reads the file (sh x.sh, . x.sh): its
	// first line is then only a comment. Otherwise the kernel executes it
	// and reads its #! line.
	ViaShell bool
}

// maxShellScript bounds the shell text parsed for one command.
const maxShellScript = 64 << 10

// shells are the programs that read a script given as their first
// argument, "source" and "." included.
var shells = map[string]bool{"sh": true, "bash": true, "dash": true, "ash": true, "zsh": true, "ksh": true, "mksh": true, "source": true, ".": true}

// wrappers run the rest of their arguments as a command.
var wrappers = map[string]bool{"exec": true, "nohup": true, "env": true, "tini": true, "dumb-init": true, "time": true, "command": true}

// scriptRefsOfArgv lists the scripts an exec-form command runs.
func scriptRefsOfArgv(argv []string) []scriptRef {
	return callRefs(argv, 0)
}

// scriptRefsOfShell lists the scripts a shell command line runs (RUN or CMD
// in shell form, sh -c '...').
func scriptRefsOfShell(script string) []scriptRef {
	return shellRefs(script, 0)
}

func parseShell(script string) *syntax.File {
	if len(script) > maxShellScript {
		return nil
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(script), "")
	if err != nil {
		return nil
	}
	return f
}

// callWords calls fn with the words of every simple command of f (words
// that are not literal are "").
func callWords(f *syntax.File, fn func(words []string)) {
	if f == nil {
		return
	}
	syntax.Walk(f, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		words := make([]string, len(call.Args))
		for i, w := range call.Args {
			words[i], _ = literal(w)
		}
		fn(words)
		return true
	})
}

func shellRefs(script string, depth int) []scriptRef {
	if depth > 3 {
		return nil
	}
	var out []scriptRef
	callWords(parseShell(script), func(words []string) {
		out = append(out, callRefs(words, depth)...)
	})
	return out
}

// literal is the value of a shell word without expansions (quotes
// removed), and false when it holds one ($VAR, $(cmd)).
func literal(w *syntax.Word) (string, bool) {
	var b strings.Builder
	for _, part := range w.Parts {
		switch p := part.(type) {
		case *syntax.Lit:
			b.WriteString(p.Value)
		case *syntax.SglQuoted:
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				lit, ok := q.(*syntax.Lit)
				if !ok {
					return "", false
				}
				b.WriteString(lit.Value)
			}
		default:
			return "", false
		}
	}
	return b.String(), true
}

// callRefs lists the scripts one simple command runs. Words that are not
// literal are "".
func callRefs(words []string, depth int) []scriptRef {
	for len(words) > 0 && depth <= 3 {
		w0 := words[0]
		base := path.Base(w0)
		switch {
		case w0 == "":
			return nil
		case strings.Contains(w0, "=") && !strings.Contains(w0, "/"):
			words = words[1:] // VAR=value before the command
			continue
		case wrappers[base]:
			words = skipOptions(words[1:])
			continue
		case shells[base]:
			return shellArgRefs(words[1:], depth)
		case looksLikeScript(w0):
			return []scriptRef{{Word: w0}}
		}
		return nil
	}
	return nil
}

// skipOptions drops the options of a wrapper (tini -s --, env -i).
func skipOptions(words []string) []string {
	for len(words) > 0 {
		w := words[0]
		switch {
		case w == "--":
			return words[1:]
		case strings.HasPrefix(w, "-") && len(w) > 1:
			words = words[1:]
		default:
			return words
		}
	}
	return words
}

// shellArgRefs handles the arguments of sh/bash/source: -c 'script' is
// parsed; otherwise the first operand is a script the shell reads.
func shellArgRefs(args []string, depth int) []scriptRef {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "":
			return nil
		case a == "-o" || a == "+o" || a == "-O" || a == "+O":
			i++
		case a == "--":
			if i+1 < len(args) && args[i+1] != "" {
				return []scriptRef{{Word: args[i+1], ViaShell: true}}
			}
			return nil
		case strings.HasPrefix(a, "--"):
		case strings.HasPrefix(a, "-") && len(a) > 1:
			if strings.Contains(a[1:], "c") {
				if i+1 < len(args) && args[i+1] != "" {
					return shellRefs(args[i+1], depth+1)
				}
				return nil
			}
		default:
			return []scriptRef{{Word: a, ViaShell: true}}
		}
	}
	return nil
}

// looksLikeScript reports whether the program of a command is a file the
// user wrote: a path (./run, /entrypoint.sh, scripts/start) or a name
// ending in a shell extension (docker-entrypoint.sh, found in PATH).
func looksLikeScript(w string) bool {
	return strings.Contains(w, "/") || shellExtension(w)
}

// shellExtension reports names of shell scripts (.sh, .bash...).
func shellExtension(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".sh", ".bash", ".ksh", ".zsh", ".ash":
		return true
	}
	return false
}

// normalisedPaths are the paths a RUN converts to LF line endings
// (dos2unix x, sed -i 's/\r$//' x, find dir ... dos2unix): a script copied
// before that is fixed in the image. Paths are returned as written.
func normalisedPaths(script string) []string {
	if !strings.Contains(script, "dos2unix") && !strings.Contains(script, `\r`) && !strings.Contains(script, "fromdos") {
		return nil
	}
	var out []string
	callWords(parseShell(script), func(words []string) {
		out = append(out, normalisedByCall(words, script)...)
	})
	return out
}

func normalisedByCall(words []string, script string) []string {
	var out []string
	switch path.Base(words[0]) {
	case "dos2unix", "fromdos":
		for _, w := range words[1:] {
			if w != "" && !strings.HasPrefix(w, "-") {
				out = append(out, w)
			}
		}
	case "sed":
		hasCR := false
		for _, w := range words[1:] {
			hasCR = hasCR || strings.Contains(w, `\r`)
		}
		if !hasCR {
			return nil
		}
		expr, skipNext := false, false
		for _, w := range words[1:] {
			switch {
			case skipNext:
				skipNext, expr = false, true
			case w == "-e" || w == "--expression":
				skipNext = true
			case strings.HasPrefix(w, "-"):
			case !expr:
				expr = true // sed's script
			case w != "":
				out = append(out, w)
			}
		}
	case "find":
		if len(words) > 1 && words[1] != "" && !strings.HasPrefix(words[1], "-") &&
			(strings.Contains(script, "dos2unix") || strings.Contains(script, `\r`)) {
			out = append(out, words[1])
		}
	}
	return out
}
