// Package pipeline turns the raw findings of rules and probes into what is
// reported: it applies ignore comments, the config and the CLI's
// enable/disable lists and severity overrides, drops excluded paths,
// removes duplicates, sorts, and decides whether the run fails.
//
// It reports two findings of its own: ED001 (an ignore comment that silenced
// nothing) and ED002 (an ignore comment that is malformed, has no reason or
// names an unknown rule).
package pipeline

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/envdoctor/envdoctor/internal/config"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// The rules the pipeline reports itself (rules/engine.go lists them).
const (
	UnusedIgnoreID  = "ED001"
	InvalidIgnoreID = "ED002"
	// engineIDPrefix marks envdoctor's own findings, which ignore comments
	// cannot silence.
	engineIDPrefix = "ED"
)

// Options says how to process findings.
type Options struct {
	// Config is the project's .envdoctor.yaml; nil means none.
	Config *config.Config
	// Enable and Disable come from the CLI's --enable/--disable, already
	// canonical IDs. They are applied after the config, so they win.
	Enable, Disable []string
	// FailLevel is the lowest severity that fails the run. Zero means
	// "not given": the config's fail-level, else SeverityWarning.
	// SeverityNone never fails.
	FailLevel finding.Severity
	// Rules are the rules and probes of this run. Ignore comments resolve
	// rule names through them when Known is nil, and, when Ran is nil, a
	// rule is taken to have run when it is listed here (or when Rules is
	// empty).
	Rules []finding.RuleInfo
	// Known resolves a rule ID or kebab-case name (any case) to its
	// canonical ID, for every rule and probe envdoctor has.
	Known func(idOrName string) (id string, ok bool)
	// Ran reports whether a rule or probe actually ran, so an ignore
	// comment for a probe is not "unused" in a lint-only run. Optional.
	Ran func(id string) bool
}

// Result is the processed findings.
type Result struct {
	// Findings are sorted with finding.Less and free of duplicates.
	Findings []finding.Finding
	// Failed is true when a finding is at or above the fail level.
	Failed bool
	// Suppressed counts the findings silenced by ignore comments.
	Suppressed int
}

// Process runs the pipeline: (1) ignore comments (envdoctor's, and
// hadolint's "# hadolint ignore=DLxxxx" pragmas in Dockerfiles for the rules
// whose RuleInfo.Hadolint lists that code), which also yields the
// ED001/ED002 findings; (2) enable/disable and severity overrides from the
// config, then the CLI; (3) excluded paths; (4) duplicates (same rule,
// range and message) removed; (5) sorting; (6) the fail level. It does not
// modify found.
func Process(p *project.Project, found []finding.Finding, opt Options) Result {
	var res Result

	// (1) Suppression by comments. envdoctor's own findings are exempt.
	dirs := collectDirectives(p, resolver(opt), hadolintTwins(opt.Rules))
	kept := make([]finding.Finding, 0, len(found))
	for _, f := range found {
		if suppressed(f, dirs) {
			res.Suppressed++
			continue
		}
		kept = append(kept, f)
	}
	kept = append(kept, directiveFindings(dirs, opt)...)

	// (2) Enable/disable and severity overrides; (3) excluded paths.
	var severity map[string]finding.Severity
	if opt.Config != nil {
		severity = opt.Config.Severity
	}
	out := make([]finding.Finding, 0, len(kept))
	for _, f := range kept {
		if !RuleEnabled(f.RuleID, opt) {
			continue
		}
		if s, ok := severity[strings.ToUpper(f.RuleID)]; ok {
			f.Severity = s
		}
		if opt.Config.Excluded(f.Range.File) {
			continue
		}
		out = append(out, clipMessages(f))
	}

	// (4) Duplicates: the first of identical findings stays.
	type key struct {
		rule    string
		rng     finding.Range
		message string
	}
	seen := make(map[key]bool, len(out))
	uniq := out[:0]
	for _, f := range out {
		k := key{f.RuleID, f.Range, f.Message}
		if seen[k] {
			continue
		}
		seen[k] = true
		uniq = append(uniq, f)
	}

	// (5) Sorting.
	sort.SliceStable(uniq, func(i, j int) bool { return finding.Less(uniq[i], uniq[j]) })
	res.Findings = uniq

	// (6) Fail level.
	if level := FailLevel(opt); level != finding.SeverityNone {
		for _, f := range uniq {
			if f.Severity >= level {
				res.Failed = true
				break
			}
		}
	}
	return res
}

