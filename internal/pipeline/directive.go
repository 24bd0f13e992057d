package pipeline

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// directivePrefix starts every envdoctor comment directive.
const directivePrefix = "envdoctor:"

// directive is one envdoctor comment directive found in a source file.
type directive struct {
	verb     string        // "ignore" or "ignore-file"
	rng      finding.Range // the comment text, from '#' to its last character
	fileWide bool
	covers   int // the line an ignore covers, 0 for none
	// coversEnd is the last line covered when it is not covers (a hadolint
	// pragma covers a whole instruction or stage).
	coversEnd int
	// hadolint is true for a "# hadolint ignore=..." pragma: it silences
	// the envdoctor twins of the codes it names and is never reported.
	hadolint bool
	ids      []string // canonical rule IDs, without duplicates
	used     map[string]bool
	problems []problem // non-empty: the directive is invalid and suppresses nothing
}

// problem is one reason a directive is invalid (an ED002 finding).
type problem struct {
	message, fix string
}

func (d *directive) valid() bool { return len(d.problems) == 0 }

// matches reports whether the directive suppresses f, and under which ID.
func (d *directive) matches(f finding.Finding) (string, bool) {
	if !d.valid() || f.Range.File != d.rng.File {
		return "", false
	}
	if !d.fileWide {
		last := max(d.covers, d.coversEnd)
		if d.covers == 0 || f.Range.Start.Line < d.covers || f.Range.Start.Line > last {
			return "", false
		}
	}
	for _, id := range d.ids {
		if strings.EqualFold(id, f.RuleID) {
			return id, true
		}
	}
	return "", false
}

// collectDirectives scans every comment-bearing source of the project and
// returns its directives, by file then position: envdoctor's own, and in
// Dockerfiles hadolint's ignore pragmas for the rules that have a hadolint
// twin (twins maps a DL code to envdoctor IDs).
func collectDirectives(p *project.Project, resolve func(string) (string, bool), twins map[string][]string) []*directive {
	if p == nil {
		return nil
	}
	k := kinds(p)
	names := make([]string, 0, len(p.Sources))
	for name, src := range p.Sources {
		if src == nil || k[name] == kindUnknown {
			continue
		}
		if bytes.Contains(src.Data, []byte(directivePrefix)) ||
			k[name] == kindDockerfile && len(twins) > 0 && bytes.Contains(src.Data, []byte(hadolintPrefix)) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var out []*directive
	for _, name := range names {
		src := p.Sources[name]
		file := src.Path
		if file == "" {
			file = name
		}
		lines := sourceLines(src)
		infos := scan(k[name], lines)
		for i, info := range infos {
			if info.comment < 0 {
				continue
			}
			comment := lines[i][info.comment:]
			text := strings.TrimRight(comment, " \t")
			rng := finding.Range{
				File:  file,
				Start: finding.Pos{Line: i + 1, Col: info.comment + 1},
				End:   finding.Pos{Line: i + 1, Col: info.comment + len(text) + 1},
			}
			if k[name] == kindDockerfile {
				if d, scope := parseHadolint(comment, twins); d != nil {
					d.rng = rng
					if !d.fileWide {
						hadolintCover(d, scope, infos, i)
					}
					out = append(out, d)
					continue
				}
			}
			d := parseDirective(comment, resolve)
			if d == nil {
				continue
			}
			d.rng = rng
			if !d.fileWide {
				if info.onlyComment {
					for j := i + 1; j < len(infos); j++ {
						if !infos[j].blank && !infos[j].onlyComment {
							d.covers = j + 1
							break
						}
					}
				} else {
					d.covers = i + 1 // a trailing comment covers its own line
				}
			}
			out = append(out, d)
		}
	}
	return out
}

// reasonSeparator is " -- " between the rule list and the reason (the
// dashes may also end the comment, which leaves the reason empty).
var reasonSeparator = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:^|\s)--(?:\s|$)`) })

// badSeparator is a word starting with a dash where " -- " was meant.
var badSeparator = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?:^|[\s,])-`) })

// parseDirective reads one comment (starting with '#'). It returns nil for
// a comment that is not an envdoctor directive.
func parseDirective(comment string, resolve func(string) (string, bool)) *directive {
	body := strings.TrimLeft(strings.TrimPrefix(comment, "#"), " \t")
	rest, ok := strings.CutPrefix(body, directivePrefix)
	if !ok {
		return nil
	}
	d := &directive{used: map[string]bool{}}
	const syntax = `write it as "# envdoctor:ignore ID -- reason" or "# envdoctor:ignore-file ID -- reason"`
	if after := strings.TrimLeft(rest, " \t"); after != rest {
		// "envdoctor: ignore ..." is a directive with a stray space;
		// "envdoctor: some prose" is not a directive at all.
		if !strings.HasPrefix(strings.ToLower(after), "ignore") {
			return nil
		}
		d.problems = append(d.problems, problem{`malformed ignore comment: no space is allowed after "envdoctor:"`, syntax})
		return d
	}
	verbEnd := strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' })
	if verbEnd < 0 {
		verbEnd = len(rest)
	}
	verb := strings.ToLower(rest[:verbEnd])
	args := rest[verbEnd:]
	if verb == "" {
		return nil // "envdoctor:" followed by something else: not a directive
	}
	if verb != "ignore" && verb != "ignore-file" || args != "" && !unicode.IsSpace(rune(args[0])) {
		d.problems = append(d.problems, problem{
			fmt.Sprintf("unknown directive %q (want envdoctor:ignore or envdoctor:ignore-file)", directivePrefix+rest[:verbEnd]+firstWord(args)),
			syntax,
		})
		return d
	}
	d.verb = verb
	d.fileWide = verb == "ignore-file"

	idPart, reason := args, ""
	hasReason := false
	if loc := reasonSeparator().FindStringIndex(args); loc != nil {
		idPart, reason = args[:loc[0]], strings.TrimSpace(args[loc[1]:])
		hasReason = reason != ""
	} else if loc := badSeparator().FindStringIndex(args); loc != nil {
		// "DF005 --reason" or "DF005 - reason": a separator without its
		// spaces; no rule name starts with a dash.
		idPart = args[:loc[0]]
	}
	names := strings.FieldsFunc(idPart, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	example := "# envdoctor:" + verb + " " + strings.Join(names, ",") + " -- why this is fine here"
	if len(names) == 0 {
		example = "# envdoctor:" + verb + " DF005 -- why this is fine here"
		d.problems = append(d.problems, problem{verb + " comment names no rule", "name the rule or rules it silences, and why: " + example})
	}
	for _, name := range names {
		id, ok := resolve(name)
		switch {
		case !ok:
			d.problems = append(d.problems, problem{
				fmt.Sprintf("unknown rule %q in %s comment", name, verb),
				"fix the rule ID or name (`envdoctor rules` lists them), or remove the comment",
			})
		case strings.HasPrefix(id, engineIDPrefix):
			d.problems = append(d.problems, problem{
				fmt.Sprintf("rule %s cannot be silenced by an %s comment", id, verb),
				fmt.Sprintf("remove %s from the comment; disable the rule in .envdoctor.yaml instead", name),
			})
		default:
			if !containsFold(d.ids, id) {
				d.ids = append(d.ids, id)
			}
		}
	}
	if !hasReason && len(names) > 0 {
		d.problems = append(d.problems, problem{
			verb + ` comment needs a reason after " -- "`,
			"say why the finding is fine here: " + example,
		})
	}
	return d
}

func firstWord(s string) string {
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i]
	}
	return s
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
