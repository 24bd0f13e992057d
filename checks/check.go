// Package checks holds envdoctor's doctor probes: checks of the machine the
// project runs on (the Docker engine, the compose CLI, host ports, disk,
// files, the running project). A probe sees the world only through Env, so
// every fault (hung engine, permission denied, garbage answers) is tested
// with fakes, and the same probe runs against the real engine in CI.
package checks

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// Section groups probes in the doctor report; sections print in this order.
type Section int

// The doctor's sections, in report order.
const (
	SectionEngine Section = iota + 1
	SectionComposeCLI
	SectionPorts
	SectionDisk
	SectionFiles
	SectionRunning
)

// Sections lists every section in report order.
func Sections() []Section {
	return []Section{SectionEngine, SectionComposeCLI, SectionPorts, SectionDisk, SectionFiles, SectionRunning}
}

func (s Section) String() string {
	switch s {
	case SectionEngine:
		return "Docker engine"
	case SectionComposeCLI:
		return "Compose CLI"
	case SectionPorts:
		return "Ports"
	case SectionDisk:
		return "Disk"
	case SectionFiles:
		return "Files"
	case SectionRunning:
		return "Running project"
	}
	return "Other"
}

// DefaultTimeout bounds a probe that sets no Timeout of its own.
const DefaultTimeout = 3 * time.Second

// Check is one doctor probe.
type Check struct {
	ID       string // two letters and three digits, e.g. "DK001"; never reused
	Name     string // kebab-case name of the problem, e.g. "engine-unreachable"
	Title    string // one line, sentence case, no trailing period
	Section  Section
	Severity finding.Severity
	Since    string
	Security bool
	// Timeout bounds the probe (DefaultTimeout when zero); the context the
	// probe gets carries it, and the runner stops waiting after it.
	Timeout time.Duration
	// Offline is false for probes that may reach a registry; --offline skips
	// them.
	Online bool
	// FileFix marks a probe that only reads the project's files and
	// whose findings may carry edits: `envdoctor fix` runs it, with an
	// Env that can read files and do nothing else (FilesEnv).
	FileFix bool
	Run     func(ctx context.Context, p *Probe)
}

// Info returns the plain metadata reports need, with the embedded doc.
func (c *Check) Info() finding.RuleInfo {
	return finding.RuleInfo{
		ID:       c.ID,
		Name:     c.Name,
		Title:    c.Title,
		Severity: c.Severity,
		Doc:      Doc(c.ID),
		HelpURI:  HelpURI(c.ID),
		Security: c.Security,
	}
}

// Probe is a check's window on the world for one run.
type Probe struct {
	Check   *Check
	Env     *Env
	Project *project.Project // nil when the doctor runs outside a project
	Facts   *Facts           // shared, lazily computed facts (the engine)
	result  *Result
}

// Report records a finding. RuleID and Severity default to the check's own.
func (p *Probe) Report(f finding.Finding) {
	if f.RuleID == "" {
		f.RuleID = p.Check.ID
	}
	if f.Severity == 0 {
		f.Severity = p.Check.Severity
	}
	p.result.Findings = append(p.result.Findings, f)
}

// Reportf records a finding about the machine (no file) with a fix.
func (p *Probe) Reportf(fix string, format string, args ...any) {
	f := finding.Finding{Message: fmt.Sprintf(format, args...)}
	if fix != "" {
		f.Fix = &finding.Fix{Message: fix}
	}
	p.Report(f)
}

// Source records the content of a project file (root-relative,
// slash-separated path) that a finding's edits were computed from: the
// fixer checks the file still holds it before writing.
func (p *Probe) Source(file string, data []byte) {
	if p.result.Sources == nil {
		p.result.Sources = map[string][]byte{}
	}
	p.result.Sources[file] = data
}

// Detail records what the probe saw when all is well (shown in the section
// line and with -v), e.g. "Docker 20.10.24 (API 1.41) at unix:///var/run/docker.sock".
func (p *Probe) Detail(format string, args ...any) {
	p.result.Details = append(p.result.Details, fmt.Sprintf(format, args...))
}

