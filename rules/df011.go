package rules

import (
	"fmt"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/shellcmd"
)

// curlPipeShell is DF011: a script downloaded during the build and run
// unverified: `curl ... | sh`, `wget -O- ... | bash`, `sh -c "$(curl
// ...)"`, `bash <(curl ...)`.
func curlPipeShell() *Rule {
	return &Rule{
		ID:       "DF011",
		Name:     "curl-pipe-shell",
		Title:    "Downloaded script piped into a shell",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Security: true,
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				for _, ds := range dockerfileStages(d) {
					for _, r := range stageRuns(d, ds) {
						for _, c := range r.script.Commands {
							if f, ok := pipeShellFinding(p, r.script, c); ok && seen.first(f) {
								p.Report(f)
							}
						}
					}
				}
			}
		},
	}
}

// interpreters read a program on stdin when given no script (or "-").
var interpreters = map[string]bool{"python": true, "python3": true, "python2": true, "perl": true, "ruby": true, "node": true, "php": true}

// downloadsToStdout reports whether c is curl or wget writing the download
// to its standard output, and returns the URL word when there is one.
func downloadsToStdout(c *shellcmd.Command) (url string, ok bool) {
	for _, w := range c.Args[min(1, len(c.Args)):] {
		if strings.Contains(w.Value, "://") {
			url = w.Value
			break
		}
	}
	switch c.Name() {
	case "curl":
		// curl writes to stdout unless told to write a file (-o file, -O).
		for i, w := range c.Args {
			v := w.Value
			switch {
			case v == "-o" || v == "--output":
				if c.Arg(i+1) != "-" {
					return url, false
				}
			case strings.HasPrefix(v, "--output=") && v != "--output=-",
				v == "-O", v == "--remote-name", v == "--remote-name-all":
				return url, false
			case len(v) > 1 && v[0] == '-' && v[1] != '-':
				// A short cluster: -fsSLO, -fsSLo file, -sSLo-.
				if j := strings.IndexAny(v, "oO"); j > 0 {
					if v[j] == 'O' {
						return url, false
					}
					rest := v[j+1:]
					if rest == "" {
						rest = c.Arg(i + 1)
					}
					if rest != "-" {
						return url, false
					}
				}
			}
		}
		return url, true
	case "wget":
		for i, w := range c.Args {
			v := w.Value
			switch {
			case v == "-O" || v == "--output-document":
				if a := c.Arg(i + 1); a == "-" || a == "/dev/stdout" {
					return url, true
				}
			case v == "--output-document=-", v == "--output-document=/dev/stdout":
				return url, true
			case len(v) > 2 && v[0] == '-' && v[1] != '-' && strings.HasSuffix(v, "O-"):
				return url, true
			case len(v) > 1 && v[0] == '-' && v[1] != '-' && strings.HasSuffix(v, "O"):
				if a := c.Arg(i + 1); a == "-" || a == "/dev/stdout" {
					return url, true
				}
			}
		}
	}
	return url, false
}

// runsStdin reports whether c runs a program it reads on stdin.
func runsStdin(c *shellcmd.Command) bool {
	if mode, _ := c.Shell(); mode == shellcmd.ShellStdin {
		return true
	}
	if !interpreters[c.Name()] && !pythonName().MatchString(c.Name()) {
		return false
	}
	ops := c.Operands("-W", "-X", "-m", "-c", "-e", "-r")
	return (len(ops) == 0 || ops[0].Value == "-") && !c.Has("-c", "-e", "-m", "-r")
}

func pipeShellFinding(p *Pass, rs *project.RunScript, c *shellcmd.Command) (finding.Finding, bool) {
	url, ok := downloadsToStdout(c)
	if !ok {
		return finding.Finding{}, false
	}
	var runner *shellcmd.Command
	start, end := c.Start, c.End
	switch h := c.Host; {
	case c.PipeTo != nil:
		t := c.PipeTo
		for n := 0; t != nil && n < 4 && (t.Name() == "tee" || t.Name() == "cat"); n++ {
			t = t.PipeTo
		}
		if t != nil && runsStdin(t) {
			runner, end = t, t.End
		}
	case h != nil && c.In&shellcmd.InSubst != 0:
		// sh -c "$(curl ...)", eval "$(curl ...)"
		if mode, _ := h.Shell(); mode == shellcmd.ShellString || h.Name() == "eval" {
			runner, start, end = h, h.Start, h.End
		}
	case h != nil && c.In&shellcmd.InProcSubst != 0:
		// bash <(curl ...), source <(curl ...)
		if mode, _ := h.Shell(); mode == shellcmd.ShellFile || h.Name() == "." || h.Name() == "source" {
			runner, start, end = h, h.Start, h.End
		}
	}
	if runner == nil || start > end {
		return finding.Finding{}, false
	}
	text := strings.Join(strings.Fields(rs.Src[start:end]), " ")
	if len(text) > 70 {
		text = text[:67] + "..."
	}
	what := "a script"
	if url != "" {
		what = url
	}
	return finding.Finding{
		RuleID:   p.Rule.ID,
		Severity: p.Rule.Severity,
		Range:    rs.Range(start, end),
		Message: fmt.Sprintf("%q runs %s as downloaded, unverified: whatever the server (or anyone on the way) sends runs in the build, and the next build may run something else",
			text, what),
		Fix: &finding.Fix{Message: fmt.Sprintf("download a pinned version and check it before running it: ADD --checksum=sha256:<sha256> %s /tmp/install.sh, then RUN %s /tmp/install.sh (or install the tool from a package)",
			urlOr(url), runnerName(runner))},
	}, true
}

func urlOr(url string) string {
	if url == "" {
		return "<url>"
	}
	return url
}

func runnerName(c *shellcmd.Command) string {
	if n := c.Name(); n != "" && n != "eval" && n != "." && n != "source" {
		return n
	}
	return "sh"
}
