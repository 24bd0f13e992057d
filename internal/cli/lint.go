package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/envdoctor/envdoctor/checks"
	"github.com/envdoctor/envdoctor/internal/baseline"
	"github.com/envdoctor/envdoctor/internal/config"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/pipeline"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/report"
	"github.com/envdoctor/envdoctor/internal/safefs"
	"github.com/envdoctor/envdoctor/rules"
)

// lintFlags are the flags of lint and doctor: docker compose's own project
// flags, then envdoctor's output and policy flags.
type lintFlags struct {
	files            []string
	envFiles         []string
	profiles         []string
	projectDirectory string
	projectName      string
	format           string
	output           string
	failLevel        string
	exitZero         bool
	configPath       string
	enable           []string
	disable          []string
	noColor          bool
	quiet            bool
	verbose          bool
	baseline         string
	writeBaseline    string
	// doctor only
	host        string
	contextName string
	offline     bool
	timeout     time.Duration
	// fix and lint --fix
	fix      bool
	unsafe   bool
	diff     bool
	fixRules []string
}

func newLintFlagSet(name string, lf *lintFlags) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SortFlags = false
	fs.StringArrayVarP(&lf.files, "file", "f", nil, "compose file (repeatable), as with docker compose -f")
	fs.StringArrayVar(&lf.envFiles, "env-file", nil, "env file for interpolation (repeatable), instead of .env")
	fs.StringArrayVar(&lf.profiles, "profile", nil, "profile to enable (repeatable; default COMPOSE_PROFILES)")
	fs.StringVar(&lf.projectDirectory, "project-directory", "", "project directory (default: the first compose file's directory)")
	fs.StringVarP(&lf.projectName, "project-name", "p", "", "project name (default: COMPOSE_PROJECT_NAME, name:, or the directory)")
	fs.StringVar(&lf.format, "format", "text", "output format: "+strings.Join(report.Names(), ", "))
	fs.StringVarP(&lf.output, "output", "o", "", "write the report to this file instead of standard output")
	fs.StringVar(&lf.failLevel, "fail-level", "", "exit 1 when a finding is at or above: error, warning, info or none (default warning)")
	fs.BoolVar(&lf.exitZero, "exit-zero", false, "exit 0 even with findings (errors still exit 2)")
	fs.StringVar(&lf.configPath, "config", "", "config file (default: .envdoctor.yaml in the project directory)")
	fs.StringSliceVar(&lf.enable, "enable", nil, "enable rules by ID or name (comma-separated or repeated)")
	fs.StringSliceVar(&lf.disable, "disable", nil, "disable rules by ID or name (comma-separated or repeated)")
	fs.StringVar(&lf.baseline, "baseline", "", "hide the findings recorded in this baseline file (default: the config's baseline:)")
	fs.StringVar(&lf.writeBaseline, "write-baseline", "", "record every current finding in this baseline file, then report none of them")
	fs.BoolVar(&lf.noColor, "no-color", false, "no colors (also NO_COLOR=1; FORCE_COLOR=1 forces them)")
	fs.BoolVarP(&lf.quiet, "quiet", "q", false, "print only the finding lines and the summary")
	fs.BoolVarP(&lf.verbose, "verbose", "v", false, "also print related locations and loader notes")
	if name == "lint" {
		fs.BoolVar(&lf.fix, "fix", false, "apply the safe fixes, as 'envdoctor fix' does")
	}
	if name == "lint" || name == "fix" {
		fs.BoolVar(&lf.unsafe, "unsafe", false, "also apply the fixes that may change what the project does (review them with --diff)")
		fs.BoolVar(&lf.diff, "diff", false, "print the fixes as a unified diff and change nothing")
		fs.StringSliceVar(&lf.fixRules, "rule", nil, "fix only the findings of this rule, by ID or name (repeatable)")
	}
	if name == "doctor" {
		fs.StringVarP(&lf.host, "host", "H", "", "Docker engine address, as with docker -H (default: DOCKER_HOST, the docker context)")
		fs.StringVar(&lf.contextName, "context", "", "docker context to check (default: DOCKER_CONTEXT, the current context)")
		fs.BoolVar(&lf.offline, "offline", false, "skip the probes that could reach a registry")
		fs.DurationVar(&lf.timeout, "timeout", 10*time.Second, "bound on the whole doctor run")
	}
	return fs
}

