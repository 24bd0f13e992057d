package project

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Git answers "is this file tracked / ignored" from the git CLI. Without git
// (not installed, not a repository) Available is false and the answers are
// all "unknown"; the loader adds a note saying what could not be checked.
type Git struct {
	Available bool
	// Why says why git facts are unavailable.
	Why     string
	tracked map[string]bool
	ignored map[string]bool
}

// Tracked reports whether git tracks the root-relative path; ok is false
// when it cannot be known.
func (g *Git) Tracked(path string) (tracked, ok bool) {
	if !g.Available {
		return false, false
	}
	return g.tracked[path], true
}

// Ignored reports whether the root-relative path is git-ignored; ok is false
// when it cannot be known.
func (g *Git) Ignored(path string) (ignored, ok bool) {
	if !g.Available {
		return false, false
	}
	return g.ignored[path], true
}

// GitRunner runs git with arguments in dir and returns its standard output.
// It is injected so tests can fake git.
type GitRunner func(ctx context.Context, dir string, args ...string) ([]byte, error)

// ExecGit is the real GitRunner.
func ExecGit(ctx context.Context, dir string, args ...string) ([]byte, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, errGitMissing
	}
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

var errGitMissing = errors.New("git is not installed")

// loadGit asks git, with a deadline, which of paths are tracked and ignored.
func loadGit(ctx context.Context, run GitRunner, root string, paths []string) *Git {
	if run == nil {
		return &Git{Why: "git facts were not requested"}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := run(ctx, root, "rev-parse", "--is-inside-work-tree"); err != nil {
		if errors.Is(err, errGitMissing) {
			return &Git{Why: "git is not installed"}
		}
		return &Git{Why: "the project is not in a git repository"}
	}
	g := &Git{Available: true, tracked: map[string]bool{}, ignored: map[string]bool{}}
	if len(paths) == 0 {
		return g
	}
	out, err := run(ctx, root, append([]string{"ls-files", "-z", "--"}, paths...)...)
	if err != nil {
		return &Git{Why: err.Error()}
	}
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" {
			g.tracked[p] = true
		}
	}
	// check-ignore exits 1 when nothing is ignored: treat output, not status.
	out, _ = run(ctx, root, append([]string{"check-ignore", "-z", "--no-index", "--"}, paths...)...)
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" {
			g.ignored[p] = true
		}
	}
	return g
}
