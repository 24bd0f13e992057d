package rules

import (
	"fmt"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/shellcmd"
)

// cdInRun is DF010 (hadolint DL3003): `RUN cd dir && ...` where WORKDIR
// is meant. Only a cd that opens the RUN's top-level list is reported: a
// cd in a subshell, or after the commands that fetch or create a build
// directory (`git clone x && cd x`), is the shell doing what it should.
func cdInRun() *Rule {
	return &Rule{
		ID:       "DF010",
		Name:     "cd-in-run",
		Title:    "RUN starts with cd where WORKDIR is meant",
		Severity: finding.SeverityInfo,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				ed := newDFEditor(p.Project, d)
				for _, ds := range dockerfileStages(d) {
					for _, r := range stageRuns(d, ds) {
						if f, ok := cdFinding(p, d, ed, r); ok && seen.first(f) {
							p.Report(f)
						}
					}
				}
			}
		},
	}
}

// tempDirs are where builds from source happen on purpose (a WORKDIR
// there would stay for the rest of the stage).
var tempDirs = []string{"/tmp", "/var/tmp", "/dev/shm"}

func cdFinding(p *Pass, d *project.Dockerfile, ed *dfEditor, r dfStepContext) (finding.Finding, bool) {
	var top []*shellcmd.Command
	for _, c := range r.script.Commands {
		if c.Depth == 0 {
			top = append(top, c)
		}
	}
	// The cd may follow `set -e` and the mkdir of its directory.
	k := 0
	for k < len(top) && (top[k].Name() == "set" || top[k].Name() == "mkdir") {
		k++
	}
	if k >= len(top) || top[k].Name() != "cd" || len(top[k].Wrappers) > 0 {
		return finding.Finding{}, false
	}
	c := top[k]
	if k > 0 && c.Prev != shellcmd.OpAnd && c.Prev != shellcmd.OpSeq {
		return finding.Finding{}, false
	}
	ops := c.Operands()
	if len(ops) != 1 || !ops[0].Static {
		return finding.Finding{}, false
	}
	dir := ops[0].Value
	if dir == "-" || dir == "" || strings.HasPrefix(dir, "~") {
		return finding.Finding{}, false
	}
	abs := resolveDir(d, r.state, r.state.workdir, dir)
	for _, t := range tempDirs {
		if abs == t || strings.HasPrefix(abs, t+"/") || dir == t || strings.HasPrefix(dir, t+"/") {
			return finding.Finding{}, false
		}
	}
	text := strings.Join(strings.Fields(r.script.Text(c)), " ")
	f := finding.Finding{
		RuleID:   p.Rule.ID,
		Severity: p.Rule.Severity,
		Range:    r.script.CommandRange(c),
		Fix:      &finding.Fix{},
	}
	switch {
	case abs != "" && abs == r.state.workdir:
		f.Message = fmt.Sprintf("%q does nothing: the WORKDIR is already %s", text, abs)
		if len(top) == 1 {
			f.Fix.Message = "remove this RUN"
			start, end := ownLines(r.run.Location())
			if e, ok := ed.deleteLines(start, end); ok {
				f.Fix.Edits, f.Fix.Safe = []finding.Edit{e}, true
			}
		} else if from, to, ok := commandCut(top, k); ok {
			f.Fix.Message = fmt.Sprintf("remove %q", strings.TrimSpace(r.script.Src[from:to]))
			if e, ok := ed.scriptEdit(r.script, from, to, ""); ok {
				f.Fix.Edits, f.Fix.Safe = []finding.Edit{e}, true
			}
		} else {
			return finding.Finding{}, false
		}
	case len(top) == k+1:
		f.Message = fmt.Sprintf("%q is the last command of its RUN: a directory change lasts only until the RUN ends, so it has no effect", text)
		f.Fix.Message = fmt.Sprintf("use WORKDIR %s to change the directory of the instructions that follow", dir)
		if k == 0 && !r.script.Exec && len(r.run.FlagsUsed) == 0 {
			start, end := ownLines(r.run.Location())
			if rng, _, ok := ed.lines(start, end); ok && start == end {
				rng.End = finding.Pos{Line: rng.Start.Line, Col: len(ed.file.Line(rng.Start.Line)) + 1}
				f.Fix.Edits = []finding.Edit{{Range: rng, NewText: ed.indent + keywordCaser(r.script.Instr.Keyword.Text)("WORKDIR") + " " + dir}}
			}
		}
	case c.Next != shellcmd.OpAnd && c.Next != shellcmd.OpSeq:
		return finding.Finding{}, false // cd x || exit 1, cd x | ...
	default:
		f.Message = fmt.Sprintf("%q in a RUN changes the directory only until the RUN ends: WORKDIR %s says it once, for this RUN and the instructions after it", text, dir)
		f.Fix.Message = fmt.Sprintf("write WORKDIR %s before this RUN and drop %q (the instructions after it then run in %s too)", dir, strings.TrimSpace(text)+" &&", dir)
	}
	return f, true
}
