package project

import (
	"fmt"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// runScripts parses every RUN of a one-stage Dockerfile and renders each
// command as "name@l:c-l:c", and each word whose value is in words too.
func runScripts(t *testing.T, d *Dockerfile, words ...string) string {
	t.Helper()
	if d.ParseError != nil {
		t.Fatalf("parse: %s", d.ParseError.Message)
	}
	var out []string
	for _, st := range d.Stages {
		for _, c := range st.Commands {
			run, ok := c.(*instructions.RunCommand)
			if !ok {
				continue
			}
			rs := d.RunScript(run)
			if rs == nil {
				out = append(out, "nil")
				continue
			}
			if rs.Err != nil {
				out = append(out, "error")
			}
			for _, cmd := range rs.Commands {
				out = append(out, fmt.Sprintf("%s@%s", cmd.Name(), rng(rs.CommandRange(cmd))))
				for _, w := range cmd.Args {
					for _, want := range words {
						if w.Value == want {
							out = append(out, fmt.Sprintf("  %q@%s", w.Value, rng(rs.WordRange(w))))
						}
					}
				}
			}
		}
	}
	return strings.Join(out, "\n")
}

func TestRunScript(t *testing.T) {
	tests := []struct {
		name, src string
		words     []string
		want      string
	}{
		{"shell form", "FROM a\nRUN apt-get update && apt-get install -y curl\n", []string{"install"},
			"apt-get@2:5-2:19\napt-get@2:23-2:46\n  \"install\"@2:31-2:38"},
		{"flags before the command", "FROM a\nRUN --mount=type=cache,target=/root/.cache pip install x\n", nil,
			"pip@2:44-2:57"},
		{"continuation lines", "FROM a\nRUN apt-get update \\\n    && apt-get install -y \\\n       curl\n", []string{"curl"},
			"apt-get@2:5-2:19\napt-get@3:8-4:12\n  \"curl\"@4:8-4:12"},
		{"comment inside continuation", "FROM a\nRUN apt-get update \\\n# a comment\n    && pip install x\n", []string{"x"},
			"apt-get@2:5-2:19\npip@4:8-4:21\n  \"x\"@4:20-4:21"},
		{"backtick escape", "# escape=`\nFROM a\nRUN echo a `\n  && echo b\n", nil,
			"echo@3:5-3:11\necho@4:6-4:12"},
		{"sh -c inside", "FROM a\nRUN sh -c \"apt-get update && apt-get install -y \\\"x\\\"\"\n", []string{"x"},
			"sh@2:5-2:55\napt-get@2:12-2:26\napt-get@2:30-2:54\n  \"x\"@2:49-2:54"},
		{"exec form", "FROM a\nRUN [\"sh\", \"-c\", \"pip install --no-cache-dir x\"]\n", []string{"--no-cache-dir"},
			"sh@2:6-2:48\npip@2:19-2:47\n  \"--no-cache-dir\"@2:31-2:45"},
		{"exec form without shell", "FROM a\nRUN [\"pip\", \"install\", \"x\"]\n", []string{"install"},
			"pip@2:6-2:27\n  \"install\"@2:13-2:22"},
		{"heredoc alone", "FROM a\nRUN <<EOF\napt-get update\n  apt-get install -y x\nEOF\nRUN echo after\n", []string{"x"},
			"apt-get@3:1-3:15\napt-get@4:3-4:23\n  \"x\"@4:22-4:23\necho@6:5-6:15"},
		{"heredoc with chomp", "FROM a\nRUN <<-EOT\n\tpip install x\n\tEOT\n", nil,
			"pip@3:2-3:15"},
		{"heredoc with a python shebang", "FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nprint('apt-get update')\nEOF\n", nil,
			""},
		{"heredoc with a bash shebang", "FROM a\nRUN <<EOF\n#!/usr/bin/env bash\nset -e\napt-get update\nEOF\n", nil,
			"set@4:1-4:7\napt-get@5:1-5:15"},
		{"heredoc to a shell", "FROM a\nRUN bash <<EOF\napt-get update\nEOF\n", nil,
			"bash@2:5-2:15\napt-get@3:1-3:15"},
		{"heredoc as data", "FROM a\nRUN cat <<EOF > /etc/x && pip install y\napt-get update\nEOF\n", nil,
			"cat@2:5-2:23\npip@2:27-2:40"},
		{"parse error", "FROM a\nRUN apt-get update && (\n", nil, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runScripts(t, parseDF(t, tt.src), tt.words...)
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestRunScriptInline(t *testing.T) {
	d := parseDF(t, "FROM a\nRUN pip install x\n")
	d.Path = "compose.yaml"
	d.LineOffset, d.ColOffset = 10, 6
	if got := runScripts(t, d); got != "pip@12:11-12:24" {
		t.Errorf("got %s", got)
	}
}
