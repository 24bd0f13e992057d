package project

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/dotenv"
	composeloader "github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/sirupsen/logrus"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/safefs"
)

// ShellEnvironment is how the shell environment is named among EnvSources.
const ShellEnvironment = "shell environment"

// loadCompose reads the compose files, the env files compose interpolates
// with, and lets compose-go load the model; then it locates every variable
// compose leaves unset, and every build.
func (l *loader) loadCompose(ctx context.Context, files []string, shell map[string]string) error {
	c := &Compose{Environment: map[string]string{}}
	l.p.Compose = c
	for i, abs := range files {
		cf := &ComposeFile{Path: l.rel(abs), Override: i > 0}
		src, err := l.readSource(abs)
		if err != nil {
			c.LoadErrors = append(c.LoadErrors, SyntaxError{Range: rangeOfFile(cf.Path), Message: fmt.Sprintf("cannot read compose file: %v", err), Fix: safefs.FixOf(err)})
		} else {
			cf.Source = src
			root, perr := parseYAML(src)
			if perr != nil {
				c.LoadErrors = append(c.LoadErrors, *perr)
			}
			cf.Root = root
		}
		c.Files = append(c.Files, cf)
	}

	envFiles, err := l.interpolationEnvFiles(shell)
	if err != nil {
		return err
	}
	c.Environment, c.FileValues, c.EnvSources = l.environment(shell, envFiles)
	c.Shell = shell

	// A compose file that is not YAML stops compose-go; the others are still
	// indexed for the rules, but the model needs them all.
	yamlOK := true
	for _, cf := range c.Files {
		if cf.Root == nil {
			yamlOK = false
		} else if deep := depthError(cf); deep != nil {
			c.LoadErrors = append(c.LoadErrors, *deep)
			yamlOK = false
		} else if dollars := dollarError(cf); dollars != nil {
			c.LoadErrors = append(c.LoadErrors, *dollars)
			yamlOK = false
		}
	}
	recorder := &unsetRecorder{}
	c.recorded = recorder
	if yamlOK {
		model, errs := l.composeModel(ctx, files, c.Environment, recorder)
		c.Model = model
		c.LoadErrors = append(c.LoadErrors, errs...)
	}
	l.indexIncludes(c)
	c.Unset = l.locateUnset(c)
	if c.Model != nil {
		l.p.Name = c.Model.Name
		c.Profiles = c.Model.Profiles
		l.loadServiceEnvFiles(c.Model)
		l.statServicePaths(c)
		l.loadBuilds(c)
	} else {
		l.p.Name = composeloader.NormalizeProjectName(filepath.Base(l.root))
		l.lintBuildsWithoutModel(c) // the Dockerfiles are still linted
	}
	return nil
}

// interpolationEnvFiles are the --env-file files, or the project's .env, as
// docker compose picks them (COMPOSE_DISABLE_ENV_FILE turns .env off).
func (l *loader) interpolationEnvFiles(shell map[string]string) ([]*EnvFile, error) {
	var out []*EnvFile
	if len(l.opt.EnvFiles) > 0 {
		for _, f := range l.opt.EnvFiles {
			abs := absPath(l.opt.WorkingDir, f)
			src, err := l.readSource(abs)
			if err != nil {
				return nil, loadErrorf("%s (from --env-file): %v", f, err)
			}
			ef := ParseEnvFile(src, RoleEnvFileFlag)
			l.p.EnvFiles = append(l.p.EnvFiles, ef)
			out = append(out, ef)
		}
		return out, nil
	}
	if v, err := strconv.ParseBool(shell["COMPOSE_DISABLE_ENV_FILE"]); err == nil && v {
		return nil, nil
	}
	abs := filepath.Join(l.root, ".env")
	if fi, err := os.Stat(abs); err != nil && errors.Is(err, fs.ErrNotExist) || err == nil && fi.IsDir() {
		return nil, nil // no .env: compose reads nothing
	}
	src, err := l.readSource(abs)
	if err != nil {
		// docker compose fails here (or blocks, on a named pipe); we say
		// why and go on without it.
		l.p.Unread = append(l.p.Unread, fmt.Sprintf(".env: %v: its variables were not used", err))
		return nil, nil
	}
	ef := ParseEnvFile(src, RoleDotEnv)
	l.p.EnvFiles = append(l.p.EnvFiles, ef)
	return append(out, ef), nil
}

