package rules

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// exposeInvalidFormat is DF117, BuildKit's ExposeInvalidFormat: EXPOSE with
// an IP address or a host port (EXPOSE 8080:80), which EXPOSE ignores:
// publishing is docker run -p or compose ports:.
func exposeInvalidFormat() *Rule {
	return bkCheck("DF117", linter.RuleExposeInvalidFormat.Name, "EXPOSE with an IP address or host port", true,
		bkDispatchWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			word, ok := bkExposeWord(d, w)
			if !ok {
				return finding.Finding{Range: d.InstructionRange(w.Loc)}
			}
			f := finding.Finding{Range: word.Range, Fix: &finding.Fix{
				Message: "EXPOSE only the container port; publish the host side with ports: in compose or docker run -p",
			}}
			if word.Text == word.Value && !strings.Contains(word.Text, "$") {
				_, _, container := bkSplitPortParts(word.Text)
				f.Fix.Message = "write EXPOSE " + container + "; publish the host side with ports: in compose or docker run -p"
				// BuildKit keeps only the container port, so the image is
				// the same.
				f.Fix.Edits = []finding.Edit{{Range: word.Range, NewText: container}}
				f.Fix.Safe = true
			}
			return f
		})
}
