package checks

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/secrets"
)

// logTail is how many log lines a finding quotes.
const logTail = 5

// maxLogLine bounds one quoted log line.
const maxLogLine = 200

// serviceUnhealthy is RT001: a container of the project that is unhealthy,
// restarting, or exited with a non-zero code, with its last log lines.
func serviceUnhealthy() *Check {
	return &Check{
		ID:       "RT001",
		Name:     "service-unhealthy",
		Title:    "A service of the running project is unhealthy, restarting or exited with an error",
		Section:  SectionRunning,
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Timeout:  EngineTimeout + 3*time.Second,
		Run: func(ctx context.Context, p *Probe) {
			e, ok := engineForProject(ctx, p)
			if !ok {
				return
			}
			cs, ok := containersOrSkip(ctx, p, e, true)
			if !ok {
				return
			}
			running := 0
			for _, c := range cs {
				var in dockerengine.ContainerInspect
				if err := e.Client.Get(ctx, "/containers/"+url.PathEscape(c.ID)+"/json", nil, &in); err != nil {
					continue // removed meanwhile
				}
				if in.State.Running && !in.State.Restarting {
					running++
				}
				problem := containerProblem(in)
				if problem == "" {
					continue
				}
				service := c.Labels[dockerengine.LabelComposeService]
				msg := fmt.Sprintf("service %q (container %s) %s", service, c.Name(), problem)
				if lines, err := e.Client.Logs(ctx, c.ID, logTail, in.Config.Tty); err == nil && len(lines) > 0 {
					msg += "; last log lines: " + quoteLogLines(lines)
				}
				p.Report(finding.Finding{
					Range:   serviceRange(p.Project.Compose, service),
					Message: msg,
					Fix:     &finding.Fix{Message: fmt.Sprintf("read the whole log: `docker compose -p %s logs %s`; fix the cause, then `docker compose up -d %s`", p.Project.Name, service, service)},
				})
			}
			p.Detail("%d of %d containers of project %q running", running, len(cs), p.Project.Name)
		},
	}
}

// containerProblem says what is wrong with a container, or "".
func containerProblem(in dockerengine.ContainerInspect) string {
	st := in.State
	switch {
	case st.Restarting:
		return fmt.Sprintf("keeps restarting (%d restarts so far, last exit code %d)", in.RestartCount, st.ExitCode)
	case st.OOMKilled:
		return "was killed for lack of memory (OOM): raise its memory limit or Docker Desktop's memory"
	case st.Status == "dead":
		return "is dead (the engine could not stop or remove it cleanly)"
	case st.Status == "exited" && st.ExitCode != 0:
		return fmt.Sprintf("exited with code %d%s", st.ExitCode, exitCodeMeaning(st.ExitCode))
	case st.Health != nil && st.Health.Status == "unhealthy":
		msg := fmt.Sprintf("is unhealthy (%d failed healthchecks in a row)", st.Health.FailingStreak)
		if n := len(st.Health.Log); n > 0 {
			if out := strings.TrimSpace(st.Health.Log[n-1].Output); out != "" {
				msg += ": last check said " + quoteLogLines([]string{out})
			}
		}
		return msg
	}
	return ""
}

// exitCodeMeaning explains the exit codes that have a usual cause.
func exitCodeMeaning(code int) string {
	switch code {
	case 126:
		return " (command not executable: a script without execute permission, or with CRLF line endings)"
	case 127:
		return " (command not found: a wrong entrypoint or command, or a script with CRLF line endings)"
	case 137:
		return " (killed: out of memory, or stopped with SIGKILL)"
	case 139:
		return " (segmentation fault: often an image built for another CPU architecture)"
	case 143:
		return " (stopped with SIGTERM)"
	}
	return ""
}

// quoteLogLines quotes log lines for a one-line message, with any secret the
// detectors recognise replaced by its redacted form and long lines cut.
func quoteLogLines(lines []string) string {
	quoted := make([]string, 0, len(lines))
	for _, l := range lines {
		l = redactSecrets(strings.TrimRight(l, "\r"))
		if len(l) > maxLogLine {
			l = l[:maxLogLine] + "…"
		}
		quoted = append(quoted, fmt.Sprintf("%q", l))
	}
	return strings.Join(quoted, " / ")
}

// redactSecrets replaces every detected secret in s by its redacted form.
func redactSecrets(s string) string {
	ms := secrets.Scan([]byte(s))
	if len(ms) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		if m.Start < last {
			continue
		}
		b.WriteString(s[last:m.Start])
		b.WriteString("[" + m.Description + ": " + m.Redacted() + "]")
		last = m.End
	}
	b.WriteString(s[last:])
	return b.String()
}
