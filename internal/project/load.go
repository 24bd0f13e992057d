package project

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/safefs"
)

// Options are the docker compose command-line settings that shape a project.
type Options struct {
	// ComposeFiles are -f/--file values, relative to WorkingDir.
	ComposeFiles []string
	// EnvFiles are --env-file values, relative to WorkingDir.
	EnvFiles []string
	// Profiles are --profile values (COMPOSE_PROFILES when empty).
	Profiles []string
	// ProjectDirectory is --project-directory.
	ProjectDirectory string
	// ProjectName is -p/--project-name.
	ProjectName string
	// WorkingDir resolves relative paths given on the command line; it
	// defaults to the directory being loaded.
	WorkingDir string
	// Environ is the shell environment as KEY=VALUE strings (os.Environ()).
	Environ []string
	// Git answers tracked/ignored questions; nil skips git.
	Git GitRunner
	// GitPrefetch starts git in the background while the project loads,
	// instead of when a rule first asks (see Git): for a lint, whose SE
	// rules ask. Project.Git.Close stops what a lint did not need.
	GitPrefetch bool
	// MaxFileSize caps how much of one file is read (default 8 MiB).
	MaxFileSize int64

	// composeGoValidation lets compose-go validate while it loads, as
	// docker compose does, instead of validateCompose: the reference the
	// tests compare the validation phase with.
	composeGoValidation bool
	// composeGoModel lets compose-go load the model again after the
	// validation phase instead of finishModel: the reference the tests
	// compare finishModel with.
	composeGoModel bool
	// serviceChunkMin and serviceChunkSize split the compose model's
	// services into chunks for compose-go's walks (compose_parallel.go):
	// the tests split small projects to compare the model with
	// compose-go's.
	serviceChunkMin, serviceChunkSize int
}

// LoadError is a problem that stops the whole load (exit code 2): a missing
// directory or file given on the command line, or nothing to lint.
type LoadError struct {
	Msg string
	// Empty is set when the directory holds no compose file and no
	// Dockerfile: the doctor still checks the machine then.
	Empty bool
}

func (e *LoadError) Error() string { return e.Msg }

func loadErrorf(format string, args ...any) error {
	return &LoadError{Msg: fmt.Sprintf(format, args...)}
}

// Load reads the project in dir. Files that cannot be parsed do not make it
// fail: they are recorded (ParseError, LoadErrors, EnvFile.Error) for the
// xx000 rules. It fails only when there is nothing it can lint.
func Load(ctx context.Context, dir string, opt Options) (*Project, error) {
	if opt.MaxFileSize == 0 {
		opt.MaxFileSize = 8 << 20
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, loadErrorf("%s: %v", dir, err)
	}
	if err := requireDir(dir, absDir); err != nil {
		return nil, err
	}
	if opt.WorkingDir == "" {
		opt.WorkingDir = absDir
	}
	env := environMap(opt.Environ)

	discoveryEnv := discoveryEnvironment(env, opt)
	composeFiles, err := discoverComposeFiles(absDir, opt, discoveryEnv)
	if err != nil {
		return nil, err
	}
	_, shellComposeFile := env["COMPOSE_FILE"]
	if len(opt.ComposeFiles) == 0 && !shellComposeFile && discoveryEnv["COMPOSE_FILE"] != "" {
		// COMPOSE_FILE from the project's own .env: the project may not
		// point envdoctor at a file outside it.
		boundary := safefs.BoundaryOf(absDir)
		for _, f := range composeFiles {
			if real, err := filepath.EvalSymlinks(f); err == nil && !safefs.Within(real, boundary) {
				return nil, loadErrorf("COMPOSE_FILE (from .env) names %s, outside the project: not read", f)
			}
		}
	}
	root := absDir
	if opt.ProjectDirectory != "" {
		root = absPath(opt.WorkingDir, opt.ProjectDirectory)
		if err := requireDir(opt.ProjectDirectory, root); err != nil {
			return nil, err
		}
	} else if len(composeFiles) > 0 && (len(opt.ComposeFiles) > 0 || discoveryEnv["COMPOSE_FILE"] != "") {
		// docker compose: the project directory is the first file's,
		// whether -f or COMPOSE_FILE named it.
		root = filepath.Dir(composeFiles[0])
	}

	git := newGit(opt.Git, root)
	p, err := load(ctx, root, absDir, composeFiles, shellComposeFile, env, git, opt)
	if err != nil {
		git.Close()
		return nil, err
	}
	return p, nil
}

