package project

import (
	"fmt"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

func parseDF(t *testing.T, text string) *Dockerfile {
	t.Helper()
	return ParseDockerfile("Dockerfile", NewSource("Dockerfile", []byte(text)))
}

// rng renders a range as "l:c-l:c".
func rng(r finding.Range) string {
	return fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Col, r.End.Line, r.End.Col)
}

func TestParseDockerfileErrors(t *testing.T) {
	tests := []struct {
		name, src string
		msg       string
		rng       string
	}{
		{"unknown instruction", "FROM a\nRUN x\nFORM b\n",
			"unknown instruction: FORM (did you mean FROM?)", "3:1-3:5"},
		{"unknown lowercase instruction", "from a\nform b\n",
			"unknown instruction: form (did you mean from?)", "2:1-2:5"},
		{"unknown indented instruction", "FROM a\n   FORM b\n",
			"unknown instruction: FORM (did you mean FROM?)", "2:4-2:8"},
		{"from without args", "FROM\n",
			"FROM requires either one or three arguments", "1:1-1:5"},
		{"copy with one arg", "FROM a\nCOPY x\n",
			"COPY requires at least two arguments, but only one was provided. Destination could not be determined", "2:1-2:7"},
		{"copy with one arg over two lines", "FROM a\nCOPY \\\n  x\n",
			"COPY requires at least two arguments, but only one was provided. Destination could not be determined", "2:1-3:4"},
		{"duplicate directive", "# escape=`\n# escape=\\\nFROM a\n",
			"only one escape parser directive can be used", "2:1-2:11"},
		{"bad escape token", "# syntax=docker/dockerfile:1\n# escape=q\nFROM a\n",
			"invalid escape token 'q' does not match ` or \\", "2:1-2:11"},
		{"unterminated heredoc", "FROM a\nRUN <<EOF\necho hi\n",
			"unterminated heredoc", "2:1-2:10"},
		{"instruction before FROM", "ARG X\nRUN x\n",
			"no build stage in current context", "2:1-2:6"},
		{"unknown flag", "FROM a\nCOPY --foo=bar a b\n",
			"unknown flag: --foo (did you mean from?)", "2:6-2:15"},
		{"bad stage name", "FROM a AS 1x\n",
			`invalid name for build stage: "1x", name can't start with a number or contain symbols`, "1:1-1:13"},
		{"empty file", "",
			"file with no instructions", "1:1-1:1"},
		{"only ARGs", "# a comment\nARG X=1\n",
			"dockerfile contains no stages to build", "2:1-2:8"},
		{"ENV without value", "FROM a\nENV\n",
			"ENV requires at least one argument", "2:1-2:4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := parseDF(t, tt.src)
			if d.ParseError == nil {
				t.Fatalf("no parse error")
			}
			if d.ParseError.Message != tt.msg {
				t.Errorf("message = %q, want %q", d.ParseError.Message, tt.msg)
			}
			if got := rng(d.ParseError.Range); got != tt.rng {
				t.Errorf("range = %s, want %s", got, tt.rng)
			}
			if d.ParseError.Range.File != "Dockerfile" {
				t.Errorf("file = %q", d.ParseError.Range.File)
			}
			if tt.name != "only ARGs" && (d.AST != nil || d.Stages != nil) {
				t.Errorf("AST/Stages set on a parse error")
			}
		})
	}
}

