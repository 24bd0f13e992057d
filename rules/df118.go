package rules

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// invalidDefinitionDescription is DF118, BuildKit's experimental
// InvalidDefinitionDescription: the comment right above a named stage or an
// ARG does not start with its name. Like BuildKit, it only runs in a
// Dockerfile that turns it on with "# check=experimental=..." (BuildKit
// reports it while parsing).
func invalidDefinitionDescription() *Rule {
	return bkCheck("DF118", linter.RuleInvalidDefinitionDescription.Name, "Description comment does not start with the name it describes", false,
		bkParseWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			r := d.InstructionRange(w.Loc)
			start, _ := bkInstructionLines(w.Loc)
			if l := start - 1; l >= 1 {
				text := d.Source.Line(l)
				if t := strings.TrimLeft(text, " \t"); strings.HasPrefix(t, "#") {
					col := len(text) - len(t) + 1
					r = d.OwnRange(finding.Pos{Line: l, Col: col}, finding.Pos{Line: l, Col: len(strings.TrimRight(text, " \t")) + 1})
				}
			}
			return finding.Finding{Range: r, Fix: &finding.Fix{
				Message: "start the comment with the name it describes (# <name> <description>), or put an empty line between the comment and the instruction if it is not a description",
			}}
		})
}
