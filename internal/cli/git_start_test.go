package cli

import (
	"context"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// TestLintStartsGitForGitRules: the lint asks git (in the background,
// while the project loads) only when SE001 or SE002 may run, with
// ls-files and one check-ignore (the tutorial's .env holds a password),
// and no git command is left running when it returns.
func TestLintStartsGitForGitRules(t *testing.T) {
	dir, err := filepath.Abs("../../testdata/projects/flask-postgres")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lint"}, "check-ignore ls-files"},
		{[]string{"lint", "--disable", "SE002"}, "check-ignore ls-files"}, // prefetched: the .env may be asked about
		{[]string{"lint", "--disable", "SE001,SE002"}, ""},
		{[]string{"lint", "--disable", "committed-secret,env-file-tracked"}, ""},
	} {
		var mu sync.Mutex
		var calls []string
		running := 0
		git := func(_ context.Context, _ string, args ...string) ([]byte, error) {
			mu.Lock()
			calls = append(calls, args[0])
			running++
			mu.Unlock()
			defer func() {
				mu.Lock()
				running--
				mu.Unlock()
			}()
			switch args[0] {
			case "ls-files":
				return []byte(".env\x00Dockerfile\x00docker-compose.yml\x00"), nil
			case "check-ignore":
				return nil, nil
			}
			t.Errorf("git %v", args)
			return nil, nil
		}
		env := Env{
			Stdout: io.Discard, Stderr: io.Discard,
			Environ:    tutorialShell,
			Getwd:      func() (string, error) { return dir, nil },
			IsTerminal: func(io.Writer) bool { return false },
			Git:        git,
		}
		Run(context.Background(), c.args, env)
		mu.Lock()
		sort.Strings(calls)
		if got := strings.Join(calls, " "); got != c.want {
			t.Errorf("%v: git ran %q, want %q", c.args, got, c.want)
		}
		if running != 0 {
			t.Errorf("%v: %d git commands still running after the lint", c.args, running)
		}
		mu.Unlock()
	}
}
