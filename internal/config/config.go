// Package config reads .envdoctor.yaml: which rules to enable or disable,
// severity overrides, paths whose findings are dropped, the fail level and
// the baseline path. Every problem in the file is reported with its line and
// column, all at once.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/safefs"
	"github.com/envdoctor/envdoctor/internal/textdist"
)

// FileNames are the names Find looks for at the project root, in order.
var FileNames = []string{".envdoctor.yaml", ".envdoctor.yml"}

// The top-level keys of the config file.
const (
	KeyEnable    = "enable"
	KeyDisable   = "disable"
	KeySeverity  = "severity"
	KeyExclude   = "exclude"
	KeyBaseline  = "baseline"
	KeyFailLevel = "fail-level"
)

var knownKeys = []string{KeyEnable, KeyDisable, KeySeverity, KeyExclude, KeyBaseline, KeyFailLevel}

// Config is the content of one .envdoctor.yaml. The zero Config (or a nil
// *Config where callers accept one) means "no configuration".
type Config struct {
	// Path is the file the config came from, "" when there is none.
	Path string
	// Enable lists canonical rule IDs to turn on; only meaningful for rules
	// that are off by default, or to undo a Disable from elsewhere.
	Enable []string
	// Disable lists canonical rule IDs to turn off. A severity of "off"
	// lands here too.
	Disable []string
	// Severity overrides the default severity of a rule, by canonical ID.
	Severity map[string]finding.Severity
	// Exclude holds slash-separated glob patterns of root-relative paths
	// whose findings are dropped (see Match for the syntax).
	Exclude []string
	// Baseline is the baseline file path as written, relative to the
	// config file (see package baseline).
	Baseline string
	// FailLevel is the fail-level key, nil when absent.
	FailLevel *finding.Severity
}

// Find returns root/.envdoctor.yaml or root/.envdoctor.yml when one of them
// exists and is not a directory, else "".
func Find(root string) string {
	for _, name := range FileNames {
		p := filepath.Join(root, name)
		if _, err := os.Lstat(p); err != nil {
			continue
		}
		// A named pipe, a device or a link out of the project is found
		// too: LoadWith says why it is not read, instead of ignoring it.
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			return p
		}
	}
	return ""
}

// Load reads and checks the config file at path. An empty path returns an
// empty Config, so Load(Find(root), known) works with or without a file.
// known resolves a rule ID or kebab-case name (any case) to its canonical
// ID; when it is nil every name is accepted and upper-cased. A file with
// problems returns an *Error listing all of them.
func Load(path string, known func(idOrName string) (id string, ok bool)) (*Config, error) {
	return LoadWith(safefs.Reader{Max: MaxSize}, path, known)
}

// MaxSize is the largest config file read (a config is a few lines).
const MaxSize = 1 << 20

// LoadWith is Load reading through r: a config file found in the project
// is read only inside it (safefs), never from a named pipe, at most
// r.Max bytes.
func LoadWith(r safefs.Reader, path string, known func(idOrName string) (id string, ok bool)) (*Config, error) {
	if path == "" {
		return &Config{}, nil
	}
	data, err := r.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	return Parse(path, data, known)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Parse checks config data; name is the file name used in messages and in
// Config.Path.
func Parse(name string, data []byte, known func(idOrName string) (id string, ok bool)) (*Config, error) {
	if known == nil {
		known = func(s string) (string, bool) { return strings.ToUpper(strings.TrimSpace(s)), true }
	}
	p := &parser{cfg: &Config{Path: name}, known: known}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		var le *yaml.LoadError
		if errors.As(err, &le) {
			p.errorAt(le.Mark.Line, le.Mark.Column, "%s", le.Message)
		} else {
			p.errorAt(0, 0, "%v", strings.TrimPrefix(err.Error(), "yaml: "))
		}
		return nil, p.err(name)
	}
	p.document(&doc)
	if err := p.err(name); err != nil {
		return nil, err
	}
	return p.cfg, nil
}

// Problem is one mistake in a config file. Line and Col are 1-based; zero
// when unknown.
type Problem struct {
	Line, Col int
	Message   string
}

// Error is every problem found in one config file.
type Error struct {
	Path     string
	Problems []Problem
}

// Error renders one "file:line:col: message" line per problem.
func (e *Error) Error() string {
	var b strings.Builder
	for i, pr := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Path)
		if pr.Line > 0 {
			fmt.Fprintf(&b, ":%d", pr.Line)
			if pr.Col > 0 {
				fmt.Fprintf(&b, ":%d", pr.Col)
			}
		}
		b.WriteString(": ")
		b.WriteString(pr.Message)
	}
	return b.String()
}

type parser struct {
	cfg      *Config
	known    func(string) (string, bool)
	problems []Problem
	// where each rule ID was first enabled / disabled / given a severity,
	// to report conflicts and duplicates.
	enabledAt, disabledAt, severityAt map[string]*yaml.Node
}

