package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestContextCommand(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"compose.yaml":           "services:\n  web:\n    build: ./web\n",
		"web/Dockerfile":         "FROM node:22\nWORKDIR /app\nCOPY . .\n",
		"web/.dockerignore":      "node_modules\n*.md\n!README.md\nlogs\n",
		"web/README.md":          "# web\n",
		"web/CHANGES.md":         "changes\n",
		"web/index.js":           "console.log(1)\n",
		"web/node_modules/a.js":  "module.exports = 1\n",
		"web/logs/app.log":       "log\n",
		"web/src/big/blob.json":  strings.Repeat("x", 5000),
		"web/src/small/tiny.txt": "t\n",
	}
	for p, c := range files {
		abs := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, stderr, code := run(t, dir, nil, "context", "-n", "2",
		"--explain", "web/README.md", "--explain", "web/CHANGES.md", "--explain", "web/node_modules/a.js", "--explain", "web/index.js", "--explain", "compose.yaml")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := `build context web (service "web", Dockerfile web/Dockerfile)
  ignore file: web/.dockerignore
  sends: 6 files, 5.0 KB
  excluded: 1 file, 8 B listed, and 2 directories not entered (the builder skips them too)
  largest files:
       4.9 KB  src/big/blob.json
         35 B  Dockerfile
  largest directories:
       4.9 KB  src/ (2 files)
  excluded by:
    web/.dockerignore:1  node_modules         1 directory not entered (e.g. node_modules)
    web/.dockerignore:2  *.md                 1 file, 8 B (e.g. CHANGES.md)
    web/.dockerignore:4  logs                 1 directory not entered (e.g. logs)
  README.md (exists): sent: web/.dockerignore:2 "*.md" matches it, and web/.dockerignore:3 "!README.md" re-includes it
  CHANGES.md (exists): excluded by web/.dockerignore:2 "*.md"
  node_modules/a.js (inside node_modules, which the builder does not enter): excluded by web/.dockerignore:1 "node_modules"
  index.js (exists): sent, no line of web/.dockerignore matches it
  compose.yaml: not inside this context
`
	if out != want {
		t.Errorf("context output:\n%s\nwant:\n%s", out, want)
	}
	if _, _, code := run(t, dir, nil, "context", "a", "b"); code != ExitError {
		t.Errorf("two directories: exit %d", code)
	}
}
