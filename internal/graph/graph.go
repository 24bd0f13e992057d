// Package graph draws a Compose project as a picture: its services with
// their depends_on, published ports, volumes and networks, the
// dependencies rule CP003 finds missing (dashed), and the services that
// have error findings (marked). It renders Mermaid, which GitHub and
// GitLab show in Markdown, and Graphviz DOT.
package graph

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// MissingDependsOnID is the rule whose findings are the missing edges.
const MissingDependsOnID = "CP003"

// Graph is what is drawn.
type Graph struct {
	Name     string
	Services []Service
	// Volumes are the named volumes and bind-mount sources the services
	// mount, in order of first use.
	Volumes []Volume
	// Networks are the networks the services join, when the project uses
	// another network than the default one.
	Networks []string
	Edges    []Edge
}

// Service is one service of the active profiles.
type Service struct {
	Name string
	// Image or Build (the build context, relative to the project root).
	Image, Build string
	// Ports are the published ports, "[ip:]host:container[/proto]".
	Ports []string
	// Errors are the IDs of the rules with error findings in the service's
	// part of the compose files or in its Dockerfile, one per finding.
	Errors []string
}

// Volume is a named volume, or a bind mount's host path.
type Volume struct {
	Name string
	Bind bool
}

// EdgeKind says what an edge means.
type EdgeKind int

// The kinds of edge.
const (
	// DependsOn is a depends_on entry (Label is its condition).
	DependsOn EdgeKind = iota + 1
	// Missing is a dependency CP003 finds missing (Label says through what).
	Missing
	// Mount joins a service to a volume (Label is the container path).
	Mount
	// Network joins a service to a network.
	Network
)

// Edge joins two nodes by name: From is a service; To is a service, a
// volume or a network, per Kind.
type Edge struct {
	Kind     EdgeKind
	From, To string
	Label    string
	// Bind is set on a Mount edge to a bind mount.
	Bind bool
}

// Build makes the graph of p's compose model from the run's findings
// (after suppressions and severities): CP003's are the missing edges,
// errors mark services. A project without a compose model has no
// services.
func Build(p *project.Project, findings []finding.Finding) *Graph {
	g := &Graph{Name: p.Name}
	if p.Compose == nil || p.Compose.Model == nil {
		return g
	}
	m := p.Compose.Model
	names := make([]string, 0, len(m.Services))
	for name := range m.Services {
		names = append(names, name)
	}
	slices.Sort(names)
	blocks := serviceBlocks(p.Compose)
	errs := map[string][]string{}
	for _, f := range findings {
		if f.Severity < finding.SeverityError || f.Range.File == "" {
			continue
		}
		for _, s := range servicesOf(p, blocks, f.Range) {
			errs[s] = append(errs[s], f.RuleID)
		}
	}
	volumeSeen := map[Volume]bool{}
	networks := map[string]bool{}
	for _, name := range names {
		svc := m.Services[name]
		s := Service{Name: name, Image: svc.Image, Errors: errs[name]}
		if svc.Build != nil {
			s.Build = relPath(p.Root, svc.Build.Context)
		}
		for _, port := range svc.Ports {
			s.Ports = append(s.Ports, portText(port))
		}
		g.Services = append(g.Services, s)

		deps := make([]string, 0, len(svc.DependsOn))
		for d := range svc.DependsOn {
			deps = append(deps, d)
		}
		slices.Sort(deps)
		for _, d := range deps {
			label := "depends_on"
			switch c := svc.DependsOn[d].Condition; c {
			case types.ServiceConditionHealthy:
				label = "depends_on: healthy"
			case types.ServiceConditionCompletedSuccessfully:
				label = "depends_on: completed"
			}
			g.Edges = append(g.Edges, Edge{Kind: DependsOn, From: name, To: d, Label: label})
		}
		for _, v := range svc.Volumes {
			var vol Volume
			switch v.Type {
			case types.VolumeTypeVolume:
				if v.Source == "" {
					continue // anonymous volume
				}
				vol = Volume{Name: v.Source}
			case types.VolumeTypeBind:
				vol = Volume{Name: relPath(p.Root, v.Source), Bind: true}
			default:
				continue // tmpfs, npipe, image, cluster
			}
			if !volumeSeen[vol] {
				volumeSeen[vol] = true
				g.Volumes = append(g.Volumes, vol)
			}
			label := v.Target
			if v.ReadOnly {
				label += " (ro)"
			}
			g.Edges = append(g.Edges, Edge{Kind: Mount, From: name, To: vol.Name, Label: label, Bind: vol.Bind})
		}
		for n := range svc.Networks {
			networks[n] = true
		}
	}
	if len(networks) > 1 || len(networks) == 1 && !networks["default"] {
		for n := range networks {
			g.Networks = append(g.Networks, n)
		}
		slices.Sort(g.Networks)
		for _, name := range names {
			nets := make([]string, 0, len(m.Services[name].Networks))
			for n := range m.Services[name].Networks {
				nets = append(nets, n)
			}
			slices.Sort(nets)
			for _, n := range nets {
				g.Edges = append(g.Edges, Edge{Kind: Network, From: name, To: n})
			}
		}
	}
	// CP003's findings: a dependency with no depends_on in the files. For
	// links, volumes_from and network_mode the model has an implicit
	// depends_on, which the dashed edge replaces.
	missing := map[[2]string]bool{}
	for _, f := range findings {
		if f.RuleID != MissingDependsOnID {
			continue
		}
		e, ok := missingEdge(f.Message)
		if !ok || missing[[2]string{e.From, e.To}] {
			continue
		}
		if _, known := m.Services[e.From]; known {
			if _, known := m.Services[e.To]; known {
				missing[[2]string{e.From, e.To}] = true
				g.Edges = append(g.Edges, e)
			}
		}
	}
	g.Edges = slices.DeleteFunc(g.Edges, func(e Edge) bool {
		return e.Kind == DependsOn && missing[[2]string{e.From, e.To}]
	})
	return g
}

