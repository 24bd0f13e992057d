package project

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
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
	// run and root ask git about more paths later (CheckIgnored).
	run  GitRunner
	root string
	mu   sync.Mutex
}

type gitFacts struct {
	available bool
	why       string
	tracked   map[string]bool
	ignored   map[string]bool
	// files are the tracked files under the root, sorted.
	files []string
	// asked are the paths check-ignore was asked about.
	asked map[string]bool
}

func (g *Git) get() *gitFacts {
	g.once.Do(func() {
		if g.load != nil {
			g.facts = g.load()
		}
		if g.facts == nil {
			g.facts = &gitFacts{why: "git was not run"}
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
	g.mu.Lock()
	defer g.mu.Unlock()
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
	// A work tree has a .git entry in dir or above it (unless GIT_DIR says
	// otherwise): a few stats answer "not a repository" without starting
	// a process, which costs more than the rest of a small lint.
	if len(args) > 0 && args[0] == "rev-parse" && os.Getenv("GIT_DIR") == "" && !hasGitEntry(dir) {
		return nil, fmt.Errorf("git rev-parse: %s is not in a git repository", dir)
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
	g := &Git{run: run, root: root}
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
	g := &gitFacts{available: true, tracked: map[string]bool{}, ignored: map[string]bool{}, asked: map[string]bool{}}
	// Every tracked file under the root (paths relative to it), so rules
	// can ask about any file, and find the tracked config files.
	out, err := run(ctx, root, "ls-files", "-z")
	if err != nil {
		return &gitFacts{why: err.Error()}
	}
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" && !g.tracked[p] {
			g.tracked[p] = true
			g.files = append(g.files, p)
		}
	}
	sort.Strings(g.files)
	if len(paths) == 0 {
		return g
	}
	for _, p := range paths {
		g.asked[p] = true
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

// TrackedFiles lists the files git tracks under the project root (root-
// relative, sorted), or nil when git cannot be asked.
func (g *Git) TrackedFiles() []string {
	f := g.get()
	if !f.available {
		return nil
	}
	return f.files
}

// gitArgsChunk bounds the paths given to one git command line.
const gitArgsChunk = 500

// CheckIgnored asks git, once per path, whether the root-relative paths
// are matched by .gitignore (or .git/info/exclude, core.excludesFile), for
// paths the loader did not know about (files of a build context). Ignored
// then answers for them. It does nothing when git cannot be asked.
func (g *Git) CheckIgnored(paths []string) {
	f := g.get()
	if !f.available || g.run == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	var todo []string
	for _, p := range paths {
		if !f.asked[p] {
			f.asked[p] = true
			todo = append(todo, p)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for len(todo) > 0 {
		n := min(len(todo), gitArgsChunk)
		out, _ := g.run(ctx, g.root, append([]string{"check-ignore", "--no-index", "--"}, todo[:n]...)...)
		for _, p := range strings.Split(string(out), "\n") {
			if p = strings.TrimSpace(p); p != "" {
				f.ignored[p] = true
			}
		}
		todo = todo[n:]
	}
}

// hasGitEntry reports whether dir or one of its parents holds a .git
// directory or file (a worktree or submodule link).
func hasGitEntry(dir string) bool {
	for d := filepath.Clean(dir); ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return false
		}
		d = parent
	}
}
