package rules

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/secrets"
)

// hardcodedSecret is CP010: a secret written as a literal in a service's
// environment:. The compose file is committed and shared; `docker compose
// config` and `docker inspect` print it. The value belongs in .env (kept
// out of git) or in compose secrets.
func hardcodedSecret() *Rule {
	return &Rule{
		ID:       "CP010",
		Name:     "hardcoded-secret",
		Title:    "Secret written in a service's environment",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Security: true,
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil {
				return
			}
			// An entry shared through a YAML anchor is one place to fix:
			// one finding naming every service that uses it.
			type place struct {
				file *project.ComposeFile
				e    envEntry
				svcs []string
			}
			var places []*place
			byRange := map[finding.Range]*place{}
			for _, s := range serviceNodes(c) {
				for _, kv := range project.MappingPairs(s.node) {
					if kv[0].Value != "environment" {
						continue
					}
					for _, e := range environmentEntries(s.file, kv[1]) {
						if pl, ok := byRange[e.valueRange]; ok {
							if pl.svcs[len(pl.svcs)-1] != s.name {
								pl.svcs = append(pl.svcs, s.name)
							}
							continue
						}
						pl := &place{file: s.file, e: e, svcs: []string{s.name}}
						byRange[e.valueRange] = pl
						places = append(places, pl)
					}
				}
			}
			for _, pl := range places {
				if f, ok := literalSecret(pl.file, pl.svcs, pl.e); ok {
					p.Report(f)
				}
			}
		},
	}
}

// envEntry is one KEY=value of a service's environment, with the span of
// the value as written.
type envEntry struct {
	key, value string
	list       bool // written as a "- KEY=value" list item
	valueRange finding.Range
}

// environmentEntries reads an environment: mapping or list. Entries
// without a value (KEY alone, KEY: with null) take it from the shell and
// are left out.
func environmentEntries(cf *project.ComposeFile, n *yaml.Node) []envEntry {
	var out []envEntry
	switch n = resolveAliasNode(n); {
	case n == nil:
	case n.Kind == yaml.MappingNode:
		for _, kv := range project.MappingPairs(n) {
			v := resolveAliasNode(kv[1])
			if v == nil || v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				continue
			}
			out = append(out, envEntry{key: kv[0].Value, value: v.Value, valueRange: project.NodeRange(cf.Source, v)})
		}
	case n.Kind == yaml.SequenceNode:
		for _, item := range n.Content {
			item = resolveAliasNode(item)
			if item == nil || item.Kind != yaml.ScalarNode {
				continue
			}
			key, value, ok := strings.Cut(item.Value, "=")
			if !ok {
				continue
			}
			out = append(out, envEntry{key: key, value: value, list: true, valueRange: listValueRange(cf.Source, item, len(key))})
		}
	}
	return out
}

func resolveAliasNode(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	return n
}

// listValueRange is the span after "KEY=" in a list item written on one
// line, or the whole item.
func listValueRange(src *project.Source, item *yaml.Node, keyLen int) finding.Range {
	r := project.NodeRange(src, item)
	if r.Start.Line != r.End.Line || src == nil {
		return r
	}
	text := src.Line(r.Start.Line)
	from := r.Start.Col - 1
	if from < 0 || r.End.Col-1 > len(text) {
		return r
	}
	raw := text[from : r.End.Col-1]
	q := 0
	if item.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		q = 1
	}
	eq := strings.IndexByte(raw, '=')
	if eq < 0 || eq != q+keyLen || len(raw)-q < eq+1 {
		return r
	}
	r.Start.Col += eq + 1
	r.End.Col -= q
	return r
}

