package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOwnDockerfileLintsClean: envdoctor's own Dockerfile and .dockerignore
// have no finding at all, info included.
func TestOwnDockerfileLintsClean(t *testing.T) {
	out, stderr, code := run(t, "../..", nil, "lint", "--format", "json", "--fail-level", "info", "Dockerfile", ".dockerignore")
	if code != ExitOK || strings.Count(out, `"rule"`) != 0 {
		t.Errorf("exit %d\n%s\n%s", code, out, stderr)
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	// What the issue asks of it: multi-stage, static, minimal, non-root.
	for _, want := range []string{"AS build", "CGO_ENABLED=0", "\nFROM scratch\n", "\nUSER 65532:65532\n", "linkVersion=${VERSION}", "linkCommit=${COMMIT}"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Dockerfile lacks %q", want)
		}
	}

	// The same Dockerfile made worse is not clean: the rules did look at it.
	dir := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum", "cmd/envdoctor/main.go", "internal/x.go", "rules/x.go", "checks/x.go"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ignore, _ := os.ReadFile(filepath.Join("..", "..", ".dockerignore"))
	worse := strings.Replace(strings.Replace(text, "\nUSER 65532:65532\n", "\n", 1), "golang:${GO_VERSION}-bookworm", "golang", 1)
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(worse), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".dockerignore"), ignore, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, _ = run(t, dir, nil, "lint", "--format", "json", "--fail-level", "info")
	for _, rule := range []string{"DF005", "DF009"} {
		if !strings.Contains(out, `"rule": "`+rule+`"`) {
			t.Errorf("the worse Dockerfile has no %s:\n%s", rule, out)
		}
	}
}
