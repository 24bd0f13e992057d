package rules_test

import (
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/linter"

	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

// TestBuildKitNames: the DF1xx rules carry BuildKit's check names, found
// by Lookup in any case, and no other rule may use such a name.
func TestBuildKitNames(t *testing.T) {
	all := rules.All()
	want := map[string]string{
		"DF100": linter.RuleStageNameCasing.Name, "DF101": linter.RuleFromAsCasing.Name,
		"DF102": linter.RuleNoEmptyContinuation.Name, "DF103": linter.RuleConsistentInstructionCasing.Name,
		"DF104": linter.RuleDuplicateStageName.Name, "DF105": linter.RuleReservedStageName.Name,
		"DF106": linter.RuleJSONArgsRecommended.Name, "DF107": linter.RuleMaintainerDeprecated.Name,
		"DF108": linter.RuleUndefinedArgInFrom.Name, "DF109": linter.RuleWorkdirRelativePath.Name,
		"DF110": linter.RuleUndefinedVar.Name, "DF111": linter.RuleMultipleInstructionsDisallowed.Name,
		"DF112": linter.RuleLegacyKeyValueFormat.Name, "DF113": linter.RuleRedundantTargetPlatform.Name,
		"DF114": linter.RuleInvalidDefaultArgInFrom.Name, "DF115": linter.RuleFromPlatformFlagConstDisallowed.Name,
		"DF116": linter.RuleExposeProtoCasing.Name, "DF117": linter.RuleExposeInvalidFormat.Name,
		"DF118": linter.RuleInvalidDefinitionDescription.Name,
	}
	for id, name := range want {
		for _, key := range []string{name, strings.ToLower(name), strings.ToUpper(name), strings.ToLower(id)} {
			r, ok := rules.Lookup(all, key)
			if !ok || r.ID != id || r.Name != name {
				t.Errorf("Lookup(%q) = %v, %v; want %s %s", key, r, ok, id, name)
			}
		}
		if !strings.Contains(rules.Doc(id), "https://docs.docker.com/go/dockerfile/rule/") {
			t.Errorf("%s: doc does not link BuildKit's page", id)
		}
	}
	bad := &rules.Rule{ID: "DF199", Name: "stage-name-casing", Title: "t"}
	if err := rules.Validate(bad); err == nil || !strings.Contains(err.Error(), "PascalCase") {
		t.Errorf("a kebab-case name for a BuildKit check: %v", err)
	}
	bad = &rules.Rule{ID: "DF099", Name: "StageNameCasing", Title: "t"}
	if err := rules.Validate(bad); err == nil || !strings.Contains(err.Error(), "kebab-case") {
		t.Errorf("a PascalCase name outside DF1xx: %v", err)
	}
}

// TestMaintainerAndLegacyLabel is the acceptance case: MAINTAINER x is
// MaintainerDeprecated; LABEL maintainer "x" is not, but it is
// LegacyKeyValueFormat; each at its own line and column.
func TestMaintainerAndLegacyLabel(t *testing.T) {
	src := "FROM alpine:3.20\n" +
		"LABEL maintainer \"Jane Doe <jane@example.com>\"\n" +
		"MAINTAINER Jane Doe <jane@example.com>\n" +
		"LABEL org.opencontainers.image.title=\"app\"\n"
	p := &project.Project{Sources: map[string]*project.Source{}}
	d := project.ParseDockerfile("Dockerfile", project.NewSource("Dockerfile", []byte(src)))
	p.Dockerfiles = append(p.Dockerfiles, d)
	all := rules.All()
	var run []*rules.Rule
	for _, id := range []string{"DF107", "DF112"} {
		r, _ := rules.Lookup(all, id)
		run = append(run, r)
	}
	got := FormatGolden(rules.Run(p, run))
	want := `Dockerfile:2:7-2:47: DF112 warning: "LABEL key=value" should be used instead of legacy "LABEL key value" format
  fix: write LABEL maintainer="Jane Doe <jane@example.com>"
  edit (safe): Dockerfile:2:7-2:47 "maintainer=\"Jane Doe <jane@example.com>\""
Dockerfile:3:1-3:39: DF107 warning: Maintainer instruction is deprecated in favor of using label
  fix: replace it with the OCI authors label: LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
  edit (safe): Dockerfile:3:1-3:39 "LABEL org.opencontainers.image.authors=\"Jane Doe <jane@example.com>\""
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
