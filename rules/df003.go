package rules

import (
	"fmt"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/shellcmd"
)

// aptListsKept is DF003: an apt-get install in a stage of the built image
// that installs recommended packages, or leaves the package lists in the
// layer, with no cache mount keeping them out.
func aptListsKept() *Rule {
	return &Rule{
		ID:       "DF003",
		Name:     "apt-lists-kept",
		Title:    "apt-get install keeps the package lists or installs recommended packages",
		Severity: finding.SeverityInfo,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				ed := newDFEditor(p.Project, d)
				for _, ds := range dockerfileStages(d) {
					if !ds.shipped {
						continue // a build stage's size does not matter
					}
					for _, r := range stageRuns(d, ds) {
						for _, f := range aptListsFindings(p, ed, r) {
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

// aptInstalls returns the apt installs of a RUN.
func aptInstalls(rs *project.RunScript) []*shellcmd.Command {
	var out []*shellcmd.Command
	for _, c := range rs.Commands {
		if _, ok := aptInstall(c); ok {
			out = append(out, c)
		}
	}
	return out
}

// aptReported says what DF003 reports for an apt install: the lists are
// reported once per RUN, on its last install.
func aptReported(r dfStepContext, c *shellcmd.Command) (recommends, lists bool) {
	installs := aptInstalls(r.script)
	recommends, lists = aptProblems(r, c)
	if len(installs) > 0 && installs[len(installs)-1] != c {
		lists = false
	}
	return recommends, lists
}

func aptListsFindings(p *Pass, ed *dfEditor, r dfStepContext) []finding.Finding {
	var out []finding.Finding
	for _, c := range aptInstalls(r.script) {
		recommends, lists := aptReported(r, c)
		if !recommends && !lists {
			continue
		}
		o, _ := aptInstall(c)
		text := commandText(r.script, c)
		var msg string
		var todo []string
		var edits []finding.Edit
		switch {
		case recommends && lists:
			msg = fmt.Sprintf("%q installs the recommended packages too and leaves the package lists (/var/lib/apt/lists) in the image: both add size that nothing uses at run time", text)
		case recommends:
			msg = fmt.Sprintf("%q installs the recommended packages too: they add size that nothing asked for", text)
		default:
			msg = fmt.Sprintf("%q leaves the package lists (/var/lib/apt/lists, tens of MB) in the image layer", text)
		}
		if recommends {
			todo = append(todo, "add --no-install-recommends after "+o.verb)
			verb := c.Args[o.verbAt]
			if e, ok := ed.scriptEdit(r.script, verb.End, verb.End, argInsert(r.script, c, "--no-install-recommends")); ok {
				edits = append(edits, e)
			}
		}
		if lists {
			todo = append(todo, "end the RUN with && rm -rf /var/lib/apt/lists/*")
			if at, ok := scriptEnd(r.script); ok {
				if e, ok := ed.scriptEdit(r.script, at, at, " && rm -rf /var/lib/apt/lists/*"); ok {
					edits = append(edits, e)
				}
			} else {
				edits = nil // all or nothing: the message says both
			}
		}
		fixMsg := strings.Join(todo, ", and ")
		if lists {
			fixMsg += " (or keep them out of the image with RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked)"
		}
		if len(edits) != len(todo) {
			edits = nil
		}
		out = append(out, finding.Finding{
			RuleID:   p.Rule.ID,
			Severity: p.Rule.Severity,
			Range:    r.script.CommandRange(c),
			Message:  msg,
			Fix:      &finding.Fix{Message: fixMsg, Edits: edits},
		})
	}
	return out
}

// scriptEnd is where `&& more` can be appended to a RUN's script so that
// it runs last: after the last top-level command, when nothing but blanks
// follows it (no `;`, `&` or comment) and it is on the instruction's line
// (not in a heredoc body).
func scriptEnd(rs *project.RunScript) (int, bool) {
	if rs.Exec || len(rs.Commands) == 0 {
		return 0, false
	}
	var last *shellcmd.Command
	for _, c := range rs.Commands {
		if last == nil || c.End > last.End {
			last = c
		}
	}
	if last.Depth != 0 || last.Next != shellcmd.OpNone || last.Prev == shellcmd.OpPipe {
		return 0, false
	}
	if strings.TrimSpace(rs.Src[last.End:]) != "" || rs.Offset(last.End) < 0 {
		return 0, false
	}
	return last.End, true
}
