// Package rules holds envdoctor's static rules. A rule is a value (not a type
// per rule): its metadata, its embedded documentation and a Run function that
// sees the project only through a Pass. Rules never read the disk.
package rules

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// Rule is one static check.
type Rule struct {
	ID       string // two letters and three digits, e.g. "CP001"; never reused
	Name     string // kebab-case name of the flagged pattern, e.g. "unset-variable" (DF1xx: BuildKit's check name)
	Title    string // one line, sentence case, no trailing period
	Severity finding.Severity
	Since    string // first version that shipped the rule
	Fixable  bool   // findings may carry machine-applicable edits
	Security bool   // about secrets or exposure (SARIF security-severity)
	// Hadolint are the codes of hadolint's rules that check the same thing
	// (DL3020 for DF008): "# hadolint ignore=DL3020" also silences this
	// rule. All fills it from the table in hadolint.go.
	Hadolint []string
	// Run reports the rule's findings through the Pass. It is nil for rules
	// the engine itself reports (the ED rules).
	Run func(*Pass)
}

// Info returns the plain metadata reports need, with the embedded doc.
func (r *Rule) Info() finding.RuleInfo {
	return finding.RuleInfo{
		ID:       r.ID,
		Name:     r.Name,
		Title:    r.Title,
		Severity: r.Severity,
		Doc:      Doc(r.ID),
		HelpURI:  HelpURI(r.ID),
		Security: r.Security,
		Hadolint: r.Hadolint,
	}
}

// Pass is a rule's only window on the world: the project and a way to report.
type Pass struct {
	Rule    *Rule
	Project *project.Project
	report  func(finding.Finding)
}

// Report records a finding. RuleID and Severity default to the rule's own.
func (p *Pass) Report(f finding.Finding) {
	if f.RuleID == "" {
		f.RuleID = p.Rule.ID
	}
	if f.Severity == 0 {
		f.Severity = p.Rule.Severity
	}
	p.report(f)
}

// Reportf records a finding at r with a formatted message and an optional fix.
func (p *Pass) Reportf(r finding.Range, fix *finding.Fix, format string, args ...any) {
	p.Report(finding.Finding{Range: r, Message: fmt.Sprintf(format, args...), Fix: fix})
}

// InternalErrorID is the rule ID of the finding that replaces a rule which
// panicked: the run goes on and the user learns which rule failed.
const InternalErrorID = "ED000"

// Run runs every rule over the project and returns their findings: those
// of the first rule, then of the second... (the order of each rule's own
// reports). A rule that panics becomes one ED000 finding.
//
// On a large project rules run in parallel, one goroutine per processor:
// they only read the project, and the facts they derive from it are
// computed once under a lock (project.Project.Derived). A small project
// is linted in a millisecond or two, less than a busy machine may take to
// schedule a second thread: its rules run one after the other.
func Run(p *project.Project, rules []*Rule) []finding.Finding {
	workers := runtime.GOMAXPROCS(0)
	if projectSize(p) < parallelSize {
		workers = 1
	}
	return runWith(p, rules, workers)
}

// runWith runs the rules on up to workers goroutines.
func runWith(p *project.Project, rules []*Rule, workers int) []finding.Finding {
	found := make([][]finding.Finding, len(rules))
	// On more than one worker, the warmups' items come first (see
	// warmup), then the rules.
	var warm []warmTask
	if workers > 1 {
		warm = warmTasks(p, rules)
	}
	var next atomic.Int64
	work := func() {
		for {
			i := int(next.Add(1)) - 1
			if i < len(warm) {
				warm[i].run(p)
				continue
			}
			i -= len(warm)
			if i >= len(rules) {
				return
			}
			if rules[i].Run != nil {
				found[i] = runOne(p, rules[i])
			}
		}
	}
	var wg sync.WaitGroup
	for range min(workers, len(rules)) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	var out []finding.Finding
	for _, f := range found {
		out = append(out, f...)
	}
	return out
}

// parallelSize is the projectSize from which rules run in parallel.
const parallelSize = 32

// projectSize counts what most rules iterate over: services and
// Dockerfiles.
func projectSize(p *project.Project) int {
	n := len(p.Dockerfiles)
	if c := p.Compose; c != nil && c.Model != nil {
		n += len(c.Model.Services) + len(c.Model.DisabledServices)
	}
	return n
}

func runOne(p *project.Project, r *Rule) (found []finding.Finding) {
	defer func() {
		if v := recover(); v != nil {
			stack := string(debug.Stack())
			found = append(found, finding.Finding{
				RuleID:   InternalErrorID,
				Severity: finding.SeverityError,
				Message: fmt.Sprintf("internal error in rule %s (%s): %v; please report it with this line: %s",
					r.ID, r.Name, v, firstFrame(stack)),
			})
		}
	}()
	pass := &Pass{Rule: r, Project: p, report: func(f finding.Finding) { found = append(found, f) }}
	r.Run(pass)
	return found
}

// firstFrame picks the first stack frame inside envdoctor's own rules, so an
// internal-error message says where, without a whole stack trace.
func firstFrame(stack string) string {
	lines := strings.Split(stack, "\n")
	for i, l := range lines {
		if strings.Contains(l, "envdoctor/rules.") && !strings.Contains(l, "rules.runOne") && i+1 < len(lines) {
			return strings.TrimSpace(lines[i+1])
		}
	}
	return "unknown location"
}
