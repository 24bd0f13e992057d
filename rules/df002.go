package rules

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/shellcmd"
)

// aptUpdateAlone is DF002: a package index update (apt-get update, apk
// update, yum/dnf makecache, zypper refresh) in a RUN that installs
// nothing. Its layer is cached on its own, so a later install runs against
// package lists as old as that cache.
func aptUpdateAlone() *Rule {
	return &Rule{
		ID:       "DF002",
		Name:     "apt-update-alone",
		Title:    "Package index update in a RUN without an install",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				ed := newDFEditor(p.Project, d)
				for _, ds := range dockerfileStages(d) {
					runs := stageRuns(d, ds)
					next := nextInstalls(runs)
					for k := range runs {
						for _, f := range updateAloneFindings(p, d, ed, ds, runs, k, next[k]) {
							if seen.first(f) {
								p.Report(f)
							}
						}
					}
				}
			}
		},
	}
}

// osFamilyInstallHint is how to update and install in one RUN, per family.
var osFamilyInstallHint = map[string]string{
	"apt":    "RUN apt-get update && apt-get install -y --no-install-recommends <packages> && rm -rf /var/lib/apt/lists/*",
	"apk":    "RUN apk add --no-cache <packages>",
	"rpm":    "RUN dnf install -y <packages> && dnf clean all",
	"zypper": "RUN zypper --non-interactive install <packages> && zypper clean --all",
}

func updateAloneFindings(p *Pass, d *project.Dockerfile, ed *dfEditor, ds dfStage, runs []dfStepContext, k int, next map[string]int) []finding.Finding {
	r := runs[k]
	installs := map[string]bool{}
	onlyUpdates := r.script.Flat && len(r.script.Commands) > 0
	var updates []*shellcmd.Command
	var families []string
	for _, c := range r.script.Commands {
		o, ok := osPackage(c)
		switch {
		case ok && o.isInstall():
			installs[o.family] = true
			onlyUpdates = false
		case ok && o.isUpdate():
			updates = append(updates, c)
			families = append(families, o.family)
			if c.Depth > 0 || len(c.Assigns) > 0 {
				onlyUpdates = false
			}
		default:
			onlyUpdates = false
		}
	}
	if len(r.run.FlagsUsed) > 0 {
		onlyUpdates = false // --mount and friends would be lost in a merge
	}
	var out []finding.Finding
	for i, c := range updates {
		fam := families[i]
		if installs[fam] {
			continue
		}
		text := commandText(r.script, c)
		f := finding.Finding{
			RuleID:   p.Rule.ID,
			Severity: p.Rule.Severity,
			Range:    r.script.CommandRange(c),
			Fix:      &finding.Fix{},
		}
		target, tc := -1, (*shellcmd.Command)(nil)
		if j, ok := next[fam]; ok {
			target, tc = j, familyInstall(runs[j], fam)
		}
		if tc == nil {
			f.Message = fmt.Sprintf("%q runs in a RUN without an install, and nothing later in this stage installs packages: it only adds package lists to the image", text)
			f.Fix.Message = "remove it, or update and install in the same RUN: " + osFamilyInstallHint[fam]
			if onlyUpdates && len(updates) == 1 {
				start, end := ownLines(r.run.Location())
				if e, ok := ed.deleteLines(start, end); ok {
					f.Fix.Edits = []finding.Edit{e}
				}
			}
			out = append(out, f)
			continue
		}
		t := runs[target]
		line := lineOf(d, t.run.Location())
		f.Related = []finding.Related{{Range: t.script.CommandRange(tc), Message: "the install that needs fresh package lists"}}
		if updatesBefore(t.script, tc) {
			f.Message = fmt.Sprintf("%q runs in a RUN without an install, and the RUN on line %d updates again before installing: this one only adds package lists to the image", text, line)
			f.Fix.Message = "remove it"
		} else {
			f.Message = fmt.Sprintf("%q runs in a RUN without an install: its layer is cached apart from the install on line %d, which then uses stale package lists (packages fail to download or are out of date)", text, line)
			joined := commandFull(r.script, c) + " && " + commandFull(t.script, tc)
			f.Fix.Message = "update in the RUN that installs, joined with &&: RUN " + joined
			if fam == "apk" {
				f.Fix.Message = fmt.Sprintf("remove it and give the install on line %d --no-cache (apk add --no-cache fetches a fresh index and keeps none), or join them: RUN %s", line, joined)
			}
		}
		if onlyUpdates && len(updates) == 1 {
			f.Fix.Edits = mergeUpdateEdits(ed, ds, runs, k, target, r.script, c, tc)
		}
		out = append(out, f)
	}
	return out
}

