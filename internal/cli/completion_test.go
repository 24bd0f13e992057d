package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func completionScript(t *testing.T, shell string) string {
	t.Helper()
	out, stderr, code := run(t, ".", nil, "completion", shell)
	if code != ExitOK || stderr != "" || out == "" {
		t.Fatalf("completion %s: exit %d, stderr %q", shell, code, stderr)
	}
	return out
}

// TestCompletionMentionsEverything: every script names every command and
// every flag of every command.
func TestCompletionMentionsEverything(t *testing.T) {
	for _, shell := range completionShells {
		script := completionScript(t, shell)
		for _, c := range completionSpec() {
			if !strings.Contains(script, c.name) {
				t.Errorf("%s: command %s missing", shell, c.name)
			}
			for _, f := range c.flags {
				want := "--" + f.long
				if shell == "fish" {
					want = "-l " + f.long
				}
				if !strings.Contains(script, want) {
					t.Errorf("%s: flag %s of %s missing", shell, want, c.name)
				}
			}
		}
	}
	if _, stderr, code := run(t, ".", nil, "completion", "tcsh"); code != ExitError || !strings.Contains(stderr, "unknown shell") {
		t.Errorf("completion tcsh: exit %d, %s", code, stderr)
	}
	if _, _, code := run(t, ".", nil, "completion"); code != ExitError {
		t.Errorf("completion without a shell: exit %d", code)
	}
}

// TestCompletionSyntax parses each script with its shell, when the shell is
// installed (bash always is where the tests run; .ci/run installs zsh and
// fish).
func TestCompletionSyntax(t *testing.T) {
	checks := map[string][]string{
		"bash":       {"bash", "-n"},
		"zsh":        {"zsh", "-n"},
		"fish":       {"fish", "--no-execute"},
		"powershell": {"pwsh", "-NoProfile", "-Command", "$null = [ScriptBlock]::Create((Get-Content -Raw $args[0]))"},
	}
	dir := t.TempDir()
	for shell, argv := range checks {
		t.Run(shell, func(t *testing.T) {
			if _, err := exec.LookPath(argv[0]); err != nil {
				if shell == "bash" {
					t.Fatal("bash is not installed")
				}
				t.Skipf("%s is not installed", argv[0])
			}
			path := filepath.Join(dir, "envdoctor."+shell)
			if err := os.WriteFile(path, []byte(completionScript(t, shell)), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(argv[0], append(argv[1:], path)...).CombinedOutput()
			if err != nil {
				t.Errorf("%s does not parse its script: %v\n%s", argv[0], err, out)
			}
		})
	}
}

// TestBashCompletionCompletes runs the bash function on command lines.
func TestBashCompletionCompletes(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "envdoctor.bash")
	if err := os.WriteFile(script, []byte(completionScript(t, "bash")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "sub dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"envdoctor l":                     "[lint]",
		"envdoctor lint --format s":       "[sarif]",
		"envdoctor lint --format = c":     "[codeclimate][checkstyle]",
		"envdoctor lint --fail-level w":   "[warning]",
		"envdoctor lint --disable CP01":   "[CP010][CP011][CP012][CP013][CP014][CP015][CP016][CP017][CP018]",
		"envdoctor explain unset":         "[unset-variable]",
		"envdoctor lint co":               "[compose.yaml]",
		"envdoctor graph --format ''":     "[mermaid][dot]",
		"envdoctor completion p":          "[powershell]",
		"envdoctor su":                    "[sub dir]",
		"envdoctor --exit":                "[--exit-zero]",
		"envdoctor init --f":              "[--force]",
		"envdoctor lint --write-baseline": "[--write-baseline]",
	}
	for line, want := range cases {
		cmd := exec.Command("bash", "-c", `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _envdoctor; printf '[%s]' "${COMPREPLY[@]}"`, "bash", script)
		words := strings.Fields(line)
		for i, w := range words {
			if w == "''" {
				words[i] = ""
			}
		}
		cmd.Args = append(cmd.Args, words...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil || string(out) != want {
			t.Errorf("%q completes to %s, want %s (%v)", line, out, want, err)
		}
	}
}
