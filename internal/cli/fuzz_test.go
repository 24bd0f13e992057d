package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/rules"
)

// lintFiles are the files FuzzLint writes, in the order of its arguments.
var lintFiles = []string{"compose.yaml", "compose.override.yaml", "Dockerfile", ".env", ".dockerignore"}

// FuzzLint runs the whole `envdoctor lint --format json` on a project
// directory made of the fuzz input (a compose file, an override, a
// Dockerfile, a .env and a .dockerignore; an empty argument writes no
// file). The run must end with exit code 0, 1 or 2, with no rule failing
// (ED000, an internal error), a JSON document when it lints, and every
// finding located in a file of the project at a line it has. Seeds are the
// rule cases under testdata/rules and the example projects.
func FuzzLint(f *testing.F) {
	var dirs []string
	for _, pattern := range []string{"../../testdata/rules/*/*", "../../testdata/projects/*"} {
		m, _ := filepath.Glob(pattern)
		dirs = append(dirs, m...)
	}
	read := func(dir, name string) string {
		if name == "compose.yaml" {
			for _, n := range []string{"compose.yaml", "docker-compose.yml", "compose.yml", "docker-compose.yaml"} {
				if data, err := os.ReadFile(filepath.Join(dir, n)); err == nil {
					return string(data)
				}
			}
		}
		data, _ := os.ReadFile(filepath.Join(dir, name))
		return string(data)
	}
	for _, dir := range dirs {
		var args []string
		for _, name := range lintFiles {
			args = append(args, read(dir, name))
		}
		if strings.Join(args, "") != "" {
			f.Add(args[0], args[1], args[2], args[3], args[4])
		}
	}
	f.Fuzz(func(t *testing.T, compose, override, dockerfile, env, ignore string) {
		dir := t.TempDir()
		for i, text := range []string{compose, override, dockerfile, env, ignore} {
			if text == "" {
				continue
			}
			if err := os.WriteFile(filepath.Join(dir, lintFiles[i]), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		var out, errb bytes.Buffer
		code := Run(context.Background(), []string{"lint", "--format", "json"}, Env{
			Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Environ:    []string{"HOME=/home/u"},
			Getwd:      func() (string, error) { return dir, nil },
			IsTerminal: func(io.Writer) bool { return false },
		})
		switch code {
		case ExitOK, ExitFindings:
		case ExitError:
			if strings.Contains(errb.String(), "internal error") {
				t.Fatalf("internal error: %s", errb.String())
			}
			return // nothing to lint, or a config error: said on stderr
		default:
			t.Fatalf("exit code %d", code)
		}
		var doc struct {
			Findings []struct {
				Rule, File, Message string
				Line, Column        int
				EndLine             int `json:"end_line"`
			}
		}
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatalf("the report is not JSON: %v\n%.500s", err, out.String())
		}
		for _, fd := range doc.Findings {
			if fd.Rule == rules.InternalErrorID {
				t.Fatalf("a rule failed: %s", fd.Message)
			}
			if fd.File == "" {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(fd.File)))
			if err != nil {
				continue // a file named by a finding but not written here (a missing env_file)
			}
			lines := bytes.Count(data, []byte("\n")) + 1
			if fd.Line < 0 || fd.Line > lines || fd.EndLine > lines+1 || fd.EndLine != 0 && fd.EndLine < fd.Line {
				t.Fatalf("%s %s: lines %d-%d of a %d-line file: %s", fd.Rule, fd.File, fd.Line, fd.EndLine, lines, fd.Message)
			}
		}
	})
}
