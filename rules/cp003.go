package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// missingDependsOn is CP003: a service reaches another one (a host name in
// its environment or env_file, links, volumes_from, network_mode:
// service:x) without depends_on on it. Compose then starts both at once,
// and the first lookup of the other's name may fail because its container
// does not exist yet.
func missingDependsOn() *Rule {
	return &Rule{
		ID:       "CP003",
		Name:     "missing-depends-on",
		Title:    "Service reaches another service without depends_on",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil || c.Model == nil {
				return
			}
			services := modelServices(c)
			names := serviceHostNames(services)
			explicit := explicitDependsOn(c, services)
			byService := map[string][]reach{}
			for _, r := range findReaches(p.Project, services, names) {
				byService[r.svc] = append(byService[r.svc], r)
			}
			for _, name := range sortedNames(byService) {
				reportMissing(p, c, services, explicit[name], byService[name])
			}
		},
	}
}

// reach is one place where a service reaches another.
type reach struct {
	svc, target string
	// host is the name as written; how says what made it a name of the
	// target ("network alias", "container name", "link alias").
	host, how string
	// via says where: "DATABASE_URL", "DATABASE_URL of app.env", "links"...
	via string
	// implicit is true for links, volumes_from and network_mode, for which
	// compose adds the dependency itself.
	implicit bool
	rng      finding.Range
	// node is the compose service node the reference is in (nil for an
	// env_file), with its file.
	node *serviceNode
}

// serviceHostNames maps every name a service answers to on the project's
// networks (lowercased: DNS is case-insensitive) to the service: its name,
// its container_name, its network aliases.
func serviceHostNames(services map[string]types.ServiceConfig) map[string]hostTarget {
	out := map[string]hostTarget{}
	for _, name := range sortedNames(services) {
		out[strings.ToLower(name)] = hostTarget{service: name}
	}
	for _, name := range sortedNames(services) {
		s := services[name]
		if cn := strings.ToLower(s.ContainerName); cn != "" {
			if _, taken := out[cn]; !taken {
				out[cn] = hostTarget{service: name, how: "container name"}
			}
		}
		for _, net := range sortedNames(s.Networks) {
			if n := s.Networks[net]; n != nil {
				for _, a := range n.Aliases {
					if _, taken := out[strings.ToLower(a)]; !taken {
						out[strings.ToLower(a)] = hostTarget{service: name, how: "network alias"}
					}
				}
			}
		}
	}
	return out
}

type hostTarget struct {
	service string
	how     string // "" for the service name itself
}

// explicitDependsOn is, per service, the targets its depends_on names in
// any file, in any syntax. A service using extends also counts what it
// inherits (the model's depends_on).
func explicitDependsOn(c *project.Compose, services map[string]types.ServiceConfig) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for _, e := range dependsOnEntries(c) {
		if out[e.svc.name] == nil {
			out[e.svc.name] = map[string]bool{}
		}
		out[e.svc.name][e.target] = true
	}
	for _, s := range serviceNodes(c) {
		if mapValue(s.node, "extends") == nil {
			continue
		}
		if out[s.name] == nil {
			out[s.name] = map[string]bool{}
		}
		for t := range services[s.name].DependsOn {
			out[s.name][t] = true
		}
	}
	return out
}