func runLint(ctx context.Context, args []string, env Env) (int, error) {
	var lf lintFlags
	fs := newLintFlagSet("lint", &lf)
	if done, err := parseFlags(fs, args, env, lintHelp); done || err != nil {
		return ExitOK, err
	}
	if lf.fix || lf.diff {
		return fixProjects(ctx, fs.Args(), lf, env)
	}
	if lf.unsafe || len(lf.fixRules) > 0 {
		return ExitError, usagef("--unsafe and --rule choose fixes: add --fix (or --diff)")
	}
	return lint(ctx, fs.Args(), lf, env, false)
}

func runDoctor(ctx context.Context, args []string, env Env) (int, error) {
	var lf lintFlags
	fs := newLintFlagSet("doctor", &lf)
	if done, err := parseFlags(fs, args, env, doctorHelp); done || err != nil {
		return ExitOK, err
	}
	if fs.NArg() > 1 {
		return ExitError, usagef("doctor takes at most one directory, got %d arguments", fs.NArg())
	}
	if lf.timeout <= 0 {
		return ExitError, usagef("--timeout must be positive")
	}
	return lint(ctx, fs.Args(), lf, env, true)
}

// parseFlags parses; done is true when --help was printed.
func parseFlags(fs *pflag.FlagSet, args []string, env Env, help func(io.Writer, *pflag.FlagSet)) (done bool, err error) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			help(env.Stdout, fs)
			return true, nil
		}
		return false, usagef("%v", err)
	}
	return false, nil
}

// target is one project to lint, with the files to report on (all when
// only is nil).
type target struct {
	dir  string
	only map[string]bool // absolute paths
}

// lintSetup is what every target of a run shares: the rules and probes,
// the CLI's rule lists and fail level, the working directory.
type lintSetup struct {
	all             []*rules.Rule
	probes          []*checks.Check
	known           func(string) (string, bool)
	enable, disable []string
	failLevel       finding.Severity
	failLevelGiven  bool
	cwd             string
	// baselines hides the findings of a baseline and records a new one
	// (lint only; nil for fix).
	baselines *baselines
	// images asks the engine about the images CP013 could pin (fix only,
	// when CP013's fixes are wanted; nil otherwise).
	images *localImageCache
}

func newLintSetup(lf lintFlags, env Env) (*lintSetup, error) {
	s := &lintSetup{all: rules.All(), probes: checks.All(), failLevel: finding.SeverityWarning}
	if lf.failLevel != "" {
		var err error
		if s.failLevel, err = finding.ParseSeverity(lf.failLevel); err != nil {
			return nil, usagef("--fail-level: %v", err)
		}
		s.failLevelGiven = true
	}
	s.known = func(id string) (string, bool) {
		if r, ok := rules.Lookup(s.all, id); ok {
			return r.ID, true
		}
		if c, ok := checks.Lookup(s.probes, id); ok {
			return c.ID, true
		}
		return "", false
	}
	var err error
	if s.enable, err = resolveRuleList("--enable", lf.enable, s.known); err != nil {
		return nil, err
	}
	if s.disable, err = resolveRuleList("--disable", lf.disable, s.known); err != nil {
		return nil, err
	}
	if s.cwd, err = env.Getwd(); err != nil {
		return nil, fmt.Errorf("cannot read the current directory: %w", err)
	}
	return s, nil
}

// linted is the lint of one target.
type linted struct {
	p    *project.Project // nil when a doctor run found no project
	root string
	// findings are root-relative, processed by the pipeline and limited to
	// the target's files.
	findings  []finding.Finding
	failLevel finding.Severity
	failed    bool
	notes     []string
	// unread are the files the loader refused to read (said on every run).
	unread       []string
	probeResults []*checks.Result
	// probeSources are the files the FileFix probes' edits were computed
	// from (fix only), by root-relative path.
	probeSources map[string][]byte
}

// gitRulesMayRun reports whether a rule that asks git (SE001, SE002) may
// run, as far as the command line says (the project's config is read
// after the load): git then starts while the project loads.
func gitRulesMayRun(s *lintSetup) bool {
	opt := pipeline.Options{Enable: s.enable, Disable: s.disable}
	return pipeline.RuleEnabled("SE001", opt) || pipeline.RuleEnabled("SE002", opt)
}

