package project

import (
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/shellcmd"
)

// RunScript is the shell script a RUN instruction runs, parsed into
// commands by shellcmd, with a way back from its offsets to the file.
//
// The script is what BuildKit hands the shell: the shell-form command line
// (continuations joined), followed, when the RUN has heredocs, by their
// bodies; for `RUN <<EOF` alone, the heredoc body itself (unless it starts
// with a #! line naming something else than a POSIX shell: then there are
// no commands). For the exec form (`RUN ["sh", "-c", "..."]`) the words are
// the JSON strings, and a shell's -c string is parsed too.
type RunScript struct {
	*shellcmd.Script
	// Instr is the instruction as written.
	Instr *InstructionText
	// Exec is true for the exec form.
	Exec bool
	// Heredoc is true when the script is the body of `RUN <<EOF`.
	Heredoc bool

	d *Dockerfile
	// base is the offset in Instr.Text of the script's first byte (for the
	// command line); textLen is how many bytes of the script come from
	// Instr (-1: none, the script is a heredoc body).
	base, textLen int
	// bodyLine is the own line of the first line whose text starts at
	// bodyStarts[0] in the script; bodyStarts[k] is where line bodyLine+k
	// starts.
	bodyLine   int
	bodyStarts []int
}

// RunScript parses the script of a RUN instruction. It returns nil when the
// instruction's text cannot be found; a script that does not parse has Err
// set and no commands. The result is computed once per RUN and shared:
// callers must not modify it.
func (d *Dockerfile) RunScript(run *instructions.RunCommand) *RunScript {
	if run == nil || d.Source == nil {
		return nil
	}
	return d.cachedRunScript(run, d.parseRunScript)
}

// parseRunScript is RunScript without the cache.
func (d *Dockerfile) parseRunScript(run *instructions.RunCommand) *RunScript {
	if run == nil || d.Source == nil {
		return nil
	}
	loc := run.Location()
	in := d.Instruction(loc)
	if in == nil {
		return nil
	}
	rs := &RunScript{Instr: in, d: d}
	if !run.PrependShell {
		rs.Exec = true
		elems := make([][2]int, 0, len(in.Args))
		for _, a := range in.Args {
			elems = append(elems, [2]int{a.Start, a.End})
		}
		if !in.JSON {
			elems = nil
		}
		rs.textLen = len(in.Text)
		rs.Script = shellcmd.ParseExec(in.Text, elems)
		return rs
	}

	args := strings.TrimRight(in.ArgsText(), " \t\r\v\f")
	rs.base = in.ArgsStart
	if len(run.Files) == 0 {
		rs.textLen = len(args)
		rs.Script = shellcmd.Parse(args)
		return rs
	}

	// Heredoc bodies follow the instruction's logical line.
	_, last := locLines(loc)
	first := in.lastLine + 1
	var lines []string
	for n := first; n <= last && n <= d.Source.LineCount(); n++ {
		lines = append(lines, d.Source.Line(n))
	}
	rs.bodyLine = first

	if len(run.CmdLine) == 1 && parser.MustParseHeredoc(run.CmdLine[0]) != nil {
		// RUN <<EOF alone: BuildKit runs the first body as the script.
		rs.Heredoc = true
		rs.textLen = -1
		hd := run.Files[0]
		var src strings.Builder
		for _, l := range lines {
			t := l
			if hd.Chomp {
				t = strings.TrimLeft(l, "\t")
			}
			if t == hd.Name {
				break
			}
			rs.bodyStarts = append(rs.bodyStarts, src.Len())
			src.WriteString(l)
			src.WriteByte('\n')
		}
		body := src.String()
		if interp, ok := strings.CutPrefix(body, "#!"); ok {
			interp, _, _ = strings.Cut(interp, "\n")
			if !shebangIsShell(interp) {
				rs.Script = &shellcmd.Script{Src: body, Flat: true}
				return rs
			}
		}
		rs.Script = shellcmd.Parse(body)
		return rs
	}

	// A command with heredocs: the shell gets the command line and the
	// bodies, as dispatchRun reconstitutes them.
	rs.textLen = len(args)
	var src strings.Builder
	src.WriteString(args)
	src.WriteByte('\n')
	for _, l := range lines {
		rs.bodyStarts = append(rs.bodyStarts, src.Len())
		src.WriteString(l)
		src.WriteByte('\n')
	}
	rs.Script = shellcmd.Parse(src.String())
	return rs
}

// shebangIsShell reports whether a #! line runs a POSIX-style shell
// (`/bin/sh -e`, `/usr/bin/env bash`).
func shebangIsShell(line string) bool {
	f := strings.Fields(line)
	if len(f) == 0 {
		return false
	}
	prog := path.Base(f[0])
	if prog == "env" {
		for _, a := range f[1:] {
			if !strings.HasPrefix(a, "-") {
				prog = path.Base(a)
				break
			}
		}
	}
	return shellcmd.IsShell(prog)
}

// pos maps a script offset to a position in the Dockerfile's own lines;
// end means an exclusive end offset.
func (rs *RunScript) pos(off int, end bool) finding.Pos {
	if end && off > 0 {
		p := rs.pos(off-1, false)
		p.Col++
		return p
	}
	if off < 0 {
		off = 0
	}
	in := rs.Instr
	if rs.textLen >= 0 && off < rs.textLen || len(rs.bodyStarts) == 0 || off < rs.bodyStarts[0] {
		return in.posAt(rs.base + off)
	}
	k := 0
	for k+1 < len(rs.bodyStarts) && rs.bodyStarts[k+1] <= off {
		k++
	}
	return finding.Pos{Line: rs.bodyLine + k, Col: off - rs.bodyStarts[k] + 1}
}

// Range converts script offsets [start, end) to a file range.
func (rs *RunScript) Range(start, end int) finding.Range {
	if end < start {
		end = start
	}
	s := rs.pos(start, false)
	e := s
	if end > start {
		e = rs.pos(end, true)
	}
	return finding.Range{File: rs.d.Path, Start: rs.d.toFile(s), End: rs.d.toFile(e)}
}

// CommandRange is the span of a whole simple command.
func (rs *RunScript) CommandRange(c *shellcmd.Command) finding.Range {
	return rs.Range(c.Start, c.End)
}

// WordRange is the span of a word.
func (rs *RunScript) WordRange(w shellcmd.Word) finding.Range {
	return rs.Range(w.Start, w.End)
}

// Offset converts a script offset to an offset in Instr.Text, or -1 when the
// byte comes from a heredoc body.
func (rs *RunScript) Offset(off int) int {
	if rs.textLen < 0 || off > rs.textLen {
		return -1
	}
	return rs.base + off
}
