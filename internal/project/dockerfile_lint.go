package project

import (
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// LintWarning is one warning of BuildKit's parse-time build checks, kept by
// ParseDockerfile so that rules never parse the file again: the checks
// instructions.Parse runs (MaintainerDeprecated, StageNameCasing,
// FromAsCasing and, when the file enables it, the experimental
// InvalidDefinitionDescription) and the empty continuation lines parser.Parse
// finds (NoEmptyContinuation).
type LintWarning struct {
	// RuleName is BuildKit's name of the check, e.g. "MaintainerDeprecated".
	RuleName string
	// Message is BuildKit's message (the rule's Format output).
	Message string
	// URL is the check's documentation page.
	URL string
	// Location is BuildKit's location in the Dockerfile's own lines (one
	// Range per line, no columns); Dockerfile.InstructionRange and
	// Dockerfile.Instruction map it into Path.
	Location []parser.Range
}

// checkConfig reads the "# check=" parser directive the way BuildKit's
// dockerfile2llb.newRuleLinter does without a gateway client. It returns
// nil when the file has no directive or BuildKit cannot parse it (the
// build itself then fails with "failed to parse check options").
func checkConfig(data []byte) *linter.Config {
	value, _, _, ok := parser.ParseDirective("check", data)
	if !ok {
		return nil
	}
	cfg, err := linter.ParseLintOptions(value)
	if err != nil {
		return nil
	}
	return cfg
}

// newLinter is the linter BuildKit would check this file with: the file's
// "# check=" settings (skip, error, experimental) and a Warn function that
// appends to d.Lint. instructions.Parse merges the per-instruction
// "# check=skip=..." comments into it itself.
func (d *Dockerfile) newLinter() *linter.Linter {
	cfg := linter.Config{}
	if d.Check != nil {
		cfg = *d.Check
	}
	cfg.Warn = func(rule, _, url, msg string, loc []parser.Range) {
		d.Lint = append(d.Lint, LintWarning{RuleName: rule, Message: msg, URL: url, Location: loc})
	}
	return linter.New(&cfg)
}

// parserWarnings runs the parser's own warnings through the linter, as
// dockerfile2llb.toDispatchState does: only empty continuation lines are
// reported, as NoEmptyContinuation.
func parserWarnings(lint *linter.Linter, warnings []parser.Warning) {
	for _, w := range warnings {
		if w.URL != linter.RuleNoEmptyContinuation.URL || w.Location == nil {
			continue
		}
		lint.Run(&linter.RuleNoEmptyContinuation, []parser.Range{*w.Location}, linter.RuleNoEmptyContinuation.Format())
	}
}
