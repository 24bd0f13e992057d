package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// copyIgnoredFile is DF014: a COPY or ADD source that .dockerignore keeps
// out of the build context. BuildKit's CopyIgnoredFile check does the same
// but gives up when the ignore file has "!" exceptions; with the context's
// file list, exceptions are evaluated here like the engine evaluates them.
func copyIgnoredFile() *Rule {
	return &Rule{
		ID:       "DF014",
		Name:     "copy-ignored-file",
		Title:    "COPY or ADD source is excluded by .dockerignore",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, ctx := range p.Project.Contexts {
				d := ctx.Dockerfile
				if d == nil || ctx.Dockerignore == "" || len(copySourceList(d)) == 0 {
					continue // nothing to look up: the context is not listed
				}
				files := ctx.Files()
				if files == nil {
					continue
				}
				src := p.Project.Sources[ctx.Dockerignore]
				ignore := parsedIgnore(p.Project, src)
				if ignore.Err != nil || len(ignore.Patterns) == 0 {
					continue // BC000 reports an invalid ignore file
				}
				copySources(d, func(cs copySource) {
					f, ok := ignoredSource(ctx, files, ignore, src, cs)
					if ok && seen.first(f) {
						p.Report(f)
					}
				})
			}
		},
	}
}

func ignoredSource(ctx *project.BuildContext, files *project.ContextFiles, ignore *project.Dockerignore, src *project.Source, cs copySource) (finding.Finding, bool) {
	var entries []project.ContextFile
	if cs.wildcard {
		entries = files.Glob(cs.path)
	} else if e, ok := files.Lookup(cs.path); ok {
		entries = []project.ContextFile{e}
	} else if _, ok := files.PrunedAncestor(cs.path); ok {
		// Inside an excluded directory the walk did not enter (no
		// exception can bring anything in it back): excluded too.
		entries = []project.ContextFile{{Path: cs.path, Excluded: true, Dir: cs.isDir}}
	}
	if len(entries) == 0 {
		return finding.Finding{}, false // missing: DF015's business
	}
	var by *project.IgnorePattern
	for _, e := range entries {
		excluded, pat := entryExcluded(files, ignore, e)
		if !excluded {
			return finding.Finding{}, false
		}
		if by == nil {
			by = pat
		}
	}

	what := fmt.Sprintf("%s source %q", cs.instr, cs.raw)
	if cs.raw != cs.path && !cs.wildcard && strings.Contains(cs.raw, "$") {
		what += fmt.Sprintf(" (%s)", cs.path)
	}
	var msg string
	if cs.wildcard {
		msg = fmt.Sprintf("%s matches only files that %s excludes from %s: it copies nothing", what, ignore.Path, contextName(ctx))
	} else {
		msg = fmt.Sprintf("%s is excluded from %s by %s: the build fails with `failed to compute cache key: ... %q: not found`",
			what, contextName(ctx), ignore.Path, "/"+cs.path)
	}
	f := finding.Finding{Range: cs.rng, Message: msg}
	if cs.wildcard {
		// BuildKit lets a wildcard match nothing: the build goes on.
		f.Severity = finding.SeverityWarning
	}
	if by != nil {
		f.Related = append(f.Related, finding.Related{Range: by.Range,
			Message: fmt.Sprintf("pattern %q excludes %s", by.Pattern, entries[0].Path)})
	}
	target := cs.path // an exception may use the same wildcard
	if looksLikeSecretFile(target) {
		f.Fix = &finding.Fix{Message: fmt.Sprintf("%s is kept out of the context on purpose if it holds secrets: do not copy it into the image; mount it where it is needed with RUN --mount=type=secret,id=<name> (built with --secret id=<name>,src=%s)", target, target)}
		return f, true
	}
	fix := fmt.Sprintf("if the image needs it, re-include it with an exception line `!%s` after line %d of %s (or narrow that pattern); otherwise remove it from the %s",
		target, ignoreLineOf(by), ignore.Path, cs.instr)
	f.Fix = &finding.Fix{Message: fix}
	if src != nil {
		end := src.Pos(len(src.Data))
		text := "!" + target + "\n"
		if len(src.Data) > 0 && src.Data[len(src.Data)-1] != '\n' {
			text = "\n" + text
		}
		f.Fix.Edits = []finding.Edit{{Range: finding.Range{File: src.Path, Start: end, End: end}, NewText: text}}
	}
	return f, true
}

func ignoreLineOf(p *project.IgnorePattern) int {
	if p == nil {
		return 0
	}
	return p.Line
}

// entryExcluded reports whether an entry stays out of the context: a file
// that the patterns exclude, or an excluded directory none of whose
// entries an exception brings back (the engine then sends no part of it).
func entryExcluded(files *project.ContextFiles, ignore *project.Dockerignore, e project.ContextFile) (bool, *project.IgnorePattern) {
	excluded, by := ignore.Excluded(e.Path)
	if !excluded || !e.Dir || !ignore.HasExclusions() {
		return excluded, by
	}
	for _, sub := range files.Under(e.Path) {
		if ex, _ := ignore.Excluded(sub.Path); !ex {
			return false, nil
		}
	}
	return true, by
}

// looksLikeSecretFile reports paths commonly holding secrets: .env files,
// keys and certificates' private parts, credential files.
func looksLikeSecretFile(p string) bool {
	if secretFileKind(p) != "" {
		return true
	}
	base := strings.ToLower(path.Base(p))
	switch {
	case base == ".env" || strings.HasPrefix(base, ".env.") && !strings.Contains(base, "example") && !strings.Contains(base, "sample"):
		return true
	case strings.HasSuffix(base, ".pem") || strings.HasSuffix(base, ".key") || strings.HasSuffix(base, ".p12") || strings.HasSuffix(base, ".pfx"):
		return true
	case strings.HasPrefix(base, "id_rsa") || strings.HasPrefix(base, "id_ed25519") || strings.HasPrefix(base, "id_ecdsa"):
		return true
	case strings.Contains(base, "secret") || strings.Contains(base, "credential") || base == ".npmrc" || base == ".pypirc" || base == ".netrc":
		return true
	}
	return false
}
