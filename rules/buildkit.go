package rules

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/distribution/reference"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/buildkit/util/suggest"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// This file runs BuildKit's own build checks (the DF1xx rules). BuildKit
// emits a few of them while parsing; the loader keeps those in
// Dockerfile.Lint. The others are emitted by dockerfile2llb while it
// converts the file to LLB, which envdoctor does not import (it pulls grpc,
// containerd and a registry resolver). They are reimplemented here, port by
// port from moby/buildkit v0.34.2, frontend/dockerfile/dockerfile2llb:
// convert.go (toDispatchState, buildDispatchStates, dispatch, dispatchEnv,
// dispatchWorkdir, dispatchLabel, dispatchCmd, dispatchEntrypoint,
// dispatchHealthcheck, dispatchArg, buildMetaArgs), convert_expose.go
// (dispatchExpose, parsePort) and validations.go (validateStageNames,
// validateCommandCasing, reportUnmatchedVariables, reportUnusedFromArgs,
// reportRedundantTargetPlatform, reportConstPlatformDisallowed,
// validateUsedOnce, validateBaseImagesWithDefaultArgs). Messages come from
// BuildKit's linter package (the rules' Format functions), and every
// warning goes through a *linter.Linter built from the file's "# check="
// directive and merged with the "# check=" comments above the stage or
// instruction exactly where BuildKit merges them, so skip= behaves the same.
//
// One thing BuildKit knows and envdoctor does not: the ENV of a base image
// pulled from a registry. See bkReportUnmatched for what UndefinedVar does
// about it.
//
// The IDs follow the order of BuildKit's frontend/dockerfile/linter
// ruleset.go, skipping the checks that are not DF1xx rules:
//
//	DF100 StageNameCasing          DF110 UndefinedVar
//	DF101 FromAsCasing             DF111 MultipleInstructionsDisallowed
//	DF102 NoEmptyContinuation      DF112 LegacyKeyValueFormat
//	DF103 ConsistentInstructionCasing
//	DF104 DuplicateStageName       DF113 RedundantTargetPlatform
//	DF105 ReservedStageName        DF114 InvalidDefaultArgInFrom
//	DF106 JSONArgsRecommended      DF115 FromPlatformFlagConstDisallowed
//	DF107 MaintainerDeprecated     DF116 ExposeProtoCasing
//	DF108 UndefinedArgInFrom       DF117 ExposeInvalidFormat
//	DF109 WorkdirRelativePath      DF118 InvalidDefinitionDescription (experimental,
//	                                     added after the others, so last)
//
// Not here: SecretsUsedInArgOrEnv is DF013 secret-in-build (with value
// detectors of its own); CopyIgnoredFile is DF014 copy-ignored-file (BuildKit
// runs it only with a gateway client that reads .dockerignore);
// InvalidBaseImagePlatform needs the base image's metadata from a registry,
// which envdoctor never fetches. New BuildKit checks get the next free ID.

// bkWarning is one warning of a BuildKit check.
type bkWarning struct {
	Rule    string         // BuildKit's check name
	Message string         // BuildKit's message
	Loc     []parser.Range // BuildKit's location (own lines)
	// Context for exact ranges and fixes (nil for parse-time warnings).
	Stage *instructions.Stage
	Cmd   instructions.Command
	// Word is what the warning is about: a variable name, a port, the
	// index of a key/value pair...
	Word string
	// Other is a second location: for MultipleInstructionsDisallowed the
	// later instruction, which wins.
	Other []parser.Range
}

// bkParseWarnings returns the loader's parse-time warnings of one check.
func bkParseWarnings(_ *project.Project, d *project.Dockerfile, rule string) []bkWarning {
	var out []bkWarning
	for _, w := range d.Lint {
		if w.RuleName == rule {
			out = append(out, bkWarning{Rule: w.RuleName, Message: w.Message, Loc: w.Location})
		}
	}
	return out
}

// bkCheck builds one DF1xx rule: BuildKit's name, severity warning (all of
// BuildKit's checks are warnings; "# check=error=true" makes the build fail
// on them, so envdoctor reports them as errors in that file), and a
// function that turns one warning into a finding (its exact range and fix).
func bkCheck(id, name, title string, fixable bool, warnings func(*project.Project, *project.Dockerfile, string) []bkWarning,
	toFinding func(d *project.Dockerfile, w bkWarning) finding.Finding) *Rule {
	return &Rule{
		ID:       id,
		Name:     name,
		Title:    title,
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  fixable,
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				for _, w := range warnings(p.Project, d, name) {
					f := toFinding(d, w)
					f.RuleID = p.Rule.ID
					f.Severity = p.Rule.Severity
					if d.Check != nil && d.Check.ReturnAsError {
						f.Severity = finding.SeverityError
					}
					if f.Message == "" {
						f.Message = w.Message
					}
					if d.Inline {
						bkClampFinding(p.Project, &f)
					}
					if seen.first(f) {
						p.Report(f)
					}
				}
			}
		},
	}
}

// bkDispatchKey memoises bkDispatch(d, "") per Dockerfile: the DF1xx
// rules share one run of the dispatch-time checks.
type bkDispatchKey struct{}

