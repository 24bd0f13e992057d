package rules

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// maintainerDeprecated is DF107, BuildKit's MaintainerDeprecated: the
// MAINTAINER instruction. BuildKit reports it while parsing. LABEL
// maintainer "..." is a label, not this instruction (see DF112 for its
// legacy syntax).
func maintainerDeprecated() *Rule {
	return bkCheck("DF107", linter.RuleMaintainerDeprecated.Name, "MAINTAINER instruction is deprecated", true,
		bkParseWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			r := d.InstructionRange(w.Loc)
			in := d.Instruction(w.Loc)
			if in == nil {
				return finding.Finding{Range: r}
			}
			author := strings.TrimSpace(in.ArgsText())
			label := fmt.Sprintf("%s org.opencontainers.image.authors=%s", bkKeyword("LABEL", in.Keyword.Text), bkQuote(author, d.EscapeToken()))
			return finding.Finding{Range: r, Fix: &finding.Fix{
				Message: "replace it with the OCI authors label: " + label,
				Edits:   []finding.Edit{{Range: r, NewText: label}},
				Safe:    true,
			}}
		})
}
