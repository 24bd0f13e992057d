package project

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestGitFactsFromFakeRunner(t *testing.T) {
	calls := 0
	run := func(_ context.Context, _ string, args ...string) ([]byte, error) {
		calls++
		switch args[0] {
		case "rev-parse":
			return []byte("true\n"), nil
		case "ls-files":
			return []byte(".env\x00Dockerfile\x00"), nil
		case "check-ignore":
			// check-ignore exits 1 when only some paths are ignored.
			return []byte("secret.env\n"), nil
		}
		return nil, errors.New("unexpected " + args[0])
	}
	g := NewGit(run, "/p", []string{".env", "Dockerfile", "secret.env"})
	if calls != 0 {
		t.Fatalf("git ran %d times before a rule asked", calls)
	}
	if tr, ok := g.Tracked(".env"); !tr || !ok {
		t.Errorf("Tracked(.env) = %v, %v", tr, ok)
	}
	if tr, ok := g.Tracked("secret.env"); tr || !ok {
		t.Errorf("Tracked(secret.env) = %v, %v", tr, ok)
	}
	if ig, ok := g.Ignored("secret.env"); !ig || !ok {
		t.Errorf("Ignored(secret.env) = %v, %v", ig, ok)
	}
	if ig, _ := g.Ignored(".env"); ig {
		t.Error(".env reported ignored")
	}
	if !g.Available() || calls != 3 {
		t.Errorf("available %v after %d calls, want true after 3 (asked once)", g.Available(), calls)
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
	// A path the loader did not know: asked on demand.
	write(t, filepath.Join(dir, "other.env"), "B=2\n")
	if ig, _ := g.Ignored("other.env"); ig {
		t.Error("other.env ignored before asking")
	}
	write(t, filepath.Join(dir, ".gitignore"), ".env\n*.env\n")
	g.CheckIgnored([]string{"other.env", "compose.yaml"})
	if ig, ok := g.Ignored("other.env"); !ig || !ok {
		t.Errorf("other.env ignored = %v, %v", ig, ok)
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
	if _, err := ExecGit(context.Background(), dir, "rev-parse", "--is-inside-work-tree"); err == nil || !strings.Contains(err.Error(), "not in a git repository") {
		t.Errorf("err = %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".git"), []byte("gitdir: elsewhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !hasGitEntry(filepath.Join(dir, "sub", "dir")) {
		t.Error("a .git file above was not found")
	}
}
