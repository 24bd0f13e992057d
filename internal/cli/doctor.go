package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"

	"github.com/envdoctor/envdoctor/checks"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/report"
	"github.com/envdoctor/envdoctor/rules"
)

// runProbes runs the doctor's probes within --timeout, with the machine
// injected by env.Probes (the real one outside tests).
func runProbes(ctx context.Context, probes []*checks.Check, lf lintFlags, env Env, p *project.Project) []*checks.Result {
	if len(probes) == 0 {
		return nil
	}
	if env.Probes == nil {
		return nil
	}
	penv := env.Probes(checks.RealOptions{HostFlag: lf.host, ContextFlag: lf.contextName, Offline: lf.offline, Environ: env.Environ})
	ctx, cancel := context.WithTimeout(ctx, lf.timeout)
	defer cancel()
	return checks.Run(ctx, probes, penv, p)
}

// ruleInfos is the metadata of every rule and probe, for the reports.
func ruleInfos(all []*rules.Rule, probes []*checks.Check) []finding.RuleInfo {
	infos := make([]finding.RuleInfo, 0, len(all)+len(probes))
	for _, r := range all {
		infos = append(infos, r.Info())
	}
	for _, c := range probes {
		infos = append(infos, c.Info())
	}
	return infos
}

// glyphs are the status marks of the doctor report.
type glyphs struct{ ok, warn, fail, skip, bullet string }

var (
	unicodeGlyphs = glyphs{ok: "[✓]", warn: "[!]", fail: "[✗]", skip: "[-]", bullet: "•"}
	asciiGlyphs   = glyphs{ok: "[+]", warn: "[!]", fail: "[x]", skip: "[-]", bullet: "-"}
)

type doctorStyleT struct {
	glyphs
	color bool
}

// doctorStyle picks glyphs the terminal can show: ASCII on a Windows console
// that is not Windows Terminal (the rule flutter doctor uses), on TERM=dumb,
// and when ENVDOCTOR_ASCII is set.
func doctorStyle(env Env, useColor bool) doctorStyleT {
	vars := environMap(env.Environ)
	ascii := vars["TERM"] == "dumb" || vars["ENVDOCTOR_ASCII"] != "" ||
		(env.goos() == "windows" && vars["WT_SESSION"] == "")
	g := unicodeGlyphs
	if ascii {
		g = asciiGlyphs
	}
	return doctorStyleT{glyphs: g, color: useColor}
}

func environMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

func (s doctorStyleT) paint(attr color.Attribute, text string) string {
	if !s.color {
		return text
	}
	c := color.New(attr)
	c.EnableColor()
	return c.Sprint(text)
}