// environment merges the shell environment with the env files exactly as
// compose does: later env files override earlier ones, values may refer to
// variables already known, and the shell always wins.
func (l *loader) environment(shell map[string]string, files []*EnvFile) (env, fromFiles map[string]string, sources []string) {
	env = make(map[string]string, len(shell))
	for k, v := range shell {
		env[k] = v
	}
	sources = []string{ShellEnvironment}
	fromFiles = map[string]string{}
	for _, ef := range files {
		sources = append(sources, ef.Path)
		lookup := func(k string) (string, bool) {
			if v, ok := shell[k]; ok {
				return v, true
			}
			v, ok := fromFiles[k]
			return v, ok
		}
		data := ef.Source.Data
		if ef.Error != nil {
			// Compose would stop; keep what precedes the bad line.
			data = data[:max(0, ef.Source.Offset(finding.Pos{Line: ef.Error.Range.Start.Line, Col: 1}))]
		}
		var vals map[string]string
		var err error
		quietly(func() { vals, err = dotenv.ParseWithLookup(bytes.NewReader(data), lookup) })
		if err != nil {
			continue
		}
		for k, v := range vals {
			fromFiles[k] = v
		}
	}
	for k, v := range fromFiles {
		if _, set := env[k]; !set {
			env[k] = v
		}
	}
	return env, fromFiles, sources
}

// unsetRecorder collects what compose-go's own substitution leaves unset.
type unsetRecorder struct {
	mu       sync.Mutex
	names    map[string]bool
	required map[string]string
}

func (r *unsetRecorder) record(name string, required bool, reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.names == nil {
		r.names, r.required = map[string]bool{}, map[string]string{}
	}
	r.names[name] = true
	if required {
		r.required[name] = reason
	}
}

// substitute is compose-go's substitution with a spy: a plain variable that
// is not set, or a required one (${X:?e}) that is missing, is recorded, and a
// missing required variable does not stop the load.
func (r *unsetRecorder) substitute(value string, mapping template.Mapping) (string, error) {
	return template.SubstituteWithOptions(value, mapping, template.WithoutLogging,
		template.WithReplacementFunction(func(sub string, m template.Mapping, cfg *template.Config) (string, error) {
			var last string
			spy := func(k string) (string, bool) { last = k; return m(k) }
			v, applied, err := template.DefaultReplacementAppliedFunc(sub, spy, cfg)
			var missing *template.MissingRequiredError
			if errors.As(err, &missing) {
				r.record(missing.Variable, true, missing.Reason)
				return "", nil
			}
			if err == nil && !applied && last != "" {
				r.record(last, false, "")
			}
			return v, err
		}))
}

var logMu sync.Mutex

var notSetWarning = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^The "([^"]+)" variable is not set\.`) })

// Levels and Fire make the recorder a logrus hook for compose-go's warning
// "The "X" variable is not set. Defaulting to a blank string."
func (r *unsetRecorder) Levels() []logrus.Level { return []logrus.Level{logrus.WarnLevel} }

// Fire records the variable named by a not-set warning.
func (r *unsetRecorder) Fire(e *logrus.Entry) error {
	if m := notSetWarning().FindStringSubmatch(e.Message); m != nil {
		r.record(m[1], false, "")
	}
	return nil
}