// literalSecret decides whether an entry is a hardcoded secret: a value
// the detectors recognise (any key; a ${VAR:-default} default included),
// or a literal (no variable reference, not a placeholder) under a key whose
// name says it holds a secret.
func literalSecret(cf *project.ComposeFile, services []string, e envEntry) (finding.Finding, bool) {
	refs := project.ScanVarRefs(e.value)
	m, detected := secrets.CheckValue(e.key, e.value)
	literal := len(refs) == 0 && secrets.NameHoldsSecret(e.key) && !secrets.IsPlaceholder(e.value) && !notASecretValue(e.value)
	if detected && m.ID == secrets.GenericID {
		// Random-looking, but recognised only through its key: a literal.
		detected, literal = false, len(refs) == 0
	}
	if !detected && !literal {
		return finding.Finding{}, false
	}
	who := fmt.Sprintf("service %q", services[0])
	if len(services) > 1 {
		who = fmt.Sprintf("services %s", quoteList(services))
	}
	const exposed = "anyone who can read the file has it, and `docker compose config` prints it"
	r := e.valueRange
	var msg string
	switch {
	case detected && len(refs) > 0:
		msg = fmt.Sprintf("%s: %s has %s as its default, written in %s: %s", who, e.key, matchPhrase(m), cf.Path, exposed)
		r = narrowRange(cf.Source, r, e.value, m.Start, m.End)
	case detected:
		msg = fmt.Sprintf("%s: %s holds %s, written in %s: %s", who, e.key, matchPhrase(m), cf.Path, exposed)
		r = narrowRange(cf.Source, r, e.value, m.Start, m.End)
	case weakLiteral(e.value):
		msg = fmt.Sprintf("%s: %s is a literal in %s (%d chars, reads like a development password): fine on a laptop, but compose files get shared and deployed, and the value goes with them",
			who, e.key, cf.Path, len([]rune(e.value)))
	default:
		msg = fmt.Sprintf("%s: %s is a literal secret (%d chars) written in %s: %s", who, e.key, len([]rune(e.value)), cf.Path, exposed)
	}
	ref := fmt.Sprintf("%s: ${%s}", e.key, e.key)
	if e.list {
		ref = fmt.Sprintf("- %s=${%s}", e.key, e.key)
	}
	fix := fmt.Sprintf("move the value to .env (kept out of git) as %s=… and write `%s` here; or use compose secrets: and mount it as a file", e.key, ref)
	if fileVariantImage(e.key) {
		fix += fmt.Sprintf(" (this image reads %s_FILE=/run/secrets/<name>)", e.key)
	}
	if !weakLiteral(e.value) || detected {
		fix += "; if the file was ever committed or shared, rotate the value"
	}
	return finding.Finding{Range: r, Message: msg, Fix: &finding.Fix{Message: fix}}, true
}

// quoteList renders names as "a", "b" and "c".
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// narrowRange narrows r, the span of a scalar whose value is value, to the
// bytes [start, end) of the value, when the scalar is written on one line
// without escapes (its text, quotes aside, is the value).
func narrowRange(src *project.Source, r finding.Range, value string, start, end int) finding.Range {
	if src == nil || r.Start.Line != r.End.Line || start < 0 || end > len(value) || start >= end {
		return r
	}
	line := src.Line(r.Start.Line)
	a, b := r.Start.Col-1, r.End.Col-1
	if a < 0 || b > len(line) || a >= b {
		return r
	}
	raw := line[a:b]
	q := 0
	if len(raw) >= 2 && (raw[0] == '"' || raw[0] == '\'') && raw[len(raw)-1] == raw[0] {
		q = 1
	}
	if raw[q:len(raw)-q] != value {
		return r
	}
	r.Start.Col = a + q + start + 1
	r.End.Col = a + q + end + 1
	return r
}

// notASecretValue is a value a secret-named key takes that is no secret: a
// one-digit flag (MYSQL_RANDOM_ROOT_PASSWORD: "1") or a file path
// (SSL_KEY: /certs/key.pem).
func notASecretValue(v string) bool {
	v = strings.TrimSpace(v)
	return len(v) == 1 && v[0] >= '0' && v[0] <= '9' ||
		strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../") || strings.HasPrefix(v, "~/")
}

// weakLiteral is a value that reads like a development password: short,
// or letters only, or one word and digits (testpass, postgres, admin123).
func weakLiteral(v string) bool {
	if len(v) < 12 {
		return true
	}
	classes := 0
	for _, set := range []string{"abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789"} {
		if strings.ContainsAny(v, set) {
			classes++
		}
	}
	return classes < 2
}

// fileVariantImage reports keys of official images that also read the
// value from a file named by <KEY>_FILE (postgres, mysql, mariadb, mongo
// docker-entrypoint.sh: file_env).
func fileVariantImage(key string) bool {
	for _, p := range []string{"POSTGRES_", "MYSQL_", "MARIADB_", "MONGO_INITDB_"} {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}
