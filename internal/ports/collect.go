package ports

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// Binding is one port entry of a service, as docker compose publishes it.
type Binding struct {
	Service string
	Spec
	// Mode is the long syntax's mode ("ingress" or "host"); "ingress" for
	// the short syntax.
	Mode string
	// Long is true for a long-syntax entry (a mapping with target:).
	Long bool
	// Text is a short entry as compose reads it, interpolated.
	Text string
	// File and Range locate the entry: the scalar of a short entry, the
	// published: value (else target:) of a long one.
	File  string
	Range finding.Range
	// Node is the entry's node (the scalar, or the long syntax's mapping).
	// It is nil for an Inherited binding.
	Node *yaml.Node
	// Source is the source of the file holding Node.
	Source *project.Source
	// Inherited is a port compose's model holds that no indexed entry of
	// the service gives (extends of a service in another file); Range is
	// then the service's extends: value, or its name.
	Inherited bool
	// Disabled is true for a service the active profiles leave out: docker
	// compose does not start it.
	Disabled bool
}

// Published reports whether a host port is given (otherwise the engine
// picks a free one).
func (b Binding) Published() bool { return !b.HostPort.IsZero() }

// Error is a port entry docker compose cannot read.
type Error struct {
	Service string
	// Value is the entry as written (interpolated), or the bad field.
	Value string
	Range finding.Range
	Err   error
}

func (e *Error) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("service %q: port entry: %v", e.Service, e.Err)
	}
	return fmt.Sprintf("service %q: port %q: %v", e.Service, e.Value, e.Err)
}

// Unwrap returns the parse error.
func (e *Error) Unwrap() error { return e.Err }

// entry is one item of a ports: sequence, parsed.
type entry struct {
	file     int
	cf       *project.ComposeFile
	node     *yaml.Node // the item (alias resolved)
	at       *yaml.Node // what Range points at
	b        Binding
	expanded []Published
	err      error
	value    string
	// published is a long entry's published value as compose keeps it.
	published string
}

// Collect returns the published ports of every service of the project,
// profile-disabled ones included (Disabled set), in file order then
// position, and the entries compose cannot read.
//
// Values are interpolated with the file's environment, as compose does.
// When compose-go loaded the model, each entry is matched against the
// service's ports there (which compose expanded into one entry per port):
// entries an override file removes (!reset, !override) or that compose
// merges away as duplicates are left out, and ports the model holds that no
// entry gives (inherited through extends from a file envdoctor did not
// index) are returned Inherited, located at the service.
func Collect(c *project.Compose) ([]Binding, []*Error) {
	if c == nil {
		return nil, nil
	}
	perService := map[string][]*entry{}
	var order []string
	for fi, cf := range c.Files {
		services, _ := cf.Lookup("services")
		for _, kv := range project.MappingPairs(services) {
			name := kv[0].Value
			if _, ok := perService[name]; !ok {
				order = append(order, name)
				perService[name] = nil
			}
			perService[name] = serviceEntries(perService[name], fi, cf, c, name, kv[1])
		}
	}
	var out []Binding
	var errs []*Error
	for _, name := range order {
		entries := perService[name]
		for _, e := range entries {
			if e.err != nil {
				errs = append(errs, &Error{Service: name, Value: e.value, Range: project.NodeRange(e.cf.Source, e.at), Err: e.err})
			}
		}
		if c.Model == nil {
			out = append(out, dedupe(entries)...)
			continue
		}
		svc, ok := c.Model.Services[name]
		disabled := false
		if !ok {
			svc, ok = c.Model.DisabledServices[name]
			disabled = true
		}
		if !ok {
			continue
		}
		for _, b := range matchModel(entries, svc, c) {
			b.Disabled = disabled
			out = append(out, b)
		}
	}
	fileIndex := map[string]int{}
	for i, cf := range c.Files {
		if _, ok := fileIndex[cf.Path]; !ok {
			fileIndex[cf.Path] = i
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Range, out[j].Range
		if a.File != b.File {
			return fileIndex[a.File] < fileIndex[b.File]
		}
		return a.Start.Before(b.Start)
	})
	return out, errs
}

