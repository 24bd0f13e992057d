package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// junitFormatter writes a JUnit XML report, for CI systems that show test
// results (GitLab's artifacts: reports: junit, Jenkins, Azure Pipelines,
// CircleCI):
//
//	<testsuites name="envdoctor" tests="2" failures="2" errors="0">
//	  <testsuite name="docker-compose.yml" tests="2" failures="2" errors="0">
//	    <testcase name="CP001 unset-variable at docker-compose.yml:13:22" classname="docker-compose.yml">
//	      <failure message="variable &#34;POSTGRES_USER&#34; is not set" type="error">…</failure>
//	    </testcase>
//
// One test suite per file (sorted by name; findings about no file are in
// the suite "envdoctor"), one failing test case per finding, whatever its
// severity (the failure's type). The failure's text is the finding as the
// text format prints it (byte columns), with its fix, notes and
// documentation link, in a CDATA section. A clean run is one suite with one
// passing test case, because some CI systems treat a report without any
// test as an error.
type junitFormatter struct{}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    string       `xml:"tests,attr"`
	Failures string       `xml:"failures,attr"`
	Errors   string       `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    string      `xml:"tests,attr"`
	Failures string      `xml:"failures,attr"`
	Errors   string      `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// junitNoFile is the suite of the findings about no file.
const junitNoFile = "envdoctor"

func (junitFormatter) Format(w io.Writer, in Input) error {
	rules := ruleIndex(in.Rules)
	bySuite := map[string][]junitCase{}
	for _, f := range in.Findings {
		suite := f.Range.File
		if suite == "" {
			suite = junitNoFile
		}
		title := f.RuleID
		if name := rules[f.RuleID].Name; name != "" {
			title += " " + name
		}
		where := f.Range.String()
		var text strings.Builder
		if where != "" {
			text.WriteString(where + ": ")
		} else {
			where = "(no file)"
		}
		fmt.Fprintf(&text, "%s %s %s", f.Severity, f.RuleID, f.Message)
		if f.Fix != nil && f.Fix.Message != "" {
			fmt.Fprintf(&text, "\nfix: %s", f.Fix.Message)
		}
		for _, r := range f.Related {
			if s := r.Range.String(); s != "" {
				fmt.Fprintf(&text, "\n%s: note: %s", s, r.Message)
			} else {
				fmt.Fprintf(&text, "\nnote: %s", r.Message)
			}
		}
		if help := rules[f.RuleID].HelpURI; help != "" {
			fmt.Fprintf(&text, "\nsee %s", help)
		}
		bySuite[suite] = append(bySuite[suite], junitCase{
			Name:      title + " at " + where,
			ClassName: suite,
			File:      f.Range.File,
			Line:      f.Range.Start.Line,
			Failure:   &junitFailure{Message: f.Message, Type: f.Severity.String(), Text: xmlText(text.String())},
		})
	}
	out := junitSuites{Name: "envdoctor", Errors: "0"}
	if len(bySuite) == 0 {
		bySuite[junitNoFile] = []junitCase{{Name: "no findings", ClassName: junitNoFile}}
	}
	total, failures := 0, 0
	for name, cases := range bySuite {
		failed := 0
		for _, c := range cases {
			if c.Failure != nil {
				failed++
			}
		}
		out.Suites = append(out.Suites, junitSuite{Name: name, Tests: strconv.Itoa(len(cases)), Failures: strconv.Itoa(failed), Errors: "0", Cases: cases})
		total += len(cases)
		failures += failed
	}
	slices.SortFunc(out.Suites, func(a, b junitSuite) int { return strings.Compare(a.Name, b.Name) })
	out.Tests, out.Failures = strconv.Itoa(total), strconv.Itoa(failures)
	return writeXML(w, out)
}

// xmlText replaces the characters XML 1.0 cannot hold (control characters
// other than tab and newlines; invalid UTF-8 reads as U+FFFD already)
// with U+FFFD. encoding/xml
// does so for attributes and character data, but not in CDATA sections.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}
