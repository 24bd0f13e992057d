package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/fix"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/report"
)

func fixHelp(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprint(w, `Apply the fixes that findings carry, then report what remains.

Usage:
  envdoctor fix [flags] [DIR | FILE...]
  envdoctor lint --fix [flags] [DIR | FILE...]

Safe fixes only change how the project is written, not what it does; unsafe
ones (binding a port to 127.0.0.1, a healthcheck, a reordered Dockerfile)
need --unsafe: review them first with --unsafe --diff. Compose files are
edited in place at the exact nodes, so comments, key order, quoting and
anchors stay as they are. Each file is written whole or not at all, only
when it changes, and a file that changed since it was read is left alone.
Fixes that overlap are applied one after the other, linting in between.
Besides the rules, fix runs the doctor probes that only read the project's
files and carry fixes (HS001: scripts with CRLF line endings). To pin an
unpinned image (CP013, unsafe) it asks the Docker engine, at the endpoint
the docker CLI would use and within 5 seconds, which version of that image
runs here; without an engine the finding stays advice. fix never pulls,
binds a port or runs a program.

Prints, for each file, the fixes applied; then the findings that remain,
as lint does. With files, fixes the findings lint reports for those files.

Examples:
  envdoctor fix
  envdoctor fix --diff
  envdoctor fix --unsafe --diff | less
  envdoctor fix --unsafe --rule CP006 --rule port-all-interfaces
  envdoctor lint --fix docker-compose.yml

Flags:
`)
	fmt.Fprint(w, fs.FlagUsages())
	fmt.Fprint(w, "\nExit codes: 0 nothing left at or above --fail-level, 1 findings left at or above it, 2 usage, config or internal error.\n"+
		"With --diff nothing changes and the findings as they are decide.\n")
}

func runFix(ctx context.Context, args []string, env Env) (int, error) {
	var lf lintFlags
	fs := newLintFlagSet("fix", &lf)
	if done, err := parseFlags(fs, args, env, fixHelp); done || err != nil {
		return ExitOK, err
	}
	lf.fix = true
	return fixProjects(ctx, fs.Args(), lf, env)
}

// fixedTarget is one target after fixing (or previewing).
type fixedTarget struct {
	prefix string
	last   *linted // the last lint: what remains
	result *fix.Result
	plan   *fix.Plan // --diff
}

func fixProjects(ctx context.Context, args []string, lf lintFlags, env Env) (int, error) {
	format, err := report.New(lf.format)
	if err != nil {
		return ExitError, usagef("%v", err)
	}
	lf.fix = true // lint --diff too: the fix probes run
	s, err := newLintSetup(lf, env)
	if err != nil {
		return ExitError, err
	}
	opt := fix.Options{Unsafe: lf.unsafe}
	if len(lf.fixRules) > 0 {
		only := map[string]bool{}
		for _, r := range lf.fixRules {
			r = strings.TrimSpace(r)
			if r == "" {
				continue
			}
			id, err := fixRuleID(s, r)
			if err != nil {
				return ExitError, err
			}
			only[id] = true
		}
		opt.Rule = func(id string) bool { return only[id] }
	}
	if opt.Rule == nil || opt.Rule(pinRuleID) {
		s.images = newLocalImageCache(env)
	}
	targets, err := resolveTargets(s.cwd, args, lf)
	if err != nil {
		return ExitError, err
	}

	var done []*fixedTarget
	for _, t := range targets {
		ft := &fixedTarget{}
		lintOnce := func() (*fix.Snapshot, error) {
			l, err := lintTarget(ctx, s, t, lf, env, false)
			if err != nil {
				return nil, err
			}
			ft.last = l
			return &fix.Snapshot{Root: l.root, Findings: l.findings, Source: sourcesOf(l)}, nil
		}
		if lf.diff {
			ft.plan, _, err = fix.Preview(lintOnce, opt)
		} else {
			ft.result, err = fix.Run(lintOnce, opt)
		}
		if err != nil {
			return ExitError, err
		}
		ft.prefix = relPrefix(s.cwd, ft.last.root)
		done = append(done, ft)
	}

	out, closeOut, color, err := reportOutput(lf, env, s.cwd)
	if err != nil {
		return ExitError, err
	}
	defer closeOut()
	// Messages about the fixes go with a text report, else to stderr so a
	// JSON or SARIF report (or the diff) stays well-formed.
	msg := env.Stderr
	if lf.format == "text" && !lf.diff {
		msg = out
	}

	failed := false
	var remaining []finding.Finding
	lines := map[string]*project.Source{}
	for _, ft := range done {
		failed = failed || ft.last.failed
		for _, f := range ft.last.findings {
			remaining = append(remaining, rebase(f, ft.prefix))
		}
		if ft.last.p != nil {
			envFiles := envFilesByPath(ft.last.p)
			// Excerpts never show a secret, as in lint.
			for path, src := range ft.last.p.Sources {
				lines[joinRel(ft.prefix, path)] = maskedSource(src, envFiles[path])
			}
		}
	}
	sort.SliceStable(remaining, func(i, j int) bool { return finding.Less(remaining[i], remaining[j]) })

	if lf.diff {
		writePreview(out, env.Stderr, done, opt)
	} else {
		writeFixSummary(msg, env.Stderr, done)
		if err := format.Format(out, reportInput(s, remaining, lines, lf, color)); err != nil {
			return ExitError, fmt.Errorf("writing the report: %w", err)
		}
	}
	if !lf.unsafe {
		writeUnsafeHint(msg, remaining, opt, lf.diff)
	}
	if failed && !lf.exitZero {
		return ExitFindings, nil
	}
	return ExitOK, nil
}