// bkDispatchWarnings runs the dispatch-time checks over d (once for all
// the DF1xx rules) and returns the warnings of one check.
func bkDispatchWarnings(_ *project.Project, d *project.Dockerfile, rule string) []bkWarning {
	all := bkDispatchAll(d)
	var out []bkWarning
	for _, w := range all {
		if w.Rule == rule {
			out = append(out, w)
		}
	}
	return out
}

// bkDispatchAll is every dispatch-time warning of d, computed once.
func bkDispatchAll(d *project.Dockerfile) []bkWarning {
	all, _ := d.Derived(bkDispatchKey{}, func() any { return bkDispatch(d, "") }).([]bkWarning)
	return all
}

// bkEmptyImage is dockerfile2llb's emptyImageName.
const bkEmptyImage = "scratch"

// bkNonEnvArgs are the build args BuildKit never puts in the environment
// (dockerfile2llb nonEnvArgs: the SBOM scan switches).
var bkNonEnvArgs = map[string]bool{
	"BUILDKIT_SBOM_SCAN_CONTEXT": true,
	"BUILDKIT_SBOM_SCAN_STAGE":   true,
}

// bkEnv is an ordered environment (llb.EnvList in BuildKit).
type bkEnv struct {
	vals map[string]string
	keys []string
	// near indexes keys for suggest, once there are many (built on first
	// use, extended as keys are added; never shared by a clone).
	near *bkNearIndex
}

func newBKEnv() *bkEnv { return &bkEnv{vals: map[string]string{}} }

func (e *bkEnv) Get(k string) (string, bool) { v, ok := e.vals[k]; return v, ok }
func (e *bkEnv) Keys() []string              { return e.keys }

func (e *bkEnv) set(k, v string) {
	if _, ok := e.vals[k]; !ok {
		e.keys = append(e.keys, k)
	}
	e.vals[k] = v
}

func (e *bkEnv) clone() *bkEnv {
	c := &bkEnv{vals: make(map[string]string, len(e.vals)), keys: append([]string(nil), e.keys...)}
	for k, v := range e.vals {
		c.vals[k] = v
	}
	return c
}

// bkState is what dockerfile2llb's dispatchState carries that the checks
// read.
type bkState struct {
	stage    *instructions.Stage
	index    int
	baseName string // the expanded base name
	base     *bkState
	// external is true when the stage (or the stage it builds on) starts
	// from an image from a registry, whose ENV is unknown here.
	external   bool
	env        *bkEnv
	buildArgs  []string // the stage's ARG names (dispatchState.buildArgs)
	workdirSet bool
	shellSet   bool // a SHELL instruction ran (image.Config.Shell is set)
	deps       []*bkState
	dispatched bool
}