// composeModel loads the project with compose-go. The consistency check is
// skipped (rules report those problems, all of them); remote includes are
// never fetched. Validation runs first, in validateCompose, so compose-go's
// own (its JSON schema compiled per process) is skipped.
func (l *loader) composeModel(ctx context.Context, files []string, env map[string]string, rec *unsetRecorder) (*types.Project, []SyntaxError) {
	environ := make([]string, 0, len(env))
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	loadOptions := func(o *composeloader.Options) {
		// LoadConfigFiles applies these options before ToOptions sets
		// up interpolation; only the second application matters.
		if o.Interpolate != nil {
			o.Interpolate.Substitute = rec.substitute
			o.Interpolate.TypeCastMapping = l.prunedCasts(o.Interpolate.TypeCastMapping)
		}
		o.SkipConsistencyCheck = true
		o.SkipValidation = !l.opt.composeGoValidation // validateCompose does it
		// env_file and label_file are resolved below, so that a bad or
		// missing file (EN000, CP012) does not cost the whole model.
		o.SkipResolveEnvironment = true
		o.SkipResolveLabels = true
	}
	opts := []cli.ProjectOptionsFn{
		cli.WithWorkingDirectory(l.root),
		cli.WithEnv(environ),
		cli.WithResourceLoader(remoteRefusingLoader{}),
		cli.WithDefaultProfiles(l.opt.Profiles...),
		cli.WithLoadOptions(loadOptions),
	}
	if l.opt.ProjectName != "" {
		opts = append(opts, cli.WithName(l.opt.ProjectName))
	} else if n := env["COMPOSE_PROJECT_NAME"]; n != "" {
		opts = append(opts, cli.WithName(n))
	}
	po, err := cli.NewProjectOptions(files, opts...)
	if err != nil {
		return nil, []SyntaxError{l.composeError(err)}
	}
	po.WithListeners(func(event string, md map[string]any) {
		if event != "include" {
			return
		}
		// A copy: compose-go overwrites the list with the loaded paths.
		paths, _ := md["path"].(types.StringList)
		paths = append(types.StringList(nil), paths...)
		wd, _ := md["workingdir"].(string)
		l.includes = append(l.includes, includeRef{paths: paths, workingDir: wd})
	})
	// compose-go logs warnings through logrus' global logger; silence it
	// for the duration of the load (the rules report those problems).
	// Nested defaults (${A:-${B}}) are substituted again by compose-go
	// without our hook; its warning for them is recorded from the log.
	logMu.Lock()
	std := logrus.StandardLogger()
	prev := std.Out
	std.SetOutput(io.Discard)
	prevHooks := std.ReplaceHooks(logrus.LevelHooks{})
	std.AddHook(rec)
	var model *types.Project
	var stop *SyntaxError
	if !l.opt.composeGoValidation {
		var valid *validated
		stop, valid = l.validateCompose(ctx, files, env, rec)
		if valid != nil && !l.opt.composeGoModel {
			// The validation phase has done compose-go's work up to the
			// merged model: finish it rather than load it all again.
			model = l.finishModel(valid, files, po.Environment, loadOptions)
			l.p.Compose.finished = model != nil
		}
	}
	if stop == nil && model == nil {
		model, err = po.LoadProject(ctx)
	}
	std.ReplaceHooks(prevHooks)
	std.SetOutput(prev)
	logMu.Unlock()
	if stop != nil {
		return nil, []SyntaxError{*stop}
	}
	if err != nil {
		return nil, []SyntaxError{l.composeError(err)}
	}
	return l.resolveServiceFiles(model), nil
}

// remoteRefusingLoader claims git and OCI includes so compose-go neither
// fetches them nor reads them as local paths: each one loads as an empty
// file, so the rest of the project is still checked (CP017 says what was
// skipped).
type remoteRefusingLoader struct{}

func (remoteRefusingLoader) Accept(p string) bool { return IsRemoteResource(p) }
func (remoteRefusingLoader) Load(_ context.Context, _ string) (string, error) {
	return os.DevNull, nil
}
func (remoteRefusingLoader) Dir(p string) string { return p }

