package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/envdoctor/envdoctor/internal/config"
)

// starterConfig is what envdoctor init writes: every key, with the
// default values and commented examples. The first line lets editors with
// the YAML language server complete and check the file.
const starterConfig = `# yaml-language-server: $schema=` + config.SchemaID + `
# envdoctor configuration. Every key is optional and command-line flags
# override this file. Documentation:
# https://github.com/envdoctor/envdoctor/blob/main/docs/config.md

# Rules to turn off, by ID or kebab-case name ('envdoctor rules' lists them).
disable: []
#  - CP005            # obsolete-version: keep the version: line
#  - unpinned-image

# Rules to turn back on (every rule is on by default).
enable: []

# A rule's severity: error, warning, info, or off.
severity: {}
#  CP013: error       # unpinned images must fail CI
#  ED001: info        # stale ignore comments should not

# Paths whose findings are dropped: globs relative to this directory, with /.
exclude: []
#  - vendor
#  - "**/testdata/**"

# Findings accepted for now, recorded with:
#   envdoctor lint --write-baseline .envdoctor-baseline.json
# baseline: .envdoctor-baseline.json

# Exit with status 1 when a finding is at or above: error, warning, info, none.
fail-level: warning
`

func runInit(_ context.Context, args []string, env Env) (int, error) {
	var force bool
	fs := newInitFlagSet(&force)
	if done, err := parseFlags(fs, args, env, func(w io.Writer, fs *pflag.FlagSet) {
		fmt.Fprint(w, `Write a commented starter .envdoctor.yaml in the project directory.

Usage:
  envdoctor init [--force] [DIR]

The file lists every key with its default and examples, and names its JSON
schema so editors complete and check it. An existing .envdoctor.yaml (or
.envdoctor.yml) is kept unless --force is given.

Examples:
  envdoctor init
  envdoctor init ./services/api
  envdoctor init --force

Flags:
`)
		fmt.Fprint(w, fs.FlagUsages())
	}); done || err != nil {
		return ExitOK, err
	}
	if fs.NArg() > 1 {
		return ExitError, usagef("init takes at most one directory, got %d arguments", fs.NArg())
	}
	cwd, err := env.Getwd()
	if err != nil {
		return ExitError, fmt.Errorf("cannot read the current directory: %w", err)
	}
	dir := cwd
	if fs.NArg() == 1 {
		dir = absFrom(cwd, fs.Arg(0))
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return ExitError, fmt.Errorf("%s: no such directory", fs.Arg(0))
	}
	path := filepath.Join(dir, config.FileNames[0])
	if existing := config.Find(dir); existing != "" {
		if !force {
			return ExitError, fmt.Errorf("%s already exists; use --force to overwrite it", relTo(cwd, existing))
		}
		path = existing
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if !force {
		flags |= os.O_EXCL
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return ExitError, fmt.Errorf("%s already exists; use --force to overwrite it", relTo(cwd, path))
		}
		return ExitError, fmt.Errorf("cannot write the config: %w", err)
	}
	if _, err := io.WriteString(f, starterConfig); err != nil {
		f.Close()
		return ExitError, fmt.Errorf("cannot write the config: %w", err)
	}
	if err := f.Close(); err != nil {
		return ExitError, fmt.Errorf("cannot write the config: %w", err)
	}
	fmt.Fprintf(env.Stdout, "wrote %s\n", relTo(cwd, path))
	return ExitOK, nil
}

func newInitFlagSet(force *bool) *pflag.FlagSet {
	fs := pflag.NewFlagSet("init", pflag.ContinueOnError)
	fs.BoolVar(force, "force", false, "overwrite an existing config file")
	return fs
}

// relTo shows path relative to dir when it is below it.
func relTo(dir, path string) string {
	if r, err := filepath.Rel(dir, path); err == nil && !filepath.IsAbs(r) && r != ".." && !startsWithDotDot(r) {
		return r
	}
	return path
}

func startsWithDotDot(p string) bool {
	return len(p) >= 3 && p[:2] == ".." && os.IsPathSeparator(p[2])
}
