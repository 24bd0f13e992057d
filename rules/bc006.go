package rules

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/textdist"
)

// dockerignorePatternUnused is BC006: a .dockerignore pattern that matches
// nothing in the context (a typo, a path in the image instead of in the
// context), or one written in .gitignore syntax that .dockerignore reads
// differently: "node_modules" or "*.log" match only at the context root
// (.gitignore matches them at any depth; .dockerignore needs
// "**/node_modules"), and "build/" also matches a file named build.
func dockerignorePatternUnused() *Rule {
	return &Rule{
		ID:       "BC006",
		Name:     "dockerignore-pattern-unused",
		Title:    ".dockerignore pattern matches nothing or not what .gitignore would",
		Severity: finding.SeverityInfo,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			seen := reportOnce{}
			// The template's patterns, and one matcher per pattern text:
			// contexts often share their .dockerignore lines.
			base := templatePatterns()
			matchers := map[string]patternResult{}
			for _, ctx := range p.Project.Contexts {
				ignore, src := ignoreFile(p.Project, ctx)
				files := contextListing(ctx)
				if ignore == nil || ignore.Err != nil || files == nil {
					continue
				}
				// A bind-mount source compose creates on the first up (the
				// tutorial's ./postgres-data) is kept out on purpose before
				// it exists: BC004 proposes that line.
				template := templateSet{base: base}
				for _, src := range bindSourcesIn(p.Project, ctx) {
					if template.extra == nil {
						template.extra = map[string]bool{}
					}
					template.extra[src] = true
					if top, _, nested := strings.Cut(src, "/"); nested {
						template.extra[top] = true
					}
				}
				var reincluded []string
				for _, pat := range ignore.Patterns {
					if pat.Exclusion {
						reincluded = append(reincluded, strings.TrimSuffix(strings.TrimPrefix(pat.Pattern, "!"), "/"))
					}
				}
				for i := range ignore.Patterns {
					for _, f := range checkPattern(ctx, files, src, &ignore.Patterns[i], template, reincluded, matchers) {
						if seen.first(f) {
							p.Report(f)
						}
					}
				}
			}
		},
	}
}

// templateSet is the patterns BC006 never calls unused: the template's
// (base, shared by the contexts) and a context's bind-mount sources.
type templateSet struct{ base, extra map[string]bool }

func (t templateSet) has(p string) bool { return t.base[p] || t.extra[p] }

// patternResult is patternmatcher.New of one pattern.
type patternResult struct {
	m   *patternmatcher.PatternMatcher
	err error
}

// reincluded are the bodies of the file's exceptions: a file they bring back
// is sent on purpose (the "*" then "!src/" allow-list idiom). matchers
// holds the matchers made so far, by pattern (a matcher is not safe for
// concurrent use: the map is one rule run's).
func checkPattern(ctx *project.BuildContext, files *project.ContextFiles, src *project.Source, pat *project.IgnorePattern, template templateSet, reincluded []string, matchers map[string]patternResult) []finding.Finding {
	body := strings.TrimPrefix(pat.Pattern, "!")
	raw := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(src.Line(pat.Line)), "!"))
	r, ok := matchers[body]
	if !ok {
		r.m, r.err = patternmatcher.New([]string{body})
		matchers[body] = r
	}
	m, err := r.m, r.err
	if err != nil || body == "." || body == "" {
		return nil
	}
	var out []finding.Finding
	matched := patternMatches(files, m, body)

	// .gitignore reads a pattern without "/" at any depth.
	if !pat.Exclusion && !strings.Contains(body, "/") && !strings.HasPrefix(body, "**") {
		if deeper, ok := deeperMatch(files, body, reincluded); ok {
			fix := "**/" + body
			msg := fmt.Sprintf("pattern %q matches only at the root of %s (.dockerignore is not .gitignore: a pattern without \"/\" is anchored at the context root), so %s is still sent", body, contextLabel(ctx), deeper)
			out = append(out, finding.Finding{Range: pat.Range, Message: msg, Fix: &finding.Fix{
				Message: fmt.Sprintf("write %s to match at any depth", fix),
				Edits:   []finding.Edit{replacePattern(pat, src, fix)},
			}})
			return out
		}
	}
	// .gitignore reads "build/" as directories only.
	if strings.HasSuffix(raw, "/") && !project.HasGlobMeta(body) {
		if e, ok := files.Lookup(body); ok && !e.Dir {
			out = append(out, finding.Finding{Range: pat.Range,
				Message: fmt.Sprintf("pattern %q ends with \"/\", which .gitignore reads as \"directories only\"; .dockerignore drops the slash, so it also matches the file %s", raw, body),
				Fix:     &finding.Fix{Message: fmt.Sprintf("if %s must be sent, remove this line or re-include it with !%s", body, body)}})
		}
	}
	if matched || files.Truncated || template.has(body) || mayMatchUnlisted(files, body) {
		return out
	}
	what := "excludes nothing"
	if pat.Exclusion {
		what = "re-includes nothing"
	}
	shown := raw
	if pat.Exclusion {
		shown = "!" + raw
	}
	msg := fmt.Sprintf("pattern %q %s: nothing in %s matches it", shown, what, contextLabel(ctx))
	fix := fmt.Sprintf("correct the path, or delete line %d", pat.Line)
	if guess, ok := guessIgnored(files, body, raw); ok {
		msg += fmt.Sprintf(" (did you mean %q?", guess)
		if strings.HasPrefix(raw, "/") {
			msg += " .dockerignore paths are relative to the build context, not paths in the image"
		}
		msg += ")"
		fix = fmt.Sprintf("write %s", guess)
		if pat.Exclusion {
			fix = "write !" + guess
		}
		return append(out, finding.Finding{Range: pat.Range, Message: msg, Fix: &finding.Fix{Message: fix, Edits: []finding.Edit{replacePattern(pat, src, guess)}}})
	}
	return append(out, finding.Finding{Range: pat.Range, Message: msg, Fix: &finding.Fix{Message: fix, Edits: []finding.Edit{deleteLine(pat.Range)}}})
}