// MaxMessage is the longest message (and fix message) a finding keeps: a
// message quotes what it is about, and a hostile file can make that a
// 2 MB variable name. The cut is marked with "…".
const MaxMessage = 1024

func clipMessages(f finding.Finding) finding.Finding {
	f.Message = clipText(f.Message)
	if f.Fix != nil && len(f.Fix.Message) > MaxMessage {
		fix := *f.Fix
		fix.Message = clipText(fix.Message)
		f.Fix = &fix
	}
	return f
}

func clipText(s string) string {
	if len(s) <= MaxMessage {
		return s
	}
	cut := MaxMessage
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// RuleEnabled reports whether rule id is on after the config and the CLI:
// every rule is on by default; the config's enable, then its disable
// (including severity "off"), then the CLI's --enable, then its --disable
// decide, each later one winning. Callers use it to skip disabled rules.
func RuleEnabled(id string, opt Options) bool {
	on := true
	if c := opt.Config; c != nil {
		if containsFold(c.Enable, id) {
			on = true
		}
		if containsFold(c.Disable, id) {
			on = false
		}
	}
	if containsFold(opt.Enable, id) {
		on = true
	}
	if containsFold(opt.Disable, id) {
		on = false
	}
	return on
}

// FailLevel is the fail level in effect: opt.FailLevel when set, else the
// config's fail-level, else SeverityWarning.
func FailLevel(opt Options) finding.Severity {
	switch {
	case opt.FailLevel != 0:
		return opt.FailLevel
	case opt.Config != nil && opt.Config.FailLevel != nil:
		return *opt.Config.FailLevel
	}
	return finding.SeverityWarning
}

// resolver returns the function that turns a rule ID or name written in an
// ignore comment into a canonical ID.
func resolver(opt Options) func(string) (string, bool) {
	if opt.Known != nil {
		return func(s string) (string, bool) {
			id, ok := opt.Known(strings.TrimSpace(s))
			return id, ok && id != ""
		}
	}
	return func(s string) (string, bool) {
		s = strings.TrimSpace(s)
		for _, r := range opt.Rules {
			if strings.EqualFold(r.ID, s) || strings.EqualFold(r.Name, s) {
				return r.ID, true
			}
		}
		return "", false
	}
}

// ran reports whether rule id ran in this run (see Options.Ran).
func ran(id string, opt Options) bool {
	if opt.Ran != nil {
		return opt.Ran(id)
	}
	if len(opt.Rules) == 0 {
		return true
	}
	for _, r := range opt.Rules {
		if strings.EqualFold(r.ID, id) {
			return true
		}
	}
	return false
}

// suppressed reports whether an ignore comment silences f, and marks every
// directive that does as used.
func suppressed(f finding.Finding, dirs []*directive) bool {
	if strings.HasPrefix(strings.ToUpper(f.RuleID), engineIDPrefix) || f.Range.File == "" {
		return false
	}
	hit := false
	for _, d := range dirs {
		if id, ok := d.matches(f); ok {
			d.used[id] = true
			hit = true
		}
	}
	return hit
}

// directiveFindings reports the invalid directives (ED002) and the IDs of
// valid ones that silenced nothing although their rule is enabled and ran
// (ED001).
func directiveFindings(dirs []*directive, opt Options) []finding.Finding {
	var out []finding.Finding
	for _, d := range dirs {
		if d.hadolint {
			continue // hadolint's comment: unused codes are hadolint's business
		}
		for _, pr := range d.problems {
			out = append(out, finding.Finding{
				RuleID:   InvalidIgnoreID,
				Severity: finding.SeverityError,
				Message:  pr.message,
				Range:    d.rng,
				Fix:      &finding.Fix{Message: pr.fix},
			})
		}
		if !d.valid() {
			continue
		}
		for _, id := range d.ids {
			if d.used[id] || !RuleEnabled(id, opt) || !ran(id, opt) {
				continue
			}
			fix := "remove the comment, or fix its rule ID"
			if len(d.ids) > 1 {
				fix = fmt.Sprintf("remove %s from the comment, or fix its rule ID", id)
			}
			where := ""
			if d.fileWide {
				where = " in " + d.rng.File
			}
			out = append(out, finding.Finding{
				RuleID:   UnusedIgnoreID,
				Severity: finding.SeverityWarning,
				Message:  fmt.Sprintf("%s comment for %s matched no finding%s", d.verb, id, where),
				Range:    d.rng,
				Fix:      &finding.Fix{Message: fix},
			})
		}
	}
	return out
}
