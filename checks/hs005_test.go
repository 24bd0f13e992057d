package checks

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitAnswers fakes git: config answers config, check-attr answers attr
// (NUL-separated as with -z); errors replace them when set.
func gitAnswers(config string, configErr error, attr string, attrErr error, calls *[]string) func(context.Context, string, ...string) ([]byte, []byte, error) {
	return func(_ context.Context, name string, args ...string) ([]byte, []byte, error) {
		*calls = append(*calls, name+" "+strings.Join(args[2:], " "))
		if name != "git" {
			return nil, nil, exec.ErrNotFound
		}
		switch args[2] {
		case "config":
			return []byte(config), nil, configErr
		case "check-attr":
			if attrErr != nil {
				return nil, []byte("fatal: not a git repository (or any of the parent directories): .git\n"), attrErr
			}
			return []byte(attr), nil, nil
		}
		return nil, nil, errors.New("unexpected")
	}
}

func TestHS005(t *testing.T) {
	p := writeProject(t, map[string]string{
		"compose.yaml":          "services:\n  web:\n    build: .\n",
		"Dockerfile":            "FROM alpine:3.20\n",
		"entrypoint.sh":         "#!/bin/sh\n",
		"scripts/wait.sh":       "#!/bin/sh\n",
		"node_modules/x/run.sh": "",
	})
	attr := func(pairs ...string) string {
		var b strings.Builder
		for i := 0; i+2 < len(pairs); i += 3 {
			b.WriteString(pairs[i] + "\x00" + pairs[i+1] + "\x00" + pairs[i+2] + "\x00")
		}
		return b.String()
	}
	unspecified := attr("entrypoint.sh", "text", "unspecified", "entrypoint.sh", "eol", "unspecified",
		"scripts/wait.sh", "text", "unspecified", "scripts/wait.sh", "eol", "unspecified")
	tests := []struct {
		name      string
		config    string
		configErr error
		attr      string
		attrErr   error
		want      string // "skip: ", "detail: " or a message
	}{
		{"autocrlf true, no attributes", "file:C:/Program Files/Git/etc/gitconfig\ttrue\n", nil, unspecified, nil,
			"HS005 warning: git converts line endings to CRLF on checkout (core.autocrlf=true, set in C:/Program Files/Git/etc/gitconfig) and no .gitattributes rule keeps shell scripts LF: entrypoint.sh and scripts/wait.sh get CRLF endings in every clone on this machine, and a container cannot run them (HS001)"},
		{"old git without an origin", "yes\n", nil, attr("entrypoint.sh", "eol", "lf", "scripts/wait.sh", "text", "auto"), nil,
			"(core.autocrlf=true) and no .gitattributes rule keeps shell scripts LF: scripts/wait.sh gets CRLF endings"},
		{"eol=crlf", "file:.git/config\ttrue\n", nil, attr("entrypoint.sh", "eol", "crlf", "scripts/wait.sh", "eol", "lf"), nil,
			"HS005 warning: a .gitattributes rule gives entrypoint.sh CRLF line endings (eol=crlf): a container cannot run it (HS001)"},
		{"kept LF", "file:.git/config\ttrue\n", nil, attr("entrypoint.sh", "eol", "lf", "scripts/wait.sh", "text", "unset"), nil,
			"detail: core.autocrlf is true, and .gitattributes keeps shell scripts LF"},
		{"autocrlf input", "file:/home/alice/.gitconfig\tinput\n", nil, "", nil, "detail: core.autocrlf is input: git keeps line endings as committed"},
		{"autocrlf unset", "", &exec.ExitError{ProcessState: exitStatus1(t)}, "", nil, "detail: core.autocrlf is unset: git keeps line endings as committed"},
		{"no git", "", exec.ErrNotFound, "", nil, "skip: git is not installed"},
		{"git config fails", "", errors.New("boom"), "", nil, "skip: git config failed: boom"},
		{"not a repository", "true\n", nil, "", errors.New("exit status 128"), "skip: the project is not in a git repository"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls []string
			env := fakeEnv(nil, nil)
			env.Exec = gitAnswers(tt.config, tt.configErr, tt.attr, tt.attrErr, &calls)
			r := runCheck2(t, autocrlfWithoutGitattributes(), env, p)
			got := messages(r)
			switch {
			case strings.HasPrefix(tt.want, "skip: "):
				if r.Skipped != strings.TrimPrefix(tt.want, "skip: ") {
					t.Errorf("skipped %q, findings:\n%s", r.Skipped, got)
				}
			case strings.HasPrefix(tt.want, "detail: "):
				if !r.OK() || len(r.Details) != 1 || r.Details[0] != strings.TrimPrefix(tt.want, "detail: ") {
					t.Errorf("want %q, got %+v\n%s", tt.want, r, got)
				}
			case !strings.Contains(got, tt.want):
				t.Errorf("missing %q in:\n%s", tt.want, got)
			}
			if len(calls) > 1 && calls[1] != "git check-attr -z text eol -- entrypoint.sh scripts/wait.sh" {
				t.Errorf("calls %q", calls)
			}
		})
	}
	if r := runCheck2(t, autocrlfWithoutGitattributes(), fakeEnv(nil, nil), p); r.Skipped != "cannot run git here" {
		t.Errorf("no Exec: %+v", r)
	}
	if r := runCheck2(t, autocrlfWithoutGitattributes(), fakeEnv(nil, nil), nil); r.Skipped != "no project here" {
		t.Errorf("no project: %+v", r)
	}
}

func exitStatus1(t *testing.T) *os.ProcessState {
	t.Helper()
	err := exec.Command("sh", "-c", "exit 1").Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Skip("no sh to make an exit status")
	}
	return exit.ProcessState
}

// TestRealHS005 runs git in a temporary repository.
func TestRealHS005(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	p := writeProject(t, map[string]string{"compose.yaml": "services:\n  web:\n    image: alpine:3.20\n"})
	git := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("git", append([]string{"-C", p.Root}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	env := RealEnv(RealOptions{})
	if r := runCheck2(t, autocrlfWithoutGitattributes(), env, p); r.Skipped == "" && len(r.Findings) != 0 {
		t.Errorf("outside a repository: %s", messages(r))
	}
	git("init", "-q")
	git("config", "core.autocrlf", "true")
	got := messages(runCheck2(t, autocrlfWithoutGitattributes(), env, p))
	if !strings.Contains(got, "HS005 warning: git converts line endings to CRLF on checkout (core.autocrlf=true, set in .git/config) and no .gitattributes rule keeps shell scripts LF: a script added later") {
		t.Errorf("autocrlf=true:\n%s", got)
	}
	if err := os.WriteFile(filepath.Join(p.Root, ".gitattributes"), []byte("*.sh text eol=lf\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCheck2(t, autocrlfWithoutGitattributes(), env, p); !r.OK() {
		t.Errorf("with .gitattributes: %s %+v", messages(r), r)
	}
	git("config", "core.autocrlf", "input")
	if r := runCheck2(t, autocrlfWithoutGitattributes(), env, p); !r.OK() || !strings.Contains(r.Details[0], "input") {
		t.Errorf("autocrlf=input: %+v", r)
	}
}