// bkDispatch follows toDispatchState and returns every dispatch-time
// warning, in BuildKit's order. A file BuildKit would reject stops the
// checks where BuildKit stops.
func bkDispatch(d *project.Dockerfile, only string) []bkWarning {
	if d == nil || d.AST == nil || len(d.Stages) == 0 {
		return nil
	}
	r := &bkRunner{only: only}
	cfg := linter.Config{}
	if d.Check != nil {
		cfg = *d.Check
	}
	cfg.Warn = func(rule, _, _, msg string, loc []parser.Range) {
		w := r.cur
		w.Rule, w.Message, w.Loc = rule, msg, loc
		r.out = append(r.out, w)
	}
	lint := linter.New(&cfg)

	// dockerfile2llb expands the words of each command in place, and
	// BuildKit's Expand methods write back even the unchanged words bkWords
	// gives them (RUN's records its mounts in the command): the dispatch
	// expands private copies (bkOwnCopy), the project's commands being read
	// by other rules at the same time.
	stages := make([]*instructions.Stage, len(d.Stages))
	for i := range d.Stages {
		stages[i] = &d.Stages[i]
	}
	metaArgs := d.MetaArgs
	bkValidateStageNames(stages, lint, r)
	bkValidateCommandCasing(stages, lint, r)

	shlex := project.GetLexer(d.EscapeToken())
	defer project.PutLexer(d.EscapeToken(), shlex)
	target := d.Target
	if target == "" {
		target = stages[len(stages)-1].Name
	}
	defaults := bkDefaultArgs(d.BuildArgs, target)
	bkValidateBaseImagesWithDefaultArgs(stages, shlex, defaults, metaArgs, lint, r)

	globalArgs, declared, ok := bkBuildMetaArgs(defaults, shlex, metaArgs, d.BuildArgs)
	if !ok {
		return r.out
	}

	// buildDispatchStates
	states := make([]*bkState, 0, len(stages))
	byName := map[string]*bkState{}
	// The meta ARG names, made when a FROM names an undefined one.
	var checkKeys []string
	argKeys := func() []string {
		if checkKeys == nil {
			checkKeys = bkUnusedFromArgsCheckKeys(globalArgs, declared)
		}
		return checkKeys
	}
	for i, st := range stages {
		sl := lint.WithMergedConfigFromComments(st.Comments)
		ctx := bkWarning{Stage: st}
		nameMatch, err := shlex.ProcessWordWithMatches(st.BaseName, globalArgs)
		bkReportUnusedFromArgs(argKeys, nameMatch.Unmatched, st.Location, sl, r, ctx)
		if err != nil || nameMatch.Result == "" {
			return r.out
		}
		if st.Platform != "" {
			platMatch, err := shlex.ProcessWordWithMatches(st.Platform, globalArgs)
			bkReportUnusedFromArgs(argKeys, platMatch.Unmatched, st.Location, sl, r, ctx)
			bkReportRedundantTargetPlatform(st.Platform, platMatch, st.Location, globalArgs, sl, r, ctx)
			bkReportConstPlatformDisallowed(st.Name, platMatch, st.Location, sl, r, ctx)
			if err != nil || platMatch.Result == "" {
				return r.out
			}
		}
		s := &bkState{stage: st, index: i, baseName: nameMatch.Result}
		// addState: the base is an earlier stage named exactly like the
		// expanded base name (stage names are stored lowercased).
		if b, ok := byName[nameMatch.Result]; ok {
			s.base = b
			s.deps = append(s.deps, b)
		} else if nameMatch.Result != bkEmptyImage {
			s.external = true
		}
		states = append(states, s)
		if st.Name != "" {
			byName[strings.ToLower(st.Name)] = s
		}
	}

	// buildStageDependencyGraph: COPY --from and RUN --mount=from=.
	for _, s := range states {
		for _, cmd := range s.stage.Commands {
			for _, from := range bkCommandSources(cmd) {
				if dep := bkFindState(states, byName, from); dep != nil {
					s.deps = append(s.deps, dep)
				}
			}
		}
	}

	// DockerfileLint checks every stage when no target is set (AllStages);
	// a build with a target dispatches only the stages it needs.
	reachable := map[*bkState]bool{}
	if d.Target == "" {
		for _, s := range states {
			reachable[s] = true
		}
	} else if t := byName[strings.ToLower(d.Target)]; t != nil {
		bkAddReachable(t, reachable)
	} else {
		return r.out // "target stage could not be found": the build fails
	}

	// resolveReachableStages: a base image name that is not a valid
	// reference fails the build before any stage is dispatched.
	for _, s := range states {
		if reachable[s] && s.external {
			if _, err := reference.ParseNormalizedNamed(s.baseName); err != nil {
				return r.out
			}
		}
	}

	fileNames := bkFileNames(d, globalArgs, declared)
	runNodes := bkRunNodes(d)
	for _, s := range states {
		if !reachable[s] {
			continue
		}
		if !bkDispatchStage(d, s, shlex, globalArgs, fileNames, runNodes, lint, r) {
			break
		}
	}
	return r.out
}

// bkRunner collects the warnings of one run of the checks. When only is
// set, the other checks' warnings are dropped, and the costly parts of the
// variable checks (the "did you mean" search) are skipped for them.
type bkRunner struct {
	only string
	cur  bkWarning // context of the warning being reported
	out  []bkWarning
}

// wants reports whether the warnings of rule are collected.
func (r *bkRunner) wants(rule string) bool { return r.only == "" || r.only == rule }

// run reports one warning through a linter (which applies the check=
// settings) with its context.
func (r *bkRunner) run(l *linter.Linter, rule linter.LinterRuleI, ctx bkWarning, msg string, loc []parser.Range) {
	if !r.wants(rule.RuleName()) {
		return
	}
	r.cur = ctx
	l.Run(rule, loc, msg)
	r.cur = bkWarning{}
}

func bkAddReachable(s *bkState, seen map[*bkState]bool) {
	if seen[s] {
		return
	}
	seen[s] = true
	for _, d := range s.deps {
		bkAddReachable(d, seen)
	}
}

// bkCommandSources are the stage names or indexes a command reads from.
func bkCommandSources(cmd instructions.Command) []string {
	switch c := cmd.(type) {
	case *instructions.CopyCommand:
		if c.From != "" {
			return []string{c.From}
		}
	case *instructions.RunCommand:
		var out []string
		for _, m := range instructions.GetMounts(c) {
			if m != nil && m.From != "" {
				out = append(out, m.From)
			}
		}
		return out
	}
	return nil
}

func bkFindState(states []*bkState, byName map[string]*bkState, from string) *bkState {
	if i, err := strconv.Atoi(from); err == nil {
		if i >= 0 && i < len(states) {
			return states[i]
		}
		return nil
	}
	return byName[strings.ToLower(from)]
}

// bkDefaultArgs is dockerfile2llb's defaultArgs with a fixed build and
// target platform (linux/amd64): only build args override them. The values
// matter only for RedundantTargetPlatform (compared with themselves) and
// InvalidDefaultArgInFrom (any real platform gives a valid name).
func bkDefaultArgs(buildArgs map[string]*string, target string) *bkEnv {
	if target == "" {
		target = "default"
	}
	kv := [][2]string{
		{"BUILDPLATFORM", "linux/amd64"}, {"BUILDOS", "linux"}, {"BUILDOSVERSION", ""},
		{"BUILDARCH", "amd64"}, {"BUILDVARIANT", ""},
		{"TARGETPLATFORM", "linux/amd64"}, {"TARGETOS", "linux"}, {"TARGETOSVERSION", ""},
		{"TARGETARCH", "amd64"}, {"TARGETVARIANT", ""}, {"TARGETSTAGE", target},
	}
	env := newBKEnv()
	for _, p := range kv {
		v := p[1]
		if ov, ok := buildArgs[p[0]]; ok && ov != nil {
			v = *ov
		}
		env.set(p[0], v)
	}
	return env
}

