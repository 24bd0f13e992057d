package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/secrets"
)

// envFileTracked is SE002: a .env file (compose's .env, an --env-file, a
// service's env_file) with real values is tracked by git, or is not
// matched by .gitignore. The file exists to keep per-machine values and
// secrets out of the repository; committed, they are readable by everyone
// with a clone and stay in the history.
func envFileTracked() *Rule {
	return &Rule{
		ID:       "SE002",
		Name:     "env-file-tracked",
		Title:    "Env file with real values tracked by git",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Fixable:  true,
		Security: true,
		Run: func(p *Pass) {
			git := p.Project.Git
			if !git.Available() {
				return // nothing to say without git
			}
			hasExample := map[string]bool{}
			for _, ef := range p.Project.EnvFiles {
				if ef.Role == project.RoleExample {
					hasExample[path.Dir(ef.Path)] = true
				}
			}
			var paths []string
			for _, ef := range p.Project.EnvFiles {
				if ef.Role != project.RoleExample && !strings.HasPrefix(ef.Path, "../") {
					paths = append(paths, ef.Path)
				}
			}
			git.CheckIgnored(paths)
			seen := map[string]bool{}
			for _, ef := range p.Project.EnvFiles {
				if ef.Role == project.RoleExample || ef.Source == nil || seen[ef.Path] || strings.HasPrefix(ef.Path, "../") {
					continue
				}
				seen[ef.Path] = true
				if f, ok := trackedEnvFinding(p.Project, ef, hasExample[path.Dir(ef.Path)]); ok {
					p.Report(f)
				}
			}
		},
	}
}

func trackedEnvFinding(p *project.Project, ef *project.EnvFile, hasExample bool) (finding.Finding, bool) {
	git := p.Git
	tracked, _ := git.Tracked(ef.Path)
	entries := realEnvEntries(p, ef)
	if len(entries) == 0 {
		return finding.Finding{}, false
	}
	// Asked only now: a file without real values needs no ignore answer,
	// and that saves starting git a second time.
	ignored, _ := git.Ignored(ef.Path)
	if !tracked && ignored {
		return finding.Finding{}, false
	}
	var keys []string
	for _, e := range entries {
		if !contains(keys, e.Key) {
			keys = append(keys, e.Key)
		}
	}
	keyList := strings.Join(keys, ", ")
	if len(keys) > 5 {
		keyList = strings.Join(keys[:5], ", ") + fmt.Sprintf(" and %d more", len(keys)-5)
	}
	example := path.Join(path.Dir(ef.Path), ".env.example")
	var msg, fix string
	if tracked {
		msg = fmt.Sprintf("%s is tracked by git and holds real values (%s): everyone with a clone reads them, and they stay in the git history", ef.Path, keyList)
		fix = fmt.Sprintf("run `git rm --cached %s` (your copy stays)", ef.Path)
		if !ignored {
			fix += fmt.Sprintf(", add %s to .gitignore", ef.Path)
		}
		fix += fmt.Sprintf(", rotate %s (the old values stay in the history)", keyList)
	} else {
		msg = fmt.Sprintf("%s holds real values (%s) and is not matched by .gitignore: the next `git add .` commits it", ef.Path, keyList)
		fix = fmt.Sprintf("add %s to .gitignore", ef.Path)
	}
	if hasExample {
		fix += ", and keep the example env file up to date with the keys"
	} else {
		fix += fmt.Sprintf(", and commit %s with the keys and placeholder values instead", example)
	}
	f := finding.Finding{Range: entries[0].KeyRange, Message: msg, Fix: &finding.Fix{Message: fix, Safe: true}}
	if !ignored {
		f.Fix.Edits = append(f.Fix.Edits, gitignoreEdit(p, ef.Path))
	}
	if !hasExample {
		var b strings.Builder
		b.WriteString("# Copy to " + path.Base(ef.Path) + " and fill in the values; " + path.Base(ef.Path) + " is not committed.\n")
		var done []string
		for _, e := range ef.Entries {
			if !contains(done, e.Key) {
				done = append(done, e.Key)
				b.WriteString(e.Key + "=\n")
			}
		}
		f.Fix.Edits = append(f.Fix.Edits, newFileEdit(example, b.String()))
	}
	return f, true
}

// realEnvEntries are the entries of an env file that hold a real secret
// value: a secret-looking key with a value that is not empty, not a
// ${reference} and not a template filler (<...>, xxx, your-...-here), or
// any value the secret detectors recognise. In a .env every value is the
// one in use: "password" is a (weak) real password here, not a
// placeholder.
func realEnvEntries(p *project.Project, ef *project.EnvFile) []project.EnvEntry {
	var out []project.EnvEntry
	scanned := p.ScanSecrets([]string{ef.Path})[0]
	for _, e := range ef.Entries {
		if e.Inherited || strings.TrimSpace(e.Value) == "" || len(project.ScanVarRefs(e.Value)) > 0 || templateFiller(e.Value) {
			continue
		}
		if secrets.NameLooksSecret(e.Key) || secrets.NameHoldsSecret(e.Key) || detectedOnLine(scanned, e.Line) {
			out = append(out, e)
		}
	}
	return out
}

func detectedOnLine(sf *project.ScannedFile, line int) bool {
	for _, s := range sf.Secrets {
		if s.Range.Start.Line == line {
			return true
		}
	}
	return false
}

// templateFiller reports values that only stand for a value: <...>,
// xxx, your-...-here, changeme.
func templateFiller(v string) bool {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(v), `"'`))
	return strings.HasPrefix(l, "<") && strings.HasSuffix(l, ">") || strings.Contains(l, "xxx") ||
		strings.HasPrefix(l, "your") && strings.HasSuffix(l, "here") ||
		l == "changeme" || l == "change-me" || l == "change_me" || l == "replaceme" || l == "replace-me"
}

// gitignoreEdit appends a line to the root's .gitignore, or creates it.
func gitignoreEdit(p *project.Project, line string) finding.Edit {
	if src := p.Sources[".gitignore"]; src != nil {
		end := src.Pos(len(src.Data))
		text := line + "\n"
		if len(src.Data) > 0 && src.Data[len(src.Data)-1] != '\n' {
			text = "\n" + text
		}
		return finding.Edit{Range: finding.Range{File: src.Path, Start: end, End: end}, NewText: text}
	}
	return newFileEdit(".gitignore", line+"\n")
}