// load is Load once the root is known; git becomes the project's.
func load(ctx context.Context, root, absDir string, composeFiles []string, shellComposeFile bool, env map[string]string, git *Git, opt Options) (*Project, error) {
	dir := absDir
	l := &loader{root: root, opt: opt, p: &Project{Root: root, Sources: map[string]*Source{}},
		files: safefs.Reader{Boundary: safefs.BoundaryOf(root), Max: opt.MaxFileSize, Dirs: &safefs.DirCache{}}, trusted: map[string]bool{}}
	// The files named on the command line (or by the shell's COMPOSE_FILE)
	// are read wherever they are: the user chose them.
	if len(opt.ComposeFiles) > 0 || shellComposeFile {
		for _, f := range composeFiles {
			l.trusted[f] = true
		}
	}
	for _, f := range opt.EnvFiles {
		l.trusted[absPath(opt.WorkingDir, f)] = true
	}
	// With GitPrefetch, git runs in the background while compose-go loads
	// (once there is a project to lint): each git process costs about as
	// much as the rest of a small lint.
	if len(composeFiles) > 0 {
		if opt.GitPrefetch {
			git.start()
		}
		if err := l.loadCompose(ctx, composeFiles, env); err != nil {
			return nil, err
		}
	} else {
		l.findStandaloneDockerfiles()
		if len(l.p.Dockerfiles) == 0 {
			return nil, &LoadError{Empty: true, Msg: fmt.Sprintf("%s: no compose file (compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml) and no Dockerfile found", dir)}
		}
		if opt.GitPrefetch {
			git.start()
		}
		l.p.Name = filepath.Base(root)
	}
	// The Dockerfiles are set up (Target, BuildArgs, Context): the facts
	// derived from them are kept from now on, for the loader's steps
	// below (loadContainerScripts) and then for the rules.
	for _, d := range l.p.Dockerfiles {
		d.Complete()
	}
	l.loadExampleEnvFiles()
	l.loadDockerignores()
	l.checkDockerignores()
	l.indexContexts()
	l.loadAppFiles()
	l.loadContainerScripts()
	l.loadManifests()
	l.loadGitignore()
	l.p.Git = git
	git.queue(l.gitPaths())
	if opt.GitPrefetch && l.hasEnvFileToCheck() {
		// SE002 asks whether it is ignored (unless it holds no real
		// value): ask now, while the rules run.
		git.prefetchIgnored()
	}
	return l.p, nil
}

type loader struct {
	root     string
	opt      Options
	p        *Project
	includes []includeRef
	castKeys map[string]bool // see prunedCasts
	// files reads inside the project only (safefs); trusted paths, named
	// on the command line, are read wherever they are.
	files   safefs.Reader
	trusted map[string]bool
	// listings are the directories loadAppFiles listed, by root-relative
	// path, for loadManifests.
	listings map[string]*dirListing
}

func requireDir(given, abs string) error {
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return loadErrorf("%s: no such directory", given)
	case err != nil:
		return loadErrorf("%s: %v", given, unwrapPathError(err))
	case !fi.IsDir():
		return loadErrorf("%s: not a directory", given)
	}
	return nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func absPath(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

func environMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if ok && k != "" {
			m[k] = v
		}
	}
	return m
}