// bkBuildMetaArgs is dockerfile2llb's buildMetaArgs: the ARGs before the
// first FROM, expanded in order, build args winning. declared holds every
// meta ARG name, with or without a value (outline.allArgs). A build arg
// named without a value (taken from the environment) counts as set to "".
func bkBuildMetaArgs(env *bkEnv, shlex *shell.Lex, argCmds []instructions.ArgCommand, buildArgs map[string]*string) (*bkEnv, map[string]bool, bool) {
	args := env.clone()
	declared := map[string]bool{}
	for _, cmd := range argCmds {
		for _, kp := range cmd.Args {
			declared[kp.Key] = true
			if v, ok := buildArgs[kp.Key]; ok {
				val := ""
				if v != nil {
					val = *v
				}
				args.set(kp.Key, val)
				continue
			}
			if kp.Value == nil {
				continue
			}
			res, err := shlex.ProcessWordWithMatches(*kp.Value, args)
			if err != nil {
				return args, declared, false
			}
			args.set(kp.Key, res.Result)
		}
	}
	return args, declared, true
}

// bkUnusedFromArgsCheckKeys is dockerfile2llb's unusedFromArgsCheckKeys.
func bkUnusedFromArgsCheckKeys(env *bkEnv, declared map[string]bool) []string {
	set := map[string]bool{}
	for k := range declared {
		set[k] = true
	}
	for _, k := range env.Keys() {
		set[k] = true
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys) // BuildKit ranges over a map; sorted is deterministic
	return keys
}

// bkReportUnusedFromArgs is validations.go reportUnusedFromArgs
// (UndefinedArgInFrom).
func bkReportUnusedFromArgs(argKeysOf func() []string, unmatched map[string]struct{}, loc []parser.Range, lint *linter.Linter, r *bkRunner, ctx bkWarning) {
	if len(unmatched) == 0 || !r.wants(linter.RuleUndefinedArgInFrom.Name) {
		return
	}
	argKeys := argKeysOf()
	known := map[string]bool{}
	for _, k := range argKeys {
		known[k] = true
	}
	for _, arg := range sortedKeys(unmatched) {
		if known[arg] {
			continue
		}
		match := bkSuggest(arg, argKeys)
		c := ctx
		c.Word = arg
		r.run(lint, &linter.RuleUndefinedArgInFrom, c, linter.RuleUndefinedArgInFrom.Format(arg, match), loc)
	}
}

// bkReportRedundantTargetPlatform is validations.go
// reportRedundantTargetPlatform.
func bkReportRedundantTargetPlatform(platformVar string, m shell.ProcessWordResult, loc []parser.Range, env *bkEnv, lint *linter.Linter, r *bkRunner, ctx bkWarning) {
	if len(m.Matched) != 1 || len(m.Unmatched) != 0 {
		return
	}
	if _, ok := m.Matched["TARGETPLATFORM"]; !ok {
		return
	}
	if v, _ := env.Get("TARGETPLATFORM"); m.Result == v {
		r.run(lint, &linter.RuleRedundantTargetPlatform, ctx, linter.RuleRedundantTargetPlatform.Format(platformVar), loc)
	}
}

// bkReportConstPlatformDisallowed is validations.go
// reportConstPlatformDisallowed.
func bkReportConstPlatformDisallowed(stageName string, m shell.ProcessWordResult, loc []parser.Range, lint *linter.Linter, r *bkRunner, ctx bkWarning) {
	if len(m.Matched) > 0 || len(m.Unmatched) > 0 {
		return
	}
	os, arch, ok := bkParsePlatform(m.Result)
	if !ok {
		return
	}
	if strings.Contains(stageName, os) || strings.Contains(stageName, arch) {
		return
	}
	c := ctx
	c.Word = m.Result
	r.run(lint, &linter.RuleFromPlatformFlagConstDisallowed, c, linter.RuleFromPlatformFlagConstDisallowed.Format(m.Result), loc)
}

// bkValidateStageNames is validations.go validateStageNames
// (ReservedStageName, DuplicateStageName).
func bkValidateStageNames(stages []*instructions.Stage, lint *linter.Linter, r *bkRunner) {
	names := map[string]*instructions.Stage{}
	for _, st := range stages {
		if st.Name == "" {
			continue
		}
		if st.Name == "context" || st.Name == bkEmptyImage {
			r.run(lint, &linter.RuleReservedStageName, bkWarning{Stage: st}, linter.RuleReservedStageName.Format(st.Name), st.Location)
		}
		if first, ok := names[st.Name]; ok {
			r.run(lint, &linter.RuleDuplicateStageName, bkWarning{Stage: st, Other: first.Location}, linter.RuleDuplicateStageName.Format(st.Name), st.Location)
		} else {
			names[st.Name] = st
		}
	}
}

