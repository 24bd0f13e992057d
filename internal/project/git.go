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
// Each git process costs a few milliseconds, as much as the rest of a small
// lint, so git is asked as little and as early as it can be:
//   - `git ls-files` (the tracked files) runs once: from the start of the
//     load, in the background, when Options.GitPrefetch is set (the lint
//     sets it), or else the first time a rule wants a git fact. It also
//     answers "not a repository" (no rev-parse first).
//   - `git check-ignore` runs only for paths a rule asks about, once for
//     every path queued by then (the loader's files and those given to
//     CheckIgnored); with GitPrefetch it is started at the end of the load,
//     in the background, when the project has an env file SE002 will ask
//     about.
//
// A lint whose rules never ask, without GitPrefetch, runs no git process.
// Close stops what still runs.
type Git struct {
	run  GitRunner
	root string
	// ctx bounds every git process; cancel (Close) kills them.
	ctx    context.Context
	cancel context.CancelFunc

	// The tracked files: load runs in a goroutine started once, done is
	// closed when facts is set.
	startOnce sync.Once
	done      chan struct{}
	facts     *gitFacts

	// mu guards the ignore answers. It is held while check-ignore runs, so
	// a question waits for an answer already on its way.
	mu      sync.Mutex
	asked   map[string]bool // queued or answered
	ignored map[string]bool
	pending []string
	// bg counts the background check-ignore (Close waits for it).
	bg sync.WaitGroup
}

type gitFacts struct {
	available bool
	why       string
	tracked   map[string]bool
	// files are the tracked files under the root, sorted.
	files []string
}

// NewGit returns git facts for the paths under root, asked of run (with a
// deadline) the first time they are needed. A nil run means no git. paths
// are queued for the first ignore question.
func NewGit(run GitRunner, root string, paths []string) *Git {
	g := newGit(run, root)
	g.queue(paths)
	return g
}

func newGit(run GitRunner, root string) *Git {
	g := &Git{run: run, root: root, asked: map[string]bool{}, ignored: map[string]bool{}}
	g.ctx, g.cancel = context.WithCancel(context.Background())
	return g
}

// start runs `git ls-files` in the background, once.
func (g *Git) start() {
	g.startOnce.Do(func() {
		g.done = make(chan struct{})
		if g.run == nil {
			g.facts = &gitFacts{why: "git was not run"}
			close(g.done)
			return
		}
		go func() {
			defer close(g.done)
			g.facts = loadGitFacts(g.ctx, g.run, g.root)
		}()
	})
}

func (g *Git) get() *gitFacts {
	g.start()
	<-g.done
	return g.facts
}

// Close stops the git processes still running (a lint whose rules did not
// ask) and waits for them to end. Answers asked after Close are unknown.
func (g *Git) Close() {
	g.cancel()
	g.startOnce.Do(func() { // never started: nothing starts later
		g.done = make(chan struct{})
		g.facts = &gitFacts{why: "git was not run"}
		close(g.done)
	})
	<-g.done
	g.bg.Wait()
}

// queue adds the paths not asked yet to pending. Paths outside the root
// are left out: git fails on the whole command when one of its paths is
// outside the repository, and the rules do not ask about them.
func (g *Git) queue(paths []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	inside := make([]string, 0, len(paths))
	for _, p := range paths {
		if p != ".." && !strings.HasPrefix(p, "../") && !filepath.IsAbs(p) {
			inside = append(inside, p)
		}
	}
	g.queueLocked(inside)
}

func (g *Git) queueLocked(paths []string) {
	for _, p := range paths {
		if !g.asked[p] {
			g.asked[p] = true
			g.pending = append(g.pending, p)
		}
	}
}

