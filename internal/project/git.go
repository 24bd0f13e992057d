package project

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Git answers "is this file tracked / ignored" from the git CLI. Without git
// (not installed, not a repository) Available is false and the answers are
// all "unknown"; the loader adds a note saying what could not be checked.
//
// Git is asked lazily, once, the first time a rule wants a git fact: a lint
// whose rules never ask runs no git process.
type Git struct {
	once  sync.Once
	load  func() *gitFacts
	facts *gitFacts
}

type gitFacts struct {
	available bool
	why       string
	tracked   map[string]bool
	ignored   map[string]bool
}

func (g *Git) get() *gitFacts {
	g.once.Do(func() {
		if g.load != nil {
			g.facts = g.load()
		}
		if g.facts == nil {
			g.facts = &gitFacts{why: "git facts were not requested"}
		}
	})
	return g.facts
}

// Available reports whether git could be asked about the project.
func (g *Git) Available() bool { return g.get().available }

// Why says why git facts are unavailable ("git is not installed").
func (g *Git) Why() string { return g.get().why }

// Tracked reports whether git tracks the root-relative path; ok is false
// when it cannot be known.
func (g *Git) Tracked(path string) (tracked, ok bool) {
	f := g.get()
	if !f.available {
		return false, false
	}
	return f.tracked[path], true
}

// Ignored reports whether the root-relative path is git-ignored; ok is false
// when it cannot be known.
func (g *Git) Ignored(path string) (ignored, ok bool) {
	f := g.get()
	if !f.available {
		return false, false
	}
	return f.ignored[path], true
}

// GitRunner runs git with arguments in dir and returns its standard output.
// It is injected so tests can fake git.
type GitRunner func(ctx context.Context, dir string, args ...string) ([]byte, error)

// ExecGit is the real GitRunner. The repository being linted is not
// trusted: its .git/config may set core.fsmonitor to a command, which git
// runs whenever it reads the index (ls-files does); it is turned off. The
// commands envdoctor runs (rev-parse, ls-files, check-ignore --no-index)
// run no other configured program.
func ExecGit(ctx context.Context, dir string, args ...string) ([]byte, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, errGitMissing
	}
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir, "-c", "core.fsmonitor=false"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

var errGitMissing = errors.New("git is not installed")

// NewGit returns git facts for the paths under root, asked of run (with a
// deadline) the first time they are needed. A nil run means no git.
func NewGit(run GitRunner, root string, paths []string) *Git {
	g := &Git{}
	if run != nil {
		g.load = func() *gitFacts { return loadGitFacts(run, root, paths) }
	}
	return g
}

func loadGitFacts(run GitRunner, root string, paths []string) *gitFacts {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := run(ctx, root, "rev-parse", "--is-inside-work-tree"); err != nil {
		if errors.Is(err, errGitMissing) {
			return &gitFacts{why: "git is not installed"}
		}
		return &gitFacts{why: "the project is not in a git repository"}
	}
	g := &gitFacts{available: true, tracked: map[string]bool{}, ignored: map[string]bool{}}
	if len(paths) == 0 {
		return g
	}
	out, err := run(ctx, root, append([]string{"ls-files", "-z", "--"}, paths...)...)
	if err != nil {
		return &gitFacts{why: err.Error()}
	}
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" {
			g.tracked[p] = true
		}
	}
	// check-ignore prints one ignored path per line and exits 1 when none
	// is ignored: read the output, not the status. (-z needs --stdin.)
	out, _ = run(ctx, root, append([]string{"check-ignore", "--no-index", "--"}, paths...)...)
	for _, p := range strings.Split(string(out), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			g.ignored[p] = true
		}
	}
	return g
}