// findReaches lists every reference of every service to another service,
// in file order.
func findReaches(p *project.Project, services map[string]types.ServiceConfig, names map[string]hostTarget) []reach {
	c := p.Compose
	var out []reach
	for _, s := range serviceNodes(c) {
		svc, ok := services[s.name]
		if !ok {
			continue
		}
		resolve := hostResolver(svc, names)
		if svc.NetworkMode != "host" && svc.NetworkMode != "none" {
			for _, ev := range environmentValues(c, s) {
				if v, ok := svc.Environment[ev.key]; !ok || v == nil || *v != ev.value {
					continue // replaced by another file, or reset
				}
				for _, h := range hostRefs(ev.value, isHostKey(ev.key)) {
					t, ok := resolve(h.Host)
					if !ok || t.service == s.name {
						continue
					}
					rng := project.NodeRange(s.file.Source, ev.node)
					if ev.exact {
						rng, _ = scalarSpan(s.file.Source, ev.node, ev.node.Value, ev.offset+h.Start, ev.offset+h.End)
					}
					out = append(out, reach{svc: s.name, target: t.service, host: h.Host, how: t.how, via: ev.key, rng: rng, node: &s})
				}
			}
		}
		for _, ref := range serviceRefs(s) {
			switch ref.key {
			case "links", "volumes_from", "network_mode":
				if _, ok := services[ref.target]; ok && ref.target != s.name {
					out = append(out, reach{svc: s.name, target: ref.target, host: ref.target, via: ref.key, implicit: true, rng: ref.rng, node: &s})
				}
			}
		}
	}
	// env_file values, for the services that read them.
	for _, ef := range p.EnvFiles {
		for _, name := range ef.Services {
			svc, ok := services[name]
			if !ok || svc.NetworkMode == "host" || svc.NetworkMode == "none" {
				continue
			}
			resolve := hostResolver(svc, names)
			for _, e := range ef.Entries {
				if e.Inherited {
					continue
				}
				if v, ok := svc.Environment[e.Key]; ok && v != nil && *v != e.Value {
					continue // environment: overrides it
				}
				for _, h := range hostRefs(e.Value, isHostKey(e.Key)) {
					t, ok := resolve(h.Host)
					if !ok || t.service == name {
						continue
					}
					out = append(out, reach{svc: name, target: t.service, host: h.Host, how: t.how,
						via: e.Key + " of " + ef.Path, rng: envValueSpan(e, h)})
				}
			}
		}
	}
	return out
}

// hostResolver resolves a host name as seen from inside svc: its
// extra_hosts win (they are not services), then its link aliases, then
// the project's service names and aliases.
func hostResolver(svc types.ServiceConfig, names map[string]hostTarget) func(string) (hostTarget, bool) {
	extra := map[string]bool{}
	for h := range svc.ExtraHosts {
		extra[strings.ToLower(h)] = true
	}
	linkAlias := map[string]string{}
	for _, l := range svc.Links {
		if name, alias, ok := strings.Cut(l, ":"); ok {
			linkAlias[strings.ToLower(alias)] = name
		}
	}
	return func(host string) (hostTarget, bool) {
		h := strings.ToLower(host)
		if extra[h] {
			return hostTarget{}, false
		}
		if t, ok := linkAlias[h]; ok {
			return hostTarget{service: t, how: "link alias"}, true
		}
		t, ok := names[h]
		return t, ok
	}
}

// envValue is one environment entry of a service node: its interpolated
// value, the node, and where the value starts in the node's text.
type envValue struct {
	key, value string
	node       *yaml.Node
	offset     int  // of the value in node.Value
	exact      bool // node.Value holds the value as written, uninterpolated
}

func environmentValues(c *project.Compose, s serviceNode) []envValue {
	env := deref(mapValue(s.node, "environment"))
	if env == nil {
		return nil
	}
	var out []envValue
	switch env.Kind {
	case yaml.MappingNode:
		for _, kv := range project.MappingPairs(env) {
			v := deref(kv[1])
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				continue
			}
			val := interpolate(c, s.file, v.Value)
			out = append(out, envValue{key: kv[0].Value, value: val, node: v, exact: val == v.Value})
		}
	case yaml.SequenceNode:
		for _, item := range seqItems(env) {
			if item.Kind != yaml.ScalarNode {
				continue
			}
			full := interpolate(c, s.file, item.Value)
			key, val, ok := strings.Cut(full, "=")
			if !ok {
				continue
			}
			out = append(out, envValue{key: key, value: val, node: item, offset: len(key) + 1, exact: full == item.Value})
		}
	}
	return out
}

// envValueSpan is the span of a host inside an env file value: exact when
// the value is written on one line, bare or quoted without escapes.
func envValueSpan(e project.EnvEntry, h hostRef) finding.Range {
	r := e.ValueRange
	if r.Start.Line != r.End.Line {
		return r
	}
	width := r.End.Col - r.Start.Col
	off := -1
	switch width {
	case len(e.Value):
		off = 0
	case len(e.Value) + 2:
		off = 1
	}
	if off < 0 {
		return r
	}
	return finding.Range{File: r.File,
		Start: finding.Pos{Line: r.Start.Line, Col: r.Start.Col + off + h.Start},
		End:   finding.Pos{Line: r.Start.Line, Col: r.Start.Col + off + h.End}}
}