// serviceEntries appends one file's port entries of a service, applying
// !reset and !override to the entries of earlier files.
func serviceEntries(prev []*entry, fi int, cf *project.ComposeFile, c *project.Compose, name string, svc *yaml.Node) []*entry {
	var seq *yaml.Node
	for _, kv := range project.MappingPairs(svc) {
		if kv[0].Value == "ports" {
			seq = kv[1]
		}
	}
	if seq == nil {
		return prev
	}
	switch seq.Tag {
	case "!reset":
		return nil
	case "!override":
		prev = nil
	}
	seq = resolve(seq)
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return prev
	}
	env := c.Environment
	if cf.Env != nil {
		env = cf.Env
	}
	for _, item := range seq.Content {
		item = resolve(item)
		if item == nil {
			continue
		}
		e := &entry{file: fi, cf: cf, node: item, at: item}
		e.b = Binding{Service: name, Mode: "ingress", File: cf.Path, Node: item, Source: cf.Source}
		switch item.Kind {
		case yaml.ScalarNode:
			parseShortEntry(e, env)
		case yaml.MappingNode:
			parseLongEntry(e, env)
		default:
			e.err = errors.New("want a string, a number or a mapping with target")
		}
		if e.err == nil {
			e.expanded = expandEntry(e)
		}
		e.b.Range = project.NodeRange(cf.Source, e.at)
		prev = append(prev, e)
	}
	return prev
}

func parseShortEntry(e *entry, env map[string]string) {
	n := e.node
	value := n.Value
	if n.Tag == "!!int" {
		// compose reads a number with YAML's rules (0x1F, 0o17, 1_000),
		// then formats it in decimal.
		var i int64
		if err := n.Decode(&i); err == nil {
			value = strconv.FormatInt(i, 10)
		}
	} else {
		v, err := interpolate(value, env)
		if err != nil {
			e.value, e.err = value, err
			return
		}
		value = v
	}
	e.value = value
	e.b.Text = value
	spec, err := ParseShort(value)
	if err != nil {
		e.err = err
		return
	}
	e.b.Spec = spec
}

func parseLongEntry(e *entry, env map[string]string) {
	e.b.Long = true
	fields := map[string]*yaml.Node{}
	for _, kv := range project.MappingPairs(e.node) {
		fields[kv[0].Value] = resolve(kv[1])
	}
	get := func(key string) (string, *yaml.Node, error) {
		n := fields[key]
		if n == nil {
			return "", nil, nil
		}
		if n.Kind != yaml.ScalarNode {
			return "", n, fmt.Errorf("%s: want a string or a number", key)
		}
		if n.Tag == "!!int" {
			var i int64
			if err := n.Decode(&i); err == nil {
				return strconv.FormatInt(i, 10), n, nil
			}
		}
		v, err := interpolate(n.Value, env)
		return v, n, err
	}
	target, tn, err := get("target")
	if tn != nil {
		e.at = tn
	}
	if err == nil {
		published, pn, perr := get("published")
		if pn != nil {
			e.at = pn
		}
		err = perr
		if err == nil {
			e.value, e.published = published, published
			e.b.HostPort, err = ParsePublished(published)
		}
	}
	if err == nil {
		e.value = target
		e.b.ContainerPort.Start, err = ParseTarget(target)
		e.b.ContainerPort.End = e.b.ContainerPort.Start
	}
	if err == nil {
		var ipNode *yaml.Node
		var ip string
		ip, ipNode, err = get("host_ip")
		if err == nil && ip != "" {
			// A plain address here: no brackets needed for IPv6.
			e.b.HostIP = strings.Trim(ip, "[]")
			if net.ParseIP(e.b.HostIP) == nil {
				e.at, e.value = ipNode, ip
				err = fmt.Errorf("host_ip %q is not an IP address", ip)
			}
		}
	}
	if err == nil {
		var proto string
		var pn *yaml.Node
		proto, pn, err = get("protocol")
		proto = strings.ToLower(proto)
		if proto == "" {
			proto = "tcp"
		}
		e.b.Protocol = proto
		if err == nil && !validProtocol(proto) {
			e.at, e.value = pn, proto
			err = fmt.Errorf("unknown protocol %q (tcp, udp or sctp)", proto)
		}
	}
	if err == nil {
		var mode string
		mode, _, err = get("mode")
		if mode != "" {
			e.b.Mode = mode
		}
	}
	e.err = err
}