// Skip says the probe could not run, and why (a prerequisite failed, the
// project has nothing to check, wrong OS). A skipped probe is not a pass.
func (p *Probe) Skip(format string, args ...any) {
	p.result.Skipped = fmt.Sprintf(format, args...)
}

// Result is what one probe found.
type Result struct {
	Check    *Check
	Findings []finding.Finding
	Details  []string
	Skipped  string
	// Sources are the files the findings' edits were computed from, by
	// root-relative path (see Probe.Source).
	Sources map[string][]byte
	// Crashed is set when the probe panicked or overran its timeout; the
	// run goes on without it.
	Crashed  string
	Duration time.Duration
}

// OK is true when the probe ran and found nothing.
func (r *Result) OK() bool { return r.Skipped == "" && r.Crashed == "" && len(r.Findings) == 0 }

// InternalErrorID is the ID of the finding that replaces a probe which
// panicked or hung.
const InternalErrorID = "ED000"

// grace is how long the runner waits past a probe's timeout before giving
// up on it: every Env call honours the context, so only a probe bug needs it.
const grace = 200 * time.Millisecond

// Run runs the checks in parallel and returns their results in the order of
// checks. The whole run is bounded by ctx; each probe by its Timeout.
func Run(ctx context.Context, checks []*Check, env *Env, proj *project.Project) []*Result {
	facts := NewFacts(env)
	results := make([]*Result, len(checks))
	done := make(chan int, len(checks))
	for i, c := range checks {
		results[i] = &Result{Check: c}
		go func() {
			runOne(ctx, c, env, proj, facts, results[i])
			done <- i
		}()
	}
	finished := make([]bool, len(checks))
	deadline := time.NewTimer(maxTimeout(checks) + grace)
	defer deadline.Stop()
	for remaining := len(checks); remaining > 0; remaining-- {
		select {
		case i := <-done:
			finished[i] = true
		case <-deadline.C:
			return abandon(results, finished)
		case <-ctx.Done():
			return abandon(results, finished)
		}
	}
	return results
}

// abandon replaces the results of probes still running by a crash result:
// their goroutines may still write to the old values, never to these.
func abandon(results []*Result, finished []bool) []*Result {
	out := make([]*Result, len(results))
	for i, r := range results {
		if finished[i] {
			out[i] = r
			continue
		}
		c := r.Check
		out[i] = &Result{Check: c, Crashed: fmt.Sprintf("did not finish within %s", timeoutOf(c))}
	}
	return out
}

func maxTimeout(checks []*Check) time.Duration {
	var m time.Duration
	for _, c := range checks {
		m = max(m, timeoutOf(c))
	}
	return m
}

func timeoutOf(c *Check) time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func runOne(ctx context.Context, c *Check, env *Env, proj *project.Project, facts *Facts, res *Result) {
	ctx, cancel := context.WithTimeout(ctx, timeoutOf(c))
	defer cancel()
	start := env.now()
	defer func() {
		res.Duration = env.now().Sub(start)
		if v := recover(); v != nil {
			res.Findings = nil
			res.Crashed = fmt.Sprintf("panicked: %v\n%s", v, firstFrames(debug.Stack(), 8))
		}
	}()
	c.Run(ctx, &Probe{Check: c, Env: env, Project: proj, Facts: facts, result: res})
	if ctx.Err() != nil && len(res.Findings) == 0 && res.Skipped == "" {
		res.Crashed = fmt.Sprintf("did not finish within %s", timeoutOf(c))
	}
}

func firstFrames(stack []byte, n int) string {
	lines := strings.Split(string(stack), "\n")
	if len(lines) > 2*n+1 {
		lines = lines[:2*n+1]
	}
	return strings.Join(lines, "\n")
}

// CrashFinding turns a crashed result into the ED000 finding the user sees.
func CrashFinding(r *Result) finding.Finding {
	first, _, _ := strings.Cut(r.Crashed, "\n")
	return finding.Finding{
		RuleID:   InternalErrorID,
		Severity: finding.SeverityError,
		Message:  fmt.Sprintf("probe %s (%s) %s; the other checks ran", r.Check.ID, r.Check.Name, first),
		Fix:      &finding.Fix{Message: "this is a bug in envdoctor: please report it with the output of `envdoctor doctor -v`"},
	}
}
