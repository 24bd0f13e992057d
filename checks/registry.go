package checks

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

// Doc returns the Markdown documentation of a check, or "".
func Doc(id string) string {
	b, err := docs.ReadFile("doc/" + id + ".md")
	if err != nil {
		return ""
	}
	return string(b)
}

// HelpURI is the address of a check's documentation in the repository.
func HelpURI(id string) string {
	return "https://github.com/envdoctor/envdoctor/blob/main/checks/doc/" + id + ".md"
}

// All returns every probe, sorted by ID. Built on each call: no global state.
func All() []*Check {
	all := []*Check{
		engineUnreachable(),
		enginePermissionDenied(),
		contextMismatch(),
		composeMissing(),
		composeV1(),
		engineTooOld(),
		windowsContainersMode(),
		diskLow(),
		imagesToPull(),
		platformMismatch(),
		crlfScript(),
		wslWindowsDrive(),
		bindSourceRootOwned(),
		staleDatabaseVolume(),
		autocrlfWithoutGitattributes(),
		portInUse(),
		portExcluded(),
		privilegedPort(),
		serviceUnhealthy(),
		portNotAnswering(),
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return all
}

var (
	idPattern   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(DK|PT|HS|RT)[0-9]{3}$`) })
	namePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`) })
)

// Validate checks a probe's metadata; the registry test runs it on All().
func Validate(c *Check) error {
	switch {
	case !idPattern().MatchString(c.ID):
		return fmt.Errorf("check %q: ID must be DK, PT, HS or RT and three digits", c.ID)
	case !namePattern().MatchString(c.Name):
		return fmt.Errorf("check %s: name %q must be kebab-case", c.ID, c.Name)
	case c.Title == "" || strings.HasSuffix(c.Title, "."):
		return fmt.Errorf("check %s: title must be set and have no trailing period", c.ID)
	case c.Severity < finding.SeverityInfo || c.Severity > finding.SeverityError:
		return fmt.Errorf("check %s: bad default severity", c.ID)
	case c.Section < SectionEngine || c.Section > SectionRunning:
		return fmt.Errorf("check %s: no section", c.ID)
	case c.Run == nil:
		return fmt.Errorf("check %s: no Run", c.ID)
	case Doc(c.ID) == "":
		return fmt.Errorf("check %s: no doc/%s.md", c.ID, c.ID)
	}
	return nil
}

// Lookup finds a check by ID or name, case-insensitively.
func Lookup(all []*Check, idOrName string) (*Check, bool) {
	key := strings.ToLower(strings.TrimSpace(idOrName))
	for _, c := range all {
		if strings.ToLower(c.ID) == key || c.Name == key {
			return c, true
		}
	}
	return nil, false
}