// writeDoctorReport prints the flutter-doctor-style report: one line per
// section with its status, the problems under it with their fixes, then the
// lint findings in the text format, then a summary.
func writeDoctorReport(w io.Writer, in report.Input, results []*checks.Result, style doctorStyleT, haveProject bool) {
	probeIDs := map[string]checks.Section{}
	bySection := map[checks.Section][]*checks.Result{}
	for _, r := range results {
		probeIDs[r.Check.ID] = r.Check.Section
		bySection[r.Check.Section] = append(bySection[r.Check.Section], r)
	}
	// Findings after the pipeline (suppressions, severities) decide the
	// status; a crashed probe's ED000 belongs to its section too.
	sectionFindings := map[checks.Section][]finding.Finding{}
	var lintFindings []finding.Finding
	for _, f := range in.Findings {
		if sec, ok := probeIDs[f.RuleID]; ok {
			sectionFindings[sec] = append(sectionFindings[sec], f)
			continue
		}
		if f.RuleID == checks.InternalErrorID && f.Range.File == "" {
			if sec, ok := crashedSection(f, results); ok {
				sectionFindings[sec] = append(sectionFindings[sec], f)
				continue
			}
		}
		lintFindings = append(lintFindings, f)
	}

	fmt.Fprintln(w, "Doctor summary (run with -v for details):")
	problemSections := 0
	for _, sec := range checks.Sections() {
		rs := bySection[sec]
		if len(rs) == 0 {
			continue
		}
		fs := sectionFindings[sec]
		mark, problem := style.sectionMark(fs)
		if problem {
			problemSections++
		}
		info := sectionInfo(rs)
		if reason, all := allSkipped(rs); all && len(fs) == 0 {
			mark, info = style.skip, " (skipped: "+reason+")"
		}
		fmt.Fprintf(w, "%s %s%s\n", mark, sec, info)
		for _, f := range fs {
			sev := style.paint(severityColor(f.Severity), f.Severity.String())
			where := ""
			if f.Range.File != "" {
				where = fmt.Sprintf("%s:%d:%d: ", f.Range.File, f.Range.Start.Line, f.Range.Start.Col)
			}
			fmt.Fprintf(w, "    %s %s%s %s: %s\n", style.bullet, where, f.RuleID, sev, f.Message)
			if f.Fix != nil && f.Fix.Message != "" {
				fmt.Fprintf(w, "      fix: %s\n", f.Fix.Message)
			}
		}
		if in.Verbose {
			// Every detail but the one already shown as the section's
			// status (the first detail of the first probe that has one).
			shown := false
			for _, r := range rs {
				details := r.Details
				if !shown && len(details) > 0 {
					details, shown = details[1:], true
				}
				for _, d := range details {
					fmt.Fprintf(w, "    %s %s\n", style.bullet, d)
				}
				if r.Skipped != "" {
					fmt.Fprintf(w, "    %s %s skipped: %s\n", style.skip, r.Check.ID, r.Skipped)
				}
			}
		}
	}

	lintIn := in
	lintIn.Findings = lintFindings
	mark, problem := style.sectionMark(lintFindings)
	if problem {
		problemSections++
	}
	summary := lintSummary(lintFindings)
	if !haveProject && len(lintFindings) == 0 {
		mark, summary = style.skip, " (no compose file or Dockerfile here)"
	}
	fmt.Fprintf(w, "%s Project files%s\n", mark, summary)
	if len(lintFindings) > 0 {
		fmt.Fprintln(w)
		text, _ := report.New("text")
		_ = text.Format(w, lintIn)
	}
	fmt.Fprintln(w)
	if problemSections == 0 {
		fmt.Fprintf(w, "%s No issues found.\n", style.bullet)
		return
	}
	plural := "s"
	if problemSections == 1 {
		plural = ""
	}
	fmt.Fprintf(w, "! Doctor found issues in %d section%s.\n", problemSections, plural)
}

func crashedSection(f finding.Finding, results []*checks.Result) (checks.Section, bool) {
	for _, r := range results {
		if r.Crashed != "" && strings.Contains(f.Message, "probe "+r.Check.ID+" ") {
			return r.Check.Section, true
		}
	}
	return 0, false
}

// sectionMark is [✗] with an error, [!] with a warning, [✓] otherwise
// (info findings do not make a section a problem).
func (s doctorStyleT) sectionMark(fs []finding.Finding) (mark string, problem bool) {
	worst := finding.Severity(0)
	for _, f := range fs {
		worst = max(worst, f.Severity)
	}
	switch {
	case worst >= finding.SeverityError:
		return s.paint(color.FgRed, s.fail), true
	case worst >= finding.SeverityWarning:
		return s.paint(color.FgYellow, s.warn), true
	}
	return s.paint(color.FgGreen, s.ok), false
}

func severityColor(sev finding.Severity) color.Attribute {
	switch sev {
	case finding.SeverityError:
		return color.FgRed
	case finding.SeverityWarning:
		return color.FgYellow
	}
	return color.FgCyan
}

// sectionInfo is the short status after a section title: the first detail
// of the section's first probe that has one ("Docker 20.10.24 ...").
func sectionInfo(rs []*checks.Result) string {
	for _, r := range rs {
		if len(r.Details) > 0 {
			return " (" + r.Details[0] + ")"
		}
	}
	return ""
}

func lintSummary(fs []finding.Finding) string {
	if len(fs) == 0 {
		return " (no findings)"
	}
	var errs, warns, infos int
	for _, f := range fs {
		switch {
		case f.Severity >= finding.SeverityError:
			errs++
		case f.Severity >= finding.SeverityWarning:
			warns++
		default:
			infos++
		}
	}
	var parts []string
	for _, c := range []struct {
		n    int
		word string
	}{{errs, "error"}, {warns, "warning"}, {infos, "info"}} {
		if c.n == 0 {
			continue
		}
		word := c.word
		if c.n > 1 && word != "info" {
			word += "s"
		}
		parts = append(parts, fmt.Sprintf("%d %s", c.n, word))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// allSkipped reports whether no probe of a section ran, with the first
// reason.
func allSkipped(rs []*checks.Result) (reason string, all bool) {
	for _, r := range rs {
		if r.Skipped == "" {
			return "", false
		}
		if reason == "" {
			reason = r.Skipped
		}
	}
	return reason, len(rs) > 0
}
