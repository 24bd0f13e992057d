package rules

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/ports"
	"github.com/envdoctor/envdoctor/internal/project"
)

// loopback is the host IP CP006 suggests.
const loopback = "127.0.0.1"

// portAllInterfaces is CP006: a database, cache, broker or admin UI port
// published on every interface of the host. Docker publishes through its
// own iptables rules, ahead of ufw and firewalld, so the host firewall does
// not protect it.
func portAllInterfaces() *Rule {
	return &Rule{
		ID:       "CP006",
		Name:     "port-all-interfaces",
		Title:    "Database or admin port published on every interface",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Security: true,
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil {
				return
			}
			bindings, _ := collectPorts(c) // unreadable ports: CP000
			images := map[string]string{}
			built := dockerfilesByService(p.Project)
			for _, b := range bindings {
				if !ports.IsUnspecified(b.HostIP) {
					continue
				}
				image, ok := images[b.Service]
				if !ok {
					image = serviceImage(p.Project, b.Service, built)
					images[b.Service] = image
				}
				server, port, ok := sensitiveServer(image, b.ContainerPort)
				if !ok {
					continue
				}
				p.Report(allInterfacesFinding(b, server, port))
			}
		},
	}
}

// sensitiveServer decides whether a published container port belongs to a
// server that should not face the network: by the image when it is one
// the table knows, else by a port registered to such a server (never for a
// range: "5000-6000" holds 5432 without being postgres).
func sensitiveServer(image string, container ports.Range) (ports.Server, int, bool) {
	if s, ok := ports.ServerByImage(image); ok {
		for p := container.Start; p <= container.End; p++ {
			if s.Listens(p) {
				return s, p, true
			}
		}
		return ports.Server{}, 0, false
	}
	if container.Len() != 1 {
		return ports.Server{}, 0, false
	}
	s, ok := ports.ServerByPort(container.Start)
	return s, container.Start, ok
}

func allInterfacesFinding(b ports.Binding, s ports.Server, port int) finding.Finding {
	host := "a random host port"
	switch {
	case b.HostPort.Len() > 1:
		host = "host ports " + b.HostPort.String()
	case !b.HostPort.IsZero():
		host = "host port " + b.HostPort.String()
	}
	if b.HostIP != "" {
		host += " on " + b.HostIP
	}
	what := fmt.Sprintf("the %s %s port %d", s.Name, s.Kind, port)
	if b.ContainerPort.Len() > 1 {
		what = fmt.Sprintf("%s %s ports %s (%d among them)", s.Name, s.Kind, b.ContainerPort, port)
	}
	msg := fmt.Sprintf("service %q publishes %s on every interface (%s): anyone who can reach this machine can connect, and Docker's published ports bypass ufw and firewalld rules",
		b.Service, what, host)
	if b.Inherited {
		msg += " (the port comes from the service it extends)"
	}
	reach := fmt.Sprintf("other services reach it as %s:%d without any ports: entry", b.Service, port)
	fix := &finding.Fix{}
	edit, suggestion, ok := loopbackEdit(b)
	switch {
	case b.Long && suggestion != "":
		fix.Message = fmt.Sprintf("publish it on the loopback interface only: set %s in this port entry (%s)", suggestion, reach)
	case suggestion != "":
		fix.Message = fmt.Sprintf("publish it on the loopback interface only: %s (%s)", suggestion, reach)
	default:
		fix.Message = fmt.Sprintf("publish it on the loopback interface only, with host IP %s (for example \"%s:%d:%d\"), or remove the ports: entry if only other services use it (%s)",
			loopback, loopback, port, port, reach)
	}
	if ok {
		fix.Edits = []finding.Edit{edit}
	}
	return finding.Finding{Range: b.Range, Message: msg, Fix: fix}
}

// loopbackEdit rewrites a port entry to publish on 127.0.0.1, keeping the
// user's quoting and ${VAR} references. It returns the suggested text even
// when no exact edit is possible (ok false), or "" when it cannot say.
func loopbackEdit(b ports.Binding) (edit finding.Edit, suggestion string, ok bool) {
	if b.Long {
		return longLoopbackEdit(b)
	}
	raw, start, ok := b.RawText()
	if !ok {
		return finding.Edit{}, "", false
	}
	if b.Node.Tag == "!!int" {
		// A bare number (container port only, in any YAML notation).
		text := fmt.Sprintf("%s::%d", loopback, b.ContainerPort.Start)
		r := finding.Range{File: b.File, Start: start, End: finding.Pos{Line: start.Line, Col: start.Col + len(raw)}}
		return finding.Edit{Range: r, NewText: text}, quoteLike(b.Node, text), true
	}
	lr, okRaw := ports.SplitText(raw)
	lv, okVal := ports.SplitText(b.Text)
	if !okRaw || !okVal || lr.Parts != lv.Parts {
		return finding.Edit{}, "", false
	}
	var text string
	var r finding.Range
	switch lr.Parts {
	case 1:
		text = loopback + "::" + raw
		r = finding.Range{File: b.File, Start: start, End: start}
		edit = finding.Edit{Range: r, NewText: loopback + "::"}
	case 2:
		text = loopback + ":" + raw
		r = finding.Range{File: b.File, Start: start, End: start}
		edit = finding.Edit{Range: r, NewText: loopback + ":"}
	default:
		ip := raw[lr.HostIP.Start:lr.HostIP.End]
		if strings.Contains(ip, "$") {
			return finding.Edit{}, "", false // the address comes from a variable
		}
		text = loopback + raw[lr.HostIP.End:]
		r = finding.Range{File: b.File,
			Start: finding.Pos{Line: start.Line, Col: start.Col + lr.HostIP.Start},
			End:   finding.Pos{Line: start.Line, Col: start.Col + lr.HostIP.End}}
		edit = finding.Edit{Range: r, NewText: loopback}
	}
	return edit, quoteLike(b.Node, text), true
}

