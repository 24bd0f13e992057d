package pipeline

import (
	"regexp"
	"strings"
	"sync"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// hadolintPrefix is the word every hadolint pragma starts with.
const hadolintPrefix = "hadolint"

// hadolintPragma matches hadolint's ignore pragmas the way its
// src/Hadolint/Pragma.hs parses them: "# hadolint ignore=DL3008,DL3009"
// (the next instruction), "# hadolint global ignore=..." (the whole file)
// and, since hadolint 2.15, "# hadolint stage ignore=..." right above a FROM
// (the whole stage). Spaces and tabs may surround "=" and the commas; a
// trailing "# comment" is allowed.
var hadolintPragma = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^#[ \t]*hadolint[ \t]+(?:(global|stage)[ \t]+)?ignore[ \t]*=[ \t]*([DLSC0-9]+(?:[ \t]*,[ \t]*[DLSC0-9]+)*)[ \t]*(?:#.*)?$`)
})

// hadolintScope is what a hadolint pragma covers.
type hadolintScope int

const (
	hadolintNext hadolintScope = iota
	hadolintGlobal
	hadolintStage
)

// parseHadolint reads one Dockerfile comment. It returns nil unless the
// comment is a hadolint ignore pragma naming at least one hadolint rule
// that has an envdoctor twin (twins maps a DL code to envdoctor rule IDs).
// Such a directive is never reported as unused or invalid: the comment is
// hadolint's, and codes without a twin are simply hadolint's business.
func parseHadolint(comment string, twins map[string][]string) (*directive, hadolintScope) {
	m := hadolintPragma().FindStringSubmatch(strings.TrimRight(comment, " \t"))
	if m == nil {
		return nil, hadolintNext
	}
	d := &directive{verb: "hadolint ignore", hadolint: true, used: map[string]bool{}}
	for _, code := range strings.Split(m[2], ",") {
		for _, id := range twins[strings.TrimSpace(code)] {
			if !containsFold(d.ids, id) {
				d.ids = append(d.ids, id)
			}
		}
	}
	if len(d.ids) == 0 {
		return nil, hadolintNext
	}
	switch m[1] {
	case "global":
		d.fileWide = true
		return d, hadolintGlobal
	case "stage":
		return d, hadolintStage
	}
	return d, hadolintNext
}

// hadolintTwins maps each hadolint code to the envdoctor rules that are
// its twins (finding.RuleInfo.Hadolint).
func hadolintTwins(rules []finding.RuleInfo) map[string][]string {
	m := map[string][]string{}
	for _, r := range rules {
		for _, code := range r.Hadolint {
			m[code] = append(m[code], r.ID)
		}
	}
	return m
}

// hadolintCover sets the lines a hadolint directive on line i (0-based)
// covers: the whole next instruction (hadolint reports an instruction at
// its first line, envdoctor may point inside it), or for a stage pragma
// everything from the FROM below it to the next FROM. A stage pragma that
// is not right above a FROM covers nothing, as in hadolint.
func hadolintCover(d *directive, scope hadolintScope, infos []lineInfo, i int) {
	next := -1
	for j := i + 1; j < len(infos); j++ {
		if !infos[j].blank && !infos[j].onlyComment && infos[j].comment < 0 {
			next = j
			break
		}
	}
	if next < 0 || infos[next].instr == "" {
		return
	}
	end := infos[next].last
	if scope == hadolintStage {
		if infos[next].instr != "FROM" {
			return
		}
		end = len(infos) - 1
		for j := next + 1; j < len(infos); j++ {
			if infos[j].instr == "FROM" {
				end = j - 1
				break
			}
		}
	}
	d.covers, d.coversEnd = next+1, end+1
}
