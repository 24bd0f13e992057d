package project

import (
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/envdoctor/envdoctor/internal/finding"
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

// DeleteLinesRange is the range an edit replaces with "" to delete lines
// start to end (the Dockerfile's own line numbers) with their line break.
// The break before them is taken when there is one, so that for a
// dockerfile_inline the edit never reaches past the block scalar.
func (d *Dockerfile) DeleteLinesRange(start, end int) finding.Range {
	if d.Source == nil || start < 1 || end < start || end > d.Source.LineCount() {
		return finding.Range{File: d.Path}
	}
	lineEnd := func(n int) finding.Pos { return finding.Pos{Line: n, Col: len(d.Source.Line(n)) + 1} }
	r := finding.Range{File: d.Path}
	switch {
	case start > 1:
		r.Start, r.End = lineEnd(start-1), lineEnd(end)
	case end < d.Source.LineCount() && !d.Inline:
		r.Start, r.End = finding.Pos{Line: 1, Col: 1}, finding.Pos{Line: end + 1, Col: 1}
	default:
		r.Start, r.End = finding.Pos{Line: 1, Col: 1}, lineEnd(end)
	}
	r.Start, r.End = d.toFile(r.Start), d.toFile(r.End)
	return r
}

// OwnRange maps a range in the Dockerfile's own text (lines and columns of
// the Dockerfile itself) to Path: the same range, or the place in the
// compose file for a dockerfile_inline.
func (d *Dockerfile) OwnRange(start, end finding.Pos) finding.Range {
	return finding.Range{File: d.Path, Start: d.toFile(start), End: d.toFile(end)}
}