// prefetchIgnored asks check-ignore about the queued paths in the
// background, while the rules run.
func (g *Git) prefetchIgnored() {
	if g.run == nil {
		return
	}
	g.bg.Add(1)
	go func() {
		defer g.bg.Done()
		g.mu.Lock()
		defer g.mu.Unlock()
		g.askPending()
	}()
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

// Ignored reports whether the root-relative path is git-ignored (matched
// by .gitignore, .git/info/exclude or core.excludesFile, tracked or not);
// ok is false when it cannot be known. The first question runs one
// `git check-ignore` for every path queued by then (unless the loader
// started it already); a path never queued is asked then.
func (g *Git) Ignored(path string) (ignored, ok bool) {
	f := g.get()
	if !f.available {
		return false, false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.queueLocked([]string{path})
	g.askPending()
	return g.ignored[path], true
}

// GitRunner runs git with arguments in dir and returns its standard output.
// It is injected so tests can fake git.
type GitRunner func(ctx context.Context, dir string, args ...string) ([]byte, error)

// ExecGit is the real GitRunner. The repository being linted is not
// trusted: its .git/config may set core.fsmonitor to a command, which git
// runs whenever it reads the index (ls-files does); it is turned off. The
// commands envdoctor runs (ls-files, check-ignore --no-index) run no other
// configured program.
func ExecGit(ctx context.Context, dir string, args ...string) ([]byte, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, errGitMissing
	}
	// A work tree has a .git entry in dir or above it (unless GIT_DIR says
	// otherwise): a few stats answer "not a repository" without starting
	// a process, which costs more than the rest of a small lint.
	if os.Getenv("GIT_DIR") == "" && !hasGitEntry(dir) {
		return nil, fmt.Errorf("git %s: %s is %w", strings.Join(args, " "), dir, errNotRepo)
	}
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir, "-c", "core.fsmonitor=false"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "not a git repository") {
			err = fmt.Errorf("%w (%w)", errNotRepo, err)
		}
		return out, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, msg)
	}
	return out, nil
}

var (
	errGitMissing = errors.New("git is not installed")
	errNotRepo    = errors.New("not in a git repository")
)

// loadGitFacts lists the tracked files. `git ls-files` fails outside a work
// tree, which is how "not a repository" is known (no rev-parse first: each
// git process costs a few milliseconds, as much as a small lint).
func loadGitFacts(ctx context.Context, run GitRunner, root string) *gitFacts {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	// Every tracked file under the root (paths relative to it), so rules
	// can ask about any file, and find the tracked config files.
	out, err := run(ctx, root, "ls-files", "-z")
	switch {
	case errors.Is(err, errGitMissing):
		return &gitFacts{why: "git is not installed"}
	case errors.Is(err, errNotRepo) || err != nil && strings.Contains(err.Error(), "not a git repository"):
		return &gitFacts{why: "the project is not in a git repository"}
	case err != nil && strings.Contains(err.Error(), "dubious ownership"):
		return &gitFacts{why: "git does not trust the repository, which another user owns (see git's safe.directory)"}
	case err != nil:
		why, _, _ := strings.Cut(err.Error(), "\n") // git's advice follows
		return &gitFacts{why: why}
	}
	g := &gitFacts{available: true, tracked: map[string]bool{}}
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" && !g.tracked[p] {
			g.tracked[p] = true
			g.files = append(g.files, p)
		}
	}
	sort.Strings(g.files)
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

// CheckIgnored queues root-relative paths the loader did not know about
// (files of a build context) so that the next Ignored asks git about them
// together with the others, in one process: call it with every path a rule
// may ask about before asking. It does nothing when git cannot be asked.
func (g *Git) CheckIgnored(paths []string) {
	if !g.get().available {
		return
	}
	g.queue(paths)
}

// askPending runs `git check-ignore` for the pending paths; g.mu is held.
// --no-index: a tracked file that a pattern matches is reported ignored
// too (SE002 then does not propose a .gitignore line it already has).
func (g *Git) askPending() {
	if len(g.pending) == 0 || g.run == nil {
		return
	}
	todo := g.pending
	g.pending = nil
	ctx, cancel := context.WithTimeout(g.ctx, 10*time.Second)
	defer cancel()
	for len(todo) > 0 {
		n := min(len(todo), gitArgsChunk)
		// check-ignore prints one ignored path per line and exits 1 when
		// none is ignored: read the output, not the status. (-z needs
		// --stdin.)
		out, _ := g.run(ctx, g.root, append([]string{"check-ignore", "--no-index", "--"}, todo[:n]...)...)
		for _, p := range strings.Split(string(out), "\n") {
			if p = strings.TrimSpace(p); p != "" {
				g.ignored[p] = true
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