func (p *parser) errorAt(line, col int, format string, args ...any) {
	p.problems = append(p.problems, Problem{Line: line, Col: col, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errorAt(n.Line, n.Column, format, args...)
}

func (p *parser) err(name string) error {
	if len(p.problems) == 0 {
		return nil
	}
	sort.SliceStable(p.problems, func(i, j int) bool {
		a, b := p.problems[i], p.problems[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return &Error{Path: name, Problems: p.problems}
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!bool":
			return "a boolean"
		case "!!int", "!!float":
			return "a number"
		}
		return "a string"
	}
	return "something else"
}

func (p *parser) document(doc *yaml.Node) {
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return // empty file or only comments
	}
	root := deref(doc.Content[0])
	if isNull(root) {
		return
	}
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "the config must be a mapping with the keys %s, got %s", strings.Join(knownKeys, ", "), kindName(root))
		return
	}
	p.enabledAt = map[string]*yaml.Node{}
	p.disabledAt = map[string]*yaml.Node{}
	p.severityAt = map[string]*yaml.Node{}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := deref(root.Content[i]), deref(root.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "a key must be a string, got %s", kindName(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			p.errorf(k, "duplicate key %q (first at line %d)", k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		switch k.Value {
		case KeyEnable:
			p.cfg.Enable = p.ruleList(k.Value, v, p.enabledAt, p.cfg.Enable)
		case KeyDisable:
			p.cfg.Disable = p.ruleList(k.Value, v, p.disabledAt, p.cfg.Disable)
		case KeySeverity:
			p.severity(v)
		case KeyExclude:
			p.exclude(v)
		case KeyBaseline:
			if s, ok := p.scalar(k.Value, v, "a file path"); ok {
				p.cfg.Baseline = s
			}
		case KeyFailLevel:
			if s, ok := p.scalar(k.Value, v, "error, warning, info or none"); ok {
				sev, err := finding.ParseSeverity(s)
				if err != nil {
					p.errorf(v, "bad fail-level %q (want error, warning, info or none)", s)
				} else {
					p.cfg.FailLevel = &sev
				}
			}
		default:
			if s := suggest(k.Value, knownKeys); s != "" {
				p.errorf(k, "unknown key %q (did you mean %q?)", k.Value, s)
			} else {
				p.errorf(k, "unknown key %q (known keys: %s)", k.Value, strings.Join(knownKeys, ", "))
			}
		}
	}
	for id, at := range p.enabledAt {
		if d, ok := p.disabledAt[id]; ok {
			later := at
			if d.Line > at.Line || (d.Line == at.Line && d.Column > at.Column) {
				later = d
			}
			p.errorf(later, "rule %s is both enabled and disabled", id)
		}
	}
}

// scalar reads a string value; null counts as absent.
func (p *parser) scalar(key string, v *yaml.Node, want string) (string, bool) {
	if isNull(v) {
		return "", false
	}
	if v.Kind != yaml.ScalarNode {
		p.errorf(v, "%q must be %s, got %s", key, want, kindName(v))
		return "", false
	}
	return strings.TrimSpace(v.Value), true
}

// list returns the items of a sequence value (null is an empty list).
func (p *parser) list(key string, v *yaml.Node, want string) []*yaml.Node {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		p.errorf(v, "%q must be a list of %s, got %s", key, want, kindName(v))
		return nil
	}
	var out []*yaml.Node
	for _, item := range v.Content {
		item = deref(item)
		if item.Kind != yaml.ScalarNode || isNull(item) {
			p.errorf(item, "%q must be a list of %s, got %s in it", key, want, kindName(item))
			continue
		}
		out = append(out, item)
	}
	return out
}

// rule resolves a rule ID or name, reporting unknown ones.
func (p *parser) rule(n *yaml.Node) (string, bool) {
	id, ok := p.known(strings.TrimSpace(n.Value))
	if !ok || id == "" {
		p.errorf(n, "unknown rule %q", n.Value)
		return "", false
	}
	return id, true
}

func (p *parser) ruleList(key string, v *yaml.Node, at map[string]*yaml.Node, ids []string) []string {
	for _, item := range p.list(key, v, "rule IDs or names") {
		id, ok := p.rule(item)
		if !ok {
			continue
		}
		if _, dup := at[id]; dup {
			continue // "CP001" and "unset-variable" twice is harmless
		}
		at[id] = item
		ids = append(ids, id)
	}
	return ids
}

func (p *parser) severity(v *yaml.Node) {
	if isNull(v) {
		return
	}
	if v.Kind != yaml.MappingNode {
		p.errorf(v, "%q must be a mapping of rule ID or name to error, warning, info or off, got %s", KeySeverity, kindName(v))
		return
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := deref(v.Content[i]), deref(v.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "a rule ID or name must be a string, got %s", kindName(k))
			continue
		}
		id, okID := p.rule(k)
		if okID {
			if first, dup := p.severityAt[id]; dup {
				p.errorf(k, "duplicate severity for rule %s (first at line %d)", id, first.Line)
				continue
			}
			p.severityAt[id] = k
		}
		if val.Kind != yaml.ScalarNode || isNull(val) {
			p.errorf(val, "the severity of %s must be error, warning, info or off, got %s", k.Value, kindName(val))
			continue
		}
		s := strings.ToLower(strings.TrimSpace(val.Value))
		var sev finding.Severity
		if s != "off" {
			var err error
			sev, err = finding.ParseSeverity(s)
			if err != nil || sev == finding.SeverityNone {
				p.errorf(val, "bad severity %q for %s (want error, warning, info or off)", val.Value, k.Value)
				continue
			}
		}
		if !okID {
			continue
		}
		if s == "off" {
			if _, dup := p.disabledAt[id]; !dup {
				p.disabledAt[id] = val
				p.cfg.Disable = append(p.cfg.Disable, id)
			}
			continue
		}
		if p.cfg.Severity == nil {
			p.cfg.Severity = map[string]finding.Severity{}
		}
		p.cfg.Severity[id] = sev
	}
}

func (p *parser) exclude(v *yaml.Node) {
	for _, item := range p.list(KeyExclude, v, "path patterns") {
		pat, err := NormalizePattern(item.Value)
		if err != nil {
			p.errorf(item, "bad exclude pattern %q: %v", item.Value, err)
			continue
		}
		p.cfg.Exclude = append(p.cfg.Exclude, pat)
	}
}

// suggest returns the candidate closest to s (case-insensitively, counting
// a swap of two neighbours as one edit) when it is close enough, else "".
func suggest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := textdist.Distance(strings.ToLower(s), c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
