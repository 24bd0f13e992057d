package graph

import (
	"fmt"
	"strings"
)

// ids gives every node a stable identifier made of its kind and name,
// reduced to the characters Mermaid and DOT accept unquoted, numbered when
// two names reduce to the same one.
type ids struct {
	byKey map[string]string
	used  map[string]bool
}

func newIDs(g *Graph) *ids {
	n := &ids{byKey: map[string]string{}, used: map[string]bool{}}
	for _, s := range g.Services {
		n.add("svc", s.Name)
	}
	for _, v := range g.Volumes {
		n.add(volumeKind(v.Bind), v.Name)
	}
	for _, net := range g.Networks {
		n.add("net", net)
	}
	return n
}

func volumeKind(bind bool) string {
	if bind {
		return "bind"
	}
	return "vol"
}

func (n *ids) add(kind, name string) {
	// Runs of other characters become one underscore: "./data/pg" is
	// bind_data_pg.
	var b strings.Builder
	under := false
	for _, r := range name {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			under = false
		} else {
			under = true
		}
	}
	base := kind + "_" + b.String()
	if b.Len() == 0 {
		base = kind + "_root"
	}
	id := base
	for i := 2; n.used[id]; i++ {
		id = fmt.Sprintf("%s_%d", base, i)
	}
	n.used[id] = true
	n.byKey[kind+"\x00"+name] = id
}

func (n *ids) of(kind, name string) string { return n.byKey[kind+"\x00"+name] }

// target is the node an edge points to.
func (n *ids) target(e Edge) string {
	switch e.Kind {
	case Mount:
		return n.of(volumeKind(e.Bind), e.To)
	case Network:
		return n.of("net", e.To)
	}
	return n.of("svc", e.To)
}

// serviceLines is the text of a service's node, one item per line.
func serviceLines(s Service) []string {
	lines := []string{s.Name}
	if s.Build != "" {
		lines = append(lines, "build: "+s.Build)
	}
	if s.Image != "" {
		lines = append(lines, "image: "+s.Image)
	}
	if len(s.Ports) > 0 {
		lines = append(lines, "ports: "+strings.Join(s.Ports, ", "))
	}
	if e := errorSummary(s.Errors); e != "" {
		lines = append(lines, e)
	}
	return lines
}

// Mermaid renders a flowchart. Services are boxes, named volumes
// cylinders, bind mounts parallelograms, networks hexagons; depends_on is
// a solid arrow, a dependency CP003 finds missing a dashed one; services
// with errors get the class "error" (red).
func Mermaid(g *Graph) string {
	n := newIDs(g)
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for _, s := range g.Services {
		fmt.Fprintf(&b, "  %s[\"%s\"]\n", n.of("svc", s.Name), mermaidText(serviceLines(s)))
	}
	for _, v := range g.Volumes {
		id := n.of(volumeKind(v.Bind), v.Name)
		if v.Bind {
			fmt.Fprintf(&b, "  %s[/\"%s\"/]\n", id, mermaidText([]string{v.Name}))
		} else {
			fmt.Fprintf(&b, "  %s[(\"%s\")]\n", id, mermaidText([]string{v.Name}))
		}
	}
	for _, net := range g.Networks {
		fmt.Fprintf(&b, "  %s{{\"%s\"}}\n", n.of("net", net), mermaidText([]string{net}))
	}
	for _, e := range g.Edges {
		from, to := n.of("svc", e.From), n.target(e)
		arrow := "-->"
		switch e.Kind {
		case Missing:
			arrow = "-.->"
		case Mount, Network:
			arrow = "---"
		}
		if e.Label != "" {
			fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", from, arrow, mermaidText([]string{e.Label}), to)
		} else {
			fmt.Fprintf(&b, "  %s %s %s\n", from, arrow, to)
		}
	}
	var failing []string
	for _, s := range g.Services {
		if len(s.Errors) > 0 {
			failing = append(failing, n.of("svc", s.Name))
		}
	}
	if len(failing) > 0 {
		b.WriteString("  classDef error fill:#fdd,stroke:#c00,stroke-width:2px,color:#000\n")
		fmt.Fprintf(&b, "  class %s error\n", strings.Join(failing, ","))
	}
	return b.String()
}

// mermaidText escapes text for a quoted Mermaid label and joins lines
// with <br/>. Mermaid reads #quot; and the like as entities.
func mermaidText(lines []string) string {
	r := strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "#", "#35;", "|", "#124;", "\n", " ")
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = r.Replace(l)
	}
	return strings.Join(out, "<br/>")
}

// DOT renders a Graphviz digraph with the same shapes and styles as
// Mermaid: dashed orange edges for missing dependencies, red outlines for
// services with errors.
func DOT(g *Graph) string {
	n := newIDs(g)
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", dotString(g.Name))
	b.WriteString("  rankdir=LR;\n")
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=11];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, s := range g.Services {
		attrs := "shape=box"
		if len(s.Errors) > 0 {
			attrs += ", color=\"#cc0000\", penwidth=2, style=filled, fillcolor=\"#ffdddd\""
		}
		fmt.Fprintf(&b, "  %s [%s, label=%s];\n", n.of("svc", s.Name), attrs, dotString(strings.Join(serviceLines(s), "\n")))
	}
	for _, v := range g.Volumes {
		shape := "cylinder"
		if v.Bind {
			shape = "folder"
		}
		fmt.Fprintf(&b, "  %s [shape=%s, label=%s];\n", n.of(volumeKind(v.Bind), v.Name), shape, dotString(v.Name))
	}
	for _, net := range g.Networks {
		fmt.Fprintf(&b, "  %s [shape=hexagon, label=%s];\n", n.of("net", net), dotString(net))
	}
	for _, e := range g.Edges {
		var attrs []string
		switch e.Kind {
		case Missing:
			attrs = append(attrs, "style=dashed", "color=\"#e67700\"")
		case Mount, Network:
			attrs = append(attrs, "arrowhead=none")
		}
		if e.Label != "" {
			attrs = append(attrs, "label="+dotString(e.Label))
		}
		fmt.Fprintf(&b, "  %s -> %s", n.of("svc", e.From), n.target(e))
		if len(attrs) > 0 {
			fmt.Fprintf(&b, " [%s]", strings.Join(attrs, ", "))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// dotString quotes a DOT string; newlines become \n line breaks.
func dotString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "")
	return `"` + r.Replace(s) + `"`
}
