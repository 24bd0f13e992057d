package rules

import (
	"fmt"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/secrets"
)

// shellOwned are variables every login shell sets: a .env value for them is
// always overridden, so CP002 is an error for them.
var shellOwned = map[string]bool{
	"USER": true, "HOME": true, "PATH": true, "PWD": true, "SHELL": true, "LOGNAME": true,
	"USERNAME": true, "HOSTNAME": true, "OS": true, "TEMP": true, "TMP": true, "LANG": true,
}

// shadowedVariable is CP002: a variable set in .env (or an --env-file) that
// the shell also sets to another value. Compose uses the shell's value and
// says nothing, so the .env line silently does not apply.
func shadowedVariable() *Rule {
	return &Rule{
		ID:       "CP002",
		Name:     "shadowed-variable",
		Title:    "Env file value is overridden by the shell environment",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil {
				return
			}
			// A key no compose file reads is not shadowed in any way that
			// matters: EN002 reports it as unused, with the rename to make.
			var used map[string]bool
			if allReferencesVisible(c) {
				used = usedVariables(p.Project)
			}
			for _, ef := range interpolationEnvFiles(p.Project) {
				for _, e := range lastEntries(ef) {
					shellValue, inShell := c.Shell[e.Key]
					fileValue, inFile := c.FileValues[e.Key]
					if e.Inherited || !inShell || !inFile || shellValue == fileValue {
						continue
					}
					if used != nil && !used[e.Key] && !composeOwnVariables[strings.ToUpper(e.Key)] {
						continue
					}
					sev := finding.SeverityWarning
					if shellOwned[strings.ToUpper(e.Key)] {
						sev = finding.SeverityError
					}
					values := fmt.Sprintf("%q, not %q", shellValue, fileValue)
					if secrets.NameLooksSecret(e.Key) {
						values = "a different value (not shown: the name looks secret)"
					}
					msg := fmt.Sprintf("%s=… in %s is ignored: the shell environment also sets %s, and the shell wins; compose uses %s",
						e.Key, ef.Path, e.Key, values)
					fix := fmt.Sprintf("rename %s in %s and in the compose file to a name the shell does not use (for example APP_%s)", e.Key, ef.Path, strings.ToUpper(e.Key))
					if !shellOwned[strings.ToUpper(e.Key)] {
						fix += fmt.Sprintf(", or unset %s in the shell before running docker compose", e.Key)
					}
					p.Report(finding.Finding{Severity: sev, Range: e.KeyRange, Message: msg, Fix: &finding.Fix{Message: fix}})
				}
			}
		},
	}
}

// lastEntries returns each key's last entry: the one compose keeps.
func lastEntries(ef *project.EnvFile) []project.EnvEntry {
	last := map[string]int{}
	for i, e := range ef.Entries {
		last[e.Key] = i
	}
	var out []project.EnvEntry
	for i, e := range ef.Entries {
		if last[e.Key] == i {
			out = append(out, e)
		}
	}
	return out
}
