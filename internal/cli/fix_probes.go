package cli

import (
	"context"
	"time"

	"github.com/envdoctor/envdoctor/checks"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/pipeline"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

// fileFixTimeout bounds the fix probes of one lint round: they only read
// the project's files.
const fileFixTimeout = 10 * time.Second

// runFileFixers runs, for envdoctor fix, the enabled probes that only read
// the project's files and may carry edits (HS001), with an Env that can do
// nothing else: fix never contacts the engine through them, never binds a
// port, never runs a program. It returns their findings (and the crash
// findings of probes that failed) and records the files the edits were
// computed from in out.probeSources.
func runFileFixers(ctx context.Context, s *lintSetup, opt pipeline.Options, ran map[string]bool, env Env, p *project.Project, out *linted) []finding.Finding {
	var fixers []*checks.Check
	for _, c := range checks.FileFixers(s.probes) {
		if pipeline.RuleEnabled(c.ID, opt) {
			fixers = append(fixers, c)
			ran[c.ID] = true
		}
	}
	if len(fixers) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, fileFixTimeout)
	defer cancel()
	var found []finding.Finding
	for _, r := range checks.Run(ctx, fixers, checks.FilesEnv(env.goos()), p) {
		found = append(found, r.Findings...)
		if r.Crashed != "" {
			found = append(found, checks.CrashFinding(r))
		}
		for file, data := range r.Sources {
			if out.probeSources == nil {
				out.probeSources = map[string][]byte{}
			}
			out.probeSources[file] = data
		}
	}
	return found
}

// fixRuleID resolves a --rule of fix: a rule, or a probe fix runs.
func fixRuleID(s *lintSetup, name string) (string, error) {
	if r, ok := rules.Lookup(s.all, name); ok {
		return r.ID, nil
	}
	if c, ok := checks.Lookup(s.probes, name); ok {
		if !c.FileFix {
			return "", usagef("--rule: %s (%s) is a doctor probe that envdoctor fix does not run: it has no automatic fix", c.ID, c.Name)
		}
		return c.ID, nil
	}
	return "", usagef("--rule: unknown rule %q (see 'envdoctor rules')", name)
}