// reportMissing reports, for one service, each target it reaches without
// depends_on, once, at its first reference.
func reportMissing(p *Pass, c *project.Compose, services map[string]types.ServiceConfig, explicit map[string]bool, reaches []reach) {
	svcName := reaches[0].svc
	svc := services[svcName]
	_, svcDisabled := c.Model.DisabledServices[svcName]
	type group struct {
		first  reach
		others []reach
	}
	groups := map[string]*group{}
	var order []string
	for _, r := range reaches {
		satisfied := explicit[r.target]
		if !r.implicit {
			_, satisfied = svc.DependsOn[r.target]
		}
		if _, targetDisabled := c.Model.DisabledServices[r.target]; satisfied || targetDisabled && !svcDisabled {
			continue
		}
		g, ok := groups[r.target]
		switch {
		case !ok:
			groups[r.target] = &group{first: r}
			order = append(order, r.target)
		case g.first.implicit && !r.implicit:
			// A network reference says more than an implicit one.
			g.others = append([]reach{g.first}, g.others...)
			g.first = r
		default:
			g.others = append(g.others, r)
		}
	}
	if len(order) == 0 {
		return
	}
	var findings []finding.Finding
	var addable []string
	editAt := -1
	for _, target := range order {
		g := groups[target]
		f := missingFinding(services, svcName, g.first)
		for i, o := range g.others {
			if i == 3 {
				break
			}
			f.Related = append(f.Related, finding.Related{Range: o.rng, Message: fmt.Sprintf("also reaches %q here (%s)", target, o.via)})
		}
		if dependsOnPath(services, target, svcName) {
			f.Fix = &finding.Fix{Message: fmt.Sprintf("%q already depends on %q (directly or through other services), so compose cannot start %q first: make %q retry its connection to %q instead",
				target, svcName, target, svcName, target)}
		} else {
			addable = append(addable, target)
			if editAt < 0 || findings[editAt].Severity == finding.SeverityInfo && f.Severity != finding.SeverityInfo {
				editAt = len(findings)
			}
		}
		findings = append(findings, f)
	}
	if editAt >= 0 {
		if edit, ok := dependsOnEdit(c, services, svcName, groups[order[editAt]].first, addable); ok {
			findings[editAt].Fix.Edits = []finding.Edit{edit}
		}
	}
	for _, f := range findings {
		p.Report(f)
	}
}

func missingFinding(services map[string]types.ServiceConfig, svcName string, r reach) finding.Finding {
	target := services[r.target]
	name := fmt.Sprintf("%q (in %s)", r.target, r.via)
	if r.how != "" {
		name = fmt.Sprintf("%q through its %s %q (in %s)", r.target, r.how, r.host, r.via)
	}
	f := finding.Finding{Range: r.rng}
	switch r.via {
	case "links":
		f.Severity = finding.SeverityInfo
		f.Message = fmt.Sprintf("service %q links to %q without depends_on on it: compose starts %q first only because of the legacy link, and the order goes when the link does (services reach each other by name without links)", svcName, r.target, r.target)
	case "volumes_from":
		f.Severity = finding.SeverityInfo
		f.Message = fmt.Sprintf("service %q takes volumes from %q without depends_on on it: compose starts %q first only because of volumes_from, so the dependency is implicit", svcName, r.target, r.target)
	case "network_mode":
		f.Severity = finding.SeverityInfo
		f.Message = fmt.Sprintf("service %q uses the network of %q (network_mode: service:%s) without depends_on on it: compose starts %q first only because of network_mode, so the dependency is implicit", svcName, r.target, r.target, r.target)
	default:
		f.Message = fmt.Sprintf("service %q reaches %s without depends_on on it: compose starts both at once, so %q may look up %q before its container exists and fail to connect",
			svcName, name, svcName, r.host)
	}
	fix := fmt.Sprintf("add to service %q: depends_on: [%s]", svcName, r.target)
	if img, _, ok := lookupStateful(target.Image); ok && target.Build == nil {
		if hasHealthcheck(target.HealthCheck) {
			fix = fmt.Sprintf("add to service %q: depends_on: {%s: {condition: service_healthy}}", svcName, r.target)
		} else {
			fix += fmt.Sprintf(" (%q runs %s: give it a healthcheck and wait with condition: service_healthy, see CP004)", r.target, img.Kind)
		}
	}
	if r.via == "links" {
		fix += "; the link itself is then only needed for its alias, if any"
	}
	f.Fix = &finding.Fix{Message: fix}
	return f
}

