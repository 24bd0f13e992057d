package rules

import (
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/format"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// Compose helpers that join compose-go's model (interpolated, merged: the
// semantics) with the YAML nodes of each file (the positions).

// modelServices is every service of the model, profile-disabled ones
// included (their files are in the repository all the same). The map is
// computed once per project; callers must not change it.
func modelServices(c *project.Compose) map[string]types.ServiceConfig {
	if c == nil || c.Model == nil {
		return map[string]types.ServiceConfig{}
	}
	return composeFact(c, "modelServices", nil, func() map[string]types.ServiceConfig {
		out := make(map[string]types.ServiceConfig, len(c.Model.Services)+len(c.Model.DisabledServices))
		for n, s := range c.Model.DisabledServices {
			out[n] = s
		}
		for n, s := range c.Model.Services {
			out[n] = s
		}
		return out
	})
}

// fileEnv is the environment a compose file is interpolated with.
func fileEnv(c *project.Compose, cf *project.ComposeFile) map[string]string {
	if cf != nil && cf.Env != nil {
		return cf.Env
	}
	return c.Environment
}

// interpolate substitutes variables in a scalar of cf as compose does; a
// value compose would reject is returned as written.
func interpolate(c *project.Compose, cf *project.ComposeFile, s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	env := fileEnv(c, cf)
	// WithoutLogging: compose-go's default logs "variable is not set"
	// through logrus to stderr, which CP001 already reports.
	out, err := template.SubstituteWithOptions(s, func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}, template.WithoutLogging)
	if err != nil {
		return s
	}
	return out
}

// fileBaseDir is the directory relative paths of a compose file are
// resolved against: the project directory, or for an included file the
// directory of that file (compose's default project_directory).
func fileBaseDir(p *project.Project, cf *project.ComposeFile) string {
	if cf != nil && cf.Included {
		return filepath.Join(p.Root, filepath.FromSlash(path.Dir(cf.Path)))
	}
	return p.Root
}

// scalarSpan is the exact span of value[start:end] inside a one-line
// scalar node whose text is value as written (plain or quoted without
// escapes before it). exact is false, and the range is the whole node,
// when the node's text differs from value (interpolated, escaped, folded).
func scalarSpan(src *project.Source, n *yaml.Node, value string, start, end int) (r finding.Range, exact bool) {
	whole := project.NodeRange(src, n)
	if src == nil || n == nil || n.Kind != yaml.ScalarNode || start < 0 || end > len(value) || start > end {
		return whole, false
	}
	line := src.Line(n.Line)
	from := n.Column - 1
	if from < 0 || from > len(line) {
		return whole, false
	}
	raw := line[from:]
	// An anchor or a tag before the value: &name value, !!str value.
	skip := 0
	for len(raw) > 0 && (raw[0] == '&' || raw[0] == '!') {
		sp := strings.IndexAny(raw, " \t")
		if sp < 0 {
			return whole, false
		}
		rest := strings.TrimLeft(raw[sp:], " \t")
		skip += len(raw) - len(rest)
		raw = rest
	}
	off := -1
	switch {
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		if len(raw) > 0 && strings.HasPrefix(raw[1:], value[:end]) {
			off = 1
		}
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
	default:
		if strings.HasPrefix(raw, value[:end]) {
			off = 0
		}
	}
	if off < 0 {
		return whole, false
	}
	off += skip
	return finding.Range{
		File:  src.Path,
		Start: finding.Pos{Line: n.Line, Col: n.Column + off + start},
		End:   finding.Pos{Line: n.Line, Col: n.Column + off + end},
	}, true
}

// pairRange spans a mapping entry from its key to the end of its scalar
// value when both are on one line (`privileged: true`), else the key.
func pairRange(src *project.Source, k, v *yaml.Node) finding.Range {
	kr := project.NodeRange(src, k)
	if v == nil || v.Kind != yaml.ScalarNode || v.Line != k.Line {
		return kr
	}
	vr := project.NodeRange(src, v)
	return finding.Range{File: kr.File, Start: kr.Start, End: vr.End}
}

