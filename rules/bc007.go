package rules

import (
	"fmt"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// contextUnreadable is BC007: an entry of a build context the build cannot
// send. An unreadable file or directory that .dockerignore does not
// exclude makes `docker build` fail ("error from sender: open ...:
// permission denied"): typically a database directory a container created
// inside the context (BC004). A named pipe, socket or device is not a
// file: the legacy builder fails on sockets, and BuildKit recreates the
// node in the image without any content.
func contextUnreadable() *Rule {
	return &Rule{
		ID:       "BC007",
		Name:     "context-unreadable",
		Title:    "Build context holds entries the build cannot read",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			for _, ctx := range p.Project.Contexts {
				files := ctx.Files()
				if files == nil {
					continue
				}
				var unreadable []project.UnreadableDir
				for _, u := range files.Unreadable {
					if !u.Excluded && u.Path != "." {
						unreadable = append(unreadable, u)
					}
				}
				if len(unreadable) > 0 {
					p.Report(unreadableFinding(p.Project, ctx, unreadable))
				}
				var special []project.ContextFile
				for _, f := range files.Files {
					if f.Special != "" && !f.Excluded {
						special = append(special, f)
					}
				}
				if len(special) > 0 {
					p.Report(specialFinding(p.Project, ctx, special))
				}
			}
		},
	}
}

func unreadableFinding(p *project.Project, ctx *project.BuildContext, bad []project.UnreadableDir) finding.Finding {
	first := bad[0]
	kind := "directory"
	if first.File {
		kind = "file"
	}
	msg := fmt.Sprintf("%s holds the %s %s that cannot be read (%s): docker build fails with \"error from sender: open %s: %s\"",
		contextLabel(ctx), kind, printablePath(first.Path), first.Err, printablePath(first.Path), first.Err)
	if len(bad) > 1 {
		msg += fmt.Sprintf(" (%d unreadable entries in all)", len(bad))
	}
	var lines []string
	for _, u := range bad {
		if len(lines) < 10 && !strings.ContainsAny(u.Path, "\n\r") {
			lines = append(lines, ignoreLine(u.Path))
		}
	}
	f := finding.Finding{Range: contextRange(p, ctx), Message: msg,
		Fix: &finding.Fix{Message: fmt.Sprintf("if the build does not need them, add %s to %s; else make them readable (sudo chown -R $USER %s)", strings.Join(lines, " "), ignorePath(ctx), printablePath(rootPath(ctx, first.Path)))}}
	if len(lines) > 0 {
		f.Fix.Edits = ignoreEdits(p, ctx, lines)
	}
	return f
}

func specialFinding(p *project.Project, ctx *project.BuildContext, special []project.ContextFile) finding.Finding {
	first := special[0]
	msg := fmt.Sprintf("%s holds the %s %s: it has no content to send (the legacy builder fails on sockets; BuildKit recreates an empty node), so it does not belong in a build context",
		contextLabel(ctx), first.Special, printablePath(first.Path))
	if len(special) > 1 {
		msg += fmt.Sprintf(" (%d special files in all)", len(special))
	}
	var lines []string
	for _, s := range special {
		if len(lines) < 10 && !strings.ContainsAny(s.Path, "\n\r") {
			lines = append(lines, ignoreLine(s.Path))
		}
	}
	f := finding.Finding{Range: contextRange(p, ctx), Severity: finding.SeverityWarning, Message: msg,
		Fix: &finding.Fix{Message: fmt.Sprintf("add %s to %s", strings.Join(lines, " "), ignorePath(ctx))}}
	if len(lines) > 0 {
		f.Fix.Edits = ignoreEdits(p, ctx, lines)
	}
	return f
}

// printablePath quotes a path with control characters or invalid UTF-8.
func printablePath(p string) string {
	for _, r := range p {
		if r < ' ' || r == 0x7f || r == '\uFFFD' {
			return fmt.Sprintf("%q", p)
		}
	}
	return p
}
