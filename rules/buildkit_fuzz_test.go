package rules_test

import (
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

// FuzzDockerfileRules: every DF rule runs on any Dockerfile without
// panicking (no ED000), and every finding, related location and edit lies
// inside the file.
func FuzzDockerfileRules(f *testing.F) {
	for _, s := range []string{
		"FROM python:3.12 AS Base\nMAINTAINER x\nLABEL a b\nCMD python app.py\nCMD x\nEXPOSE 80:80/TCP\n",
		"# escape=`\nARG B\nFROM ${B} as s `\n  \n\nWORKDIR app\nENV A=$Z B $C\nADD a.zip b/ /c/\n",
		"# check=skip=all;error=true\nfrom --platform=linux/amd64 scratch AS context\nUSER 0\nCOPY <<EOF /x\n$Y\nEOF\n",
		"# check=experimental=all\nFROM a\n# x\nARG A=${A:-$B} C\nFROM --platform=$TARGETPLATFORM a AS a\nRUN --mount=from=a,target=$T x\n",
		"FROM a\nRUN x \\\n\n\n  y\nHEALTHCHECK NONE\nHEALTHCHECK CMD x\nVOLUME $V\nSTOPSIGNAL $S\n",
	} {
		f.Add(s)
	}
	var dfRules []*rules.Rule
	for _, r := range rules.All() {
		if strings.HasPrefix(r.ID, "DF") {
			dfRules = append(dfRules, r)
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		src := project.NewSource("Dockerfile", []byte(text))
		d := project.ParseDockerfile("Dockerfile", src)
		d.Target = "a"
		p := &project.Project{Sources: map[string]*project.Source{"Dockerfile": src}, Dockerfiles: []*project.Dockerfile{d}}
		inFile := func(r finding.Range) bool {
			return r.File == "Dockerfile" && r.Start.Line >= 1 && r.End.Line <= src.LineCount()+1 && !r.End.Before(r.Start)
		}
		for _, target := range []string{"", "a"} {
			d.Target = target
			for _, f := range rules.Run(p, dfRules) {
				if f.RuleID == rules.InternalErrorID {
					t.Fatalf("%s for %q", f.Message, text)
				}
				if !inFile(f.Range) {
					t.Fatalf("%s: range %+v outside the file %q", f.RuleID, f.Range, text)
				}
				for _, rel := range f.Related {
					if !inFile(rel.Range) {
						t.Fatalf("%s: related %+v outside the file %q", f.RuleID, rel.Range, text)
					}
				}
				if f.Fix != nil {
					for _, e := range f.Fix.Edits {
						if !inFile(e.Range) {
							t.Fatalf("%s: edit %+v outside the file %q", f.RuleID, e.Range, text)
						}
					}
				}
			}
		}
	})
}
