package rules

import (
	"fmt"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/textdist"
)

// unsetVariable is CP001: a ${VAR} that compose interpolates with no value.
// Compose only prints a warning and substitutes an empty string, so the
// container starts with POSTGRES_USER="" and fails far from the cause.
func unsetVariable() *Rule {
	return &Rule{
		ID:       "CP001",
		Name:     "unset-variable",
		Title:    "Interpolated variable is not set",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil {
				return
			}
			envFiles := interpolationEnvFiles(p.Project)
			for _, u := range c.Unset {
				searched := strings.Join(c.EnvSourcesOf(u.Range.File), ", ")
				msg := fmt.Sprintf("variable %q is not set (searched: %s)", u.Name, searched)
				if u.Required {
					state := "not set"
					if u.Empty {
						state = "empty"
					}
					msg = fmt.Sprintf("required variable %q is %s (searched: %s): docker compose will refuse to start", u.Name, state, searched)
					if u.Reason != "" {
						msg += fmt.Sprintf(" with %q", u.Reason)
					}
				}
				fixMsg := unsetFix(u.Name, u.Required, envFiles)
				if u.Empty {
					fixMsg = fmt.Sprintf("give %s a non-empty value where it is set (%s)", u.Name, searched)
				}
				f := finding.Finding{Range: u.Range, Message: msg, Fix: &finding.Fix{Message: fixMsg}}
				for _, ef := range envFiles {
					if e, ok := similarKey(ef, u.Name); ok {
						f.Related = append(f.Related, finding.Related{Range: e.KeyRange,
							Message: fmt.Sprintf("%s defines %s, which looks meant for %s", ef.Path, e.Key, u.Name)})
					}
				}
				p.Report(f)
			}
		},
	}
}

// interpolationEnvFiles are the env files compose read for interpolation.
func interpolationEnvFiles(p *project.Project) []*project.EnvFile {
	var out []*project.EnvFile
	for _, ef := range p.EnvFiles {
		if ef.Role == project.RoleDotEnv || ef.Role == project.RoleEnvFileFlag {
			out = append(out, ef)
		}
	}
	return out
}

func unsetFix(name string, required bool, envFiles []*project.EnvFile) string {
	if required {
		where := "a .env file next to the compose file"
		if len(envFiles) > 0 {
			where = envFiles[0].Path
		}
		return fmt.Sprintf("add %s=<value> to %s or export it in the shell", name, where)
	}
	if len(envFiles) == 0 {
		return fmt.Sprintf("create a .env file next to the compose file with %s=<value>, export %s in the shell, or give a default: ${%s:-<value>}", name, name, name)
	}
	first := envFiles[0]
	for _, ef := range envFiles {
		if e, ok := similarKey(ef, name); ok {
			return fmt.Sprintf("rename %s to %s in %s (line %d), or add %s=<value>", e.Key, name, ef.Path, e.Line, name)
		}
	}
	return fmt.Sprintf("add %s=<value> to %s, export it in the shell, or give a default: ${%s:-<value>}", name, first.Path, name)
}

// similarKey finds an env file key that was probably meant for name: the
// tutorial's .env sets USER where the compose file wants POSTGRES_USER.
func similarKey(ef *project.EnvFile, name string) (project.EnvEntry, bool) {
	var best project.EnvEntry
	bestScore := 0
	upper := strings.ToUpper(name)
	for _, e := range ef.Entries {
		key := strings.ToUpper(e.Key)
		score := 0
		switch {
		case key == upper:
			continue // same name: not a typo (it is set; compose read it)
		case strings.HasSuffix(upper, "_"+key) || strings.HasPrefix(upper, key+"_"):
			score = 2
		case len(key) > 3 && textdist.Distance(key, upper) <= 2:
			score = 1
		}
		if score > bestScore || (score == bestScore && score > 0 && e.Line < best.Line) {
			best, bestScore = e, score
		}
	}
	return best, bestScore > 0
}
