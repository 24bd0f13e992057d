package checks

import (
	"context"
	"fmt"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// bindSourceRootOwned is HS003: a bind-mount source inside the project is
// owned by root while the user is not. Typically Docker created it: the
// engine (running as root) makes a missing bind source as an empty
// root-owned directory. A container process that is not root then gets
// "permission denied" writing there, and the user cannot edit or delete
// what the container wrote without sudo.
func bindSourceRootOwned() *Check {
	return &Check{
		ID:       "HS003",
		Name:     "bind-source-root-owned",
		Title:    "A bind-mount source of the project is owned by root",
		Section:  SectionFiles,
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Run: func(ctx context.Context, p *Probe) {
			switch {
			case p.Project == nil || p.Project.Compose == nil || p.Project.Compose.Model == nil:
				p.Skip("no compose file")
				return
			case p.Env.GOOS == "windows":
				p.Skip("files have no uid on Windows")
				return
			case p.Env.Owner == nil:
				p.Skip("cannot read file owners here")
				return
			case p.Env.UID <= 0:
				p.Skip("envdoctor runs as root")
				return
			}
			root := p.Project.Root
			seen := map[string]bool{}
			checked := 0
			for _, m := range serviceMounts(p.Project.Compose) {
				if ctx.Err() != nil {
					return
				}
				if m.Type != types.VolumeTypeBind || seen[m.Source] || !insideRoot(root, m.Source) {
					continue
				}
				seen[m.Source] = true
				uid, err := p.Env.Owner(m.Source)
				if err != nil {
					continue // missing (CP016) or unreadable
				}
				checked++
				if uid != 0 {
					continue
				}
				kind := "directory"
				if p.Env.Stat != nil {
					if fi, err := p.Env.Stat(m.Source); err == nil {
						if fi.Mode().Perm()&0o002 != 0 {
							continue // anyone may write there
						}
						if !fi.IsDir() {
							kind = "file"
						}
					}
				}
				p.Report(finding.Finding{
					Range:   m.Range,
					Message: rootOwnedMessage(m, kind, p.Env.UID),
					Fix:     &finding.Fix{Message: rootOwnedFix(project.RelPath(root, m.Source), kind)},
				})
			}
			if checked > 0 {
				p.Detail("%d bind-mount %s checked for ownership", checked, plural(checked, "source", "sources"))
			}
		},
	}
}

func rootOwnedMessage(m mount, kind string, uid int) string {
	if kind == "file" {
		return fmt.Sprintf("bind-mount source %q of service %q is a file owned by root while you are uid %d: a container process that is not root cannot write it (permission denied), and you cannot edit it without sudo",
			m.Written, m.Service, uid)
	}
	return fmt.Sprintf("bind-mount source %q of service %q is a directory owned by root while you are uid %d: a container process that is not root cannot write there (permission denied), and you cannot edit or delete its files without sudo; Docker creates a missing bind source this way",
		m.Written, m.Service, uid)
}

func rootOwnedFix(rel, kind string) string {
	if rel != "." && !strings.HasPrefix(rel, "../") {
		rel = "./" + rel
	}
	if kind == "file" {
		return fmt.Sprintf("`sudo chown $(id -u):$(id -g) %s`", rel)
	}
	if rel == "." {
		return "`sudo chown -R $(id -u):$(id -g) .` in the project directory"
	}
	return fmt.Sprintf("`sudo chown -R $(id -u):$(id -g) %s`; create bind-mount sources yourself before `docker compose up` (`mkdir -p %s`) so that Docker does not create them as root", rel, rel)
}
