package rules

import (
	"embed"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/envdoctor/envdoctor/internal/finding"
)

//go:embed doc/*.md
var docs embed.FS

// Doc returns the Markdown documentation of a rule, or "" when it has none.
func Doc(id string) string {
	b, err := docs.ReadFile("doc/" + id + ".md")
	if err != nil {
		return ""
	}
	return string(b)
}

// HelpURI is the address of a rule's documentation in the repository.
func HelpURI(id string) string {
	return "https://github.com/envdoctor/envdoctor/blob/main/rules/doc/" + id + ".md"
}

// All returns every rule, sorted by ID. The slice is built on each call: no
// global mutable state, no init() registration.
func All() []*Rule {
	all := make([]*Rule, 0, 64)
	all = append(all, composeRules()...)
	all = append(all, envRules()...)
	all = append(all, dockerfileRules()...)
	all = append(all, engineRules()...)
	all = append(all, contextRules()...)
	all = append(all, secretRules()...)
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	for _, r := range all {
		r.Hadolint = hadolintTwins[r.ID]
	}
	return all
}

var (
	idPattern   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z]{2}[0-9]{3}$`) })
	namePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`) })
	// buildKitNamePattern is the PascalCase of BuildKit's check names
	// (StageNameCasing): the DF1xx rules keep BuildKit's names.
	buildKitNamePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z][a-z0-9]*([A-Z]+[a-z0-9]*)*$`) })
)

// isBuildKitCheck reports whether id is one of BuildKit's own build checks
// (DF100-DF199), whose names are BuildKit's and not kebab-case.
func isBuildKitCheck(id string) bool { return strings.HasPrefix(id, "DF1") }

// Validate checks a rule's metadata; the registry test runs it on All().
func Validate(r *Rule) error {
	switch {
	case !idPattern().MatchString(r.ID):
		return fmt.Errorf("rule %q: ID must be two capital letters and three digits", r.ID)
	case isBuildKitCheck(r.ID) && !buildKitNamePattern().MatchString(r.Name):
		return fmt.Errorf("rule %s: name %q must be BuildKit's check name (PascalCase)", r.ID, r.Name)
	case !isBuildKitCheck(r.ID) && !namePattern().MatchString(r.Name):
		return fmt.Errorf("rule %s: name %q must be kebab-case", r.ID, r.Name)
	case r.Title == "" || strings.HasSuffix(r.Title, "."):
		return fmt.Errorf("rule %s: title must be set and have no trailing period", r.ID)
	case r.Severity < finding.SeverityInfo || r.Severity > finding.SeverityError:
		return fmt.Errorf("rule %s: bad default severity", r.ID)
	case Doc(r.ID) == "":
		return fmt.Errorf("rule %s: no doc/%s.md", r.ID, r.ID)
	}
	return nil
}

// Lookup finds a rule by ID or name, case-insensitively ("df100",
// "StageNameCasing" and "stagenamecasing" all find DF100).
func Lookup(all []*Rule, idOrName string) (*Rule, bool) {
	key := strings.TrimSpace(idOrName)
	for _, r := range all {
		if strings.EqualFold(r.ID, key) || strings.EqualFold(r.Name, key) {
			return r, true
		}
	}
	return nil, false
}
