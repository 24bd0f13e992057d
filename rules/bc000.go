package rules

import (
	"fmt"
	"strings"

	"github.com/moby/patternmatcher"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// dockerignoreSyntax is BC000: an ignore file the builder cannot use. An
// unreadable .dockerignore, a lone "!" or a malformed [class] make the
// build fail before it starts ("failed to solve: ... invalid
// excludepatterns", "syntax error in pattern").
func dockerignoreSyntax() *Rule {
	return &Rule{
		ID:       "BC000",
		Name:     "dockerignore-syntax",
		Title:    "Invalid or unreadable .dockerignore",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			seen := map[string]bool{}
			for _, ctx := range p.Project.Contexts {
				if e := ctx.DockerignoreError; e != nil {
					if !seen[e.Range.File] {
						seen[e.Range.File] = true
						p.Reportf(e.Range, &finding.Fix{Message: fmt.Sprintf("make %s a readable file (chmod a+r %s), or remove it", e.Range.File, e.Range.File)},
							"%s: the build fails before it starts", e.Message)
					}
					continue
				}
				ignore, src := ignoreFile(p.Project, ctx)
				if ignore == nil || ignore.Err == nil || seen[src.Path] {
					continue
				}
				seen[src.Path] = true
				reportBadPatterns(p, ignore)
			}
		},
	}
}

// reportBadPatterns finds the lines patternmatcher rejects, one by one.
func reportBadPatterns(p *Pass, ignore *project.Dockerignore) {
	found := false
	for _, pat := range ignore.Patterns {
		_, err := patternmatcher.New([]string{pat.Pattern})
		if err == nil {
			continue
		}
		found = true
		f := finding.Finding{Range: pat.Range}
		switch pat.Pattern {
		case "!":
			f.Message = fmt.Sprintf("line %d of %s is a lone \"!\": an exception needs a pattern, and the build fails with %q", pat.Line, ignore.Path, err.Error())
			f.Fix = &finding.Fix{Message: "write the path to re-include after the \"!\" (!keep.txt), or delete the line",
				Edits: []finding.Edit{deleteLine(pat.Range)}}
		default:
			f.Message = fmt.Sprintf("pattern %q of %s is invalid (%s): the build fails before it starts", pat.Pattern, ignore.Path, err.Error())
			fix := "correct the pattern"
			if strings.Contains(pat.Pattern, "[") {
				fix = "close the [character class], or escape a literal bracket as \\["
			}
			f.Fix = &finding.Fix{Message: fix}
		}
		p.Report(f)
	}
	if !found {
		r := finding.Range{File: ignore.Path, Start: finding.Pos{Line: 1, Col: 1}, End: finding.Pos{Line: 1, Col: 1}}
		p.Reportf(r, nil, "%s is rejected by the builder: %v", ignore.Path, ignore.Err)
	}
}

// deleteLine removes a whole line, its line ending included.
func deleteLine(r finding.Range) finding.Edit {
	return finding.Edit{Range: finding.Range{File: r.File, Start: finding.Pos{Line: r.Start.Line, Col: 1}, End: finding.Pos{Line: r.Start.Line + 1, Col: 1}}}
}