// mapValue returns the value node of key in a mapping node, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	return project.MappingValue(n, key)
}

// seqItems returns the items of a sequence node (aliases resolved), or nil.
func seqItems(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, c := range n.Content {
		out = append(out, deref(c))
	}
	return out
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	return n
}

// volumeItem is one entry of a service's volumes: in one file, with its
// meaning (interpolated, parsed as compose parses it) and the mount it
// became in the merged model.
type volumeItem struct {
	svc  serviceNode
	node *yaml.Node // the item: a scalar (short syntax) or a mapping
	long bool
	// Type, Source and Target as written, interpolated (Source is not
	// made absolute; Target is cleaned as compose cleans it).
	typ, source, target string
	// sourceRange and targetRange are the spans of the source and target
	// text (the whole item when they cannot be told apart).
	sourceRange, targetRange finding.Range
	// sourceExact says sourceRange is exactly the source text.
	sourceExact bool
	// createHostPath is false for a long-syntax bind with
	// bind.create_host_path: false.
	createHostPath bool
	// mount is the model's mount for this item.
	mount types.ServiceVolumeConfig
}

// volumeItems lists every volume entry of every service in every file
// that survives in the merged model (an entry an override file replaced is
// left out). It is computed once per project; callers must not change it.
func volumeItems(p *project.Project) []volumeItem {
	return projectFact(p, "volumeItems", nil, func() []volumeItem { return listVolumeItems(p) })
}

// boundItem is a bind mount whose source lies inside a directory, with the
// source relative to it (slash-separated).
type boundItem struct {
	volumeItem
	rel string
}

// bindMountsUnder lists, in volumeItems order, the bind mounts whose
// source lies strictly inside dir (absolute): a lookup in the sources
// sorted once per project, so that asking for every build context costs
// no more than the mounts found.
func bindMountsUnder(p *project.Project, dir string) []boundItem {
	type source struct {
		abs   string
		index int
	}
	sorted := projectFact(p, "bindSourcesSorted", nil, func() []source {
		var out []source
		for i, v := range volumeItems(p) {
			if v.typ == types.VolumeTypeBind && v.mount.Source != "" && filepath.IsAbs(v.mount.Source) {
				out = append(out, source{filepath.Clean(v.mount.Source), i})
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].abs < out[j].abs })
		return out
	})
	dir = filepath.Clean(dir)
	prefix := dir
	if !strings.HasSuffix(prefix, string(filepath.Separator)) {
		prefix += string(filepath.Separator)
	}
	var found []source
	for i := sort.Search(len(sorted), func(i int) bool { return sorted[i].abs >= prefix }); i < len(sorted) && strings.HasPrefix(sorted[i].abs, prefix); i++ {
		found = append(found, sorted[i])
	}
	sort.Slice(found, func(i, j int) bool { return found[i].index < found[j].index })
	items := volumeItems(p)
	out := make([]boundItem, 0, len(found))
	for _, f := range found {
		out = append(out, boundItem{items[f.index], filepath.ToSlash(f.abs[len(prefix):])})
	}
	return out
}

func listVolumeItems(p *project.Project) []volumeItem {
	c := p.Compose
	if c == nil || c.Model == nil {
		return nil
	}
	services := modelServices(c)
	var out []volumeItem
	for _, s := range serviceNodes(c) {
		svc, ok := services[s.name]
		if !ok {
			continue
		}
		for _, item := range seqItems(mapValue(s.node, "volumes")) {
			v, ok := parseVolumeItem(c, s, item)
			if !ok {
				continue
			}
			mount, ok := modelMount(p, s.file, svc, v)
			if !ok {
				continue
			}
			v.mount = mount
			out = append(out, v)
		}
	}
	return out
}

