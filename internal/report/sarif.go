package report

import (
	"encoding/json"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/fingerprint"
)

// sarifFormatter writes SARIF 2.1.0 for code scanning (GitHub, GitLab, VS
// Code's SARIF viewer). The output never contains an absolute path of the
// machine: artifact URIs are relative to the %SRCROOT% base, which is only
// described, so the consumer resolves it against its checkout.
//
// Findings about no file (doctor probes: the engine is down) are located
// at line 1 of Input.Anchor, with a location message saying so and the
// result property noFile, because GitHub rejects results without a
// location. Without an anchor they have no location (valid SARIF, but
// GitHub code scanning refuses such a log).
//
// Columns: envdoctor's columns are byte columns. The run declares
// columnKind "unicodeCodePoints" and every column is converted to code
// points using Input.Lines; when a line's text is not available the byte
// column is kept, which is the same for ASCII lines.
//
// Consumer notes: GitHub ignores Markdown in result messages and does not
// show related locations, so the message stands on its own; the rule help
// carries the Markdown documentation.
type sarifFormatter struct{}

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	srcRoot      = "%SRCROOT%"
	// fingerprintKey names envdoctor's partial fingerprint. Bump the
	// version if the hashed input ever changes.
	fingerprintKey = "envdoctor/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds"`
	ColumnKind         string                           `json:"columnKind"`
	Results            []sarifResult                    `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string               `json:"id"`
	Name                 string               `json:"name,omitempty"`
	ShortDescription     *sarifMessage        `json:"shortDescription,omitempty"`
	FullDescription      *sarifMessage        `json:"fullDescription,omitempty"`
	Help                 *sarifMultiformat    `json:"help,omitempty"`
	HelpURI              string               `json:"helpUri,omitempty"`
	DefaultConfiguration *sarifConfiguration  `json:"defaultConfiguration,omitempty"`
	Properties           *sarifRuleProperties `json:"properties,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifMultiformat struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProperties struct {
	Tags             []string `json:"tags,omitempty"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
}

type sarifResult struct {
	RuleID              string                 `json:"ruleId"`
	RuleIndex           int                    `json:"ruleIndex"`
	Level               string                 `json:"level"`
	Message             sarifMessage           `json:"message"`
	Locations           []sarifLocation        `json:"locations,omitempty"`
	RelatedLocations    []sarifLocation        `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string      `json:"partialFingerprints"`
	Fixes               []sarifFix             `json:"fixes,omitempty"`
	Properties          *sarifResultProperties `json:"properties,omitempty"`
}

// sarifResultProperties carries the fix advice for every finding that has
// one, including fixes without edits, which SARIF's fixes cannot express,
// and marks the results whose location is the anchor file (noFile).
type sarifResultProperties struct {
	Fix     string `json:"fix,omitempty"`
	FixSafe *bool  `json:"fixSafe,omitempty"`
	NoFile  bool   `json:"noFile,omitempty"`
}

type sarifLocation struct {
	ID               int                    `json:"id,omitempty"`
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	Message          *sarifMessage          `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI         string        `json:"uri,omitempty"`
	URIBaseID   string        `json:"uriBaseId,omitempty"`
	Description *sarifMessage `json:"description,omitempty"`
}

type sarifRegion struct {
	StartLine   int  `json:"startLine,omitempty"`
	StartColumn int  `json:"startColumn,omitempty"`
	EndLine     int  `json:"endLine,omitempty"`
	EndColumn   int  `json:"endColumn,omitempty"`
	ByteOffset  *int `json:"byteOffset,omitempty"`
	ByteLength  *int `json:"byteLength,omitempty"`
}

type sarifFix struct {
	Description     sarifMessage          `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Replacements     []sarifReplacement    `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion   `json:"deletedRegion"`
	InsertedContent *sarifMessage `json:"insertedContent,omitempty"`
}

