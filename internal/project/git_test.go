package project

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestGitFactsFromFakeRunner(t *testing.T) {
	var mu sync.Mutex
	var calls []string
	run := func(_ context.Context, _ string, args ...string) ([]byte, error) {
		mu.Lock()
		calls = append(calls, strings.Join(args, " "))
		mu.Unlock()
		switch args[0] {
		case "ls-files":
			return []byte(".env\x00Dockerfile\x00"), nil
		case "check-ignore":
			// check-ignore exits 1 when only some paths are ignored.
			return []byte("secret.env\n"), nil
		}
		return nil, errors.New("unexpected " + args[0])
	}
	called := func() string {
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(calls, "; ")
	}
	g := NewGit(run, "/p", []string{".env", "Dockerfile", "secret.env"})
	if c := called(); c != "" {
		t.Fatalf("git ran before a rule asked: %s", c)
	}
	if tr, ok := g.Tracked(".env"); !tr || !ok {
		t.Errorf("Tracked(.env) = %v, %v", tr, ok)
	}
	if tr, ok := g.Tracked("secret.env"); tr || !ok {
		t.Errorf("Tracked(secret.env) = %v, %v", tr, ok)
	}
	// Tracked facts need ls-files only: no rev-parse, no check-ignore.
	if c := called(); c != "ls-files -z" {
		t.Errorf("git ran %q before an ignore question, want only ls-files", c)
	}
	g.CheckIgnored([]string{"context/other.env"})
	if ig, ok := g.Ignored("secret.env"); !ig || !ok {
		t.Errorf("Ignored(secret.env) = %v, %v", ig, ok)
	}
	if ig, _ := g.Ignored(".env"); ig {
		t.Error(".env reported ignored")
	}
	if ig, ok := g.Ignored("context/other.env"); ig || !ok {
		t.Errorf("Ignored(context/other.env) = %v, %v", ig, ok)
	}
	// One check-ignore for the loader's paths and the queued one.
	want := "ls-files -z; check-ignore --no-index -- .env Dockerfile secret.env context/other.env"
	if c := called(); !g.Available() || c != want {
		t.Errorf("available %v after\n%s\nwant\n%s", g.Available(), c, want)
	}
	g.Close()
}

// TestGitPrefetch: the loader's background start runs the same two
// commands once, and Close waits for them.
func TestGitPrefetch(t *testing.T) {
	var mu sync.Mutex
	var calls []string
	run := func(_ context.Context, _ string, args ...string) ([]byte, error) {
		mu.Lock()
		calls = append(calls, args[0])
		mu.Unlock()
		if args[0] == "ls-files" {
			return []byte(".env\x00"), nil
		}
		return []byte(".env\n"), nil
	}
	g := newGit(run, "/p")
	g.start()
	g.queue([]string{".env"})
	g.prefetchIgnored()
	if ig, ok := g.Ignored(".env"); !ig || !ok {
		t.Errorf("Ignored(.env) = %v, %v", ig, ok)
	}
	if tr, ok := g.Tracked(".env"); !tr || !ok {
		t.Errorf("Tracked(.env) = %v, %v", tr, ok)
	}
	g.Close()
	sort.Strings(calls)
	if got := strings.Join(calls, " "); got != "check-ignore ls-files" {
		t.Errorf("git ran %q", got)
	}
}

// TestGitCloseStopsGit: Close kills a git that still runs (a lint whose
// rules did not ask) instead of leaving it behind.
func TestGitCloseStopsGit(t *testing.T) {
	started := make(chan struct{})
	run := func(ctx context.Context, _ string, _ ...string) ([]byte, error) {
		close(started)
		<-ctx.Done() // a git that would hang
		return nil, ctx.Err()
	}
	g := newGit(run, "/p")
	g.start()
	<-started
	done := make(chan struct{})
	go func() {
		g.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop git")
	}
	if g.Available() {
		t.Error("available after Close")
	}
}

