package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// legacyKeyValueFormat is DF112, BuildKit's LegacyKeyValueFormat: ENV or
// LABEL written "key value" instead of "key=value" (LABEL maintainer "x"
// included).
func legacyKeyValueFormat() *Rule {
	return bkCheck("DF112", linter.RuleLegacyKeyValueFormat.Name, "ENV or LABEL in the legacy key value format", true,
		bkDispatchWarnings, func(d *project.Dockerfile, w bkWarning) finding.Finding {
			in := d.Instruction(w.Loc)
			if in == nil || len(in.Args) < 2 || w.Word != strconv.Itoa(0) {
				return finding.Finding{Range: d.InstructionRange(w.Loc)}
			}
			key := in.Args[0]
			last := in.Args[len(in.Args)-1]
			value := in.Text[in.Args[1].Start:last.End]
			r := in.Range(key.Start, last.End)
			kw := strings.ToUpper(in.Keyword.Text)
			f := finding.Finding{Range: r, Fix: &finding.Fix{
				Message: fmt.Sprintf("write %s %s=<value>", kw, key.Text),
			}}
			if v, ok := legacyValueAsWord(value, d.EscapeToken()); ok {
				f.Fix.Message = fmt.Sprintf("write %s %s=%s", in.Keyword.Text, key.Text, v)
				f.Fix.Edits = []finding.Edit{{Range: r, NewText: key.Text + "=" + v}}
				f.Fix.Safe = true
			}
			return f
		})
}

// legacyValueAsWord rewrites the value of a legacy "key value" pair, which
// BuildKit expands as a whole (blanks kept), as one word of the "key=value"
// form that expands to the same string: as it is when it has no blank
// outside quotes, in double quotes when it has blanks but no quote or
// escape character. ok is false otherwise.
func legacyValueAsWord(value string, esc rune) (string, bool) {
	hasBlank, hasQuote := false, false
	var quote byte
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case rune(c) == esc:
			hasQuote = true
			i++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			hasQuote = true
			quote = c
		case c == ' ' || c == '\t':
			hasBlank = true
		}
	}
	switch {
	case quote != 0:
		return "", false
	case !hasBlank:
		return value, true
	case !hasQuote:
		return `"` + value + `"`, true
	}
	return "", false
}