// nextInstalls returns, for each RUN of a stage, the index of the first
// later RUN that installs packages, per package manager family.
func nextInstalls(runs []dfStepContext) []map[string]int {
	out := make([]map[string]int, len(runs))
	cur := map[string]int{}
	for j := len(runs) - 1; j >= 0; j-- {
		snapshot := make(map[string]int, len(cur))
		for k, v := range cur {
			snapshot[k] = v
		}
		out[j] = snapshot
		for _, c := range runs[j].script.Commands {
			if o, ok := osPackage(c); ok && o.isInstall() {
				cur[o.family] = j
			}
		}
	}
	return out
}

// familyInstall is the first install command of a family in a RUN.
func familyInstall(r dfStepContext, fam string) *shellcmd.Command {
	for _, c := range r.script.Commands {
		if o, ok := osPackage(c); ok && o.family == fam && o.isInstall() {
			return c
		}
	}
	return nil
}

// mergeUpdateEdits moves the update into the install's RUN: it deletes
// the update's RUN and writes `<update> && ` before the install. It gives
// up (nil) when that is not exactly the same build: a USER change or
// another use of the package manager in between, or an install that is
// not a plain command of its RUN's top-level && / ; list.
func mergeUpdateEdits(ed *dfEditor, ds dfStage, runs []dfStepContext, k, target int, us *project.RunScript, uc, tc *shellcmd.Command) []finding.Edit {
	t := runs[target]
	if t.step-runs[k].step > maxStepsBetween {
		return nil
	}
	if t.script.Exec || tc.Depth > 0 || tc.In != 0 || tc.Next == shellcmd.OpPipe ||
		(tc.Prev != shellcmd.OpNone && tc.Prev != shellcmd.OpAnd && tc.Prev != shellcmd.OpSeq) {
		return nil
	}
	for s := runs[k].step + 1; s < t.step; s++ {
		switch ds.steps[s].cmd.(type) {
		case *instructions.UserCommand, *instructions.ShellCommand:
			return nil
		}
	}
	for j := k + 1; j < target; j++ {
		for _, c := range runs[j].script.Commands {
			if _, ok := osPackage(c); ok || c.Name() == "apt-cache" || c.Name() == "add-apt-repository" {
				return nil
			}
		}
	}
	// A RUN between that could not be parsed might use the lists too.
	parsed := map[int]bool{}
	for _, r := range runs {
		parsed[r.step] = true
	}
	for s := runs[k].step + 1; s < t.step; s++ {
		if _, ok := ds.steps[s].cmd.(*instructions.RunCommand); ok && !parsed[s] {
			return nil
		}
	}
	start, end := ownLines(runs[k].run.Location())
	del, ok := ed.deleteLines(start, end)
	if !ok {
		return nil
	}
	var edits []finding.Edit
	edits = append(edits, del)
	// The install's RUN may already update: then deleting is enough.
	if updatesBefore(t.script, tc) {
		return edits
	}
	ins, ok := ed.scriptEdit(t.script, tc.Start, tc.Start, strings.TrimSpace(us.Text(uc))+" && ")
	if !ok {
		return nil
	}
	return append(edits, ins)
}

// updatesBefore reports whether the script updates the package index of
// the install's family before the install.
func updatesBefore(rs *project.RunScript, install *shellcmd.Command) bool {
	io, _ := osPackage(install)
	for _, c := range rs.Commands {
		if o, ok := osPackage(c); ok && o.family == io.family && o.isUpdate() && c.Start < install.Start {
			return true
		}
	}
	return false
}
