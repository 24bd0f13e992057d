package config

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// KnownKeys returns the top-level keys of the config file, in the order
// the documentation lists them.
func KnownKeys() []string { return slices.Clone(knownKeys) }

// SchemaID is where editors find the JSON schema of .envdoctor.yaml (the
// file schema/envdoctor.schema.json of the repository).
const SchemaID = "https://raw.githubusercontent.com/envdoctor/envdoctor/main/schema/envdoctor.schema.json"

// Schema returns the JSON schema (draft-07, which the YAML language
// server and VS Code read) of .envdoctor.yaml, with every rule of rules
// offered for completion. It is a superset of what Load accepts: the
// loader also rejects unknown rules, bad glob patterns and conflicts,
// which a schema cannot express. schema/envdoctor.schema.json is this
// output (a test keeps it fresh).
func Schema(rules []finding.RuleInfo) []byte {
	var ids, names []string
	for _, r := range rules {
		ids = append(ids, r.ID)
		if r.Name != "" {
			names = append(names, r.Name)
		}
	}
	slices.Sort(ids)
	slices.Sort(names)
	ids = slices.Compact(ids)
	names = slices.Compact(names)
	ruleEnum := make([]any, 0, len(ids)+len(names))
	for _, s := range append(ids, names...) {
		ruleEnum = append(ruleEnum, s)
	}
	nullable := func(t string) []string { return []string{t, "null"} }
	list := func(desc string, items ordered) ordered {
		return ordered{{"description", desc}, {"type", nullable("array")}, {"items", items}}
	}
	ref := func(name string) ordered { return ordered{{"$ref", "#/definitions/" + name}} }
	doc := ordered{
		{"$schema", "http://json-schema.org/draft-07/schema#"},
		{"$id", SchemaID},
		{"title", "envdoctor configuration"},
		{"description", "The .envdoctor.yaml file at the root of a Docker Compose project: rules to enable or disable, severities, excluded paths, the baseline and the fail level. Documented in docs/config.md. Command-line flags override it."},
		{"type", nullable("object")},
		{"additionalProperties", false},
		{"properties", ordered{
			{KeyEnable, list("Rules to turn on, by ID (CP001) or kebab-case name (unset-variable), in any case. Every rule is on by default; enable undoes a disable and turns on rules that are off by default.", ref("rule"))},
			{KeyDisable, list("Rules to turn off, by ID or name. A disabled rule does not run, so an ignore comment for it is not reported as unused (ED001).", ref("rule"))},
			{KeySeverity, ordered{
				{"description", "A rule's severity: error, warning (or warn), info, or off (the same as disable). Applies to every finding of the rule."},
				{"type", nullable("object")},
				{"propertyNames", ref("rule")},
				{"additionalProperties", ref("severity")},
			}},
			{KeyExclude, list("Glob patterns of paths relative to the project root, with / as separator, whose findings are dropped: * and ? within a path segment, ** for any number of segments, a directory pattern covers its files. Not absolute.", ordered{
				{"type", "string"},
				{"minLength", 1},
				{"not", ordered{{"pattern", "^/"}}},
			})},
			{KeyBaseline, ordered{
				{"description", "Baseline file of accepted findings (written by envdoctor lint --write-baseline FILE), relative to this file. Its findings are not reported."},
				{"type", nullable("string")},
			}},
			{KeyFailLevel, ordered{
				{"description", "The lowest severity that makes envdoctor exit with status 1: error, warning (the default), info, or none (never fail). --fail-level overrides it."},
				{"anyOf", []any{
					ordered{{"enum", []any{"error", "warning", "info", "none"}}},
					ordered{{"type", "string"}, {"pattern", caseless("error", "warning", "warn", "info", "none")}},
					ordered{{"type", "null"}},
				}},
			}},
		}},
		{"definitions", ordered{
			{"rule", ordered{
				{"description", "A rule ID (two letters and three digits) or name, in any case; 'envdoctor rules' lists them."},
				{"anyOf", []any{
					ordered{{"enum", ruleEnum}},
					ordered{{"type", "string"}, {"pattern", `^\s*[A-Za-z]{2}[0-9]{3}\s*$`}},
					ordered{{"type", "string"}, {"pattern", `^\s*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*\s*$`}},
				}},
			}},
			{"severity", ordered{
				{"description", "error, warning (or warn), info, or off."},
				{"anyOf", []any{
					ordered{{"enum", []any{"error", "warning", "info", "off"}}},
					ordered{{"type", "string"}, {"pattern", caseless("error", "warning", "warn", "info", "off")}},
				}},
			}},
		}},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(doc) // only strings, numbers, lists and ordered maps
	return buf.Bytes()
}

// caseless is a regular expression matching one of words in any case, with
// surrounding white space (JSON schema patterns have no (?i) flag).
func caseless(words ...string) string {
	alts := make([]string, len(words))
	for i, w := range words {
		var b strings.Builder
		for _, r := range w {
			b.WriteString("[" + strings.ToLower(string(r)) + strings.ToUpper(string(r)) + "]")
		}
		alts[i] = b.String()
	}
	return `^\s*(` + strings.Join(alts, "|") + `)\s*$`
}

// ordered is a JSON object whose keys keep their order, so the schema
// reads top-down like the documentation.
type ordered []struct {
	key   string
	value any
}

// MarshalJSON writes the object with its keys in order.
func (o ordered) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, kv := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, err := json.Marshal(kv.key)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		v, err := marshalNoEscape(kv.value)
		if err != nil {
			return nil, err
		}
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