func parseVolumeItem(c *project.Compose, s serviceNode, item *yaml.Node) (volumeItem, bool) {
	v := volumeItem{svc: s, node: item, createHostPath: true}
	src := s.file.Source
	switch item.Kind {
	case yaml.ScalarNode:
		value := interpolate(c, s.file, item.Value)
		parsed, err := format.ParseVolume(value)
		if err != nil {
			return v, false
		}
		v.typ, v.source, v.target = parsed.Type, parsed.Source, cleanTarget(parsed.Target)
		v.sourceRange, v.targetRange = project.NodeRange(src, item), project.NodeRange(src, item)
		// The spans come from the text as written (${VAR} included).
		if raw, err := format.ParseVolume(item.Value); err == nil && raw.Source != "" && strings.HasPrefix(item.Value, raw.Source) {
			v.sourceRange, v.sourceExact = scalarSpan(src, item, item.Value, 0, len(raw.Source))
			v.sourceExact = v.sourceExact && raw.Source == parsed.Source
			if rest := item.Value[len(raw.Source):]; strings.HasPrefix(rest, ":"+raw.Target) {
				at := len(raw.Source) + 1
				v.targetRange, _ = scalarSpan(src, item, item.Value, at, at+len(raw.Target))
			}
		}
	case yaml.MappingNode:
		v.long = true
		v.sourceRange, v.targetRange = project.NodeRange(src, item), project.NodeRange(src, item)
		for _, kv := range project.MappingPairs(item) {
			val := deref(kv[1])
			switch kv[0].Value {
			case "type":
				v.typ = interpolate(c, s.file, val.Value)
			case "source":
				v.source = interpolate(c, s.file, val.Value)
				v.sourceRange = project.NodeRange(src, val)
				v.sourceExact = v.source == val.Value
			case "target":
				v.target = cleanTarget(interpolate(c, s.file, val.Value))
				v.targetRange = project.NodeRange(src, val)
			case "bind":
				if chp := mapValue(val, "create_host_path"); chp != nil {
					switch strings.ToLower(interpolate(c, s.file, deref(chp).Value)) {
					case "false", "no", "off", "n":
						v.createHostPath = false
					}
				}
			}
		}
		if v.typ == "" {
			v.typ = types.VolumeTypeVolume
		}
	default:
		return v, false
	}
	return v, v.target != ""
}

func cleanTarget(t string) string {
	if t == "" {
		return ""
	}
	return path.Clean(t)
}

// modelMount finds the model's mount an item became: same type and
// target, and for a bind the same source.
func modelMount(p *project.Project, cf *project.ComposeFile, svc types.ServiceConfig, v volumeItem) (types.ServiceVolumeConfig, bool) {
	for _, m := range svc.Volumes {
		if m.Type != v.typ || cleanTarget(m.Target) != v.target {
			continue
		}
		if v.typ == types.VolumeTypeBind && isRelativeSource(v.source) {
			abs := filepath.Join(fileBaseDir(p, cf), filepath.FromSlash(v.source))
			if filepath.Clean(m.Source) != abs {
				continue // replaced by another file's entry for this target
			}
		} else if v.typ == types.VolumeTypeBind && !strings.HasPrefix(v.source, "~") &&
			!strings.HasSuffix(filepath.ToSlash(m.Source), filepath.ToSlash(v.source)) &&
			path.Clean(filepath.ToSlash(m.Source)) != path.Clean(filepath.ToSlash(v.source)) {
			continue
		} else if v.typ == types.VolumeTypeVolume && m.Source != v.source {
			continue
		}
		return m, true
	}
	return types.ServiceVolumeConfig{}, false
}

// isRelativeSource reports whether a bind source as written is relative
// to the project directory: ./x, ../x, ., .., or (long syntax) x/y; not
// absolute, not ~, not a Windows drive or pipe.
func isRelativeSource(s string) bool {
	if s == "" || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~") || strings.HasPrefix(s, `\`) {
		return false
	}
	if len(s) >= 2 && s[1] == ':' && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) {
		return false
	}
	return !filepath.IsAbs(s)
}

// underPath reports whether p is dir or inside it (slash paths, cleaned).
func underPath(p, dir string) bool {
	if dir == "/" {
		return strings.HasPrefix(p, "/")
	}
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// isYAMLTrue reports whether a scalar is a true boolean as compose reads
// it (YAML 1.1 spellings included).
func isYAMLTrue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on", "y":
		return true
	}
	return false
}
