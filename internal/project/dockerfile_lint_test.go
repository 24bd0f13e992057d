package project

import (
	"fmt"
	"strings"
	"testing"
)

func lintLines(d *Dockerfile) string {
	var b strings.Builder
	for _, w := range d.Lint {
		fmt.Fprintf(&b, "%s %s: %s [%s]\n", rng(d.InstructionRange(w.Location)), w.RuleName, w.Message, w.URL)
	}
	return b.String()
}

func TestParseTimeLint(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"maintainer and stage names",
			"FROM alpine:3.20 as Build\nMAINTAINER Jane <j@example.com>\nLABEL maintainer \"Jane\"\n",
			"1:1-1:26 StageNameCasing: Stage name 'Build' should be lowercase [https://docs.docker.com/go/dockerfile/rule/stage-name-casing/]\n" +
				"1:1-1:26 FromAsCasing: 'as' and 'FROM' keywords' casing do not match [https://docs.docker.com/go/dockerfile/rule/from-as-casing/]\n" +
				"2:1-2:32 MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label [https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/]\n"},
		{"empty continuation",
			"FROM alpine:3.20\nRUN echo a \\\n\n  b\n",
			"4:3-4:4 NoEmptyContinuation: Empty continuation line [https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/]\n"},
		{"skipped by the check directive",
			"# check=skip=MaintainerDeprecated,FromAsCasing\nFROM alpine:3.20 as build\nMAINTAINER Jane\n", ""},
		{"skip all",
			"# check=skip=all\nFROM alpine:3.20 as Build\n", ""},
		{"skipped by a comment above the instruction",
			"FROM alpine:3.20\n# check=skip=MaintainerDeprecated\nMAINTAINER Jane\nMAINTAINER Joe\n",
			"4:1-4:15 MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label [https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/]\n"},
		{"experimental rule only when enabled",
			"FROM alpine:3.20\n# build stage\nFROM alpine:3.20 AS base\n", ""},
		{"experimental rule enabled",
			"# check=experimental=InvalidDefinitionDescription\nFROM alpine:3.20\n# build stage\nFROM alpine:3.20 AS base\n",
			"4:1-4:25 InvalidDefinitionDescription: Comment for FROM should follow the format: `# base <description>` [https://docs.docker.com/go/dockerfile/rule/invalid-definition-description/]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := parseDF(t, tt.src)
			if d.ParseError != nil {
				t.Fatalf("parse error: %v", d.ParseError.Message)
			}
			if got := lintLines(d); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestCheckConfig(t *testing.T) {
	d := parseDF(t, "# syntax=docker/dockerfile:1\n# check=skip=UndefinedVar;error=true\nFROM alpine:3.20\n")
	if d.Check == nil || !d.Check.ReturnAsError || len(d.Check.SkipRules) != 1 || d.Check.SkipRules[0] != "UndefinedVar" {
		t.Fatalf("Check = %+v", d.Check)
	}
	if d := parseDF(t, "# check=bogus\nFROM alpine:3.20\n"); d.Check != nil {
		t.Errorf("invalid directive: Check = %+v, want nil", d.Check)
	}
	if d := parseDF(t, "FROM alpine:3.20\n"); d.Check != nil {
		t.Errorf("no directive: Check = %+v, want nil", d.Check)
	}
}