// sourcesOf gives the fixer what the linter read of each file: the
// project's sources, then the files the fix probes computed edits from.
func sourcesOf(l *linted) func(string) ([]byte, bool) {
	return func(file string) ([]byte, bool) {
		if l.p != nil {
			if src, ok := l.p.Sources[file]; ok {
				return src.Data, true
			}
		}
		data, ok := l.probeSources[file]
		return data, ok
	}
}

// writeFixSummary prints, per file, the fixes applied, then the files left
// alone and the fixes that could not be applied (on stderr).
func writeFixSummary(w, errw io.Writer, done []*fixedTarget) {
	applied, files := 0, 0
	for _, ft := range done {
		r := ft.result
		for _, f := range r.Files {
			n := distinctFixes(f.Fixes)
			created := ""
			if f.Created {
				created = ", new file"
			}
			fmt.Fprintf(w, "%s: %s (%s)%s\n", joinRel(ft.prefix, f.File), plural(n, "fix", "fixes"), strings.Join(f.Rules(), ", "), created)
			files++
		}
		applied += r.Applied()
		for _, p := range r.Problems {
			fmt.Fprintf(errw, "envdoctor fix: warning: %s: %s\n", joinRel(ft.prefix, p.File), p.Reason)
		}
		for _, rj := range r.Rejected {
			fmt.Fprintf(errw, "envdoctor fix: warning: %s fix at %s not applied: %s (please report it)\n",
				rj.Finding.RuleID, rebase(rj.Finding, ft.prefix).Range, rj.Reason)
		}
		if r.Pending > 0 {
			fmt.Fprintf(errw, "envdoctor fix: %s still to apply after %d rounds: run envdoctor fix again\n", plural(r.Pending, "fix", "fixes"), r.Rounds)
		}
	}
	if applied == 0 {
		fmt.Fprintln(w, "no fix applied")
	} else {
		fmt.Fprintf(w, "%s applied to %s\n", plural(applied, "fix", "fixes"), plural(files, "file", "files"))
	}
	fmt.Fprintln(w)
}

// writePreview prints the unified diff of every target on out and what it
// holds on errw.
func writePreview(out, errw io.Writer, done []*fixedTarget, opt fix.Options) {
	applied, files, deferred := 0, 0, 0
	for _, ft := range done {
		fmt.Fprint(out, fix.Diff(maskedChanges(ft), ft.prefix))
		files += len(ft.plan.Changes)
		applied += len(ft.plan.Applied)
		deferred += len(ft.plan.Deferred)
		for _, rj := range ft.plan.Rejected {
			fmt.Fprintf(errw, "envdoctor fix: warning: %s fix at %s cannot be applied: %s (please report it)\n",
				rj.Finding.RuleID, rebase(rj.Finding, ft.prefix).Range, rj.Reason)
		}
	}
	if applied == 0 {
		fmt.Fprintln(errw, "envdoctor fix: no fix to apply")
	} else {
		fmt.Fprintf(errw, "envdoctor fix: the diff holds %s to %s; envdoctor fix%s applies them\n",
			plural(applied, "fix", "fixes"), plural(files, "file", "files"), unsafeFlag(opt))
	}
	if deferred > 0 {
		fmt.Fprintf(errw, "envdoctor fix: %s overlap these and are not shown: envdoctor fix applies them after these, linting in between\n",
			plural(deferred, "more fix", "more fixes"))
	}
}

func unsafeFlag(opt fix.Options) string {
	if opt.Unsafe {
		return " --unsafe"
	}
	return ""
}

// writeUnsafeHint says which remaining findings have fixes that only
// --unsafe applies.
func writeUnsafeHint(w io.Writer, remaining []finding.Finding, opt fix.Options, diff bool) {
	withUnsafe := opt
	withUnsafe.Unsafe = true
	var skipped []finding.Finding
	for _, f := range remaining {
		if fix.Wanted(f, withUnsafe) && !f.Fix.Safe {
			skipped = append(skipped, f)
		}
	}
	if len(skipped) == 0 {
		return
	}
	ids := map[string]bool{}
	var list []string
	for _, f := range skipped {
		if !ids[f.RuleID] {
			ids[f.RuleID] = true
			list = append(list, f.RuleID)
		}
	}
	sort.Strings(list)
	verb := "were not applied"
	switch {
	case diff && len(skipped) == 1:
		verb = "is not in the diff"
	case diff:
		verb = "are not in the diff"
	case len(skipped) == 1:
		verb = "was not applied"
	}
	fmt.Fprintf(w, "%s %s (%s): review them with envdoctor fix --unsafe --diff, apply them with envdoctor fix --unsafe\n",
		plural(len(skipped), "unsafe fix", "unsafe fixes"), verb, strings.Join(list, ", "))
}

func distinctFixes(fs []finding.Finding) int {
	type key struct {
		rule string
		rng  finding.Range
		msg  string
	}
	seen := map[key]bool{}
	for _, f := range fs {
		seen[key{f.RuleID, f.Range, f.Message}] = true
	}
	return len(seen)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
