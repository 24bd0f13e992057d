// Package project loads a Docker Compose project from disk into one typed
// model with exact positions: compose files (as compose-go sees them, plus a
// YAML node index), env files, Dockerfiles, build contexts and git facts.
// Rules read only this model; they never touch the disk.
package project

import (
	"bytes"
	"sort"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// Project is everything envdoctor knows about one project directory.
type Project struct {
	// Root is the absolute project directory; every File in a finding is
	// relative to it.
	Root string
	// Name is the compose project name (COMPOSE_PROJECT_NAME, name:, or the
	// directory name), as docker compose computes it.
	Name string
	// Sources holds every file that was read, by its root-relative path.
	Sources map[string]*Source
	// Compose is nil when the project has no compose file.
	Compose *Compose
	// EnvFiles are the .env, --env-file and service env_file files read.
	EnvFiles []*EnvFile
	// Dockerfiles are the Dockerfiles of every build context (compose
	// builds, or stand-alone Dockerfiles when there is no compose file).
	Dockerfiles []*Dockerfile
	// Contexts are the build contexts, one per compose build (or per
	// stand-alone Dockerfile directory).
	Contexts []*BuildContext
	// AppFiles are the application's own small config files (manage.py,
	// vite.config.ts...) that decide how its server listens; see
	// appfiles.go. Never nil after Load.
	AppFiles *AppFiles
	// ContainerScripts are the project's scripts that containers run as
	// their entrypoint or command; see containerscripts.go. Never nil after
	// Load.
	ContainerScripts *ContainerScripts
	// Git is never nil; Git.Available() says whether git could be asked
	// (it is asked lazily, the first time a rule needs a git fact).
	Git *Git
	// Notes are things the loader could not check, said once to the user
	// (for example "git is not installed: tracked files were not checked").
	Notes []string
	// LocalImages is what the Docker engine knows of images the project
	// pulls, for the rules whose fix can use it (CP013 pins the tag of
	// the image you run). The loader never sets it: envdoctor fix asks
	// the engine and sets it before the rules run. nil when nobody asked
	// (lint never does); see localimages.go.
	LocalImages *LocalImages

	// scans caches the secret scans of files (ScanSecrets, secretscan.go).
	scans secretScans
	// Unread are the files the loader refused to read, each with why: a
	// file outside the project (a symbolic link to /etc/passwd, an
	// env_file: ../../etc/passwd), a named pipe or a device, a file
	// larger than Options.MaxFileSize. Said on every run, unlike Notes.
	Unread []string
	// derived are the facts rules derive from the model, computed once
	// (Derived, derived.go).
	derived derivedFacts
}

// Source is the content of one file with a line index.
type Source struct {
	Path       string // root-relative, slash-separated
	Data       []byte
	lineStarts []int
	// text is Data as a string, made on the first Line: lines are then
	// substrings of it, not one allocation each.
	textOnce sync.Once
	text     string
}

// NewSource indexes the lines of data.
func NewSource(path string, data []byte) *Source {
	s := &Source{Path: path, Data: data, lineStarts: []int{0}}
	for i, b := range data {
		if b == '\n' {
			s.lineStarts = append(s.lineStarts, i+1)
		}
	}
	return s
}

// LineCount returns the number of lines (a final newline ends the last line).
func (s *Source) LineCount() int {
	n := len(s.lineStarts)
	if n > 1 && s.lineStarts[n-1] == len(s.Data) {
		return n - 1
	}
	return n
}

// bom is the length of a leading UTF-8 byte order mark (0 or 3). Columns
// of line 1 are counted after it, as editors show the line (and as the
// YAML parser counts them): the BOM is not part of the text.
func (s *Source) bom() int {
	if bytes.HasPrefix(s.Data, utf8BOM) {
		return len(utf8BOM)
	}
	return 0
}

// lineStart is the offset in Data of column 1 of line n (1-based, in
// range): after the BOM on line 1.
func (s *Source) lineStart(n int) int {
	if n == 1 {
		return s.bom()
	}
	return s.lineStarts[n-1]
}

// Line returns line n (1-based) without its end-of-line characters (and,
// for line 1, without a leading BOM), or "" when out of range.
func (s *Source) Line(n int) string {
	if n < 1 || n > len(s.lineStarts) {
		return ""
	}
	start := s.lineStart(n)
	end := len(s.Data)
	if n < len(s.lineStarts) {
		end = s.lineStarts[n] - 1
	}
	if start > end {
		start = end
	}
	s.textOnce.Do(func() { s.text = string(s.Data) })
	return strings.TrimRight(s.text[start:end], "\r")
}

// Offset converts a position to a byte offset into Data, or -1.
func (s *Source) Offset(p finding.Pos) int {
	if p.Line < 1 || p.Line > len(s.lineStarts) || p.Col < 1 {
		return -1
	}
	off := s.lineStart(p.Line) + p.Col - 1
	if off > len(s.Data) {
		return -1
	}
	return off
}

// Pos converts a byte offset into Data to a position (an offset inside
// the BOM is column 1).
func (s *Source) Pos(offset int) finding.Pos {
	i := sort.Search(len(s.lineStarts), func(i int) bool { return s.lineStarts[i] > offset }) - 1
	if i < 0 {
		i = 0
	}
	col := offset - s.lineStart(i+1) + 1
	if col < 1 {
		col = 1
	}
	return finding.Pos{Line: i + 1, Col: col}
}

// LineRange is the range covering line n's text (without line ending).
func (s *Source) LineRange(n int) finding.Range {
	return finding.Range{File: s.Path, Start: finding.Pos{Line: n, Col: 1}, End: finding.Pos{Line: n, Col: len(s.Line(n)) + 1}}
}

// SyntaxError is a file that could not be parsed (the xx000 rules).
type SyntaxError struct {
	Range   finding.Range
	Message string
	// Fix is the advice when the loader knows it (a file it refused to
	// read, a limit it stopped at); empty for the parsers' own errors.
	Fix string
}

// Compose is the compose side of the project.
type Compose struct {
	// Files are the compose files in load order (base first, overrides
	// after, then included files), each with its YAML node tree.
	Files []*ComposeFile
	// Model is compose-go's fully loaded project (interpolated, merged,
	// normalised), or nil when it could not be loaded.
	Model *types.Project
	// LoadErrors are the problems that kept compose-go from loading the
	// model, located as well as the loader could.
	LoadErrors []SyntaxError
	// Environment is the environment compose interpolates with: the shell
	// environment, then --env-file files or .env (the shell wins).
	Environment map[string]string
	// Shell is the shell environment alone (it wins over env files).
	Shell map[string]string
	// FileValues are the values the interpolation env files give (later
	// files override earlier ones), before the shell is applied.
	FileValues map[string]string
	// EnvSources names, in precedence order, where variables were looked
	// up: "shell environment", then env files by relative path.
	EnvSources []string
	// Unset are the variables compose would interpolate with no value.
	Unset []UnsetVariable
	// Profiles are the active profiles.
	Profiles []string
	// Paths are the existence facts of the services' bind-mount sources
	// and env_file paths, by absolute path (see PathFact).
	Paths map[string]PathInfo
	// recorded holds what compose-go's own substitution left unset, to
	// check the located Unset against it.
	recorded *unsetRecorder
	// derived are the facts rules derive from the compose files
	// (Derived, derived.go).
	derived derivedFacts
	// finished: finishModel built Model from the validation phase's work
	// (compose-go did not load the files again).
	finished bool
}

// ComposeFile is one compose YAML file with its node tree.
type ComposeFile struct {
	Path   string     // root-relative
	Source *Source    // nil when unreadable
	Root   *yaml.Node // document node, nil when it did not parse
	// Override is true for compose.override.yaml-style files and for every
	// -f file after the first.
	Override bool
	// Included is true for files pulled in by a top-level include.
	Included bool
	// Env is the environment an included file is interpolated with (the
	// parent's plus its own project directory's .env); nil for the others,
	// which use Compose.Environment.
	Env map[string]string
	// EnvSources are the places an included file's variables come from
	// (nil for the others, which use Compose.EnvSources).
	EnvSources []string
}

// EnvSourcesOf names where the variables of a compose file are looked up.
func (c *Compose) EnvSourcesOf(file string) []string {
	for _, cf := range c.Files {
		if cf.Path == file && cf.EnvSources != nil {
			return cf.EnvSources
		}
	}
	return c.EnvSources
}

// UnsetVariable is one ${VAR} reference that compose resolves to nothing.
type UnsetVariable struct {
	Name string
	// Required is true for ${VAR:?msg} / ${VAR?msg}, which make compose fail.
	Required bool
	// Reason is the message of a required variable, if any.
	Reason string
	// Empty is true when the variable is set to "" (only reported for
	// ${VAR:?e}, which rejects empty values).
	Empty bool
	// Range is the exact span of the reference (${VAR} or $VAR) in its file.
	Range finding.Range
}

// EnvFileRole says why an env file was read.
type EnvFileRole int

// The roles of env files.
const (
	// RoleDotEnv is the project directory's .env, read by compose for
	// interpolation.
	RoleDotEnv EnvFileRole = iota + 1
	// RoleEnvFileFlag is a file given with --env-file.
	RoleEnvFileFlag
	// RoleServiceEnvFile is a service's env_file: its keys go into the
	// container, they are not used for interpolation.
	RoleServiceEnvFile
	// RoleExample is .env.example, .env.sample or .env.dist.
	RoleExample
)

// EnvFile is one parsed env file.
type EnvFile struct {
	Path    string // root-relative
	Role    EnvFileRole
	Source  *Source
	Entries []EnvEntry
	// Error is the first line compose's own parser rejects (compose stops
	// there), or nil.
	Error *SyntaxError
	// Services names the services that use it through env_file.
	Services []string
}

// EnvEntry is one KEY=value line.
type EnvEntry struct {
	Key   string
	Value string // the value as compose reads it (unquoted, unescaped)
	Line  int
	// KeyRange and ValueRange are the spans in the file (ValueRange
	// includes quotes).
	KeyRange   finding.Range
	ValueRange finding.Range
	// Inherited is a bare KEY line that takes its value from the shell.
	Inherited bool
	// AfterQuote marks an entry that follows a closing quote on the same
	// line (A='x' B=2: compose sets B too).
	AfterQuote bool
}

// Dockerfile is one parsed Dockerfile.
type Dockerfile struct {
	// Path is root-relative. For a compose dockerfile_inline it is the
	// compose file's path, and Inline is true.
	Path   string
	Inline bool
	Source *Source
	// LineOffset and ColOffset are added to positions in the Dockerfile's
	// own text to get positions in Path (non-zero only for a
	// dockerfile_inline: its first line and its indentation).
	LineOffset int
	ColOffset  int
	// AST and Stages are nil when the file did not parse.
	AST      *parser.Result
	Stages   []instructions.Stage
	MetaArgs []instructions.ArgCommand // ARGs before the first FROM
	// ParseError is set when BuildKit's parser rejects the file.
	ParseError *SyntaxError
	// Lint are the warnings of BuildKit's parse-time checks, in the order
	// BuildKit reports them (see LintWarning).
	Lint []LintWarning
	// Check is the file's "# check=" directive (skip, error,
	// experimental), or nil when it has none or BuildKit rejects it.
	Check *linter.Config
	// BuildArgs are compose's build.args for this build (nil value: the
	// arg is named without a value and taken from the environment).
	BuildArgs map[string]*string
	// Target is compose's build.target, or "".
	Target string
	// Context is the build context the Dockerfile is built with.
	Context *BuildContext
	// Services names the compose services built from it.
	Services []string

	// cache holds what is derived from the text once (derived.go).
	cache dockerfileCache
}

// BuildContext is a directory sent to the engine by a build.
type BuildContext struct {
	Dir string // root-relative ("." for the root), slash-separated
	// Remote is set for a git or URL context, which is never read.
	Remote string
	// Dockerfile is the Dockerfile built from it.
	Dockerfile *Dockerfile
	// Dockerignore is the root-relative path of the ignore file in effect
	// (<Dockerfile>.dockerignore first, then <context>/.dockerignore), or "".
	Dockerignore string
	// DockerignoreError is set when an ignore file exists but cannot be
	// read (unreadable, a directory, too large): the build fails on it
	// (BC000). Dockerignore is "" then.
	DockerignoreError *SyntaxError
	// Service is the compose service that builds it, or "".
	Service string
	// index lists the context's files on first use (Files, contextfiles.go).
	index *contextIndex
	// Manifests are the dependency manifests found in the context (see
	// ManifestPatterns), context-relative, directories ending in "/".
	Manifests []string
}