// lintTarget loads one target and runs the rules (and, for the doctor,
// the probes) through the pipeline.
func lintTarget(ctx context.Context, s *lintSetup, t target, lf lintFlags, env Env, doctor bool) (*linted, error) {
	p, err := project.Load(ctx, t.dir, project.Options{
		ComposeFiles:     lf.files,
		EnvFiles:         lf.envFiles,
		Profiles:         lf.profiles,
		ProjectDirectory: lf.projectDirectory,
		ProjectName:      lf.projectName,
		WorkingDir:       s.cwd,
		Environ:          env.Environ,
		Git:              env.Git,
		GitPrefetch:      gitRulesMayRun(s), // SE001 and SE002 ask git
	})
	if p != nil {
		defer p.Git.Close() // what no rule waited for
	}
	var loadErr *project.LoadError
	empty := errors.As(err, &loadErr) && loadErr.Empty
	if empty && t.only != nil {
		// A file passed by pre-commit (a .env of a front end) in a
		// directory with no compose file and no Dockerfile: nothing of
		// envdoctor's to lint there.
		return &linted{root: t.dir, notes: []string{err.Error() + ": skipped"}}, nil
	}
	machineOnly := doctor && empty
	if err != nil && !machineOnly {
		return nil, err
	}
	out := &linted{p: p, root: t.dir}
	if p != nil {
		out.root = p.Root
	} else {
		out.notes = append(out.notes, err.Error()+onlyMachineNote)
	}
	cfgPath := lf.configPath
	cfgReader := safefs.Reader{Max: config.MaxSize} // --config: the user named it
	if cfgPath == "" {
		cfgPath = config.Find(out.root)
		cfgReader = safefs.ForProject(out.root, config.MaxSize)
	} else if !filepath.IsAbs(cfgPath) {
		cfgPath = filepath.Join(s.cwd, cfgPath)
	}
	var cfg *config.Config
	if cfgPath != "" {
		if cfg, err = config.LoadWith(cfgReader, cfgPath, s.known); err != nil {
			return nil, err
		}
	}
	opt := pipeline.Options{Config: cfg, Enable: s.enable, Disable: s.disable, FailLevel: s.failLevel, Known: s.known}
	if cfg != nil && cfg.FailLevel != nil && !s.failLevelGiven {
		opt.FailLevel = *cfg.FailLevel
	}
	opt.Rules = ruleInfos(s.all, s.probes)
	var enabled []*rules.Rule
	ran := map[string]bool{}
	for _, r := range s.all {
		if pipeline.RuleEnabled(r.ID, opt) {
			enabled = append(enabled, r)
			ran[r.ID] = true
		}
	}
	var found []finding.Finding
	if p != nil {
		if lf.fix && !doctor {
			askEngineForPins(ctx, s, opt, p)
		}
		found = rules.Run(p, enabled)
	}
	if doctor {
		var enabledProbes []*checks.Check
		for _, c := range s.probes {
			skipOnline := lf.offline && c.Online
			if pipeline.RuleEnabled(c.ID, opt) && !skipOnline {
				enabledProbes = append(enabledProbes, c)
				ran[c.ID] = true
			}
		}
		out.probeResults = runProbes(ctx, enabledProbes, lf, env, p)
		for _, r := range out.probeResults {
			found = append(found, r.Findings...)
			if r.Crashed != "" {
				found = append(found, checks.CrashFinding(r))
			}
		}
	}
	if lf.fix && !doctor && p != nil {
		found = append(found, runFileFixers(ctx, s, opt, ran, env, p, out)...)
	}
	// An ignore comment for a rule that did not run is not "unused".
	opt.Ran = func(id string) bool { return ran[id] }
	res := pipeline.Process(p, found, opt)
	out.failLevel = opt.FailLevel
	bl := s.baselines
	var base *baseline.Baseline
	if bl != nil {
		if base, err = bl.forTarget(cfg); err != nil {
			return nil, err
		}
		bl.cover(coverage{root: out.root, only: t.only, cfg: cfg, ran: ran})
	}
	lineOf := sourceLines(p)
	for _, f := range res.Findings {
		if t.only != nil && !anchoredIn(f, out.root, t.only) {
			continue
		}
		if bl != nil && bl.hide(base, out.root, f, lineOf) {
			continue
		}
		out.findings = append(out.findings, redactFinding(f))
	}
	out.failed = fails(out.findings, out.failLevel)
	if p != nil {
		out.notes = append(out.notes, p.Notes...)
		out.unread = p.Unread
	}
	return out, nil
}

// fails reports whether a finding is at or above the fail level.
func fails(fs []finding.Finding, level finding.Severity) bool {
	if level == finding.SeverityNone {
		return false
	}
	for _, f := range fs {
		if f.Severity >= level {
			return true
		}
	}
	return false
}