// IsRemoteResource reports whether a compose include or build context is a
// git repository, an OCI artifact or a URL rather than a local path.
func IsRemoteResource(p string) bool {
	lower := strings.ToLower(p)
	for _, prefix := range []string{"oci://", "git://", "git@", "http://", "https://", "ssh://", "github.com/"} {
		if strings.HasPrefix(lower, prefix) {
			return true
		}
	}
	return strings.HasSuffix(lower, ".git") || strings.Contains(lower, ".git#")
}

var (
	yamlLineRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:yaml: )?line (\d+)(?::(\d+))?: `) })
	errPathRe  = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^((?:services|networks|volumes|secrets|configs|include|name|version|x-[^.\s]+)(?:\.[^\s:]+)*)`)
	})
	absPrefixRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?:validating |parsing |compose file )?"?(/[^\s":]+\.ya?ml)"?:? ?`)
	})
)

// composeError turns a compose-go error into a located syntax error: a YAML
// line, or a "services.app.ports.0 ..." path looked up in the node index.
func (l *loader) composeError(err error) SyntaxError {
	if se, ok := l.refineComposeError(err); ok {
		return se
	}
	msg := err.Error()
	file := ""
	if m := absPrefixRe().FindStringSubmatch(msg); m != nil {
		file = l.rel(m[1])
		msg = strings.Replace(msg, m[0], "", 1)
	}
	msg = strings.ReplaceAll(msg, l.root+string(filepath.Separator), "")
	if strings.Contains(msg, " in "+os.DevNull+":") {
		// remoteRefusingLoader's stand-in for a remote extends file.
		msg = "extends names a remote file, which envdoctor does not fetch (it never touches the network): " + msg
	}
	files := l.p.Compose.Files
	if file == "" && len(files) > 0 {
		file = files[0].Path
	}
	r := rangeOfFile(file)
	if m := yamlLineRe().FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		r.Start = finding.Pos{Line: line, Col: 1}
		r.End = r.Start
		if src := l.p.Sources[file]; src != nil {
			r = src.LineRange(line)
		}
	} else if m := errPathRe().FindStringSubmatch(msg); m != nil {
		path := strings.Split(m[1], ".")
		for _, cf := range files {
			if cf.Path != file && file != "" && cf.Path != "" {
				continue
			}
			for n := len(path); n > 0; n-- {
				if v, k := cf.Lookup(path[:n]...); v != nil {
					at := v
					if k != nil {
						at = k
					}
					r = NodeRange(cf.Source, at)
					break
				}
			}
		}
	}
	if m := falseSchemaRe().FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("%s: unknown key %q (not in the Compose Specification)", m[1], m[2])
	}
	return SyntaxError{Range: r, Message: strings.TrimSpace(msg)}
}

