package rules

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// largeContext is BC005: a build context above 100 MiB or 10,000 files.
// Every build (cache hit or not) transfers and checksums it before the
// first instruction runs; the usual culprits are dependency folders,
// virtual environments, build outputs and data that .dockerignore should
// leave out.
func largeContext() *Rule {
	return &Rule{
		ID:       "BC005",
		Name:     "large-context",
		Title:    "Build context is large",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			for _, ctx := range p.Project.Contexts {
				if f, ok := largeContextFinding(p.Project, ctx); ok {
					p.Report(f)
				}
			}
		},
	}
}

// The thresholds of BC005.
const (
	largeContextBytes = 100 << 20
	largeContextFiles = 10_000
)

func largeContextFinding(p *project.Project, ctx *project.BuildContext) (finding.Finding, bool) {
	files := ctx.Files()
	if files == nil || !files.Truncated && files.SentSize <= largeContextBytes && files.SentFiles <= largeContextFiles {
		return finding.Finding{}, false
	}
	size := countBytes(files.SentFiles, files.SentSize)
	if files.Truncated {
		size = fmt.Sprintf("more than %s entries (the listing stopped there), at least %s", commaInt(project.MaxContextEntries), project.HumanBytes(files.SentSize))
	}
	top := largestEntries(files, 3)
	msg := fmt.Sprintf("%s sends %s to the builder before every build", contextLabel(ctx), size)
	var names, lines []string
	copies := contextCopies(ctx.Dockerfile)
	for _, d := range top {
		if d.dir {
			names = append(names, fmt.Sprintf("%s/ (%s)", printablePath(d.Path), countBytes(d.Files, d.Bytes)))
		} else {
			names = append(names, fmt.Sprintf("%s (%s)", printablePath(d.Path), project.HumanBytes(d.Bytes)))
		}
		if d.dir && disposableDir(d.Path) && !excludesCopied(d.Path, copies) {
			lines = append(lines, d.Path)
		}
	}
	if len(names) > 0 {
		msg += "; the largest are " + strings.Join(names, ", ")
	}
	f := finding.Finding{Range: contextRange(p, ctx), Message: msg}
	if len(lines) > 0 {
		f.Fix = &finding.Fix{
			Message: fmt.Sprintf("add what the image does not need to %s: %s (the image installs dependencies and builds outputs itself)", ignorePath(ctx), strings.Join(lines, " ")),
			Edits:   ignoreEdits(p, ctx, lines),
		}
	} else {
		f.Fix = &finding.Fix{Message: fmt.Sprintf("list in %s what the image does not need (dependencies it installs, outputs it builds, data), or build from a smaller directory (compose build.context)", ignorePath(ctx))}
	}
	return f, true
}

// sizedEntry is a directory's or a top-level file's share of a context.
type sizedEntry struct {
	project.DirStat
	dir bool
}

// largestEntries picks the n largest sent directories (and files at the
// top of the context), by bytes then files: starting from the top-level
// directories, it descends into a child that holds most (80%) of its
// parent, so the answer is frontend/node_modules rather than frontend.
func largestEntries(files *project.ContextFiles, n int) []sizedEntry {
	stats := files.SentDirs()
	children := map[string][]*project.DirStat{}
	var tops []*project.DirStat
	for p, st := range stats {
		if i := strings.LastIndexByte(p, '/'); i >= 0 {
			children[p[:i]] = append(children[p[:i]], st)
		} else {
			tops = append(tops, st)
		}
	}
	bigger := func(a, b *project.DirStat) bool {
		if a.Bytes != b.Bytes {
			return a.Bytes > b.Bytes
		}
		if a.Files != b.Files {
			return a.Files > b.Files
		}
		return a.Path < b.Path
	}
	var picked []sizedEntry
	for _, st := range tops {
		for {
			var best *project.DirStat
			for _, c := range children[st.Path] {
				if best == nil || bigger(c, best) {
					best = c
				}
			}
			if best == nil || best.Bytes*5 < st.Bytes*4 || best.Files*5 < st.Files*4 {
				break
			}
			st = best
		}
		picked = append(picked, sizedEntry{*st, true})
	}
	for _, f := range files.Files {
		if f.Regular() && !f.Excluded && !strings.Contains(f.Path, "/") {
			picked = append(picked, sizedEntry{project.DirStat{Path: f.Path, Files: 1, Bytes: f.Size}, false})
		}
	}
	sort.Slice(picked, func(i, j int) bool { return bigger(&picked[i].DirStat, &picked[j].DirStat) })
	if len(picked) > n {
		picked = picked[:n]
	}
	return picked
}

// disposableDir reports directories an image never needs from the
// context: dependency folders (installed by the image), build outputs and
// caches (built by the image), version control, data directories.
func disposableDir(p string) bool {
	base := path.Base(p)
	if dependencyDirs[base] || vcsDirs[base] {
		return true
	}
	switch base {
	case "dist", "build", "target", "out", ".next", ".nuxt", ".cache", ".parcel-cache", ".turbo", "coverage", "__pycache__",
		".pytest_cache", ".mypy_cache", ".tox", "tmp", "temp", "logs", "log":
		return true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(base), func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		if dataWords[w] {
			return true
		}
	}
	return false
}