func (sarifFormatter) Format(w io.Writer, in Input) error {
	rules, index := sarifRules(in)
	results := make([]sarifResult, 0, len(in.Findings))
	seen := fingerprint.Counter{}
	for _, f := range in.Findings {
		res := sarifResult{
			RuleID:    f.RuleID,
			RuleIndex: index[f.RuleID],
			Level:     sarifLevel(f.Severity),
			Message:   sarifMessage{Text: f.Message},
		}
		if r, attached, ok := in.anchored(f); ok {
			loc := sarifLocation{PhysicalLocation: in.sarifPhysical(r)}
			if attached {
				// GitHub code scanning rejects a result without a
				// location: the anchor file stands in, and says so.
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: 1, StartColumn: 1}
				loc.Message = &sarifMessage{Text: anchorNote}
				res.Properties = &sarifResultProperties{NoFile: true}
			}
			res.Locations = []sarifLocation{loc}
		}
		for i, r := range f.Related {
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
				ID:               i + 1,
				PhysicalLocation: in.sarifPhysical(r.Range),
				Message:          &sarifMessage{Text: r.Message},
			})
		}
		// The hash ignores line numbers (see package fingerprint, shared
		// with the baseline); identical findings on identical lines are
		// told apart by their order, as GitHub does for its line hashes.
		res.PartialFingerprints = map[string]string{fingerprintKey: seen.Next(fingerprint.Finding(f, "", in.Lines))}
		if f.Fix != nil {
			if res.Properties == nil {
				res.Properties = &sarifResultProperties{}
			}
			safe := f.Fix.Safe
			res.Properties.Fix, res.Properties.FixSafe = f.Fix.Message, &safe
			if len(f.Fix.Edits) > 0 && !hasAppend(f.Fix) {
				res.Fixes = []sarifFix{in.sarifFix(f.Fix)}
			}
		}
		results = append(results, res)
	}
	name := in.Tool.Name
	if name == "" {
		name = "envdoctor"
	}
	log := sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           name,
				Version:        in.Tool.Version,
				InformationURI: in.Tool.InformationURI,
				Rules:          rules,
			}},
			OriginalURIBaseIDs: map[string]sarifArtifactLocation{
				srcRoot: {Description: &sarifMessage{Text: "The root of the project envdoctor checked; every uri is relative to it."}},
			},
			ColumnKind: "unicodeCodePoints",
			Results:    results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// sarifRules lists, sorted by ID, every rule that appears in the findings
// (and every known rule with AllRules), and maps IDs to their index.
func sarifRules(in Input) ([]sarifRule, map[string]int) {
	known := ruleIndex(in.Rules)
	want := map[string]bool{}
	if in.AllRules {
		for _, r := range in.Rules {
			want[r.ID] = true
		}
	}
	for _, f := range in.Findings {
		want[f.RuleID] = true
	}
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	rules := make([]sarifRule, 0, len(ids))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
		info, ok := known[id]
		if !ok {
			info = finding.RuleInfo{ID: id}
		}
		rules = append(rules, sarifRuleOf(info))
	}
	return rules, index
}

func sarifRuleOf(r finding.RuleInfo) sarifRule {
	out := sarifRule{ID: r.ID, Name: r.Name, HelpURI: r.HelpURI}
	if r.Title != "" {
		out.ShortDescription = &sarifMessage{Text: r.Title}
	}
	if full := whyParagraph(r.Doc); full != "" {
		out.FullDescription = &sarifMessage{Text: full}
	} else if r.Title != "" {
		out.FullDescription = &sarifMessage{Text: r.Title}
	}
	if r.Doc != "" {
		out.Help = &sarifMultiformat{Text: r.Doc, Markdown: r.Doc}
	}
	switch r.Severity {
	case finding.SeverityError, finding.SeverityWarning, finding.SeverityInfo:
		out.DefaultConfiguration = &sarifConfiguration{Level: sarifLevel(r.Severity)}
	}
	var props sarifRuleProperties
	if r.Security {
		props.Tags = append(props.Tags, "security")
		switch r.Severity {
		case finding.SeverityError:
			props.SecuritySeverity = "8.0"
		case finding.SeverityWarning:
			props.SecuritySeverity = "5.0"
		default:
			props.SecuritySeverity = "2.0"
		}
	}
	if c := category(r.ID); c != "" {
		props.Tags = append(props.Tags, c)
	}
	if len(props.Tags) > 0 || props.SecuritySeverity != "" {
		out.Properties = &props
	}
	return out
}