func TestParseDockerfileOK(t *testing.T) {
	src := `# syntax=docker/dockerfile:1
# check=skip=StageNameCasing
ARG PY=3.12
FROM python:${PY}-slim AS Build
RUN <<EOF
set -e
FROM not-an-instruction
EOF
COPY <<-EOT /app/config.ini
	[main]
	EOT
RUN apt-get update \
# a comment inside the continuation
    && apt-get install -y curl

from build
CMD ["python", "app.py"]
`
	d := parseDF(t, src)
	if d.ParseError != nil {
		t.Fatalf("parse error: %+v", d.ParseError)
	}
	if len(d.Stages) != 2 || len(d.MetaArgs) != 1 {
		t.Fatalf("stages=%d metaArgs=%d", len(d.Stages), len(d.MetaArgs))
	}
	if got := len(d.Stages[0].Commands); got != 3 {
		t.Errorf("stage 0 has %d commands, want 3", got)
	}
	if d.Stages[0].Name != "build" {
		t.Errorf("stage name %q", d.Stages[0].Name)
	}
	run := d.Stages[0].Commands[0]
	if r := d.InstructionRange(run.Location()); rng(r) != "5:1-8:4" {
		t.Errorf("heredoc RUN range = %s", rng(r))
	}
	in := d.Instruction(run.Location())
	if in.Text != "RUN <<EOF" || len(in.Args) != 1 || rng(in.Args[0].Range) != "5:5-5:10" {
		t.Errorf("heredoc RUN text %q args %+v", in.Text, in.Args)
	}
	apt := d.Instruction(d.Stages[0].Commands[2].Location())
	if want := "RUN apt-get update     && apt-get install -y curl"; apt.Text != want {
		t.Errorf("joined text = %q, want %q", apt.Text, want)
	}
	var last InstructionWord
	for _, w := range apt.Args {
		last = w
	}
	if last.Text != "curl" || rng(last.Range) != "14:27-14:31" {
		t.Errorf("last word %q at %s", last.Text, rng(last.Range))
	}
	if r := d.InstructionRange(d.Stages[0].Commands[2].Location()); rng(r) != "12:1-14:31" {
		t.Errorf("continued RUN range = %s", rng(r))
	}
	cmd := d.Instruction(d.Stages[1].Commands[0].Location())
	if !cmd.JSON || len(cmd.Args) != 2 || cmd.Args[1].Value != "app.py" || cmd.Args[1].Text != `"app.py"` ||
		rng(cmd.Args[1].Range) != "17:16-17:24" {
		t.Errorf("JSON args: %+v", cmd.Args)
	}
	if r, ok := d.ArgRange(d.Stages[1].Location, 0); !ok || rng(r) != "16:6-16:11" {
		t.Errorf("lowercase from arg = %s %v", rng(r), ok)
	}
}

