package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// addForLocalFiles is DF008: ADD of local files or directories that are not
// archives, where COPY does the same thing and says so.
func addForLocalFiles() *Rule {
	return &Rule{
		ID:       "DF008",
		Name:     "add-for-local-files",
		Title:    "ADD used to copy local files",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				for _, st := range d.Stages {
					for _, cmd := range st.Commands {
						c, ok := cmd.(*instructions.AddCommand)
						if !ok {
							continue
						}
						if f, ok := addForLocalFinding(p, d, c); ok && seen.first(f) {
							p.Report(f)
						}
					}
				}
			}
		},
	}
}

func addForLocalFinding(p *Pass, d *project.Dockerfile, c *instructions.AddCommand) (finding.Finding, bool) {
	// ADD-only options say the author wants ADD's behaviour (or the build
	// fails anyway: --checksum and --keep-git-dir need a remote source).
	if c.Checksum != "" || c.KeepGitDir != nil || c.Unpack != nil {
		return finding.Finding{}, false
	}
	if len(c.SourcePaths) == 0 || len(c.SourceContents) > 0 {
		return finding.Finding{}, false
	}
	wildcard, zip := false, ""
	for _, src := range c.SourcePaths {
		switch {
		case strings.Contains(src, "$"):
			return finding.Finding{}, false // unknown until expanded
		case addIsRemote(src), addMayBeArchive(src):
			return finding.Finding{}, false
		}
		if strings.ContainsAny(src, "*?[") {
			wildcard = true
		}
		if strings.HasSuffix(strings.ToLower(src), ".zip") && zip == "" {
			zip = src
		}
	}
	in := d.Instruction(c.Location())
	if in == nil {
		return finding.Finding{}, false
	}
	kw := in.Keyword
	src := c.SourcePaths[0]
	what := fmt.Sprintf("%q", src)
	if n := len(c.SourcePaths); n > 1 {
		what = fmt.Sprintf("%q and %d more", src, n-1)
	}
	msg := fmt.Sprintf("ADD of local %s does what COPY does: ADD also extracts archives and downloads URLs, so a reader cannot tell what it is for", what)
	if zip != "" {
		it := "it"
		if len(c.SourcePaths) > 1 {
			it = fmt.Sprintf("%q", zip)
		}
		msg = fmt.Sprintf("ADD of local %s does not unzip %s (ADD extracts only tar archives): it copies the file, as COPY does", what, it)
	}
	copyKw := bkKeyword("COPY", kw.Text)
	fix := &finding.Fix{
		Message: fmt.Sprintf("write %s instead of %s", copyKw, kw.Text),
		Edits:   []finding.Edit{{Range: kw.Range, NewText: copyKw}},
		Safe:    !wildcard,
	}
	if wildcard {
		fix.Message += " (check first that the wildcard matches no tar archive: ADD extracts those, COPY does not)"
	}
	return finding.Finding{
		RuleID:   p.Rule.ID,
		Severity: p.Rule.Severity,
		Range:    kw.Range,
		Message:  msg,
		Fix:      fix,
	}, true
}

// addIsRemote reports whether an ADD source is fetched rather than read
// from the context: a URL (http, https, git, ssh...) or a git address
// (git@host:repo, host/repo.git, with an optional #ref), as BuildKit's
// isHTTPSource and dfgitutil.ParseGitRef see them.
func addIsRemote(src string) bool {
	s := strings.ToLower(src)
	if strings.Contains(s, "://") || strings.HasPrefix(s, "git@") {
		return true
	}
	s, _, _ = strings.Cut(s, "#")
	return strings.HasSuffix(s, ".git") && strings.Contains(s, "/") && !strings.HasPrefix(s, ".") && !strings.HasPrefix(s, "/")
}

// archiveSuffixes are the file names ADD may extract: tar archives,
// compressed or not (BuildKit detects them by content: identity, gzip,
// bzip2, xz and zstd streams holding a tar). A bare compressed file may
// hold a tar too, so .gz, .bz2, .xz, .zst and .lz4 count as well.
var archiveSuffixes = []string{
	".tar", ".tgz", ".taz", ".tbz", ".tbz2", ".tb2", ".txz", ".tzst", ".tlz",
	".gz", ".bz2", ".xz", ".zst", ".zstd", ".lz4", ".lzma", ".z",
}

// addMayBeArchive reports whether ADD may extract src. A wildcard whose
// extension is unknown (dir/*) may match an archive: it is allowed here,
// and the fix is then marked unsafe.
func addMayBeArchive(src string) bool {
	base := strings.ToLower(path.Base(strings.TrimRight(src, "/")))
	for _, s := range archiveSuffixes {
		if strings.HasSuffix(base, s) {
			return true
		}
	}
	return false
}