// quoted matches a Go-quoted string (how rules quote names).
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// viaIn finds where CP003 saw the reference: `(in DATABASE_URL)`.
var viaIn = regexp.MustCompile(`\(in ([^)]+)\)`)

// missingEdge reads a CP003 finding: its message names the service first
// and the service it reaches second ("service \"app\" reaches \"db\" (in
// DATABASE_URL) without depends_on on it").
func missingEdge(msg string) (Edge, bool) {
	q := quoted.FindAllString(msg, 2)
	if len(q) < 2 {
		return Edge{}, false
	}
	from, err1 := strconv.Unquote(q[0])
	to, err2 := strconv.Unquote(q[1])
	if err1 != nil || err2 != nil {
		return Edge{}, false
	}
	label := "no depends_on"
	switch {
	case strings.Contains(msg, " links to "):
		label += " (links)"
	case strings.Contains(msg, " takes volumes from "):
		label += " (volumes_from)"
	case strings.Contains(msg, " uses the network of "):
		label += " (network_mode)"
	default:
		if m := viaIn.FindStringSubmatch(msg); m != nil {
			label += " (" + m[1] + ")"
		}
	}
	return Edge{Kind: Missing, From: from, To: to, Label: label}, true
}

func portText(p types.ServicePortConfig) string {
	s := strconv.FormatUint(uint64(p.Target), 10)
	if p.Published != "" {
		s = p.Published + ":" + s
		if p.HostIP != "" {
			host := p.HostIP
			if strings.Contains(host, ":") {
				host = "[" + host + "]"
			}
			s = host + ":" + s
		}
	}
	if p.Protocol != "" && p.Protocol != "tcp" {
		s += "/" + p.Protocol
	}
	return s
}

// relPath shows a path of the model (absolute) relative to the project
// root, "./x" style, or as it is when it is elsewhere.
func relPath(root, p string) string {
	if !filepath.IsAbs(p) {
		return p
	}
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(p)
	}
	if rel == "." {
		return "."
	}
	return "./" + filepath.ToSlash(rel)
}

// block is the lines of one service's entry in one compose file.
type block struct {
	file       string
	first, end int // end exclusive; 0 means the end of the file
	service    string
}

// serviceBlocks finds, in every compose file, the lines of each service's
// entry under services: from its key to the next service's key (or the
// next top-level key).
func serviceBlocks(c *project.Compose) []block {
	var out []block
	for _, cf := range c.Files {
		if cf.Root == nil || len(cf.Root.Content) == 0 {
			continue
		}
		root := cf.Root.Content[0]
		if root.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value != "services" || root.Content[i+1].Kind != yaml.MappingNode {
				continue
			}
			end := 0
			if i+2 < len(root.Content) {
				end = root.Content[i+2].Line
			}
			svcs := root.Content[i+1].Content
			for j := 0; j+1 < len(svcs); j += 2 {
				b := block{file: cf.Path, first: svcs[j].Line, end: end, service: svcs[j].Value}
				if j+2 < len(svcs) {
					b.end = svcs[j+2].Line
				}
				out = append(out, b)
			}
		}
	}
	return out
}

// servicesOf names the services a range is about: the service whose
// compose entry holds its start, or the services built from the
// Dockerfile it is in.
func servicesOf(p *project.Project, blocks []block, r finding.Range) []string {
	for _, b := range blocks {
		if b.file == r.File && r.Start.Line >= b.first && (b.end == 0 || r.Start.Line < b.end) {
			return []string{b.service}
		}
	}
	for _, df := range p.Dockerfiles {
		if df.Path == r.File && !df.Inline {
			return df.Services
		}
	}
	return nil
}

// errorSummary is "3 errors: CP001" style text for a service's errors.
func errorSummary(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	uniq := slices.Compact(slices.Sorted(slices.Values(ids)))
	word := "errors"
	if len(ids) == 1 {
		word = "error"
	}
	return fmt.Sprintf("%d %s: %s", len(ids), word, strings.Join(uniq, ", "))
}
