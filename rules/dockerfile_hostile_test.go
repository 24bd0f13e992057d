package rules_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

// TestHostileDockerfiles runs every rule (not only the DF ones) over
// Dockerfiles built to break them: a binary file, 50,000 lines, an
// unterminated heredoc, a BOM, CRLF line endings, an escape directive of
// backtick, huge and deeply nested RUN scripts. No rule may panic (ED000);
// a broken file gets one DF000 at the right place; the others get their
// findings at exact positions, whatever the line endings or the BOM
// (columns of line 1 are counted after a BOM, as editors show them, and
// never include a \r).
func TestHostileDockerfiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	binary := func() string {
		b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
		for len(b) < 64<<10 {
			b = append(b, byte(rng.IntN(256)))
		}
		return string(b)
	}
	lines := func(n int) string {
		var b strings.Builder
		b.WriteString("FROM python:3.12-slim\n")
		for i := 1; i < n; i++ {
			switch i % 5 {
			case 0:
				fmt.Fprintf(&b, "RUN apt-get update && apt-get install -y --no-install-recommends pkg%d && rm -rf /var/lib/apt/lists/*\n", i)
			case 1:
				fmt.Fprintf(&b, "ENV VAR_%d=value-$VAR_%d\n", i, i-1)
			case 2:
				fmt.Fprintf(&b, "COPY requirements.txt /app/r%d.txt\n", i)
			case 3:
				fmt.Fprintf(&b, "WORKDIR /app/d%d\n", i)
			default:
				fmt.Fprintf(&b, "# comment %d\n", i)
			}
		}
		return b.String()
	}
	continued := func(n int) string {
		var b strings.Builder
		b.WriteString("FROM debian:12\nRUN set -eux \\\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "  && echo line%d \\\n", i)
		}
		b.WriteString("  && true\n")
		return b.String()
	}
	nested := func(depth int) string {
		return "FROM debian:12\nRUN echo " + strings.Repeat("$(", depth) + "x" + strings.Repeat(")", depth) + "\n" +
			"RUN " + strings.Repeat("sh -c '", 1) + strings.Repeat("(", depth) + "true" + strings.Repeat(")", depth) + "'\n"
	}
	tests := []struct {
		name string
		file string
		// want lists findings that must be there, as "ID L:C-L:C"; a
		// DF000 in want must be the only finding of the Dockerfile.
		want []string
	}{
		{"binary file", binary(), []string{"DF000 1:1-1:1"}},
		{"50,000 lines", lines(50_000), []string{"DF009 1:1-1:22"}},
		{"50,000-line RUN", continued(50_000), []string{"DF009 1:1-1:15"}},
		{"one 1 MB line", "FROM debian:12\nRUN echo " + strings.Repeat("a", 1<<20) + "\n", []string{"DF000 2:1-2:4"}},
		{"deep nesting", nested(2000), []string{"DF009 1:1-1:15"}},
		{"unterminated heredoc", "FROM alpine:3.20\nRUN <<EOF\necho hi\n", []string{"DF000 2:1-2:10"}},
		{"unterminated heredoc CRLF", "FROM alpine:3.20\r\nRUN <<EOF\r\necho hi\r\n", []string{"DF000 2:1-2:10"}},
		{"NUL bytes", "FROM alpine:3.20\nRUN echo \x00hi\x00\nFROM\x00 x\n", []string{"DF000 3:1-3:6"}},
		{"BOM", "\uFEFFFROM python:3.6\nRUN apt-get update\n", []string{
			"DF006 1:6-1:16", "DF009 1:1-1:16", "DF002 2:5-2:19",
		}},
		{"BOM and a syntax error", "\uFEFFFORM python:3.6\n", []string{"DF000 1:1-1:5"}},
		{"BOM before a directive", "\uFEFF# escape=`\nFROM node\nRUN echo `\n  hi\n", []string{"DF005 2:6-2:10"}},
		{"CRLF", "FROM python:3.6\r\nRUN apt-get update\r\nRUN pip install -r requirements.txt \\\r\n  && curl -fsSL https://x.example/i.sh | sh\r\nLABEL maintainer \"a <a@b.c>\"\r\n", []string{
			"DF006 1:6-1:16", "DF002 2:5-2:19", "DF004 3:5-3:36", "DF011 4:6-4:44", "DF112 5:7-5:29",
		}},
		{"BOM and CRLF", "\uFEFFFROM python:3.6\r\nCMD flask run\r\n", []string{
			"DF006 1:6-1:16", "DF009 1:1-1:16", "DF012 2:5-2:14", "DF106 2:5-2:14",
		}},
		{"escape backtick", "# escape=`\nFROM node\nCOPY . `\n  /app\nRUN npm ci `\n  && npm run build\nUSER node\n", []string{
			"DF005 2:6-2:10",
		}},
		{"escape backtick CRLF", "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nRUN powershell -Command `\r\n  Write-Host hi\r\nADD app.txt C:/app/\r\n", []string{
			"DF008 5:1-5:4",
		}},
		{"lone CR endings", "FROM python:3.6\rRUN apt-get update\r", nil},
		{"only a BOM", "\uFEFF", []string{"DF000 1:1-1:1"}},
		{"empty file", "", []string{"DF000 1:1-1:1"}},
	}
	all := rules.All()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if testing.Short() && len(tt.file) > 1<<20 {
				t.Skip("large input: skipped with -short")
			}
			dir := t.TempDir()
			for name, content := range map[string]string{"Dockerfile": tt.file, "requirements.txt": "flask==3.0.3\n", "app.txt": "x\n"} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			start := time.Now()
			p, err := project.Load(context.Background(), dir, project.Options{})
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			found := rules.Run(p, all)
			elapsed := time.Since(start)
			got := map[string]bool{}
			var dockerfile []finding.Finding
			for _, f := range found {
				if f.RuleID == rules.InternalErrorID {
					t.Errorf("a rule panicked: %s", f.Message)
				}
				if f.Range.File != "Dockerfile" {
					continue
				}
				dockerfile = append(dockerfile, f)
				r := f.Range
				got[fmt.Sprintf("%s %d:%d-%d:%d", f.RuleID, r.Start.Line, r.Start.Col, r.End.Line, r.End.Col)] = true
				if r.Start.Line < 1 || r.Start.Col < 1 || r.End.Line < r.Start.Line || r.End.Line == r.Start.Line && r.End.Col < r.Start.Col {
					t.Errorf("%s: bad range %v", f.RuleID, r)
				}
				if src := p.Sources["Dockerfile"]; src != nil && r.End.Col > len(src.Line(r.End.Line))+1 {
					t.Errorf("%s: range %v ends past line %d (%q)", f.RuleID, r, r.End.Line, src.Line(r.End.Line))
				}
			}
			for _, w := range tt.want {
				if !got[w] {
					t.Errorf("missing %s; got:\n%s", w, FormatGolden(dockerfile))
				}
				if strings.HasPrefix(w, "DF000") && dockerfileRuleCount(dockerfile) != 1 {
					t.Errorf("a broken file gets DF000 alone of the Dockerfile rules; got:\n%s", FormatGolden(dockerfile))
				}
			}
			if elapsed > 20*time.Second {
				t.Logf("slow: %v", elapsed) // no timing assertions in tests
			}
		})
	}
}

// dockerfileRuleCount counts the findings of Dockerfile rules (DF...):
// a context rule such as BC001 anchors its finding in the Dockerfile too,
// and still holds when the Dockerfile does not parse.
func dockerfileRuleCount(fs []finding.Finding) int {
	n := 0
	for _, f := range fs {
		if strings.HasPrefix(f.RuleID, "DF") {
			n++
		}
	}
	return n
}
