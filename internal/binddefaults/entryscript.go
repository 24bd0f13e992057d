package binddefaults

import (
	"path"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/shellcmd"
)

// An entrypoint script in the style of the official images'
// docker-entrypoint.sh does some setup and ends in `exec "$@"`: the
// container then runs the arguments the script was given, the rest of the
// ENTRYPOINT followed by the CMD. The analyzer follows such a script when
// its text is in the project (Input.Script) and it provably ends that way;
// any other script keeps the command unknown.

// ScriptFile is a file of the project that a container runs as a program.
type ScriptFile struct {
	// Path is root-relative, slash-separated; Text is its content.
	Path, Text string
}

// Through is a script a command runs through, which ends by running its
// arguments.
type Through struct {
	// Word is the script as the command names it ("/docker-entrypoint.sh").
	Word string
	// Path is the project file; Exec spans the script's last command in it
	// and Text is that command as written (`exec "$@"`).
	Path string
	Exec finding.Range
	Text string
}

// maxEntryScript bounds the scripts parsed.
const maxEntryScript = 256 << 10

// through analyses args as the command when script is a script of the
// project that ends in exec "$@".
func (a *analyzer) through(script Word, viaShell bool, args []Word, env map[string]string, depth int) (Result, bool) {
	th, ok := a.passThrough(script, viaShell)
	if !ok {
		return Result{}, false
	}
	r, ok := a.find(args, env, depth)
	if ok {
		r.Through = append([]Through{th}, r.Through...)
	}
	return r, ok
}

// passThrough returns the script that word names when the program is a
// script of the project ending in exec "$@". viaShell is true when a shell
// reads the file (sh entry.sh): its #! line is then only a comment.
func (a *analyzer) passThrough(w Word, viaShell bool) (Through, bool) {
	if a.in.Script == nil || w.Unknown || w.Value == "" {
		return Through{}, false
	}
	f, ok := a.in.Script(w.Value, viaShell)
	if !ok || len(f.Text) > maxEntryScript {
		return Through{}, false
	}
	if !viaShell && !shellShebang(f.Text) {
		return Through{}, false
	}
	s := shellcmd.Parse(f.Text)
	if s.Err != nil {
		return Through{}, false
	}
	last, ok := execsArgs(s)
	if !ok {
		return Through{}, false
	}
	text := strings.TrimSpace(s.Text(last))
	return Through{Word: w.Value, Path: f.Path, Text: text,
		Exec: finding.Range{File: f.Path, Start: offsetPos(f.Text, last.Start), End: offsetPos(f.Text, last.End)}}, true
}

// shellShebang reports whether a script's #! line names a POSIX-like shell
// (directly, through env, or through an init such as dumb-init).
func shellShebang(text string) bool {
	if !strings.HasPrefix(text, "#!") {
		return false // the kernel cannot execute it ("exec format error")
	}
	line, _, _ := strings.Cut(text[2:], "\n")
	fields := strings.Fields(strings.TrimSuffix(line, "\r"))
	for len(fields) > 0 {
		switch base := path.Base(fields[0]); {
		case isShell(base):
			return true
		case base == "env" || base == "dumb-init" || base == "tini":
			fields = fields[1:]
			for len(fields) > 0 && strings.HasPrefix(fields[0], "-") {
				fields = fields[1:]
			}
		default:
			return false
		}
	}
	return false
}

// execsArgs returns the script's last command when it runs the script's
// arguments as a command (`exec "$@"`, `"$@"`, `exec gosu app "$@"`, `exec
// tini -- "$@"`) and nothing before it at the top level ends the script or
// changes the arguments.
func execsArgs(s *shellcmd.Script) (*shellcmd.Command, bool) {
	top := s.Top()
	if len(top) == 0 {
		return nil, false
	}
	last := top[len(top)-1]
	for _, c := range s.Commands {
		if c.Start >= last.End {
			return nil, false // a compound command after it
		}
	}
	if last.Next != shellcmd.OpNone || (last.Prev != shellcmd.OpNone && last.Prev != shellcmd.OpSeq && last.Prev != shellcmd.OpAnd) ||
		last.PipeFrom != nil || len(last.Assigns) > 0 || last.Host != nil {
		return nil, false
	}
	for _, c := range s.Commands {
		if c == last {
			continue
		}
		if changesArgs(c) {
			return nil, false
		}
		if c.Depth == 0 && c.Host == nil && len(c.Args) > 0 {
			switch c.Name() {
			case "exit", "exec":
				return nil, false // the script ends there
			}
			if len(c.Wrappers) > 0 && c.Wrappers[0].Static && c.Wrappers[0].Value == "exec" {
				return nil, false
			}
		}
	}
	words := append(append([]shellcmd.Word(nil), last.Wrappers...), last.Args...)
	if !passesArgs(s.Src, words) {
		return nil, false
	}
	return last, true
}

// changesArgs reports commands that change the positional parameters
// (set -- x, set x, shift).
func changesArgs(c *shellcmd.Command) bool {
	switch c.Name() {
	case "shift":
		return true
	case "set":
		for i := 1; i < len(c.Args); i++ {
			v := c.Args[i].Value
			switch {
			case !c.Args[i].Static:
				return true
			case v == "--" || v == "-":
				return true
			case strings.HasPrefix(v, "-") || strings.HasPrefix(v, "+"):
				if strings.Contains(v[1:], "o") {
					i++ // set -o pipefail, set -euo pipefail
				}
			default:
				return true
			}
		}
	}
	return false
}

// passesArgs reports whether words run "$@" as a command, through exec and
// the wrappers that run their arguments unchanged (gosu, su-exec, tini,
// dumb-init, nohup).
func passesArgs(src string, words []shellcmd.Word) bool {
	i := 0
	for i < len(words)-1 {
		w := words[i]
		if !w.Static {
			return false
		}
		switch path.Base(w.Value) {
		case "exec", "nohup":
			i++
		case "gosu", "su-exec":
			i += 2
		case "tini", "dumb-init", "catatonit":
			i++
			for i < len(words)-1 && words[i].Static && strings.HasPrefix(words[i].Value, "-") {
				v := words[i].Value
				i++
				if v == "--" {
					break
				}
				if v == "-p" || v == "-e" || v == "-r" || v == "--rewrite" {
					i++
				}
			}
		default:
			return false
		}
	}
	if i != len(words)-1 {
		return false
	}
	w := words[i]
	if w.Start < 0 || w.End > len(src) || w.Start > w.End {
		return false
	}
	raw := src[w.Start:w.End]
	return raw == `"$@"` || raw == `"${@}"`
}

// offsetPos is the position of byte off of text.
func offsetPos(text string, off int) finding.Pos {
	off = max(0, min(off, len(text)))
	line := strings.Count(text[:off], "\n") + 1
	return finding.Pos{Line: line, Col: off - strings.LastIndex(text[:off], "\n")}
}