// category names a rule's family from its ID prefix.
func category(id string) string {
	if len(id) < 2 {
		return ""
	}
	switch strings.ToUpper(id[:2]) {
	case "DF":
		return "dockerfile"
	case "CP":
		return "compose"
	case "EN":
		return "env"
	case "BC":
		return "build-context"
	case "SE":
		return "secrets"
	case "DK", "PT", "HS", "RT":
		return "doctor"
	case "ED":
		return "envdoctor"
	}
	return ""
}

var whyHeading = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^##\s+why\b`) })

// whyParagraph returns the first paragraph of a doc's "## Why…" section,
// its lines joined by spaces, or "" when there is none.
func whyParagraph(doc string) string {
	lines := strings.Split(strings.ReplaceAll(doc, "\r\n", "\n"), "\n")
	for i, l := range lines {
		if !whyHeading().MatchString(strings.TrimSpace(l)) {
			continue
		}
		var para []string
		for _, l := range lines[i+1:] {
			t := strings.TrimSpace(l)
			switch {
			case t == "" && len(para) == 0:
				continue
			case t == "", strings.HasPrefix(t, "#"), strings.HasPrefix(t, "```"):
				return strings.Join(para, " ")
			}
			para = append(para, t)
		}
		return strings.Join(para, " ")
	}
	return ""
}

func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.SeverityError:
		return "error"
	case finding.SeverityWarning:
		return "warning"
	case finding.SeverityInfo:
		return "note"
	}
	return "none"
}

// artifactURI turns a relative, slash-separated path into a URI reference
// (spaces and other reserved characters escaped).
func artifactURI(file string) sarifArtifactLocation {
	return sarifArtifactLocation{URI: (&url.URL{Path: file}).String(), URIBaseID: srcRoot}
}

// sarifPhysical locates r, or returns nil when r is not about a file.
func (in *Input) sarifPhysical(r finding.Range) *sarifPhysicalLocation {
	if r.File == "" {
		return nil
	}
	loc := &sarifPhysicalLocation{ArtifactLocation: artifactURI(r.File)}
	if !r.Start.IsZero() {
		loc.Region = in.sarifRegion(r)
	}
	return loc
}

// sarifRegion converts a range with a known start; zero fields are left
// out (SARIF then means "the whole line" or "to the end of the line").
func (in *Input) sarifRegion(r finding.Range) *sarifRegion {
	return &sarifRegion{
		StartLine:   r.Start.Line,
		StartColumn: in.runeColumn(r.File, r.Start.Line, r.Start.Col, false),
		EndLine:     r.End.Line,
		EndColumn:   in.runeColumn(r.File, r.End.Line, r.End.Col, true),
	}
}

func (in *Input) sarifFix(fix *finding.Fix) sarifFix {
	out := sarifFix{Description: sarifMessage{Text: fix.Message}}
	byFile := map[string]int{}
	for _, e := range fix.Edits {
		i, ok := byFile[e.Range.File]
		if !ok {
			i = len(out.ArtifactChanges)
			byFile[e.Range.File] = i
			out.ArtifactChanges = append(out.ArtifactChanges, sarifArtifactChange{ArtifactLocation: artifactURI(e.Range.File)})
		}
		rep := sarifReplacement{}
		r := e.Range
		switch {
		case r.Start.IsZero():
			// No start: an insertion at the very start of the file.
			zero := 0
			rep.DeletedRegion = sarifRegion{ByteOffset: &zero, ByteLength: &zero}
		default:
			if r.End.IsZero() {
				r.End = r.Start // an edit without an end inserts
			}
			rep.DeletedRegion = *in.sarifRegion(r)
		}
		if e.NewText != "" {
			rep.InsertedContent = &sarifMessage{Text: e.NewText}
		}
		out.ArtifactChanges[i].Replacements = append(out.ArtifactChanges[i].Replacements, rep)
	}
	return out
}

// hasAppend reports whether a fix appends to a file (finding.Edit's append
// form): SARIF can only say where an insertion goes by position, and the
// end of a file the report has not read is unknown, so such a fix is
// given as advice only (properties.fix).
func hasAppend(fix *finding.Fix) bool {
	for _, e := range fix.Edits {
		if e.IsAppend() {
			return true
		}
	}
	return false
}
