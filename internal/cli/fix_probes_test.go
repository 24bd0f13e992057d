package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// crlfProject writes a project whose service runs a CRLF entrypoint.sh
// through a bind mount.
func crlfProject(t *testing.T, script string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"compose.yaml":  "services:\n  web:\n    image: python:3.12.7\n    working_dir: /app\n    volumes:\n      - ./:/app\n    entrypoint: ./entrypoint.sh\n",
		"entrypoint.sh": script,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const crlfEntrypoint = "#!/bin/sh\r\nset -e\r\nexec \"$@\"\r\n"

// TestFixHS001: envdoctor fix runs the probe that finds CRLF scripts and
// converts the entrypoint a compose service runs; a second run changes
// nothing; --diff shows the change and makes none.
func TestFixHS001(t *testing.T) {
	dir := crlfProject(t, crlfEntrypoint)
	script := filepath.Join(dir, "entrypoint.sh")

	diff, stderr, _ := run(t, dir, nil, "fix", "--diff", "--no-color")
	if data, _ := os.ReadFile(script); string(data) != crlfEntrypoint {
		t.Fatal("--diff changed entrypoint.sh")
	}
	if !strings.Contains(diff, "--- a/entrypoint.sh\n+++ b/entrypoint.sh\n") || !strings.Contains(diff, "-#!/bin/sh\r\n-set -e\r\n-exec \"$@\"\r\n+#!/bin/sh\n+set -e\n") {
		t.Errorf("diff:\n%q", diff)
	}
	if !strings.Contains(stderr, "the diff holds 1 fix to 1 file") {
		t.Errorf("stderr %q", stderr)
	}

	out, stderr, code := run(t, dir, nil, "fix", "--no-color")
	if code != ExitOK || stderr != "" {
		t.Errorf("fix: exit %d, stderr %q\n%s", code, stderr, out)
	}
	if !strings.Contains(out, "entrypoint.sh: 1 fix (HS001)\n1 fix applied to 1 file\n") {
		t.Errorf("fix output:\n%s", out)
	}
	if data, _ := os.ReadFile(script); string(data) != "#!/bin/sh\nset -e\nexec \"$@\"\n" {
		t.Errorf("entrypoint.sh = %q", data)
	}
	if fi, err := os.Stat(script); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("entrypoint.sh lost its mode: %v %v", fi.Mode(), err)
	}

	out, _, code = run(t, dir, nil, "fix", "--no-color")
	if code != ExitOK || !strings.HasPrefix(out, "no fix applied\n") {
		t.Errorf("second fix: exit %d\n%s", code, out)
	}
	if out, _, _ := run(t, dir, nil, "lint", "--fix", "--rule", "HS001"); !strings.HasPrefix(out, "no fix applied\n") {
		t.Errorf("lint --fix after the fix:\n%s", out)
	}
}

// TestFixHS001Choices: --rule selects HS001 by ID or name; another rule
// leaves the script alone; a mixed file is an unsafe fix; the config's
// disable turns the probe off; a doctor probe without fixes is refused.
func TestFixHS001Choices(t *testing.T) {
	t.Run("--rule", func(t *testing.T) {
		dir := crlfProject(t, crlfEntrypoint)
		out, _, _ := run(t, dir, nil, "fix", "--rule", "CP005")
		if data, _ := os.ReadFile(filepath.Join(dir, "entrypoint.sh")); string(data) != crlfEntrypoint || !strings.HasPrefix(out, "no fix applied\n") {
			t.Errorf("--rule CP005 changed the script:\n%s", out)
		}
		out, _, _ = run(t, dir, nil, "fix", "--rule", "crlf-script")
		if !strings.Contains(out, "entrypoint.sh: 1 fix (HS001)") {
			t.Errorf("--rule crlf-script:\n%s", out)
		}
	})
	t.Run("mixed line endings are unsafe", func(t *testing.T) {
		mixed := "#!/bin/sh\nprintf 'a\r\n'\r\nexec \"$@\"\n"
		dir := crlfProject(t, mixed)
		out, _, code := run(t, dir, nil, "fix", "--no-color")
		if code != ExitFindings || !strings.Contains(out, "1 unsafe fix was not applied (HS001)") {
			t.Errorf("exit %d:\n%s", code, out)
		}
		if data, _ := os.ReadFile(filepath.Join(dir, "entrypoint.sh")); string(data) != mixed {
			t.Error("an unsafe fix was applied without --unsafe")
		}
		if out, _, _ := run(t, dir, nil, "fix", "--unsafe"); !strings.Contains(out, "entrypoint.sh: 1 fix (HS001)") {
			t.Errorf("--unsafe:\n%s", out)
		}
	})
	t.Run("disabled", func(t *testing.T) {
		dir := crlfProject(t, crlfEntrypoint)
		out, _, _ := run(t, dir, nil, "fix", "--disable", "HS001")
		if data, _ := os.ReadFile(filepath.Join(dir, "entrypoint.sh")); string(data) != crlfEntrypoint || strings.Contains(out, "HS001") {
			t.Errorf("a disabled probe ran:\n%s", out)
		}
	})
	t.Run("a probe without fixes", func(t *testing.T) {
		dir := crlfProject(t, crlfEntrypoint)
		_, stderr, code := run(t, dir, nil, "fix", "--rule", "PT001")
		if code != ExitError || !strings.Contains(stderr, "PT001 (port-in-use) is a doctor probe that envdoctor fix does not run") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
	t.Run("lint does not run probes", func(t *testing.T) {
		dir := crlfProject(t, crlfEntrypoint)
		if out, _, _ := run(t, dir, nil, "lint"); strings.Contains(out, "HS001") {
			t.Errorf("lint ran HS001:\n%s", out)
		}
	})
}