// patternMatches reports whether a one-pattern matcher matches a listed
// entry. Without "**" a pattern of k elements can only match paths of k
// elements (every ancestor of a deeper entry is listed itself), and a
// literal leading directory narrows the search.
func patternMatches(files *project.ContextFiles, m *patternmatcher.PatternMatcher, body string) bool {
	depth := strings.Count(body, "/")
	anyDepth := strings.Contains(body, "**")
	base := "."
	if lit, _, _ := strings.Cut(body, "*"); strings.Contains(lit, "/") && !strings.ContainsAny(lit, "?[\\") {
		base = lit[:strings.LastIndexByte(lit, '/')]
	}
	for _, e := range files.Under(base) {
		if !anyDepth && strings.Count(e.Path, "/") != depth {
			continue
		}
		if ok, err := m.MatchesOrParentMatches(e.Path); err == nil && ok {
			return true
		}
	}
	return false
}

// deeperMatch finds a sent entry below the root whose name the pattern
// matches: what .gitignore would have excluded.
func deeperMatch(files *project.ContextFiles, body string, reincluded []string) (string, bool) {
	for _, e := range files.Files {
		if e.Excluded || !strings.Contains(e.Path, "/") || underException(e.Path, reincluded) {
			continue
		}
		if ok, err := path.Match(body, path.Base(e.Path)); err == nil && ok {
			return e.Path, true
		}
	}
	return "", false
}

// mayMatchUnlisted reports whether the pattern could match something the
// walk did not list: inside a pruned or unreadable directory.
func mayMatchUnlisted(files *project.ContextFiles, body string) bool {
	var dirs []string
	for _, e := range files.Files {
		if e.Pruned {
			dirs = append(dirs, e.Path)
		}
	}
	for _, u := range files.Unreadable {
		if !u.File {
			dirs = append(dirs, u.Path)
		}
	}
	if len(dirs) == 0 {
		return false
	}
	if strings.Contains(body, "**") {
		return true
	}
	for _, d := range dirs {
		if d == "." || strings.HasPrefix(body, d+"/") {
			return true
		}
		// A wildcard in the leading elements may stand for d.
		elems := strings.Split(body, "/")
		dElems := strings.Split(d, "/")
		if len(elems) > len(dElems) {
			ok := true
			for i, de := range dElems {
				if m, err := path.Match(elems[i], de); err != nil || !m {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// guessIgnored suggests a listed path close to an unused pattern: the same
// path without a leading image directory (/app/node_modules), or a name
// one or two edits away (node_module).
func guessIgnored(files *project.ContextFiles, body, raw string) (string, bool) {
	if strings.HasPrefix(raw, "/") {
		if _, rest, ok := strings.Cut(body, "/"); ok && rest != "" {
			if _, found := files.Lookup(rest); found {
				return rest, true
			}
		}
	}
	if project.HasGlobMeta(body) || len(body) < 4 {
		return "", false
	}
	best, bestD := "", 3
	dir := path.Dir(body)
	for _, e := range files.Under(dir) {
		if path.Dir(e.Path) != dir {
			continue
		}
		if d := textdist.Distance(e.Path, body); d < bestD {
			best, bestD = e.Path, d
		}
	}
	return best, best != ""
}

// replacePattern rewrites the pattern text of a line (keeping a leading
// "!").
func replacePattern(pat *project.IgnorePattern, src *project.Source, pattern string) finding.Edit {
	line := src.Line(pat.Line)
	start := len(line) - len(strings.TrimLeft(line, " \t"))
	end := len(strings.TrimRight(line, " \t"))
	text := pattern
	if pat.Exclusion {
		text = "!" + pattern
	}
	return finding.Edit{Range: finding.Range{File: src.Path,
		Start: finding.Pos{Line: pat.Line, Col: start + 1}, End: finding.Pos{Line: pat.Line, Col: end + 1}}, NewText: text}
}

// underException reports whether p is, or is inside, a path an exception names
// (or matches as a glob).
func underException(p string, exceptions []string) bool {
	for _, e := range exceptions {
		if e == "" {
			continue
		}
		if p == e || strings.HasPrefix(p, e+"/") {
			return true
		}
		if ok, err := path.Match(e, p); err == nil && ok {
			return true
		}
		for dir := path.Dir(p); dir != "." && dir != "/"; dir = path.Dir(dir) {
			if ok, err := path.Match(e, dir); err == nil && ok {
				return true
			}
		}
	}
	return false
}

// bindSourcesIn lists the bind-mount sources of the compose services that
// lie inside the context, relative to it.
func bindSourcesIn(p *project.Project, ctx *project.BuildContext) []string {
	if p.Compose == nil {
		return nil
	}
	ctxAbs := filepath.Join(p.Root, filepath.FromSlash(ctx.Dir))
	var out []string
	for _, b := range bindMountsUnder(p, ctxAbs) {
		out = append(out, b.rel)
	}
	return out
}
