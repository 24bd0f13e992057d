package cli

import (
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/fix"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/secrets"
)

// Redaction: no output of envdoctor may contain a secret's value. Rules
// already name secrets by their redacted form; this is the last line of
// defence for everything else that reaches an output: the source lines of
// the text format's excerpts (and SARIF's fingerprints), finding and fix
// messages, related notes, edits, loader notes and error messages.

// redactText replaces every secret the detectors find in s with its
// redacted form (at most a 4-character public prefix and the length).
func redactText(s string) string {
	ms := secrets.Scan([]byte(s))
	if len(ms) == 0 {
		return s
	}
	out := make([]byte, 0, len(s))
	last := 0
	for _, m := range ms {
		out = append(out, s[last:m.Start]...)
		out = append(out, m.Redacted()...)
		last = m.End
	}
	return string(append(out, s[last:]...))
}

// redactFinding redacts a finding's texts. An edit whose new text holds a
// secret cannot be shown, so it is dropped (the fix message stays).
func redactFinding(f finding.Finding) finding.Finding {
	f.Message = redactText(f.Message)
	if len(f.Related) > 0 {
		rel := make([]finding.Related, len(f.Related))
		for i, r := range f.Related {
			r.Message = redactText(r.Message)
			rel[i] = r
		}
		f.Related = rel
	}
	if f.Fix != nil {
		fix := *f.Fix
		fix.Message = redactText(fix.Message)
		fix.Edits = nil
		for _, e := range f.Fix.Edits {
			if len(secrets.Scan([]byte(e.NewText))) == 0 {
				fix.Edits = append(fix.Edits, e)
			}
		}
		f.Fix = &fix
	}
	return f
}

// maskedSource returns src with the bytes of every secret in it replaced by
// '*' (line breaks kept, so lines and columns stay where they are), and,
// for env files, the values of secret-named keys too. It is src itself
// when there is nothing to hide.
func maskedSource(src *project.Source, env *project.EnvFile) *project.Source {
	ms := secrets.Scan(src.Data)
	var spans [][2]int
	for _, m := range ms {
		spans = append(spans, [2]int{m.Start, m.End})
	}
	if env != nil {
		for _, e := range env.Entries {
			if e.Inherited || e.Value == "" || !secrets.NameLooksSecret(e.Key) && !secrets.NameHoldsSecret(e.Key) {
				continue
			}
			start, end := src.Offset(e.ValueRange.Start), src.Offset(e.ValueRange.End)
			if start >= 0 && end > start {
				spans = append(spans, [2]int{start, end})
			}
		}
	}
	if len(spans) == 0 {
		return src
	}
	data := append([]byte(nil), src.Data...)
	for _, sp := range spans {
		for i := sp[0]; i < sp[1] && i < len(data); i++ {
			if data[i] != '\n' && data[i] != '\r' {
				data[i] = '*'
			}
		}
	}
	return project.NewSource(src.Path, data)
}

// envFilesByPath indexes a project's env files by path.
func envFilesByPath(p *project.Project) map[string]*project.EnvFile {
	out := map[string]*project.EnvFile{}
	for _, ef := range p.EnvFiles {
		out[ef.Path] = ef
	}
	return out
}

// maskedChanges are the changes of a fix plan as `fix --diff` shows them:
// the secrets of the old and the new text masked like the report's
// excerpts (an EN004 line-ending fix of a .env rewrites every line, its
// passwords included). The changes written to disk are not these.
func maskedChanges(ft *fixedTarget) []*fix.Change {
	var envFiles map[string]*project.EnvFile
	if ft.last != nil && ft.last.p != nil {
		envFiles = envFilesByPath(ft.last.p)
	}
	out := make([]*fix.Change, 0, len(ft.plan.Changes))
	for _, c := range ft.plan.Changes {
		m := *c
		var oldEnv, newEnv *project.EnvFile
		if ef, ok := envFiles[c.File]; ok {
			oldEnv = project.ParseEnvFile(project.NewSource(c.File, c.Old.Data), ef.Role)
			newEnv = project.ParseEnvFile(project.NewSource(c.File, c.New), ef.Role)
		}
		m.Old.Data = maskedSource(project.NewSource(c.File, c.Old.Data), oldEnv).Data
		m.New = maskedSource(project.NewSource(c.File, c.New), newEnv).Data
		out = append(out, &m)
	}
	return out
}
