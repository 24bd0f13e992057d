package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/shellcmd"
)

// mkdirBeforeWorkdir is DF007: `RUN mkdir X` when a later `WORKDIR X`
// creates the directory anyway (BuildKit's WORKDIR makes missing
// directories, parents included, owned by the current USER).
func mkdirBeforeWorkdir() *Rule {
	return &Rule{
		ID:       "DF007",
		Name:     "mkdir-before-workdir",
		Title:    "RUN mkdir for a directory that a later WORKDIR creates",
		Severity: finding.SeverityInfo,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				ed := newDFEditor(p.Project, d)
				for _, ds := range dockerfileStages(d) {
					// Walk backwards, knowing for each directory the first
					// later WORKDIR that creates it.
					later := workdirIndex{}
					for i := len(ds.steps) - 1; i >= 0; i-- {
						step := ds.steps[i]
						switch c := step.cmd.(type) {
						case *instructions.RunCommand:
							for _, f := range mkdirFindings(p, d, ed, ds, i, c, later) {
								if seen.first(f) {
									p.Report(f)
								}
							}
						case *instructions.WorkdirCommand:
							later.add(step.state.after(d, c).workdir, i)
						}
					}
				}
			}
		},
	}
}

// mkdirDirs returns the absolute directories a `mkdir [-p] dir...` makes,
// or nil when an operand or option makes it something WORKDIR does not
// do (a mode, an SELinux context, a variable).
func mkdirDirs(d *project.Dockerfile, st *dfState, c *shellcmd.Command) []string {
	var dirs []string
	for _, w := range c.Args[1:] {
		if !w.Static {
			return nil
		}
		switch w.Value {
		case "-p", "--parents", "-v", "--verbose", "-pv", "-vp":
			continue
		}
		if strings.HasPrefix(w.Value, "-") {
			return nil
		}
		dir := resolveDir(d, st, st.workdir, w.Value)
		if dir == "" || dir == "/" {
			return nil
		}
		dirs = append(dirs, dir)
	}
	return dirs
}

func mkdirFindings(p *Pass, d *project.Dockerfile, ed *dfEditor, ds dfStage, i int, run *instructions.RunCommand, later workdirIndex) []finding.Finding {
	step := ds.steps[i]
	rs := runScript(d, run, step.state)
	if rs == nil || !rs.Flat || len(rs.Commands) == 0 {
		return nil
	}
	top := rs.Commands
	var out []finding.Finding
	for k, c := range top {
		if c.Name() != "mkdir" || len(c.Wrappers) > 0 || len(c.Assigns) > 0 {
			continue
		}
		dirs := mkdirDirs(d, step.state, c)
		if len(dirs) == 0 {
			continue
		}
		// The first later WORKDIR covering each directory.
		var wd *instructions.WorkdirCommand
		last := i
		for _, dir := range dirs {
			j, ok := later[dir]
			if !ok || j-i > maxStepsBetween {
				wd = nil
				break
			}
			w, _ := ds.steps[j].cmd.(*instructions.WorkdirCommand)
			if j > last {
				last = j
			}
			if wd == nil {
				wd = w
			}
		}
		if wd == nil {
			continue
		}
		// Instructions between the RUN and the WORKDIR must not need the
		// directory, and USER must not change who owns it.
		safe := true
		needed := false
		for _, between := range ds.steps[i+1 : last] {
			switch b := between.cmd.(type) {
			case *instructions.RunCommand:
				safe = false
				if brs := runScript(d, b, between.state); brs == nil || mentionsDirs(d, between.state, brs.Script, nil, dirs) {
					needed = true
				}
			case *instructions.UserCommand:
				safe = false
			}
		}
		// Nor the rest of this RUN.
		if len(top) > 1 && mentionsDirs(d, step.state, rs.Script, c, dirs) {
			needed = true
		}
		if needed {
			continue
		}

		cmdText := strings.Join(strings.Fields(rs.Text(c)), " ")
		msg := fmt.Sprintf("%q is not needed: WORKDIR %s on line %d creates the directory", cmdText, wd.Path, lineOf(d, wd.Location()))
		fix := &finding.Fix{}
		if len(top) == 1 {
			fix.Message = "remove this RUN: WORKDIR creates a missing directory, parents included"
			start, end := ownLines(run.Location())
			if e, ok := ed.deleteLines(start, end); ok {
				fix.Edits = []finding.Edit{e}
				fix.Safe = safe
			}
		} else {
			from, to, ok := commandCut(top, k)
			if !ok {
				continue // joined by || or |: removing it changes the others
			}
			fix.Message = fmt.Sprintf("remove %q from this RUN: WORKDIR creates a missing directory, parents included", strings.TrimSpace(rs.Src[from:to]))
			if e, ok := ed.scriptEdit(rs, from, to, ""); ok {
				fix.Edits = []finding.Edit{e}
			}
		}
		out = append(out, finding.Finding{
			RuleID:   p.Rule.ID,
			Severity: p.Rule.Severity,
			Range:    rs.CommandRange(c),
			Message:  msg,
			Fix:      fix,
		})
	}
	return out
}

// maxStepsBetween bounds how far apart a mkdir and its WORKDIR may be
// (the instructions between are all checked).
const maxStepsBetween = 200

// workdirIndex maps a directory to the step of the first later WORKDIR
// that creates it (its own directory or one below).
type workdirIndex map[string]int

func (w workdirIndex) add(dir string, step int) {
	for n := 0; dir != "" && dir != "/" && n < 64; n++ {
		w[dir] = step
		dir = path.Dir(dir)
	}
}

// mentionsDirs reports whether a command of the script other than skip
// has a word naming one of dirs (or a path below), or a word it cannot
// read.
func mentionsDirs(d *project.Dockerfile, st *dfState, s *shellcmd.Script, skip *shellcmd.Command, dirs []string) bool {
	for _, c := range s.Commands {
		if c == skip {
			continue
		}
		for _, w := range c.Args[min(1, len(c.Args)):] {
			if !w.Static {
				return true
			}
			for _, dir := range dirs {
				v := w.Value
				if _, val, ok := strings.Cut(v, "="); ok && strings.HasPrefix(v, "-") {
					v = val
				}
				if strings.Contains(v, dir) {
					return true
				}
				if r := resolveDir(d, st, st.workdir, v); r != "" && (r == dir || strings.HasPrefix(r, dir+"/")) {
					return true
				}
			}
		}
	}
	return false
}

// commandCut returns the span of script text to remove to drop the k-th
// command of a flat list (the command and one operator next to it); ok is
// false when that would change how the other commands are joined.
func commandCut(top []*shellcmd.Command, k int) (from, to int, ok bool) {
	c := top[k]
	join := func(o shellcmd.Op) bool { return o == shellcmd.OpAnd || o == shellcmd.OpSeq }
	switch {
	case k+1 < len(top) && join(c.Next) && (c.Prev == shellcmd.OpNone || join(c.Prev)):
		return c.Start, top[k+1].Start, true
	case k > 0 && join(c.Prev) && c.Next == shellcmd.OpNone:
		return top[k-1].End, c.End, true
	}
	return c.Start, c.End, false
}
