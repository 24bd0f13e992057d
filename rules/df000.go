package rules

import (
	"bytes"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// dockerfileSyntax is DF000: a Dockerfile that BuildKit's parser rejects.
// The loader parses every Dockerfile (project.ParseDockerfile) and keeps
// BuildKit's message with the exact line; this rule only reports it.
func dockerfileSyntax() *Rule {
	return &Rule{
		ID:       "DF000",
		Name:     "dockerfile-syntax",
		Title:    "Dockerfile cannot be parsed",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				if d.ParseError == nil {
					continue
				}
				msg := d.ParseError.Message
				if !strings.HasPrefix(msg, "cannot read") {
					// The loader words read errors itself ("cannot read
					// Dockerfile: no such file or directory").
					msg = "cannot parse Dockerfile: " + msg
				}
				f := finding.Finding{
					RuleID:   p.Rule.ID,
					Severity: p.Rule.Severity,
					Range:    d.ParseErrorRange(),
					Message:  msg,
					Fix:      &finding.Fix{Message: dockerfileSyntaxFix(d.ParseError.Message)},
				}
				switch {
				case d.Source != nil && looksBinary(d.Source.Data):
					// BuildKit's message quotes the binary bytes: leave it.
					f.Message = "cannot parse Dockerfile: it is not a text file (it holds NUL bytes or invalid UTF-8)"
					f.Range.End = f.Range.Start
					f.Fix.Message = "point build.dockerfile (or docker build -f) at the Dockerfile: this file holds binary data"
				case d.ParseError.Fix != "":
					f.Fix.Message = d.ParseError.Fix // the loader's own advice
				}
				if seen.first(f) {
					p.Report(f)
				}
			}
		},
	}
}

var (
	didYouMean = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^unknown instruction: (\S+) \(did you mean (\S+)\?\)$`)
	})
	flagDidYouMean = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^unknown flag: --(\S+) \(did you mean (\S+)\?\)$`) })
)

// dockerfileSyntaxFix turns BuildKit's message into advice.
func dockerfileSyntaxFix(msg string) string {
	if m := didYouMean().FindStringSubmatch(msg); m != nil {
		return "write " + m[2] + " instead of " + m[1]
	}
	if m := flagDidYouMean().FindStringSubmatch(msg); m != nil {
		return "write --" + m[2] + " instead of --" + m[1]
	}
	switch {
	case strings.HasPrefix(msg, "cannot read"):
		return "check build.context and build.dockerfile in the compose file, and that the file is readable"
	case strings.HasPrefix(msg, "unknown instruction: "):
		return "use a Dockerfile instruction (FROM, RUN, COPY, ...), join the line to the previous one with a trailing \\, or comment it out with #"
	case strings.HasPrefix(msg, "unknown flag: "):
		return "remove the flag or correct its name; see the instruction's flags in https://docs.docker.com/reference/dockerfile/"
	case msg == "unterminated heredoc":
		return "end the heredoc with a line that holds only its delimiter (for example EOF), without indentation unless it was opened with <<-"
	case msg == "file with no instructions", msg == "dockerfile contains no stages to build":
		return "add a FROM instruction, or point build.dockerfile at the right file"
	case strings.HasPrefix(msg, "dockerfile line greater than max allowed size"):
		return "split the line with \\ continuations (BuildKit reads lines of less than 64 KiB), or move the long data into a file that COPY adds"
	case msg == "no build stage in current context":
		return "start the Dockerfile with FROM: only ARG may come before the first FROM"
	case strings.Contains(msg, "parser directive"), strings.HasPrefix(msg, "invalid escape token"):
		return "keep each parser directive (# syntax=, # escape=, # check=) once, at the top of the file; escape accepts only \\ or `"
	}
	return "correct this instruction: docker build rejects it the same way (reference: https://docs.docker.com/reference/dockerfile/)"
}

// looksBinary reports data that is not text: a NUL byte, or mostly invalid
// UTF-8, in its first 8 KiB.
func looksBinary(data []byte) bool {
	head := data[:min(len(data), 8<<10)]
	if bytes.IndexByte(head, 0) >= 0 && !utf8.Valid(head) {
		return true
	}
	bad := 0
	for len(head) > 0 {
		r, size := utf8.DecodeRune(head)
		if r == utf8.RuneError && size == 1 {
			bad++
		}
		head = head[size:]
	}
	return bad > 16
}
