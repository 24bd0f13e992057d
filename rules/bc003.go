package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// vcsInContext is BC003: a version-control directory (.git, .hg, .svn...)
// is sent with the build context. It changes with every commit, so `COPY
// . .` misses the build cache each time, and the whole history (with any
// secret ever committed) goes to the builder, and into the image with a
// whole-context COPY.
func vcsInContext() *Rule {
	return &Rule{
		ID:       "BC003",
		Name:     "vcs-in-context",
		Title:    "Version-control directory sent with the build context",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			for _, ctx := range p.Project.Contexts {
				if f, ok := vcsFinding(p.Project, ctx); ok {
					p.Report(f)
				}
			}
		},
	}
}

// vcsDirs are the metadata directories (or files: a git worktree's or
// submodule's .git is a file) of version-control systems.
var vcsDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, ".bzr": true, "_darcs": true, "CVS": true, ".fslckout": true}

func vcsFinding(p *project.Project, ctx *project.BuildContext) (finding.Finding, bool) {
	files := ctx.Files()
	if files == nil {
		return finding.Finding{}, false
	}
	var found []project.ContextFile
	for _, f := range files.Files {
		if !f.Excluded && vcsDirs[path.Base(f.Path)] && !underAny(f.Path, found) {
			found = append(found, f)
		}
	}
	if len(found) == 0 {
		return finding.Finding{}, false
	}
	stats := files.SentDirs()
	first := found[0]
	what := first.Path
	if st := stats[first.Path]; first.Dir && st != nil {
		what += " (" + countBytes(st.Files, st.Bytes) + ")"
	}
	msg := fmt.Sprintf("%s sends %s to the builder: it changes with every commit, so the build cache of `COPY . .` is lost each time, and the repository's history (with every secret ever committed) leaves the machine", contextLabel(ctx), what)
	if cc, ok := imageCopy(contextCopies(ctx.Dockerfile), first.Path); ok && cc.whole && cc.final {
		msg += fmt.Sprintf("; `%s` copies it into the image", cc.text)
	}
	var patterns []string
	nested := false
	for _, f := range found {
		name := path.Base(f.Path)
		if f.Path != name {
			nested = true
		}
		if !contains(patterns, name) {
			patterns = append(patterns, name)
		}
	}
	if len(found) > 1 {
		msg += fmt.Sprintf(" (%d version-control directories in all)", len(found))
	}
	lines := patterns
	if nested {
		lines = nil
		for _, n := range patterns {
			lines = append(lines, "**/"+n)
		}
	}
	return finding.Finding{
		Range:   contextRange(p, ctx),
		Message: msg,
		Fix: &finding.Fix{
			Message: fmt.Sprintf("add %s to %s (a build that needs version information gets it as a build arg: --build-arg GIT_COMMIT=$(git rev-parse HEAD))", strings.Join(lines, " and "), ignorePath(ctx)),
			Edits:   ignoreEdits(p, ctx, lines),
		},
	}, true
}

// underAny reports whether p lies inside one of the entries.
func underAny(p string, entries []project.ContextFile) bool {
	for _, e := range entries {
		if strings.HasPrefix(p, e.Path+"/") {
			return true
		}
	}
	return false
}
