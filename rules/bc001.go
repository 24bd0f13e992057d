package rules

import (
	"fmt"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// dockerignoreMissing is BC001: a build context without a .dockerignore
// (nor a <Dockerfile>.dockerignore). Every build sends the whole directory
// to the builder: version control, local .env files, dependency folders,
// caches and data directories, and `COPY . .` puts them in the image.
func dockerignoreMissing() *Rule {
	return &Rule{
		ID:       "BC001",
		Name:     "dockerignore-missing",
		Title:    "Build context has no .dockerignore",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			for _, ctx := range p.Project.Contexts {
				if ctx.Remote != "" || ctx.Dockerignore != "" {
					continue
				}
				files := ctx.Files()
				if files == nil || onlyDockerfile(ctx, files) {
					continue
				}
				p.Report(missingIgnoreFinding(p.Project, ctx, files))
			}
		},
	}
}

// onlyDockerfile reports a context that holds its Dockerfile and nothing
// else: there is nothing to leave out.
func onlyDockerfile(ctx *project.BuildContext, files *project.ContextFiles) bool {
	if len(files.Files) != 1 || files.Truncated || ctx.Dockerfile == nil {
		return false
	}
	return rootPath(ctx, files.Files[0].Path) == ctx.Dockerfile.Path
}

// notableEntries are top-level entries worth naming when a context sends
// everything.
var notableEntries = []string{".git", ".env", "node_modules", ".venv", "venv", "__pycache__", "dist", "build", "target", ".next", "vendor", "coverage"}

func missingIgnoreFinding(p *project.Project, ctx *project.BuildContext, files *project.ContextFiles) finding.Finding {
	size := countBytes(files.SentFiles, files.SentSize)
	if files.Truncated {
		size = fmt.Sprintf("more than %s entries, at least %s", commaInt(project.MaxContextEntries), project.HumanBytes(files.SentSize))
	}
	msg := fmt.Sprintf("%s has no .dockerignore: every build sends all of it to the builder (%s)", contextLabel(ctx), size)
	stats := files.SentDirs()
	var named []string
	for _, n := range notableEntries {
		e, ok := files.Lookup(n)
		if !ok {
			continue
		}
		if st := stats[n]; e.Dir && st != nil {
			named = append(named, fmt.Sprintf("%s (%s)", n, project.HumanBytes(st.Bytes)))
		} else if !e.Dir {
			named = append(named, n)
		}
	}
	if len(named) > 0 {
		msg += ", " + strings.Join(named, ", ") + " included"
	}
	mounts := dataMountsIn(p, ctx)
	data := make([]string, 0, len(mounts))
	for _, dm := range mounts {
		data = append(data, dm.rel)
	}
	if len(data) > 0 {
		msg += fmt.Sprintf("; the data that service bind mounts write to %s will be sent too", strings.Join(data, ", "))
	}
	text, patterns := proposeDockerignore(p, ctx)
	file := ignorePath(ctx)
	return finding.Finding{
		Range:   contextRange(p, ctx),
		Message: msg,
		Fix: &finding.Fix{
			Message: fmt.Sprintf("create %s to keep out what the image does not need: %s", file, strings.Join(patterns, " ")),
			Edits:   []finding.Edit{newFileEdit(file, text)},
		},
	}
}
