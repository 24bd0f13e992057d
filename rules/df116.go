package rules

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// exposeProtoCasing is DF116, BuildKit's ExposeProtoCasing: EXPOSE 80/TCP.
func exposeProtoCasing() *Rule {
	return bkCheck("DF116", linter.RuleExposeProtoCasing.Name, "EXPOSE protocol is not lowercase", true,
		bkDispatchWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			word, ok := bkExposeWord(d, w)
			if !ok {
				return finding.Finding{Range: d.InstructionRange(w.Loc)}
			}
			f := finding.Finding{Range: word.Range, Fix: &finding.Fix{Message: "write the protocol in lowercase"}}
			if i := strings.LastIndexByte(word.Text, '/'); i >= 0 && word.Text == word.Value && !strings.Contains(word.Text, "$") {
				fixed := word.Text[:i] + strings.ToLower(word.Text[i:])
				f.Fix.Message = "write " + fixed
				f.Fix.Edits = []finding.Edit{{Range: word.Range, NewText: fixed}}
				f.Fix.Safe = true // BuildKit lowercases the protocol anyway
			}
			return f
		})
}

// bkExposeWord finds the EXPOSE argument a warning is about.
func bkExposeWord(d *project.Dockerfile, w bkWarning) (project.InstructionWord, bool) {
	in := d.Instruction(w.Loc)
	if in == nil {
		return project.InstructionWord{}, false
	}
	for _, a := range in.Args {
		if a.Text == w.Word || a.Value == w.Word {
			return a, true
		}
	}
	return project.InstructionWord{}, false
}