// DefaultComposeFiles and DefaultOverrideFiles are docker compose's names,
// in its order of preference.
var (
	DefaultComposeFiles  = []string{"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}
	DefaultOverrideFiles = []string{"compose.override.yml", "compose.override.yaml", "docker-compose.override.yml", "docker-compose.override.yaml"}
)

// discoverComposeFiles applies -f, then COMPOSE_FILE, then the default names
// with their override file, as docker compose does.
func discoverComposeFiles(dir string, opt Options, env map[string]string) ([]string, error) {
	var given []string
	origin := "-f"
	switch {
	case len(opt.ComposeFiles) > 0:
		given = opt.ComposeFiles
	case env["COMPOSE_FILE"] != "":
		sep := env["COMPOSE_PATH_SEPARATOR"]
		if sep == "" {
			sep = string(os.PathListSeparator)
		}
		for _, f := range strings.Split(env["COMPOSE_FILE"], sep) {
			if f != "" {
				given = append(given, f)
			}
		}
		origin = "COMPOSE_FILE"
	}
	if len(given) > 0 {
		var out []string
		for _, f := range given {
			if f == "-" {
				return nil, loadErrorf("reading a compose file from standard input is not supported: pass a path")
			}
			abs := absPath(opt.WorkingDir, f)
			fi, err := os.Stat(abs)
			switch {
			case err != nil:
				return nil, loadErrorf("%s (from %s): no such file", f, origin)
			case fi.IsDir():
				return nil, loadErrorf("%s (from %s): is a directory, not a compose file", f, origin)
			}
			out = append(out, abs)
		}
		return out, nil
	}
	var out []string
	for _, name := range DefaultComposeFiles {
		p := filepath.Join(dir, name)
		if isComposeCandidate(p) {
			out = append(out, p)
			break
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	for _, name := range DefaultOverrideFiles {
		p := filepath.Join(dir, name)
		if isComposeCandidate(p) {
			out = append(out, p)
			break
		}
	}
	return out, nil
}

// isComposeCandidate: an entry with a compose file name that is not a
// directory. A named pipe, a device or a broken link is found too, so that
// the loader says why it is not read (CP000) instead of ignoring it.
func isComposeCandidate(p string) bool {
	if _, err := os.Lstat(p); err != nil {
		return false
	}
	fi, err := os.Stat(p)
	return err != nil || !fi.IsDir()
}

// rel returns the slash-separated path of abs relative to the project root.
func (l *loader) rel(abs string) string {
	r, err := filepath.Rel(l.root, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(r)
}

// readSource reads a file into the project's sources (once per path).
func (l *loader) readSource(abs string) (*Source, error) {
	rel := l.rel(abs)
	if s, ok := l.p.Sources[rel]; ok {
		return s, nil
	}
	data, err := l.readFile(abs)
	if err != nil {
		return nil, err
	}
	s := NewSource(rel, data)
	l.p.Sources[rel] = s
	return s, nil
}

// readFile reads a file of the project through the safefs guard: only a
// regular file, inside the project unless the user named it, of at most
// MaxFileSize bytes.
func (l *loader) readFile(abs string) ([]byte, error) {
	r := l.files
	if l.trusted[abs] {
		r.Boundary = ""
	}
	data, err := r.ReadFile(abs)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	return data, nil
}

// checkFile says whether readFile would read abs, without reading it.
func (l *loader) checkFile(abs string) error {
	r := l.files
	if l.trusted[abs] {
		r.Boundary = ""
	}
	return unwrapPathError(r.Check(abs))
}

// display is how a message names a file: root-relative inside the
// project's boundary, absolute outside it ("/dev/zero", not
// "../../../dev/zero").
func (l *loader) display(abs string) string {
	if l.files.Boundary != "" && !safefs.Within(filepath.Clean(abs), l.files.Boundary) {
		if real, err := filepath.EvalSymlinks(filepath.Dir(abs)); err != nil || !safefs.Within(real, l.files.Boundary) {
			return filepath.ToSlash(filepath.Clean(abs))
		}
	}
	return l.rel(abs)
}

// unread records a file the loader refused to read (safefs), for the
// note printed on every run.
func (l *loader) unread(what string, err error) {
	if safefs.IsRefused(err) {
		l.p.Unread = append(l.p.Unread, fmt.Sprintf("%s: %v", what, err))
	}
}

// findStandaloneDockerfiles finds Dockerfile, Containerfile, Dockerfile.*
// and *.Dockerfile under the root when there is no compose file. Each one is
// built with its own directory as context.
func (l *loader) findStandaloneDockerfiles() {
	var found []string
	count := 0
	_ = filepath.WalkDir(l.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil //nolint:nilerr // an unreadable entry is skipped: the search is best effort
		}
		count++
		if count > 50000 {
			return filepath.SkipAll
		}
		if d.IsDir() {
			if path != l.root && skipDir(d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && IsDockerfileName(d.Name()) {
			found = append(found, path)
		}
		return nil
	})
	sort.Strings(found)
	for _, abs := range found {
		ctx := &BuildContext{Dir: l.rel(filepath.Dir(abs))}
		df := l.loadDockerfile(abs, ctx)
		if df != nil {
			l.p.Contexts = append(l.p.Contexts, ctx)
		}
	}
}

func isRegularFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

func skipDir(name string) bool {
	switch name {
	case "node_modules", "vendor", "venv", ".venv", "__pycache__", "dist", "build", "target":
		return true
	}
	return strings.HasPrefix(name, ".")
}

// IsDockerfileName reports whether a file name is a Dockerfile by the usual
// conventions: Dockerfile, Containerfile, Dockerfile.<x>, <x>.Dockerfile.
func IsDockerfileName(name string) bool {
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, ".dockerignore") {
		return false
	}
	return lower == "dockerfile" || lower == "containerfile" ||
		strings.HasPrefix(lower, "dockerfile.") || strings.HasSuffix(lower, ".dockerfile")
}

// loadDockerfile reads and parses a Dockerfile for a context; an unreadable
// file becomes a ParseError so DF000 reports it.
func (l *loader) loadDockerfile(abs string, ctx *BuildContext) *Dockerfile {
	src, err := l.readSource(abs)
	var df *Dockerfile
	if err != nil {
		rel := l.rel(abs)
		df = &Dockerfile{Path: rel, ParseError: &SyntaxError{Range: rangeOfFile(rel), Message: fmt.Sprintf("cannot read Dockerfile: %v", err), Fix: safefs.FixOf(err)}}
	} else {
		df = ParseDockerfile(src.Path, src)
	}
	df.Context = ctx
	ctx.Dockerfile = df
	l.p.Dockerfiles = append(l.p.Dockerfiles, df)
	return df
}

// loadDockerignores finds the ignore file in effect for each local context:
// <Dockerfile>.dockerignore next to the Dockerfile first, then
// <context>/.dockerignore, as BuildKit does. The candidates are read on all
// CPUs, then recorded context by context as readSource would (a file
// already among the sources is not read again).
func (l *loader) loadDockerignores() {
	type candidate struct {
		abs  string
		data []byte
		err  error
	}
	cands := make([][]candidate, len(l.p.Contexts))
	forEach(len(l.p.Contexts), func(i int) {
		c := l.p.Contexts[i]
		if c.Remote != "" {
			return
		}
		var paths []string
		if c.Dockerfile != nil && !c.Dockerfile.Inline {
			paths = append(paths, filepath.Join(l.root, filepath.FromSlash(c.Dockerfile.Path))+".dockerignore")
		}
		paths = append(paths, filepath.Join(l.root, filepath.FromSlash(c.Dir), ".dockerignore"))
		for _, p := range paths {
			cd := candidate{abs: p}
			if _, ok := l.p.Sources[l.rel(p)]; !ok {
				cd.data, cd.err = l.readFile(p)
			}
			cands[i] = append(cands[i], cd)
			if cd.err == nil || safefs.IsRefused(cd.err) {
				break
			}
		}
	})
	for i, c := range l.p.Contexts {
		for _, cd := range cands[i] {
			rel := l.rel(cd.abs)
			var err error
			if _, ok := l.p.Sources[rel]; !ok {
				// Neither a source before the reads (then it was not
				// read) nor recorded since by another context: the
				// read says.
				err = cd.err
				if err == nil {
					l.p.Sources[rel] = NewSource(rel, cd.data)
				}
			}
			if err == nil {
				c.Dockerignore = rel
				break
			}
			if safefs.IsRefused(err) {
				// BuildKit would read it: say it was not checked, and
				// do not fall back to the next candidate.
				l.unread(rel, err)
				break
			}
		}
	}
}

// loadExampleEnvFiles reads .env.example, .env.sample and .env.dist.
func (l *loader) loadExampleEnvFiles() {
	for _, name := range []string{".env.example", ".env.sample", ".env.dist"} {
		abs := filepath.Join(l.root, name)
		src, err := l.readSource(abs)
		if err == nil {
			l.p.EnvFiles = append(l.p.EnvFiles, ParseEnvFile(src, RoleExample))
		}
		l.unread(name, err)
	}
}

// gitPaths are the files whose git status rules may ask about.
// hasEnvFileToCheck reports an env file (not an example) in the project
// with a value set, the file SE002 asks git about.
func (l *loader) hasEnvFileToCheck() bool {
	for _, ef := range l.p.EnvFiles {
		if ef.Role == RoleExample || ef.Source == nil || strings.HasPrefix(ef.Path, "../") {
			continue
		}
		for _, e := range ef.Entries {
			if !e.Inherited && strings.TrimSpace(e.Value) != "" {
				return true
			}
		}
	}
	return false
}

func (l *loader) gitPaths() []string {
	var paths []string
	for p := range l.p.Sources {
		if !strings.HasPrefix(p, "../") {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	return paths
}

func rangeOfFile(rel string) (r finding.Range) {
	r.File = rel
	r.Start.Line, r.Start.Col = 1, 1
	r.End = r.Start
	return r
}
