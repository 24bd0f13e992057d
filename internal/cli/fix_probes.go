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

// localImageCache asks the engine about the images CP013 could pin, once
// per run: every round and target of a fix reuses the answers.
type localImageCache struct {
	env         Env
	facts       *checks.Facts // built at the first question
	unavailable string
	images      map[string]project.LocalImage
}

func newLocalImageCache(env Env) *localImageCache {
	return &localImageCache{env: env, images: map[string]project.LocalImage{}}
}

// engine builds the engine access of fix, once: the machine's Env
// (env.Probes) without its listener and program runner, so fix can only
// dial the resolved engine endpoint.
func (c *localImageCache) engine() *checks.Facts {
	if c.facts == nil && c.unavailable == "" {
		if c.env.Probes == nil {
			c.unavailable = "no Docker engine is configured"
			return nil
		}
		penv := c.env.Probes(checks.RealOptions{Offline: true, Environ: c.env.Environ})
		penv.Listen, penv.Exec, penv.DiskFree = nil, nil, nil
		c.facts = checks.NewFacts(penv)
	}
	return c.facts
}

// lookup returns the engine's answers about refs, asking only about those
// not asked yet, and never again once the engine failed.
func (c *localImageCache) lookup(ctx context.Context, refs []string) *project.LocalImages {
	var missing []string
	for _, r := range refs {
		if _, ok := c.images[r]; !ok {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 && c.engine() != nil && c.unavailable == "" {
		li := checks.LocalImages(ctx, c.facts, missing)
		c.unavailable = li.Unavailable
		for r, im := range li.Images {
			c.images[r] = im
		}
	}
	out := &project.LocalImages{Unavailable: c.unavailable, Images: map[string]project.LocalImage{}}
	for _, r := range refs {
		if im, ok := c.images[r]; ok {
			out.Images[r] = im
		}
	}
	return out
}

// pinRuleID is the rule whose fix needs the engine's answers.
const pinRuleID = "CP013"

// askEngineForPins gives the project what the engine knows of the images
// CP013 could pin (envdoctor fix only, when CP013 runs and its fixes are
// wanted).
func askEngineForPins(ctx context.Context, s *lintSetup, opt pipeline.Options, p *project.Project) {
	if s.images == nil || !pipeline.RuleEnabled(pinRuleID, opt) {
		return
	}
	if refs := rules.ImagesToPin(p); len(refs) > 0 {
		p.LocalImages = s.images.lookup(ctx, refs)
	}
}