// falseSchemaRe matches compose-go's message for a key the schema forbids.
var falseSchemaRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\S+)\.([^.\s]+) false schema$`) })

// parseYAML parses the first YAML document of a compose file into nodes.
func parseYAML(src *Source) (*yaml.Node, *SyntaxError) {
	dec := yaml.NewDecoder(bytes.NewReader(src.Data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{Kind: yaml.DocumentNode}, nil
		}
		r := rangeOfFile(src.Path)
		msg := err.Error()
		if m := yamlLineRe().FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			r = src.LineRange(line)
			if m[2] != "" {
				col, _ := strconv.Atoi(m[2])
				r.Start.Col = col
			}
			msg = strings.Replace(msg, m[0], "", 1)
		}
		msg = strings.TrimPrefix(msg, "yaml: ")
		if at, ok := badByte(src.Data, msg); ok {
			// The YAML reader names no position for these.
			r = finding.Range{File: src.Path, Start: src.Pos(at), End: src.Pos(at + 1)}
		}
		return nil, &SyntaxError{Range: r, Message: "invalid YAML: " + msg}
	}
	return &doc, nil
}

// badByte finds the byte a YAML reader error is about, which the reader
// does not locate: the first control character, or the first byte that is
// not UTF-8.
func badByte(data []byte, msg string) (int, bool) {
	switch {
	case strings.Contains(msg, "control characters are not allowed"):
		for i, b := range data {
			if b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f {
				return i, true
			}
		}
	case strings.Contains(msg, "UTF-8"):
		for i := 0; i < len(data); {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				return i, true
			}
			i += size
		}
	}
	return 0, false
}

// includeRef is one top-level include entry as compose-go reported it.
type includeRef struct {
	paths      []string
	workingDir string
}

// indexIncludes reads the local files of top-level includes into the YAML
// index, so findings in them have positions too. Each is interpolated with
// the parent's environment plus its own project directory's .env, as
// compose does (the parent's values win).
func (l *loader) indexIncludes(c *Compose) {
	seen := map[string]bool{}
	for _, cf := range c.Files {
		seen[cf.Path] = true
	}
	for _, inc := range l.includes {
		for i, p := range inc.paths {
			if IsRemoteResource(p) {
				continue
			}
			abs := absPath(inc.workingDir, p)
			cf := &ComposeFile{Path: l.rel(abs), Included: true, Override: i > 0}
			if seen[cf.Path] {
				continue
			}
			seen[cf.Path] = true
			src, err := l.readSource(abs)
			if err != nil {
				continue // compose-go's own error is already a CP000
			}
			cf.Source = src
			root, perr := parseYAML(src)
			if perr != nil {
				c.LoadErrors = append(c.LoadErrors, *perr)
			}
			cf.Root = root
			dir := filepath.Dir(absPath(inc.workingDir, inc.paths[0]))
			var read bool
			cf.Env, read = l.includeEnv(c.Environment, dir)
			cf.EnvSources = append([]string(nil), c.EnvSources...)
			if read {
				cf.EnvSources = append(cf.EnvSources, l.rel(filepath.Join(dir, ".env")))
			}
			c.Files = append(c.Files, cf)
		}
	}
}

// includeEnv is the parent's environment plus the include directory's .env
// (read reports whether there was one).
func (l *loader) includeEnv(parent map[string]string, dir string) (env map[string]string, read bool) {
	env = make(map[string]string, len(parent))
	for k, v := range parent {
		env[k] = v
	}
	data, err := l.readFile(filepath.Join(dir, ".env"))
	if err != nil {
		return env, false
	}
	var vals map[string]string
	quietly(func() {
		vals, err = dotenv.ParseWithLookup(bytes.NewReader(data), func(k string) (string, bool) {
			v, ok := parent[k]
			return v, ok
		})
	})
	if err != nil {
		return env, false
	}
	for k, v := range vals {
		if _, set := env[k]; !set {
			env[k] = v
		}
	}
	return env, true
}

// locateUnset finds, in every compose file, the references compose leaves
// without a value, at their exact span.
func (l *loader) locateUnset(c *Compose) []UnsetVariable {
	var out []UnsetVariable
	for _, cf := range c.Files {
		if cf.Root == nil {
			continue
		}
		WalkScalars(cf.Root, func(n *yaml.Node) {
			located := ScalarRefs(cf.Source, n)
			if len(located) == 0 {
				return
			}
			env := c.Environment
			if cf.Env != nil {
				env = cf.Env
			}
			missing := MissingRefs(ScanVarRefs(n.Value), env)
			for _, m := range missing {
				for _, lr := range located {
					if lr.Ref.Start == m.Start && lr.Ref.End == m.End {
						out = append(out, UnsetVariable{
							Name:     m.Name,
							Required: m.Op == ":?" || m.Op == "?",
							Reason:   strings.TrimSpace(m.Arg),
							Empty:    isSetEmpty(c.Environment, m.Name),
							Range:    lr.Range,
						})
						break
					}
				}
			}
		})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Range.File != out[j].Range.File {
			return out[i].Range.File < out[j].Range.File
		}
		return out[i].Range.Start.Before(out[j].Range.Start)
	})
	return out
}

// blockIndent is the indentation of a block scalar's first non-blank line.
func blockIndent(src *Source, from int) int {
	for n := from; n <= src.LineCount(); n++ {
		line := src.Line(n)
		if strings.TrimSpace(line) == "" {
			continue
		}
		return len(line) - len(strings.TrimLeft(line, " "))
	}
	return 0
}

func isSetEmpty(env map[string]string, name string) bool {
	v, ok := env[name]
	return ok && v == ""
}

// loadServiceEnvFiles reads every env_file of the services.
func (l *loader) loadServiceEnvFiles(model *types.Project) {
	byPath := map[string]*EnvFile{}
	for _, name := range sortedServiceNames(model) {
		svc := model.Services[name]
		for _, e := range svc.EnvFiles {
			abs := absPath(l.root, e.Path)
			rel := l.rel(abs)
			if ef, ok := byPath[rel]; ok {
				ef.Services = append(ef.Services, name)
				continue
			}
			src, err := l.readSource(abs)
			if err != nil {
				// CP012 reports a missing env_file from the model.
				l.unread(fmt.Sprintf("env_file %s of service %q", l.display(abs), name), err)
				continue
			}
			ef := ParseEnvFile(src, RoleServiceEnvFile)
			for _, existing := range l.p.EnvFiles {
				if existing.Path == rel {
					ef = existing
				}
			}
			ef.Services = append(ef.Services, name)
			byPath[rel] = ef
			if ef.Role == RoleServiceEnvFile {
				l.p.EnvFiles = append(l.p.EnvFiles, ef)
			}
		}
	}
}

func sortedServiceNames(model *types.Project) []string {
	names := make([]string, 0, len(model.Services))
	for n := range model.Services {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// loadBuilds records every build context with its Dockerfile (or
// dockerfile_inline) and build args: of the active services, and of those
// the active profiles leave out (their Dockerfiles are in the repository
// and are linted all the same).
func (l *loader) loadBuilds(c *Compose) {
	services := map[string]types.ServiceConfig{}
	for name, svc := range c.Model.DisabledServices {
		services[name] = svc
	}
	for name, svc := range c.Model.Services {
		services[name] = svc
	}
	l.loadBuildsOf(c, services)
}

// loadBuildsOf records the builds of the given services. The Dockerfiles
// are read and parsed on all CPUs (forEach), each once however many
// services build from it; the contexts, the Dockerfiles and the sources
// are then recorded in the order of the services' names, as one by one.
func (l *loader) loadBuildsOf(c *Compose, services map[string]types.ServiceConfig) {
	names := make([]string, 0, len(services))
	for n := range services {
		names = append(names, n)
	}
	sort.Strings(names)
	shared := map[string]*Dockerfile{}
	for _, df := range l.p.Dockerfiles {
		if !df.Inline {
			shared[df.Path] = df
		}
	}
	// The builds in order, and the Dockerfiles to read: each build names
	// its Dockerfile (df, already known or inline) or a read (job).
	type build struct {
		name string
		b    *types.BuildConfig
		ctx  *BuildContext
		df   *Dockerfile
		job  int // index in reads, -1 when df is set
	}
	var builds []build
	var reads []dockerfileRead
	byRel := map[string]int{}
	for _, name := range names {
		svc := services[name]
		if svc.Build == nil {
			continue
		}
		b := svc.Build
		ctx := &BuildContext{Service: name}
		if IsRemoteResource(b.Context) {
			ctx.Remote = b.Context
			builds = append(builds, build{name: name, ctx: ctx, job: -1})
			continue
		}
		ctxAbs := absPath(l.root, b.Context)
		ctx.Dir = l.rel(ctxAbs)
		bd := build{name: name, b: b, ctx: ctx, job: -1}
		if b.DockerfileInline != "" {
			bd.df = l.inlineDockerfile(c, name, b.DockerfileInline)
		} else {
			dockerfile := b.Dockerfile
			if dockerfile == "" {
				dockerfile = "Dockerfile"
			}
			dfAbs := absPath(ctxAbs, dockerfile)
			rel := l.rel(dfAbs)
			// Two services built from the same Dockerfile share it.
			if df := shared[rel]; df != nil {
				bd.df = df
			} else if j, ok := byRel[rel]; ok {
				bd.job = j
			} else {
				bd.job = len(reads)
				byRel[rel] = bd.job
				reads = append(reads, dockerfileRead{abs: dfAbs, rel: rel, src: l.p.Sources[rel]})
			}
		}
		builds = append(builds, bd)
	}
	forEach(len(reads), func(i int) { reads[i].run(l) })
	for _, bd := range builds {
		ctx := bd.ctx
		if ctx.Remote != "" {
			l.p.Contexts = append(l.p.Contexts, ctx)
			continue
		}
		df := bd.df
		switch {
		case df != nil && df.Inline:
			df.Context = ctx
			ctx.Dockerfile = df
			l.p.Dockerfiles = append(l.p.Dockerfiles, df)
		case df != nil:
			ctx.Dockerfile = df
		default:
			r := &reads[bd.job]
			df = r.df
			if r.recorded {
				ctx.Dockerfile = df
			} else {
				// The first build of this Dockerfile records it, as
				// loadDockerfile does.
				r.recorded = true
				if r.read != nil {
					l.p.Sources[r.rel] = r.read
				}
				df.Context = ctx
				ctx.Dockerfile = df
				l.p.Dockerfiles = append(l.p.Dockerfiles, df)
			}
		}
		df.Services = append(df.Services, bd.name)
		b := bd.b
		if df.BuildArgs == nil && len(b.Args) > 0 {
			df.BuildArgs = map[string]*string{}
			for k, v := range b.Args {
				df.BuildArgs[k] = v
			}
		}
		if df.Target == "" {
			df.Target = b.Target
		}
		l.p.Contexts = append(l.p.Contexts, ctx)
	}
}

// dockerfileRead is one Dockerfile of loadBuildsOf to read and parse.
type dockerfileRead struct {
	abs, rel string
	src      *Source // already among the sources (nil: read it)
	// Results: the parsed file, and the source read (to record).
	df       *Dockerfile
	read     *Source
	recorded bool
}

// run reads and parses the Dockerfile as loadDockerfile does, without
// touching the project (it runs in parallel with the others).
func (r *dockerfileRead) run(l *loader) {
	src := r.src
	if src == nil {
		data, err := l.readFile(r.abs)
		if err != nil {
			r.df = &Dockerfile{Path: r.rel, ParseError: &SyntaxError{Range: rangeOfFile(r.rel), Message: fmt.Sprintf("cannot read Dockerfile: %v", err), Fix: safefs.FixOf(err)}}
			return
		}
		src = NewSource(r.rel, data)
		r.read = src
	}
	r.df = ParseDockerfile(src.Path, src)
}

// inlineDockerfile parses a service's dockerfile_inline, mapping its lines
// back to the compose file.
func (l *loader) inlineDockerfile(c *Compose, service, text string) *Dockerfile {
	for i := len(c.Files) - 1; i >= 0; i-- {
		cf := c.Files[i]
		n, _ := cf.Lookup("services", service, "build", "dockerfile_inline")
		if n == nil {
			continue
		}
		src := NewSource(cf.Path, []byte(text))
		df := ParseDockerfile(cf.Path, src)
		df.Inline = true
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			// The block's text starts on the next line, indented.
			df.LineOffset = n.Line
			df.ColOffset = blockIndent(cf.Source, n.Line+1)
		} else {
			// A one-line scalar: exact on its first line only.
			df.LineOffset = n.Line - 1
			df.ColOffset = n.Column - 1
			if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
				df.ColOffset++
			}
		}
		return df
	}
	src := NewSource(c.Files[0].Path, []byte(text))
	df := ParseDockerfile(c.Files[0].Path, src)
	df.Inline = true
	return df
}
