package report

import (
	"encoding/xml"
	"io"
	"slices"
	"strings"
)

// checkstyleFormatter writes Checkstyle's XML report, which Jenkins
// (warnings-ng), reviewdog, Bitbucket and many CI plugins read:
//
//	<checkstyle version="4.3">
//	  <file name="docker-compose.yml">
//	    <error line="13" column="22" severity="error" message="variable &#34;POSTGRES_USER&#34; is not set" source="envdoctor.CP001"></error>
//	  </file>
//	</checkstyle>
//
// Files are sorted by name, their findings in report order. severity is
// error, warning or info; source is "envdoctor." and the rule ID. Columns
// are code points; line and column are left out when unknown. Findings
// about no file are listed under Input.Anchor (under a file with an empty
// name without one).
type checkstyleFormatter struct{}

type csReport struct {
	XMLName xml.Name `xml:"checkstyle"`
	Version string   `xml:"version,attr"`
	Files   []csFile `xml:"file"`
}

type csFile struct {
	Name   string    `xml:"name,attr"`
	Errors []csError `xml:"error"`
}

type csError struct {
	Line     int    `xml:"line,attr,omitempty"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

func (checkstyleFormatter) Format(w io.Writer, in Input) error {
	byFile := map[string][]csError{}
	for _, f := range in.Findings {
		r, attached, _ := in.anchored(f)
		e := csError{Severity: f.Severity.String(), Message: f.Message, Source: "envdoctor." + f.RuleID}
		if attached {
			e.Message += " (" + anchorNote + ")"
		}
		if r.Start.Line > 0 {
			e.Line = r.Start.Line
			e.Column = in.runeColumn(r.File, r.Start.Line, r.Start.Col, false)
		}
		byFile[r.File] = append(byFile[r.File], e)
	}
	rep := csReport{Version: "4.3", Files: make([]csFile, 0, len(byFile))}
	for name, errs := range byFile {
		rep.Files = append(rep.Files, csFile{Name: name, Errors: errs})
	}
	slices.SortFunc(rep.Files, func(a, b csFile) int { return strings.Compare(a.Name, b.Name) })
	return writeXML(w, rep)
}

// writeXML writes the XML declaration and v indented by two spaces, with a
// final newline.
func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
