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

	l := &loader{root: root, opt: opt, p: &Project{Root: root, Sources: map[string]*Source{}}}
	if len(composeFiles) > 0 {
		if err := l.loadCompose(ctx, composeFiles, env); err != nil {
			return nil, err
		}
	} else {
		l.findStandaloneDockerfiles()
		if len(l.p.Dockerfiles) == 0 {
			return nil, &LoadError{Empty: true, Msg: fmt.Sprintf("%s: no compose file (compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml) and no Dockerfile found", dir)}
		}
		l.p.Name = filepath.Base(root)
	}
	l.loadExampleEnvFiles()
	l.loadDockerignores()
	l.indexContexts()
	l.loadAppFiles()
	l.loadManifests()
	l.p.Git = NewGit(opt.Git, root, l.gitPaths())
	for _, d := range l.p.Dockerfiles {
		d.cache.complete = true // the loader sets nothing more
	}
	return l.p, nil
}

type loader struct {
	root     string
	opt      Options
	p        *Project
	includes []includeRef
	castKeys map[string]bool // see prunedCasts
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
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			out = append(out, p)
			break
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	for _, name := range DefaultOverrideFiles {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			out = append(out, p)
			break
		}
	}
	return out, nil
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
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	f, err := os.Open(abs)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	defer f.Close()
	// Read into data's spare capacity (room for the size stat gave, plus
	// one byte to see the end), growing it if the file grew since.
	data := make([]byte, 0, min(fi.Size(), l.opt.MaxFileSize)+1)
	for int64(len(data)) <= l.opt.MaxFileSize {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err != nil {
			break
		}
	}
	if int64(len(data)) > l.opt.MaxFileSize {
		return nil, fmt.Errorf("larger than %d MiB, not read", l.opt.MaxFileSize>>20)
	}
	s := NewSource(rel, data)
	l.p.Sources[rel] = s
	return s, nil
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
		df = &Dockerfile{Path: rel, ParseError: &SyntaxError{Range: rangeOfFile(rel), Message: fmt.Sprintf("cannot read Dockerfile: %v", err)}}
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
// <context>/.dockerignore, as BuildKit does.
func (l *loader) loadDockerignores() {
	for _, c := range l.p.Contexts {
		if c.Remote != "" {
			continue
		}
		var candidates []string
		if c.Dockerfile != nil && !c.Dockerfile.Inline {
			candidates = append(candidates, filepath.Join(l.root, filepath.FromSlash(c.Dockerfile.Path))+".dockerignore")
		}
		candidates = append(candidates, filepath.Join(l.root, filepath.FromSlash(c.Dir), ".dockerignore"))
		for _, p := range candidates {
			if _, err := l.readSource(p); err == nil {
				c.Dockerignore = l.rel(p)
				break
			}
		}
	}
}

// loadExampleEnvFiles reads .env.example, .env.sample and .env.dist.
func (l *loader) loadExampleEnvFiles() {
	for _, name := range []string{".env.example", ".env.sample", ".env.dist"} {
		abs := filepath.Join(l.root, name)
		if src, err := l.readSource(abs); err == nil {
			l.p.EnvFiles = append(l.p.EnvFiles, ParseEnvFile(src, RoleExample))
		}
	}
}

// gitPaths are the files whose git status rules may ask about.
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