func TestArgColumns(t *testing.T) {
	tests := []struct {
		name, src string
		arg       int
		text, rng string
	}{
		{"plain", "FROM python:3.6 AS base\n", 0, "python:3.6", "1:6-1:16"},
		{"stage name", "FROM python:3.6 AS base\n", 2, "base", "1:20-1:24"},
		{"indented lowercase", "  from\tpython:3.6\n", 0, "python:3.6", "1:8-1:18"},
		{"platform flag", "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n", 0, "golang:1.22", "1:32-1:43"},
		{"quoted flag", "FROM --platform=\"linux/amd64\"   img\n", 0, "img", "1:33-1:36"},
		{"end of flags", "FROM --platform=linux/amd64 -- img\n", 0, "img", "1:32-1:35"},
		{"continuation", "FROM \\\n    python:3.6 \\\n  AS base\n", 0, "python:3.6", "2:5-2:15"},
		{"continuation stage", "FROM \\\n    python:3.6 \\\n  AS base\n", 2, "base", "3:6-3:10"},
		{"CRLF", "FROM python:3.6 \\\r\n  AS b\r\n", 2, "b", "2:6-2:7"},
		// Columns of line 1 are counted after a BOM, as editors show them.
		{"byte order mark", "\uFEFFFROM python\n", 0, "python", "1:6-1:12"},
		{"escape directive", "# escape=`\nFROM `\n  mcr.microsoft.com/windows:ltsc2022 AS w\n", 0,
			"mcr.microsoft.com/windows:ltsc2022", "3:3-3:37"},
		{"escape directive backslash is plain", "# escape=`\nFROM c:\\img\\ AS w\n", 0, `c:\img\`, "2:6-2:13"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := parseDF(t, tt.src)
			if d.ParseError != nil {
				t.Fatalf("parse error: %+v", d.ParseError)
			}
			loc := d.Stages[0].Location
			in := d.Instruction(loc)
			if in == nil || tt.arg >= len(in.Args) {
				t.Fatalf("no argument %d in %+v", tt.arg, in)
			}
			if in.Args[tt.arg].Text != tt.text {
				t.Errorf("text = %q, want %q", in.Args[tt.arg].Text, tt.text)
			}
			r, ok := d.ArgRange(loc, tt.arg)
			if !ok || rng(r) != tt.rng {
				t.Errorf("range = %s (%v), want %s", rng(r), ok, tt.rng)
			}
		})
	}
}

func TestFlagRange(t *testing.T) {
	d := parseDF(t, "FROM alpine AS a\nCOPY --from=a --chown=1:1 /x /y\n")
	r, ok := d.FlagRange(d.Stages[0].Commands[0].Location(), "chown")
	if !ok || rng(r) != "2:15-2:26" {
		t.Errorf("flag range = %s %v", rng(r), ok)
	}
	in := d.Instruction(d.Stages[0].Commands[0].Location())
	if got := in.ArgsText(); got != "/x /y" {
		t.Errorf("ArgsText = %q", got)
	}
	if rng(in.Range(in.ArgsStart, len(in.Text))) != "2:27-2:32" {
		t.Errorf("args range = %s", rng(in.Range(in.ArgsStart, len(in.Text))))
	}
}

func TestEscapeToken(t *testing.T) {
	d := parseDF(t, "# escape=`\nFROM windows\nRUN dir `\n  c:\\\n")
	if d.ParseError != nil {
		t.Fatalf("parse error: %+v", d.ParseError)
	}
	if d.EscapeToken() != '`' {
		t.Errorf("escape token %q", d.EscapeToken())
	}
	run := d.Instruction(d.Stages[0].Commands[0].Location())
	if run.Text != "RUN dir   c:\\" {
		t.Errorf("joined = %q", run.Text)
	}
	// The escape token is known even when the file does not parse.
	d = parseDF(t, "# escape=`\nFROM windows\nFORM x\n")
	if d.ParseError == nil || d.EscapeToken() != '`' {
		t.Errorf("escape token on a bad file: %q %+v", d.EscapeToken(), d.ParseError)
	}
}

func strp(s string) *string { return &s }

func TestExpandFromImage(t *testing.T) {
	tests := []struct {
		name, src string
		args      map[string]*string
		target    string
		want      string
		ok        bool
	}{
		{"no variables", "FROM python:3.6\n", nil, "", "python:3.6", true},
		{"ARG default", "ARG PY=3.6\nFROM python:${PY}\n", nil, "", "python:3.6", true},
		{"build arg overrides default", "ARG PY=3.6\nFROM python:${PY}\n",
			map[string]*string{"PY": strp("3.12")}, "", "python:3.12", true},
		{"build arg without value", "ARG PY=3.6\nFROM python:${PY}\n",
			map[string]*string{"PY": nil}, "", "", false},
		{"ARG without default", "ARG BASE\nFROM $BASE\n", nil, "", "", false},
		{"ARG without default set by build arg", "ARG BASE\nFROM $BASE\n",
			map[string]*string{"BASE": strp("node:20")}, "", "node:20", true},
		{"build arg not declared is ignored", "FROM python:${PY:-3.9}\n",
			map[string]*string{"PY": strp("3.12")}, "", "python:3.9", true},
		{"undeclared variable is empty", "FROM img${SUFFIX}\n", nil, "", "img", true},
		{"default modifier on undeclared", "FROM golang:${GO:-1.22}\n", nil, "", "golang:1.22", true},
		{"default modifier on unknown", "ARG GO\nFROM golang:${GO:-1.22}\n", nil, "", "", false},
		{"platform arg", "FROM img:$TARGETARCH\n", nil, "", "", false},
		{"platform arg from build arg", "FROM img:$TARGETARCH\n",
			map[string]*string{"TARGETARCH": strp("arm64")}, "", "img:arm64", true},
		{"chained ARGs", "ARG V=3\nARG IMG=python:${V}\nFROM ${IMG}-slim\n", nil, "", "python:3-slim", true},
		{"chained ARG on unknown", "ARG V\nARG IMG=python:${V}\nFROM ${IMG}\n", nil, "", "", false},
		{"ARG redeclared without value keeps value", "ARG V=1\nARG V\nFROM img:$V\n", nil, "", "img:1", true},
		{"empty result", "ARG B=\nFROM $B\n", nil, "", "", false},
		{"escape directive", "# escape=`\nARG V=1\nFROM img:${V}\n", nil, "", "img:1", true},
		{"quotes", "ARG V=\"3.6\"\nFROM \"python:$V\"\n", nil, "", "python:3.6", true},
		{"bad substitution", "FROM img:${}\n", nil, "", "", false},
		{"ARG inside stage is not a meta arg", "FROM a\nARG V=1\nFROM img:$V\n", nil, "", "img:", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := parseDF(t, tt.src)
			if d.ParseError != nil {
				t.Fatalf("parse error: %+v", d.ParseError)
			}
			d.BuildArgs = tt.args
			d.Target = tt.target
			st := d.Stages[len(d.Stages)-1]
			got, ok := d.ExpandFromImage(st)
			if ok != tt.ok || (ok && got != tt.want) {
				t.Errorf("ExpandFromImage(%q) = %q, %v; want %q, %v", st.BaseName, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestLineOffset(t *testing.T) {
	d := parseDF(t, "FROM a\nFORM b\n")
	d.LineOffset = 10
	if got := rng(d.ParseErrorRange()); got != "12:1-12:5" {
		t.Errorf("shifted parse error = %s", got)
	}
	d = parseDF(t, "FROM python\n")
	d.LineOffset = 4
	if r, _ := d.ArgRange(d.Stages[0].Location, 0); rng(r) != "5:6-5:12" {
		t.Errorf("shifted arg = %s", rng(r))
	}
}

func TestParseDockerfileNilSource(t *testing.T) {
	d := ParseDockerfile("Dockerfile", nil)
	if d.ParseError == nil || !strings.Contains(d.ParseError.Message, "no instructions") {
		t.Errorf("nil source: %+v", d.ParseError)
	}
}

// FuzzParseDockerfile: any input parses or yields a located ParseError, and
// the source helpers never panic or point outside the file.
func FuzzParseDockerfile(f *testing.F) {
	for _, s := range []string{
		"FROM python:3.6 AS base\nRUN pip install flask\n",
		"# escape=`\nFROM a `\n  AS b\nRUN x `\n# c\n  y\n",
		"FROM a\nRUN <<EOF\nhi\nEOF\nCOPY [\"a b\", \"/c\"]\n",
		"ARG V=1\nFROM img:${V:-2} AS s\nFORM x\n",
		"\uFEFFFROM a\r\nRUN a \\\r\n\r\n  b\r\n",
		"FROM --platform=$X -- img\nCOPY --from=s \"a\\\" b\" c\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		src := NewSource("Dockerfile", []byte(text))
		d := ParseDockerfile("Dockerfile", src)
		check := func(what string, r finding.Range) {
			if r.Start.Line < 1 || r.End.Line > src.LineCount()+1 || r.End.Before(r.Start) {
				t.Fatalf("%s: bad range %s for %q", what, rng(r), text)
			}
		}
		if d.ParseError != nil {
			check("parse error", d.ParseErrorRange())
			return
		}
		for _, st := range d.Stages {
			check("stage", d.InstructionRange(st.Location))
			if in := d.Instruction(st.Location); in != nil {
				for _, w := range in.Args {
					check("arg", w.Range)
				}
			}
			_, _ = d.ExpandFromImage(st)
			for _, c := range st.Commands {
				in := d.Instruction(c.Location())
				if in == nil {
					t.Fatalf("no instruction text for %v", c.Location())
				}
				for _, w := range append(append([]InstructionWord{in.Keyword}, in.Flags...), in.Args...) {
					check("word", w.Range)
				}
			}
		}
	})
}