func TestGitUnavailable(t *testing.T) {
	missing := NewGit(func(context.Context, string, ...string) ([]byte, error) { return nil, errGitMissing }, "/p", nil)
	if _, ok := missing.Tracked("x"); ok || missing.Available() || missing.Why() != "git is not installed" {
		t.Errorf("missing git: available %v, why %q", missing.Available(), missing.Why())
	}
	notRepo := NewGit(func(context.Context, string, ...string) ([]byte, error) {
		return nil, errors.New("fatal: not a git repository")
	}, "/p", nil)
	if notRepo.Available() || !strings.Contains(notRepo.Why(), "not in a git repository") {
		t.Errorf("not a repo: %q", notRepo.Why())
	}
	none := NewGit(nil, "/p", nil)
	if none.Available() {
		t.Error("nil runner: available")
	}
}

// TestGitReal asks the real git about a scratch repository.
func TestGitReal(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	for _, args := range [][]string{{"init", "-q"}, {"config", "user.email", "t@example.com"}, {"config", "user.name", "t"}} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	write(t, filepath.Join(dir, ".gitignore"), ".env\n")
	write(t, filepath.Join(dir, ".env"), "A=1\n")
	write(t, filepath.Join(dir, "compose.yaml"), "services: {}\n")
	if out, err := exec.Command("git", "-C", dir, "add", "compose.yaml", ".gitignore").CombinedOutput(); err != nil {
		t.Fatalf("git add: %v %s", err, out)
	}
	g := NewGit(ExecGit, dir, []string{".env", "compose.yaml"})
	if tr, ok := g.Tracked("compose.yaml"); !tr || !ok {
		t.Errorf("compose.yaml tracked = %v, %v (%s)", tr, ok, g.Why())
	}
	if ig, ok := g.Ignored(".env"); !ig || !ok {
		t.Errorf(".env ignored = %v, %v", ig, ok)
	}
	if tr, _ := g.Tracked(".env"); tr {
		t.Error(".env tracked")
	}
	if got := strings.Join(g.TrackedFiles(), " "); got != ".gitignore compose.yaml" {
		t.Errorf("TrackedFiles = %q", got)
	}
	// Paths the loader did not know: asked on demand, queued or not.
	write(t, filepath.Join(dir, "other.env"), "B=2\n")
	write(t, filepath.Join(dir, "more.env"), "B=2\n")
	if ig, ok := g.Ignored("other.env"); ig || !ok {
		t.Errorf("other.env ignored = %v, %v", ig, ok)
	}
	write(t, filepath.Join(dir, ".gitignore"), ".env\nmore.env\n")
	g.CheckIgnored([]string{"more.env", "compose.yaml"})
	if ig, ok := g.Ignored("more.env"); !ig || !ok {
		t.Errorf("more.env ignored = %v, %v", ig, ok)
	}
	if ig, _ := g.Ignored("compose.yaml"); ig {
		t.Error("compose.yaml ignored")
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestExecGitRunsNoRepositoryCommand: a repository whose config sets
// core.fsmonitor to a command (which `git ls-files` would run) does not make
// envdoctor execute it.
func TestExecGitRunsNoRepositoryCommand(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	marker := filepath.Join(t.TempDir(), "executed")
	gitCmd := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Skipf("git %v: %v: %s", args, err, out)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitCmd("init", "-q")
	gitCmd("add", "Dockerfile")
	gitCmd("commit", "-qm", "x")
	gitCmd("config", "core.fsmonitor", "touch "+marker+"; echo")
	g := NewGit(ExecGit, dir, []string{"Dockerfile"})
	if tracked, ok := g.Tracked("Dockerfile"); !ok || !tracked {
		t.Fatalf("Dockerfile tracked = %v, %v (%s)", tracked, ok, g.Why())
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("git ran the repository's core.fsmonitor command")
	}
}

func TestExecGitOutsideARepositoryStartsNoProcess(t *testing.T) {
	dir := t.TempDir()
	if hasGitEntry(dir) {
		t.Skip("the temporary directory is inside a git repository")
	}
	if _, err := ExecGit(context.Background(), dir, "ls-files", "-z"); err == nil || !strings.Contains(err.Error(), "not in a git repository") {
		t.Errorf("err = %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".git"), []byte("gitdir: elsewhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !hasGitEntry(filepath.Join(dir, "sub", "dir")) {
		t.Error("a .git file above was not found")
	}
}

// TestGitRealSubdirectory: a project in a subdirectory of its repository
// sees only its own tracked files, relative to it; patterns of the
// repository's root .gitignore apply; a tracked file that a pattern matches
// is both tracked and ignored.
func TestGitRealSubdirectory(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	repo := t.TempDir()
	dir := filepath.Join(repo, "deploy", "app")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(repo, ".gitignore"), ".env\nsecret.env\n")
	write(t, filepath.Join(repo, "other.yaml"), "a: 1\n")
	write(t, filepath.Join(dir, "compose.yaml"), "services: {}\n")
	write(t, filepath.Join(dir, ".env"), "A=1\n")
	write(t, filepath.Join(dir, "secret.env"), "B=1\n")
	write(t, filepath.Join(dir, "local.env"), "C=1\n")
	for _, args := range [][]string{{"init", "-q"}, {"add", ".gitignore", "other.yaml", "deploy/app/compose.yaml"}, {"add", "-f", "deploy/app/.env"}} {
		if out, err := exec.Command("git", append([]string{"-C", repo}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	g := newGit(ExecGit, dir)
	g.start()
	g.queue([]string{".env", "compose.yaml", "secret.env", "local.env"})
	g.prefetchIgnored()
	defer g.Close()
	if got := strings.Join(g.TrackedFiles(), " "); got != ".env compose.yaml" {
		t.Errorf("TrackedFiles = %q (%s)", got, g.Why())
	}
	for _, c := range []struct {
		path             string
		tracked, ignored bool
	}{
		{".env", true, true},
		{"compose.yaml", true, false},
		{"secret.env", false, true},
		{"local.env", false, false},
		{"../../other.yaml", false, false}, // outside the project: not listed
	} {
		tr, ok1 := g.Tracked(c.path)
		ig, ok2 := g.Ignored(c.path)
		if !ok1 || !ok2 || tr != c.tracked || (ig != c.ignored && !strings.HasPrefix(c.path, "../")) {
			t.Errorf("%s: tracked %v ignored %v (ok %v %v), want %v %v", c.path, tr, ig, ok1, ok2, c.tracked, c.ignored)
		}
	}
}

// TestGitRealNotARepository: ls-files answers "not a repository" itself
// when a .git entry above misleads the quick check (here an empty .git
// directory that git does not accept).
func TestGitRealNotARepository(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	if hasGitEntry(filepath.Dir(dir)) {
		t.Skip("the temporary directory is inside a git repository")
	}
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
	g := NewGit(ExecGit, dir, []string{"compose.yaml"})
	if g.Available() || g.Why() != "the project is not in a git repository" {
		t.Errorf("available %v, why %q", g.Available(), g.Why())
	}
}

// TestGitRealDubiousOwnership: a repository another user owns is refused
// by git (safe.directory); the reason says so in one line.
func TestGitRealDubiousOwnership(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to give the repository to another user")
	}
	dir := t.TempDir()
	if out, err := exec.Command("git", "-C", dir, "init", "-q").CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	if out, err := exec.Command("chown", "-R", "65534:65534", dir).CombinedOutput(); err != nil {
		t.Skipf("chown: %v %s", err, out)
	}
	t.Setenv("HOME", t.TempDir()) // no safe.directory of the user running the tests
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	g := NewGit(ExecGit, dir, nil)
	if g.Available() || !strings.Contains(g.Why(), "safe.directory") || strings.Contains(g.Why(), "\n") {
		t.Errorf("available %v, why %q", g.Available(), g.Why())
	}
}