// dependsOnPath reports whether from depends on to, directly or through
// other services (the model's depends_on, implicit ones included).
func dependsOnPath(services map[string]types.ServiceConfig, from, to string) bool {
	seen := map[string]bool{}
	stack := []string{from}
	for len(stack) > 0 && len(seen) < 10000 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == to {
			return true
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		for d := range services[n].DependsOn {
			stack = append(stack, d)
		}
	}
	return false
}

// dependsOnEdit adds the targets to the service's depends_on, in the file
// of the reference when it is a compose file, else in the last file that
// defines the service: a new depends_on block, or new entries in a block
// list or mapping. Long syntax when the list is a mapping or a target is
// a server with a healthcheck.
func dependsOnEdit(c *project.Compose, services map[string]types.ServiceConfig, svcName string, at reach, targets []string) (finding.Edit, bool) {
	var sn *serviceNode
	if at.node != nil {
		sn = at.node
	} else {
		for _, s := range serviceNodes(c) {
			if s.name == svcName {
				sn = &s
			}
		}
	}
	if sn == nil || len(targets) == 0 || sn.node.Kind != yaml.MappingNode || sn.node.Style&yaml.FlowStyle != 0 || len(sn.node.Content) == 0 {
		return finding.Edit{}, false
	}
	src := sn.file.Source
	sort.Strings(targets)
	condition := func(t string) string {
		ts := services[t]
		if _, _, ok := lookupStateful(ts.Image); ok && ts.Build == nil && hasHealthcheck(ts.HealthCheck) {
			return types.ServiceConditionHealthy
		}
		return types.ServiceConditionStarted
	}
	long := false
	for _, t := range targets {
		long = long || condition(t) == types.ServiceConditionHealthy
	}
	insert := func(line int, text string) (finding.Edit, bool) {
		if line > src.LineCount() {
			if len(src.Data) > 0 && src.Data[len(src.Data)-1] != '\n' {
				return finding.Edit{}, false
			}
		}
		pos := finding.Pos{Line: line, Col: 1}
		return finding.Edit{Range: finding.Range{File: src.Path, Start: pos, End: pos}, NewText: text}, true
	}
	var depKey *yaml.Node
	for _, kv := range project.MappingPairs(sn.node) {
		if kv[0].Value == "depends_on" {
			depKey = kv[0]
		}
	}
	dep := deref(mapValue(sn.node, "depends_on"))
	var b strings.Builder
	switch {
	case dep == nil:
		first := sn.node.Content[0]
		if first.Line <= 0 {
			return finding.Edit{}, false
		}
		ind := strings.Repeat(" ", first.Column-1)
		fmt.Fprintf(&b, "%sdepends_on:\n", ind)
		for _, t := range targets {
			if long {
				fmt.Fprintf(&b, "%s  %s:\n%s    condition: %s\n", ind, t, ind, condition(t))
			} else {
				fmt.Fprintf(&b, "%s  - %s\n", ind, t)
			}
		}
		return insert(first.Line, b.String())
	case dep.Style&yaml.FlowStyle != 0 || depKey == nil:
		return finding.Edit{}, false
	case dep.Kind == yaml.SequenceNode:
		items := seqItems(dep)
		if len(items) == 0 || items[0].Line <= depKey.Line {
			return finding.Edit{}, false
		}
		last := items[len(items)-1]
		line := src.Line(last.Line)
		if last.Kind != yaml.ScalarNode || strings.Contains(last.Value, "\n") || last.Column < 3 || last.Column-3 > len(line) ||
			!strings.HasPrefix(line[last.Column-3:], "- ") {
			return finding.Edit{}, false
		}
		ind := strings.Repeat(" ", last.Column-3)
		for _, t := range targets {
			fmt.Fprintf(&b, "%s- %s\n", ind, t)
		}
		return insert(last.Line+1, b.String())
	case dep.Kind == yaml.MappingNode:
		if len(dep.Content) == 0 || dep.Content[0].Line <= depKey.Line {
			return finding.Edit{}, false
		}
		first := dep.Content[0]
		ind := strings.Repeat(" ", first.Column-1)
		for _, t := range targets {
			fmt.Fprintf(&b, "%s%s:\n%s  condition: %s\n", ind, t, ind, condition(t))
		}
		return insert(first.Line, b.String())
	}
	return finding.Edit{}, false
}