// quoteLike renders text as the node was written (plain, "double" or
// 'single' quoted), for the fix message.
func quoteLike(n *yaml.Node, text string) string {
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		return `"` + text + `"`
	case n.Style&yaml.SingleQuotedStyle != 0:
		return "'" + text + "'"
	}
	return text
}

// longLoopbackEdit sets host_ip: 127.0.0.1 in a long-syntax entry: it
// replaces an unspecified host_ip value, or adds the key before the
// entry's first key, on its own line (block mapping) or inline (flow).
func longLoopbackEdit(b ports.Binding) (finding.Edit, string, bool) {
	m := b.Node
	suggestion := "host_ip: " + loopback
	if m == nil || b.Source == nil || m.Kind != yaml.MappingNode || len(m.Content) < 2 {
		return finding.Edit{}, suggestion, false
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "host_ip" {
			continue
		}
		v := m.Content[i+1]
		if v.Kind != yaml.ScalarNode || strings.Contains(v.Value, "$") {
			return finding.Edit{}, suggestion, false
		}
		r := project.NodeRange(b.Source, v)
		if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			r.Start.Col++
			r.End.Col--
		}
		if r.End.Line != r.Start.Line || b.Source.Line(r.Start.Line)[r.Start.Col-1:r.End.Col-1] != v.Value {
			return finding.Edit{}, suggestion, false
		}
		return finding.Edit{Range: r, NewText: loopback}, suggestion, true
	}
	first := m.Content[0]
	flow := m.Style&yaml.FlowStyle != 0
	if first.Kind != yaml.ScalarNode || (!flow && (first.Line != m.Line || first.Column != m.Column)) {
		return finding.Edit{}, suggestion, false
	}
	line := b.Source.Line(first.Line)
	if first.Column < 1 || !strings.HasPrefix(line[first.Column-1:], first.Value) {
		return finding.Edit{}, suggestion, false // quoted or tagged key
	}
	at := finding.Pos{Line: first.Line, Col: first.Column}
	text := suggestion + ", "
	if !flow {
		eol := "\n"
		if off := b.Source.Offset(finding.Pos{Line: first.Line, Col: len(line) + 1}); off >= 0 && off < len(b.Source.Data) && b.Source.Data[off] == '\r' {
			eol = "\r\n"
		}
		text = suggestion + eol + strings.Repeat(" ", first.Column-1)
	}
	return finding.Edit{Range: finding.Range{File: b.File, Start: at, End: at}, NewText: text}, suggestion, true
}

// serviceImage is the image a service runs: its image:, or for a build the
// base image of the Dockerfile's target stage; "" when unknown.
func serviceImage(p *project.Project, name string, built map[string]*project.Dockerfile) string {
	c := p.Compose
	if c.Model == nil {
		for _, s := range serviceNodesOf(c, name) {
			if v, _ := s.file.Lookup("services", name, "image"); v != nil && !strings.Contains(v.Value, "$") {
				return v.Value
			}
		}
		return ""
	}
	svc, ok := c.Model.Services[name]
	if !ok {
		svc = c.Model.DisabledServices[name]
	}
	if svc.Build == nil {
		return svc.Image
	}
	if d := built[name]; d != nil {
		return finalBaseImage(d)
	}
	return ""
}

// dockerfilesByService maps each service to the Dockerfile it builds.
func dockerfilesByService(p *project.Project) map[string]*project.Dockerfile {
	out := map[string]*project.Dockerfile{}
	for _, d := range p.Dockerfiles {
		for _, s := range d.Services {
			if _, ok := out[s]; !ok {
				out[s] = d
			}
		}
	}
	return out
}

// finalBaseImage is the image the target stage (or the last one) starts
// from, following FROM <earlier stage>.
func finalBaseImage(d *project.Dockerfile) string {
	if len(d.Stages) == 0 {
		return ""
	}
	i := len(d.Stages) - 1
	if d.Target != "" {
		for j, st := range d.Stages {
			if strings.EqualFold(st.Name, d.Target) {
				i = j
			}
		}
	}
	for hops := 0; hops <= len(d.Stages); hops++ {
		image, ok := d.ExpandFromImage(d.Stages[i])
		if !ok {
			return ""
		}
		prev := -1
		for j := 0; j < i; j++ {
			if d.Stages[j].Name != "" && strings.EqualFold(d.Stages[j].Name, image) {
				prev = j
			}
		}
		if prev < 0 {
			return image
		}
		i = prev
	}
	return ""
}