// bkValidateCommandCasing is validations.go validateCommandCasing
// (ConsistentInstructionCasing). The ARGs before the first FROM are not
// counted, as in BuildKit.
func bkValidateCommandCasing(stages []*instructions.Stage, lint *linter.Linter, r *bkRunner) {
	consistent := func(s string) bool { return s == strings.ToLower(s) || s == strings.ToUpper(s) }
	lower, upper := 0, 0
	count := func(name string) {
		if consistent(name) {
			if strings.ToLower(name) == name {
				lower++
			} else {
				upper++
			}
		}
	}
	for _, st := range stages {
		count(st.OrigCmd)
		for _, cmd := range st.Commands {
			count(cmd.Name())
		}
	}
	majorityLower := lower > upper
	check := func(name string, ctx bkWarning, loc []parser.Range) {
		want := ""
		if majorityLower && strings.ToLower(name) != name {
			want = "lowercase"
		} else if !majorityLower && strings.ToUpper(name) != name {
			want = "uppercase"
		}
		if want != "" {
			ctx.Word = want
			r.run(lint, &linter.RuleConsistentInstructionCasing, ctx, linter.RuleConsistentInstructionCasing.Format(name, want), loc)
		}
	}
	for _, st := range stages {
		check(st.OrigCmd, bkWarning{Stage: st}, st.Location)
		for _, cmd := range st.Commands {
			check(cmd.Name(), bkWarning{Cmd: cmd}, cmd.Location())
		}
	}
}

// bkValidateBaseImagesWithDefaultArgs is validations.go
// validateBaseImagesWithDefaultArgs (InvalidDefaultArgInFrom): the base
// images must stay valid names when no build arg is given.
func bkValidateBaseImagesWithDefaultArgs(stages []*instructions.Stage, shlex *shell.Lex, env *bkEnv, argCmds []instructions.ArgCommand, lint *linter.Linter, r *bkRunner) {
	args, _, ok := bkBuildMetaArgs(env, shlex, argCmds, nil)
	if !ok {
		return
	}
	for _, st := range stages {
		m, err := shlex.ProcessWordWithMatches(st.BaseName, args)
		if err != nil {
			return
		}
		if _, err := reference.ParseNormalizedNamed(m.Result); err != nil {
			r.run(lint, &linter.RuleInvalidDefaultArgInFrom, bkWarning{Stage: st, Word: m.Result}, linter.RuleInvalidDefaultArgInFrom.Format(st.BaseName), st.Location)
		}
	}
}

// bkStageEnv is the environment a stage's instructions are expanded with
// (getEnv(d.state) in BuildKit), plus what envdoctor cannot know: the ENV
// of a registry image the stage starts from.
type bkStageEnv struct {
	*bkEnv
	external bool
	// fileArgs are the names the Dockerfile itself defines somewhere: the
	// ARGs before the first FROM, BuildKit's platform args, and every ARG
	// and ENV of every stage (see bkFileNames).
	fileArgs map[string]bool
}

// bkFileNames are the variable names the Dockerfile defines somewhere: the
// ARGs before the first FROM and BuildKit's platform args (known to FROM,
// but not in a stage that does not declare them again), and the names of
// every ARG and ENV in any stage. Using one of them where it is not defined
// is the Dockerfile's own mistake, whatever the base image sets.
func bkFileNames(d *project.Dockerfile, globalArgs *bkEnv, declared map[string]bool) map[string]bool {
	names := make(map[string]bool, len(declared)+len(globalArgs.Keys()))
	for k := range declared {
		names[k] = true
	}
	for _, k := range globalArgs.Keys() {
		names[k] = true
	}
	for _, st := range d.Stages {
		for _, cmd := range st.Commands {
			switch c := cmd.(type) {
			case *instructions.ArgCommand:
				for _, a := range c.Args {
					names[a.Key] = true
				}
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					names[kv.Key] = true
				}
			}
		}
	}
	return names
}