func lint(ctx context.Context, args []string, lf lintFlags, env Env, doctor bool) (int, error) {
	format, err := report.New(lf.format)
	if err != nil {
		return ExitError, usagef("%v", err)
	}
	s, err := newLintSetup(lf, env)
	if err != nil {
		return ExitError, err
	}
	targets, err := resolveTargets(s.cwd, args, lf)
	if err != nil {
		return ExitError, err
	}
	s.baselines = newBaselines(s.cwd, lf)
	if s.baselines.writer != nil && targets[0].only != nil {
		return ExitError, usagef("--write-baseline records a whole project: give a directory, not files")
	}

	var findings []finding.Finding
	var unread []string // files the loader refused to read: said on every run
	anchor := ""
	var notes []string
	lines := map[string]*project.Source{}
	failed := false
	var probeResults []*checks.Result
	for _, t := range targets {
		l, err := lintTarget(ctx, s, t, lf, env, doctor)
		if err != nil {
			return ExitError, err
		}
		probeResults = l.probeResults
		prefix := relPrefix(s.cwd, l.root)
		for _, f := range l.findings {
			findings = append(findings, rebase(f, prefix))
		}
		failed = failed || l.failed
		if l.p != nil {
			envFiles := envFilesByPath(l.p)
			// Excerpts never show a secret: masked copies of the sources.
			for path, src := range l.p.Sources {
				lines[joinRel(prefix, path)] = maskedSource(src, envFiles[path])
			}
			if anchor == "" {
				anchor = joinRel(prefix, anchorFile(l.p))
			}
			if st := l.p.ScanStats().String(); st != "" {
				notes = append(notes, st)
			}
		}
		for _, n := range l.notes {
			notes = append(notes, redactText(n))
		}
		unread = append(unread, l.unread...)
	}
	for _, n := range unread {
		fmt.Fprintf(env.Stderr, "envdoctor: %s\n", redactText(n))
	}
	if err := s.baselines.finish(env.Stderr, lf); err != nil {
		return ExitError, err
	}
	sort.SliceStable(findings, func(i, j int) bool { return finding.Less(findings[i], findings[j]) })

	out, closeOut, color, err := reportOutput(lf, env, s.cwd)
	if err != nil {
		return ExitError, err
	}
	defer closeOut()
	in := reportInput(s, findings, lines, lf, color)
	in.Anchor = anchor
	if doctor && lf.format == "text" {
		writeDoctorReport(out, in, probeResults, doctorStyle(env, color), len(lines) > 0)
	} else if err := format.Format(out, in); err != nil {
		return ExitError, fmt.Errorf("writing the report: %w", err)
	}
	if doctor && !lf.quiet {
		for _, n := range notes {
			if strings.HasSuffix(n, onlyMachineNote) {
				fmt.Fprintf(env.Stderr, "note: %s\n", n)
			}
		}
	}
	if lf.verbose {
		for _, n := range notes {
			fmt.Fprintf(env.Stderr, "note: %s\n", n)
		}
	}
	if failed && !lf.exitZero {
		return ExitFindings, nil
	}
	return ExitOK, nil
}

// reportOutput is where the report goes: standard output, or the -o file
// (never colored). closeOut closes the file.
func reportOutput(lf lintFlags, env Env, cwd string) (out io.Writer, closeOut func(), color bool, err error) {
	out, closeOut, color = env.Stdout, func() {}, useColor(lf, env)
	if lf.output == "" {
		return out, closeOut, color, nil
	}
	path := lf.output
	if !filepath.IsAbs(path) {
		path = filepath.Join(cwd, path)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, false, fmt.Errorf("cannot write the report: %w", err)
	}
	return f, func() { f.Close() }, false, nil
}

// reportInput is the formatters' input; lines holds the sources by the
// paths the findings are reported with.
func reportInput(s *lintSetup, findings []finding.Finding, lines map[string]*project.Source, lf lintFlags, color bool) report.Input {
	return report.Input{
		Findings: findings,
		Lines: func(file string, n int) (string, bool) {
			src, ok := lines[file]
			if !ok || n < 1 || n > src.LineCount() {
				return "", false
			}
			return src.Line(n), true
		},
		Tool:    report.Tool{Name: "envdoctor", Version: version(), InformationURI: "https://github.com/envdoctor/envdoctor"},
		Color:   color,
		Verbose: lf.verbose,
		Quiet:   lf.quiet,
		Rules:   ruleInfos(s.all, s.probes),
	}
}

// onlyMachineNote ends the note of a doctor run outside any project.
const onlyMachineNote = ": only the machine was checked"

