package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/textdist"
)

// copySourceMissing is DF015: a COPY or ADD source that is not in the build
// context, or is there only under another letter case. The build fails
// with "failed to compute cache key: ... not found". A name that differs
// only in case is found by a case-insensitive checkout (macOS, Windows) and
// missed by Linux builders and CI.
func copySourceMissing() *Rule {
	return &Rule{
		ID:       "DF015",
		Name:     "copy-source-missing",
		Title:    "COPY or ADD source is not in the build context",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, ctx := range p.Project.Contexts {
				d := ctx.Dockerfile
				if len(copySourceList(d)) == 0 {
					continue // nothing to look up: the context is not listed
				}
				files := ctx.Files()
				if files == nil || files.Truncated {
					continue // an incomplete listing cannot prove absence
				}
				copySources(d, func(cs copySource) {
					if cs.wildcard {
						return // BuildKit allows a wildcard that matches nothing
					}
					f, ok := missingSource(ctx, d, files, cs)
					if ok && seen.first(f) {
						p.Report(f)
					}
				})
			}
		},
	}
}

func missingSource(ctx *project.BuildContext, d *project.Dockerfile, files *project.ContextFiles, cs copySource) (finding.Finding, bool) {
	if _, ok := files.Lookup(cs.path); ok || unlisted(files, cs.path) {
		return finding.Finding{}, false
	}
	what := fmt.Sprintf("%s source %q", cs.instr, cs.raw)
	if strings.Contains(cs.raw, "$") {
		what += fmt.Sprintf(" (%s)", cs.path)
	}
	notFound := fmt.Sprintf("`failed to compute cache key: ... %q: not found`", "/"+cs.path)

	if folds := files.LookupFold(cs.path); len(folds) > 0 {
		right := folds[0].Path
		f := finding.Finding{Range: cs.rng,
			Message: fmt.Sprintf("%s is in %s only as %q: names in a build context are case-sensitive, so Linux builders and CI fail with %s even when a case-insensitive macOS or Windows checkout finds the file",
				what, contextName(ctx), right, notFound),
			Fix: &finding.Fix{Message: fmt.Sprintf("write the name as it is on disk: %s", right)},
		}
		if e, ok := replaceSourceEdit(cs, right); ok {
			f.Fix.Edits, f.Fix.Safe = []finding.Edit{e}, true
		}
		return f, true
	}

	msg := fmt.Sprintf("%s is not in %s: the build fails with %s", what, contextName(ctx), notFound)
	fix := fmt.Sprintf("copy a path that exists, relative to the build context (%s), or create %s", ctx.Dir, cs.path)
	var edit *finding.Edit
	if strings.HasPrefix(path.Clean(cs.raw), "../") {
		msg += "; a source cannot leave the build context: the leading ../ is dropped"
		fix = fmt.Sprintf("widen the build context (compose build.context) to a directory that holds %s, and copy it by its path inside that context", strings.TrimLeft(cs.raw, "./"))
	} else if guess, ok := guessSource(files, cs.path); ok {
		msg += fmt.Sprintf(" (did you mean %q?", guess)
		if dfDir := dockerfileDirInContext(ctx, d); dfDir != "" && strings.HasPrefix(guess, dfDir+"/") && !strings.Contains(cs.path, "/") {
			msg += " COPY paths are relative to the build context, not to the Dockerfile's directory"
		}
		msg += ")"
		fix = fmt.Sprintf("copy %s instead, or create %s", guess, cs.path)
		if e, ok := replaceSourceEdit(cs, guess); ok {
			edit = &e
		}
	}
	f := finding.Finding{Range: cs.rng, Message: msg, Fix: &finding.Fix{Message: fix}}
	if edit != nil {
		f.Fix.Edits = []finding.Edit{*edit}
	}
	return f, true
}

// unlisted reports whether p is somewhere the listing could not see: under
// an unreadable directory, behind a symlink (never followed), or inside an
// excluded directory the walk did not enter (DF014's business).
func unlisted(files *project.ContextFiles, p string) bool {
	if _, ok := files.PrunedAncestor(p); ok {
		return true
	}
	for _, u := range files.Unreadable {
		if u.Path == "." || p == u.Path || strings.HasPrefix(p, u.Path+"/") {
			return true
		}
	}
	for dir := path.Dir(p); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if e, ok := files.Lookup(dir); ok && e.Symlink {
			return true
		}
	}
	return false
}

// guessSource finds the path probably meant: a name within two edits in the
// same directory, or else the only entry elsewhere with the same name.
func guessSource(files *project.ContextFiles, p string) (string, bool) {
	dir, base := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	if dir == "" {
		dir = "."
	}
	best, bestDist := "", 3
	for _, e := range files.Under(dir) {
		if path.Dir(e.Path) != dir {
			continue
		}
		if d := textdist.Distance(path.Base(e.Path), base); d < bestDist && d <= len(base)/3 {
			best, bestDist = e.Path, d
		}
	}
	if best != "" {
		return best, true
	}
	var same []string
	for _, e := range files.Files {
		if path.Base(e.Path) == base && !strings.Contains(e.Path, "node_modules/") {
			same = append(same, e.Path)
		}
	}
	if len(same) == 1 {
		return same[0], true
	}
	return "", false
}

// dockerfileDirInContext is the Dockerfile's directory relative to the
// context, when the Dockerfile lies inside it and not at its root.
func dockerfileDirInContext(ctx *project.BuildContext, d *project.Dockerfile) string {
	if d.Inline {
		return ""
	}
	dfDir := path.Dir(d.Path)
	rel := dfDir
	if ctx.Dir != "." {
		if !strings.HasPrefix(dfDir, ctx.Dir+"/") {
			return ""
		}
		rel = strings.TrimPrefix(dfDir, ctx.Dir+"/")
	}
	if rel == "." || strings.HasPrefix(rel, "../") {
		return ""
	}
	return rel
}

// replaceSourceEdit rewrites the source word to newPath, keeping a leading
// "./" or "/" and a trailing "/", when the word is written plainly (no
// quotes, no variables) and names exactly the cleaned path.
func replaceSourceEdit(cs copySource, newPath string) (finding.Edit, bool) {
	if cs.word == nil || cs.word.Text != cs.raw || strings.ContainsAny(cs.raw, "$\"'\\") {
		return finding.Edit{}, false
	}
	lead := ""
	body := cs.raw
	switch {
	case strings.HasPrefix(body, "./"):
		lead, body = "./", body[2:]
	case strings.HasPrefix(body, "/"):
		lead, body = "/", body[1:]
	}
	trail := ""
	if strings.HasSuffix(body, "/") {
		trail, body = "/", strings.TrimSuffix(body, "/")
	}
	if body != cs.path {
		return finding.Edit{}, false
	}
	return finding.Edit{Range: cs.word.Range, NewText: lead + newPath + trail}, true
}