func expandEntry(e *entry) []Published {
	if e.b.Long {
		// compose keeps a long entry as one, published range included.
		return []Published{{HostIP: e.b.HostIP, HostPort: e.published, ContainerPort: e.b.ContainerPort.Start, Protocol: e.b.Protocol}}
	}
	return e.b.Expand()
}

// modelKey identifies a port of compose's model.
type modelKey struct {
	ip, host string
	target   int
	proto    string
}

func keyOf(p Published) modelKey {
	return modelKey{ip: p.HostIP, host: p.HostPort, target: p.ContainerPort, proto: p.Protocol}
}

// matchModel keeps the entries that give a port of the model. Later files
// are matched first: compose keeps the last definition of a duplicate.
func matchModel(entries []*entry, svc types.ServiceConfig, c *project.Compose) []Binding {
	counts := map[modelKey]int{}
	var keys []modelKey
	for _, p := range svc.Ports {
		proto := strings.ToLower(p.Protocol)
		if proto == "" {
			proto = "tcp"
		}
		k := modelKey{ip: strings.Trim(p.HostIP, "[]"), host: p.Published, target: int(p.Target), proto: proto}
		if counts[k] == 0 {
			keys = append(keys, k)
		}
		counts[k]++
	}
	var out []Binding
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.err != nil {
			continue
		}
		matched := false
		for _, p := range e.expanded {
			k := keyOf(p)
			if counts[k] > 0 {
				counts[k]--
				matched = true
			}
		}
		if matched {
			out = append(out, e.b)
		}
	}
	for _, k := range keys {
		for ; counts[k] > 0; counts[k]-- {
			b := Binding{Service: svc.Name, Mode: "ingress", Inherited: true,
				Spec: Spec{HostIP: k.ip, ContainerPort: Range{k.target, k.target}, Protocol: k.proto}}
			b.HostPort, _ = ParsePublished(k.host)
			b.Source, b.Range = serviceAnchor(c, svc.Name)
			b.File = b.Range.File
			out = append(out, b)
		}
	}
	return out
}

// dedupe drops, without a model, the entries a later one repeats (compose
// keeps one per host IP, host port, container port and protocol).
func dedupe(entries []*entry) []Binding {
	seen := map[modelKey]bool{}
	var out []Binding
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.err != nil {
			continue
		}
		fresh := false
		for _, p := range e.expanded {
			k := keyOf(p)
			if k.ip == "" {
				k.ip = "0.0.0.0"
			}
			if !seen[k] {
				seen[k], fresh = true, true
			}
		}
		if fresh {
			out = append(out, e.b)
		}
	}
	return out
}

// serviceAnchor locates a service for a port no entry gives: its extends:
// value in the last file that has one, else its name in the last file
// defining it.
func serviceAnchor(c *project.Compose, name string) (*project.Source, finding.Range) {
	for i := len(c.Files) - 1; i >= 0; i-- {
		cf := c.Files[i]
		if v, _ := cf.Lookup("services", name, "extends"); v != nil {
			return cf.Source, project.NodeRange(cf.Source, v)
		}
	}
	for i := len(c.Files) - 1; i >= 0; i-- {
		cf := c.Files[i]
		if _, k := cf.Lookup("services", name); k != nil {
			return cf.Source, project.NodeRange(cf.Source, k)
		}
	}
	return nil, finding.Range{}
}

// interpolate substitutes ${VAR} references as compose does; a variable
// with no value becomes "" (CP001 reports it), a required one too.
func interpolate(s string, env map[string]string) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	lookup := func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
	return template.SubstituteWithOptions(s, lookup, template.WithoutLogging,
		template.WithReplacementFunction(func(sub string, m template.Mapping, cfg *template.Config) (string, error) {
			v, _, err := template.DefaultReplacementAppliedFunc(sub, m, cfg)
			var missing *template.MissingRequiredError
			if errors.As(err, &missing) {
				return "", nil
			}
			return v, err
		}))
}

func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}
