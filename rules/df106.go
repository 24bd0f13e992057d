package rules

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// jsonArgsRecommended is DF106, BuildKit's JSONArgsRecommended: CMD or
// ENTRYPOINT in shell form (in a stage with no SHELL instruction), which
// runs the program under /bin/sh -c so it does not get SIGTERM on docker
// stop.
func jsonArgsRecommended() *Rule {
	return bkCheck("DF106", linter.RuleJSONArgsRecommended.Name, "CMD or ENTRYPOINT in shell form", true,
		bkDispatchWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			r := bkArgsRange(d, w.Loc)
			in := d.Instruction(w.Loc)
			if in == nil || len(in.Args) == 0 {
				return finding.Finding{Range: r}
			}
			name := strings.ToUpper(in.Keyword.Text)
			words := make([]string, 0, len(in.Args))
			plain := true
			for _, a := range in.Args {
				if !execFormWord().MatchString(a.Text) {
					plain = false
					break
				}
				words = append(words, a.Text)
			}
			if !plain {
				return finding.Finding{Range: r, Fix: &finding.Fix{Message: fmt.Sprintf(
					`write %s as a JSON array (exec form), %s ["program", "arg"], so the program runs as PID 1 and gets the stop signal; if it needs a shell, move the command into a script that ends with exec`, name, in.Keyword.Text)}}
			}
			b, _ := json.Marshal(words)
			exec := strings.ReplaceAll(string(b), `","`, `", "`)
			return finding.Finding{Range: r, Fix: &finding.Fix{
				Message: fmt.Sprintf("use the exec form: %s %s (no shell: the program runs as PID 1 and gets the stop signal)", in.Keyword.Text, exec),
				Edits:   []finding.Edit{{Range: r, NewText: exec}},
				// Without a shell nothing is expanded or redirected; the
				// words here have none of that, but the process tree and
				// signal handling change, which is the point.
				Safe: false,
			}}
		})
}

// execFormWord is a shell word that means the same with and without a
// shell: no quotes, variables, globs, redirections or operators.
var execFormWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_./:=,@%+-]+$`) })