func resolveRuleList(flag string, values []string, known func(string) (string, bool)) ([]string, error) {
	var ids []string
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		id, ok := known(v)
		if !ok {
			return nil, usagef("%s: unknown rule %q (see 'envdoctor rules')", flag, v)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// resolveTargets turns the arguments into projects: no argument is the
// current directory; a directory is a project; files (what pre-commit
// passes) are grouped by the project they belong to.
func resolveTargets(cwd string, args []string, lf lintFlags) ([]target, error) {
	if len(args) == 0 {
		return []target{{dir: cwd}}, nil
	}
	var order []string
	only := map[string]map[string]bool{}
	for _, a := range args {
		abs := a
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(cwd, a)
		}
		fi, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("%s: no such file or directory", a)
		}
		if fi.IsDir() {
			if len(args) > 1 {
				return nil, usagef("give one directory, or files: %q is a directory among %d arguments", a, len(args))
			}
			return []target{{dir: abs}}, nil
		}
		dir := projectDirOf(filepath.Dir(abs), lf)
		if only[dir] == nil {
			only[dir] = map[string]bool{}
			order = append(order, dir)
		}
		only[dir][abs] = true
	}
	targets := make([]target, 0, len(order))
	for _, dir := range order {
		targets = append(targets, target{dir: dir, only: only[dir]})
	}
	return targets, nil
}

// projectDirOf finds the project a file belongs to: the nearest directory,
// from the file's up to the repository root, that holds a compose file;
// else the file's own directory.
func projectDirOf(dir string, lf lintFlags) string {
	if lf.projectDirectory != "" || len(lf.files) > 0 {
		return dir
	}
	for d := dir; ; {
		for _, name := range project.DefaultComposeFiles {
			if fi, err := os.Stat(filepath.Join(d, name)); err == nil && fi.Mode().IsRegular() {
				return d
			}
		}
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return dir
}

// anchoredIn reports whether a finding is located in one of the files, or
// is a cross-file finding with a related location in one of them.
func anchoredIn(f finding.Finding, root string, only map[string]bool) bool {
	in := func(rel string) bool {
		return rel != "" && only[filepath.Join(root, filepath.FromSlash(rel))]
	}
	if in(f.Range.File) {
		return true
	}
	for _, r := range f.Related {
		if in(r.Range.File) {
			return true
		}
	}
	return false
}

// relPrefix is the project root relative to the working directory, so
// reported paths can be opened from where envdoctor runs.
func relPrefix(cwd, root string) string {
	rel, err := filepath.Rel(cwd, root)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return ""
	}
	return filepath.ToSlash(rel)
}

func joinRel(prefix, p string) string {
	if prefix == "" || p == "" {
		return p
	}
	return prefix + "/" + p
}

func rebase(f finding.Finding, prefix string) finding.Finding {
	if prefix == "" {
		return f
	}
	f.Range.File = joinRel(prefix, f.Range.File)
	if len(f.Related) > 0 {
		rel := make([]finding.Related, len(f.Related))
		for i, r := range f.Related {
			r.Range.File = joinRel(prefix, r.Range.File)
			rel[i] = r
		}
		f.Related = rel
	}
	if f.Fix != nil && len(f.Fix.Edits) > 0 {
		fix := *f.Fix
		fix.Edits = make([]finding.Edit, len(f.Fix.Edits))
		for i, e := range f.Fix.Edits {
			e.Range.File = joinRel(prefix, e.Range.File)
			fix.Edits[i] = e
		}
		f.Fix = &fix
	}
	return f
}

func useColor(lf lintFlags, env Env) bool {
	if lf.noColor {
		return false
	}
	vars := map[string]string{}
	for _, kv := range env.Environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	if vars["NO_COLOR"] != "" {
		return false
	}
	if v := vars["FORCE_COLOR"]; v != "" && v != "0" && v != "false" {
		return true
	}
	if vars["TERM"] == "dumb" || env.IsTerminal == nil {
		return false
	}
	return env.IsTerminal(env.Stdout)
}

// anchorFile is the file findings about no file are attached to in the
// formats that need a location: the first compose file, else the first
// Dockerfile.
func anchorFile(p *project.Project) string {
	if p.Compose != nil {
		for _, cf := range p.Compose.Files {
			if cf.Source != nil {
				return cf.Path
			}
		}
	}
	for _, df := range p.Dockerfiles {
		if df.Path != "" {
			return df.Path
		}
	}
	return ""
}

// sourceLines looks up a line of a project file by its root-relative path.
func sourceLines(p *project.Project) func(file string, n int) (string, bool) {
	return func(file string, n int) (string, bool) {
		if p == nil {
			return "", false
		}
		src, ok := p.Sources[file]
		if !ok || n < 1 || n > src.LineCount() {
			return "", false
		}
		return src.Line(n), true
	}
}
