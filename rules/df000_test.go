package rules_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

// runDF parses Dockerfiles (path → text), runs one rule and renders its
// findings as "file:l:c-l:c: ID severity: message | fix", sorted.
func runDF(t *testing.T, id string, files map[string]string, setup func(*project.Dockerfile)) []string {
	t.Helper()
	rule, ok := rules.Lookup(rules.All(), id)
	if !ok {
		t.Fatalf("no rule %s", id)
	}
	p := &project.Project{Sources: map[string]*project.Source{}}
	for path, text := range files {
		src := project.NewSource(path, []byte(text))
		p.Sources[path] = src
		d := project.ParseDockerfile(path, src)
		if setup != nil {
			setup(d)
		}
		p.Dockerfiles = append(p.Dockerfiles, d)
	}
	var out []string
	for _, f := range rules.Run(p, []*rules.Rule{rule}) {
		r := f.Range
		s := fmt.Sprintf("%s:%d:%d-%d:%d: %s %s: %s", r.File, r.Start.Line, r.Start.Col, r.End.Line, r.End.Col, f.RuleID, f.Severity, f.Message)
		if f.Fix != nil {
			s += " | " + f.Fix.Message
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func TestDF000(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"unknown instruction", "FROM alpine:3.20\nRUN true\nFORM alpine:3.20\n", []string{
			"Dockerfile:3:1-3:5: DF000 error: cannot parse Dockerfile: unknown instruction: FORM (did you mean FROM?) | write FROM instead of FORM",
		}},
		{"unknown instruction without suggestion", "FROM alpine:3.20\n  INSTALL curl\n", []string{
			"Dockerfile:2:3-2:10: DF000 error: cannot parse Dockerfile: unknown instruction: INSTALL | use a Dockerfile instruction (FROM, RUN, COPY, ...), join the line to the previous one with a trailing \\, or comment it out with #",
		}},
		{"FROM without image", "FROM\n", []string{
			"Dockerfile:1:1-1:5: DF000 error: cannot parse Dockerfile: FROM requires either one or three arguments | correct this instruction: docker build rejects it the same way (reference: https://docs.docker.com/reference/dockerfile/)",
		}},
		{"unknown flag", "FROM alpine:3.20\nRUN --mnt=type=cache,target=/root/.cache pip install x\n", []string{
			"Dockerfile:2:5-2:41: DF000 error: cannot parse Dockerfile: unknown flag: --mnt (did you mean mount?) | write --mount instead of --mnt",
		}},
		{"unknown flag without suggestion", "FROM alpine:3.20\nCOPY --zzzzzz a b\n", []string{
			"Dockerfile:2:6-2:14: DF000 error: cannot parse Dockerfile: unknown flag: --zzzzzz | remove the flag or correct its name; see the instruction's flags in https://docs.docker.com/reference/dockerfile/",
		}},
		{"unterminated heredoc", "FROM alpine:3.20\nRUN <<EOF\necho hi\n", []string{
			"Dockerfile:2:1-2:10: DF000 error: cannot parse Dockerfile: unterminated heredoc | end the heredoc with a line that holds only its delimiter (for example EOF), without indentation unless it was opened with <<-",
		}},
		{"no FROM", "ARG VERSION=1\n", []string{
			"Dockerfile:1:1-1:14: DF000 error: cannot parse Dockerfile: dockerfile contains no stages to build | add a FROM instruction, or point build.dockerfile at the right file",
		}},
		{"binary file", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\xff", []string{
			"Dockerfile:1:1-1:1: DF000 error: cannot parse Dockerfile: it is not a text file (it holds NUL bytes or invalid UTF-8) | point build.dockerfile (or docker build -f) at the Dockerfile: this file holds binary data",
		}},
		{"line of 64 KiB", "FROM alpine:3.20\n  RUN echo " + strings.Repeat("x", 70000) + "\n", []string{
			"Dockerfile:2:3-2:6: DF000 error: cannot parse Dockerfile: dockerfile line greater than max allowed size of 65535 | split the line with \\ continuations (BuildKit reads lines of less than 64 KiB), or move the long data into a file that COPY adds",
		}},
		{"heredoc and escape directive", "# escape=`\nFROM alpine:3.20\nRUN <<EOF\nFORM x\nEOF\nRUN echo `\n  hi\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runDF(t, "DF000", map[string]string{"Dockerfile": tt.text}, nil)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// A dockerfile_inline reports at its line in the compose file.
func TestDF000InlineLineOffset(t *testing.T) {
	got := runDF(t, "DF000", map[string]string{"compose.yaml": "FROM alpine:3.20\nFORM x\n"}, func(d *project.Dockerfile) {
		d.Inline = true
		d.LineOffset = 5
	})
	if len(got) != 1 || !strings.HasPrefix(got[0], "compose.yaml:7:1-7:5: DF000 error: cannot parse Dockerfile: unknown instruction: FORM") {
		t.Errorf("got %q", got)
	}
}

// The loader reports an unreadable Dockerfile as a ParseError of its own
// wording.
func TestDF000Unreadable(t *testing.T) {
	rule, _ := rules.Lookup(rules.All(), "DF000")
	d := &project.Dockerfile{Path: "api/Dockerfile", ParseError: &project.SyntaxError{
		Range:   finding.Range{File: "api/Dockerfile", Start: finding.Pos{Line: 1, Col: 1}, End: finding.Pos{Line: 1, Col: 1}},
		Message: "cannot read Dockerfile: no such file or directory",
	}}
	got := rules.Run(&project.Project{Dockerfiles: []*project.Dockerfile{d}}, []*rules.Rule{rule})
	if len(got) != 1 || got[0].Message != "cannot read Dockerfile: no such file or directory" ||
		got[0].Fix == nil || !strings.Contains(got[0].Fix.Message, "build.dockerfile") {
		t.Errorf("got %+v", got)
	}
}

func TestDF000Metadata(t *testing.T) {
	r, _ := rules.Lookup(rules.All(), "dockerfile-syntax")
	if r == nil || r.ID != "DF000" || r.Severity != finding.SeverityError {
		t.Fatalf("DF000 = %+v", r)
	}
	if err := rules.Validate(r); err != nil {
		t.Error(err)
	}
}