// bkDispatchStage dispatches one stage (dispatchStages and dispatch). It
// returns false when BuildKit would stop with an error.
func bkDispatchStage(d *project.Dockerfile, s *bkState, shlex *shell.Lex, globalArgs *bkEnv, fileArgs map[string]bool, runNodes map[int]*parser.Node, lint *linter.Linter, r *bkRunner) bool {
	if s.base != nil {
		// dispatchState.init: the state, image config, workdirSet and
		// build args of the base stage carry over.
		s.env = s.base.env.clone()
		s.external = s.base.external
		s.workdirSet = s.base.workdirSet
		s.shellSet = s.base.shellSet
		s.buildArgs = append([]string(nil), s.base.buildArgs...)
	} else {
		// A registry image's ENV is unknown; PATH is always set (except on
		// Windows, which envdoctor does not model).
		s.env = newBKEnv()
		s.env.set("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	}
	s.dispatched = true
	var cmdTracker, entrypointTracker, healthTracker []parser.Range
	// The lexer of the raw expansions (a lexer is costly to make).
	raw := shell.NewLex('\\')
	raw.SkipProcessQuotes = true

	for _, cmd := range s.stage.Commands {
		cl := lint.WithMergedConfigFromComments(cmd.Comments())
		env := bkStageEnv{bkEnv: s.env, external: s.external, fileArgs: fileArgs}
		own := bkOwnCopy(cmd, runNodes)
		if _, isArg := cmd.(*instructions.ArgCommand); !isArg {
			if ex, ok := own.(instructions.SupportsSingleWordExpansion); ok {
				for _, w := range bkWords(ex.Expand) {
					_, unmatched, err := shlex.ProcessWord(w, env.bkEnv)
					if err != nil {
						return false
					}
					bkReportUnmatched(cmd, s, env, unmatched, cl, r)
				}
			}
		}
		if ex, ok := own.(instructions.SupportsSingleWordExpansionRaw); ok {
			for _, w := range bkWords(ex.ExpandRaw) {
				_, unmatched, err := raw.ProcessWord(w, env.bkEnv)
				if err != nil {
					return false
				}
				bkReportUnmatched(cmd, s, env, unmatched, cl, r)
			}
		}

		switch c := cmd.(type) {
		case *instructions.EnvCommand:
			// Every pair is expanded with the environment from before the
			// instruction (ENV A=1 B=$A leaves B empty), then set.
			var set [][2]string
			for i, kv := range c.Env {
				if kv.NoDelim {
					r.run(cl, &linter.RuleLegacyKeyValueFormat, bkWarning{Cmd: c, Word: strconv.Itoa(i)}, linter.RuleLegacyKeyValueFormat.Format(c.Name()), c.Location())
				}
				k, _, _ := shlex.ProcessWord(kv.Key, env.bkEnv)
				v, _, _ := shlex.ProcessWord(kv.Value, env.bkEnv)
				set = append(set, [2]string{k, v})
			}
			for _, kv := range set {
				s.env.set(kv[0], kv[1])
			}
		case *instructions.LabelCommand:
			for i, kv := range c.Labels {
				if kv.NoDelim {
					r.run(cl, &linter.RuleLegacyKeyValueFormat, bkWarning{Cmd: c, Word: strconv.Itoa(i)}, linter.RuleLegacyKeyValueFormat.Format(c.Name()), c.Location())
				}
			}
		case *instructions.WorkdirCommand:
			if !s.workdirSet {
				path, unmatched, _ := shlex.ProcessWord(c.Path, env.bkEnv)
				// A relative result that depends on a variable the base
				// image may set is not reported: it may be absolute there.
				if !strings.HasPrefix(path, "/") && (!s.external || len(unmatched) == 0) {
					r.run(cl, &linter.RuleWorkdirRelativePath, bkWarning{Cmd: c, Word: path}, linter.RuleWorkdirRelativePath.Format(path), c.Location())
				}
			}
			s.workdirSet = true
		case *instructions.CmdCommand:
			bkValidateUsedOnce(c, &cmdTracker, cl, r)
			if c.PrependShell && !s.shellSet {
				r.run(cl, &linter.RuleJSONArgsRecommended, bkWarning{Cmd: c}, linter.RuleJSONArgsRecommended.Format(c.Name()), c.Location())
			}
		case *instructions.EntrypointCommand:
			bkValidateUsedOnce(c, &entrypointTracker, cl, r)
			if c.PrependShell && !s.shellSet {
				r.run(cl, &linter.RuleJSONArgsRecommended, bkWarning{Cmd: c}, linter.RuleJSONArgsRecommended.Format(c.Name()), c.Location())
			}
		case *instructions.HealthCheckCommand:
			bkValidateUsedOnce(c, &healthTracker, cl, r)
		case *instructions.ShellCommand:
			s.shellSet = true
		case *instructions.VolumeCommand:
			for _, v := range c.Volumes {
				if e, _, _ := shlex.ProcessWord(v, env.bkEnv); e == "" && (!s.external || !strings.Contains(v, "$")) {
					return false // "VOLUME specified can not be an empty string"
				}
			}
		case *instructions.ExposeCommand:
			for _, p := range c.Ports {
				res, err := shlex.ProcessWordWithMatches(p, env.bkEnv)
				if err != nil {
					return false
				}
				if s.external && len(res.Unmatched) > 0 {
					continue // the port may come from the base image's ENV
				}
				ports, err := shlex.ProcessWords(p, env.bkEnv)
				if err != nil {
					return false
				}
				for _, port := range ports {
					if !bkCheckPort(c, p, port, cl, r) {
						return false
					}
				}
			}
		case *instructions.ArgCommand:
			bkDispatchArg(c, s, shlex, env, globalArgs, d.BuildArgs, cl, r)
		}
	}
	return true
}

// bkOwnCopy returns a copy of cmd that bkWords may expand: BuildKit's
// Expand writes the expanded words back into the command (the same words,
// with bkWords' expander), and the parsed Dockerfile is shared by rules
// that may run at once. The slices Expand writes into are copied; a RUN,
// whose mounts Expand parses into state the copy would share, is parsed
// again from its node. It returns cmd itself for the commands Expand does
// not change, and nil when a RUN cannot be parsed again.
func bkOwnCopy(cmd instructions.Command, runNodes map[int]*parser.Node) instructions.Command {
	switch c := cmd.(type) {
	case *instructions.EnvCommand:
		cp := *c
		cp.Env = append(instructions.KeyValuePairs(nil), c.Env...)
		return &cp
	case *instructions.LabelCommand:
		cp := *c
		cp.Labels = append(instructions.KeyValuePairs(nil), c.Labels...)
		return &cp
	case *instructions.AddCommand:
		cp := *c
		cp.SourcePaths = append([]string(nil), c.SourcePaths...)
		cp.SourceContents = append([]instructions.SourceContent(nil), c.SourceContents...)
		return &cp
	case *instructions.CopyCommand:
		cp := *c
		cp.SourcePaths = append([]string(nil), c.SourcePaths...)
		cp.SourceContents = append([]instructions.SourceContent(nil), c.SourceContents...)
		return &cp
	case *instructions.WorkdirCommand:
		cp := *c
		return &cp
	case *instructions.UserCommand:
		cp := *c
		return &cp
	case *instructions.StopSignalCommand:
		cp := *c
		return &cp
	case *instructions.VolumeCommand:
		cp := *c
		cp.Volumes = append([]string(nil), c.Volumes...)
		return &cp
	case *instructions.ArgCommand:
		return c // not expanded: dispatchArg reads it
	case *instructions.RunCommand:
		if !slices.Contains(c.FlagsUsed, "mount") {
			return nil // Expand only reads the --mount flags
		}
		start, _ := bkInstructionLines(c.Location())
		node := runNodes[start]
		if node == nil {
			return nil
		}
		fresh, err := instructions.ParseCommand(node)
		if err != nil {
			return nil
		}
		return fresh
	}
	if _, ok := cmd.(instructions.SupportsSingleWordExpansion); ok {
		return nil // a command type this list does not know yet: skip it
	}
	if _, ok := cmd.(instructions.SupportsSingleWordExpansionRaw); ok {
		return nil
	}
	return cmd
}

// bkRunNodes maps the first line of each RUN instruction to its node.
func bkRunNodes(d *project.Dockerfile) map[int]*parser.Node {
	out := map[int]*parser.Node{}
	if d.AST == nil || d.AST.AST == nil {
		return out
	}
	for _, n := range d.AST.AST.Children {
		if strings.EqualFold(n.Value, "run") {
			out[n.StartLine] = n
		}
	}
	return out
}

// bkWords calls Expand (or ExpandRaw) of a command (a copy: bkOwnCopy)
// with an expander that records each word and gives it back unchanged:
// BuildKit's own code decides which words are expanded.
func bkWords(expand func(instructions.SingleWordExpander) error) []string {
	var words []string
	_ = expand(func(w string) (string, error) {
		words = append(words, w)
		return w, nil
	})
	return words
}

// bkReportUnmatched is validations.go reportUnmatchedVariables
// (UndefinedVar), with envdoctor's policy for stages built on a registry
// image, whose ENV it cannot see: a variable is reported there only when
// BuildKit would almost surely report it too, that is when the Dockerfile
// defines that name elsewhere (an ARG before the first FROM that the stage
// does not declare again, the classic mistake; an ENV or ARG further down
// or in another stage; ENV A=1 B=$A) or when it is a near miss of a
// defined name (a typo, with BuildKit's "did you mean").
func bkReportUnmatched(cmd instructions.Command, s *bkState, env bkStageEnv, unmatched map[string]struct{}, lint *linter.Linter, r *bkRunner) {
	if len(unmatched) == 0 || !r.wants(linter.RuleUndefinedVar.Name) {
		return
	}
	for _, k := range s.buildArgs {
		delete(unmatched, k)
	}
	for _, v := range sortedKeys(unmatched) {
		if bkNonEnvArgs[v] {
			continue
		}
		match := env.suggest(v)
		if env.external && match == "" && !env.fileArgs[v] {
			continue
		}
		r.run(lint, &linter.RuleUndefinedVar, bkWarning{Cmd: cmd, Word: v}, linter.RuleUndefinedVar.Format(v, match), cmd.Location())
	}
}

// bkDispatchArg is convert.go dispatchArg.
func bkDispatchArg(c *instructions.ArgCommand, s *bkState, shlex *shell.Lex, env bkStageEnv, globalArgs *bkEnv, buildArgs map[string]*string, lint *linter.Linter, r *bkRunner) {
	for _, arg := range c.Args {
		bv, hasValue := buildArgs[arg.Key]
		var value *string
		if arg.Value != nil {
			v := *arg.Value
			value = &v
		}
		if value == nil && !hasValue {
			if v, ok := globalArgs.Get(arg.Key); ok {
				value = &v
			}
		}
		switch {
		case hasValue:
			v := ""
			if bv != nil {
				v = *bv
			}
			value = &v
		case arg.Value != nil:
			v, unmatched, _ := shlex.ProcessWord(*arg.Value, env.bkEnv)
			bkReportUnmatched(c, s, env, unmatched, lint, r)
			value = &v
		}
		if value != nil && !bkNonEnvArgs[arg.Key] {
			s.env.set(arg.Key, *value)
		}
		s.buildArgs = append(s.buildArgs, arg.Key)
	}
}

// bkValidateUsedOnce is validations.go validateUsedOnce
// (MultipleInstructionsDisallowed): the earlier instruction is reported,
// because it is the one that is ignored.
func bkValidateUsedOnce(c instructions.Command, prev *[]parser.Range, lint *linter.Linter, r *bkRunner) {
	if *prev != nil {
		r.run(lint, &linter.RuleMultipleInstructionsDisallowed, bkWarning{Cmd: c, Other: c.Location()}, linter.RuleMultipleInstructionsDisallowed.Format(c.Name()), *prev)
	}
	*prev = c.Location()
}

// bkCheckPort is convert_expose.go parsePort's lint part (ExposeProtoCasing,
// ExposeInvalidFormat). raw is the word as written, port the expanded one.
// It returns false for a port BuildKit rejects (the build fails there).
func bkCheckPort(c *instructions.ExposeCommand, raw, port string, lint *linter.Linter, r *bkRunner) bool {
	ip, hostPort, containerPort := bkSplitPortParts(port)
	p, proto, _ := strings.Cut(containerPort, "/")
	if p == "" {
		return false
	}
	switch strings.ToLower(proto) {
	case "", "tcp", "udp", "sctp":
	default:
		return false
	}
	ctx := bkWarning{Cmd: c, Word: raw}
	if proto != strings.ToLower(proto) {
		r.run(lint, &linter.RuleExposeProtoCasing, ctx, linter.RuleExposeProtoCasing.Format(port), c.Location())
	}
	if ip != "" || hostPort != "" {
		r.run(lint, &linter.RuleExposeInvalidFormat, ctx, linter.RuleExposeInvalidFormat.Format(port), c.Location())
	}
	return true
}

// bkSplitPortParts is convert_expose.go splitParts.
func bkSplitPortParts(raw string) (hostIP, hostPort, containerPort string) {
	parts := strings.Split(raw, ":")
	switch len(parts) {
	case 1:
		return "", "", parts[0]
	case 2:
		return "", parts[0], parts[1]
	case 3:
		return parts[0], parts[1], parts[2]
	default:
		n := len(parts)
		return strings.Join(parts[:n-2], ":"), parts[n-2], parts[n-1]
	}
}

func sortedKeys(m map[string]struct{}) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// bkSuggest is BuildKit's suggest.Search(val, options, true) (the "did you
// mean" of UndefinedVar and UndefinedArgInFrom: the first option at the
// smallest edit distance below 3) without computing the distance to
// options whose length alone puts them 3 or more edits away, so a huge
// Dockerfile stays fast. The result is the same.
func bkSuggest(val string, options []string) string {
	n := utf8.RuneCountInString(val)
	near := make([]string, 0, 8)
	for _, o := range options {
		if d := utf8.RuneCountInString(o) - n; d > -3 && d < 3 {
			near = append(near, o)
		}
	}
	match, _ := suggest.Search(val, near, true)
	return match
}

// bkNearIndexMin is the number of keys from which suggest uses an index:
// a stage with thousands of ENV lines and as many undefined variables
// would otherwise compare every pair.
const bkNearIndexMin = 64

// suggest is bkSuggest(val, e.Keys()), the same answer found through an
// index of the keys' deletion neighbourhoods when there are many: two
// strings within edit distance 2 have a common string that each gives
// with at most 2 deletions, so the keys sharing one of val's deletion
// strings are all those suggest.Search could pick, and they are searched
// in the keys' order.
func (e *bkEnv) suggest(val string) string {
	if len(e.keys) < bkNearIndexMin {
		return bkSuggest(val, e.keys)
	}
	if _, ok := e.vals[val]; ok {
		return "" // suggest.Search: an exact match means no suggestion
	}
	if e.near == nil {
		e.near = &bkNearIndex{m: map[string][]int{}}
	}
	for ; e.near.n < len(e.keys); e.near.n++ {
		for _, d := range bkDeletions(e.keys[e.near.n]) {
			e.near.m[d] = append(e.near.m[d], e.near.n)
		}
	}
	seen := map[int]bool{}
	var idx []int
	for _, d := range bkDeletions(val) {
		for _, i := range e.near.m[d] {
			if !seen[i] {
				seen[i] = true
				idx = append(idx, i)
			}
		}
	}
	sort.Ints(idx)
	near := make([]string, len(idx))
	for j, i := range idx {
		near[j] = e.keys[i]
	}
	return bkSuggest(val, near)
}

// bkNearIndex maps each string obtained from a key by at most two rune
// deletions to the positions of the keys giving it; n keys are indexed.
type bkNearIndex struct {
	m map[string][]int
	n int
}

// bkDeletions returns s and every distinct string made from it by
// deleting one or two runes.
func bkDeletions(s string) []string {
	r := []rune(s)
	seen := map[string]bool{s: true}
	out := []string{s}
	add := func(x string) {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	for i := range r {
		one := append(append([]rune{}, r[:i]...), r[i+1:]...)
		add(string(one))
		for j := i; j < len(one); j++ {
			add(string(append(append([]rune{}, one[:j]...), one[j+1:]...)))
		}
	}
	return out
}
