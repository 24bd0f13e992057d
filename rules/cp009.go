package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/binddefaults"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// composePortMismatch is CP009: a published container port (the target of
// a ports: entry) that the service neither EXPOSEs nor listens on. Docker
// forwards the host port there and the connection is refused or reset:
// typically "8000:8000" for a Flask app that listens on 5000.
//
// It only fires when envdoctor knows the ports: the server the command
// starts and its port (internal/binddefaults), the image's EXPOSE (its
// Dockerfile, on a base image known to expose nothing or a well-known
// one), compose's expose:, or a well-known image (postgres 5432...).
func composePortMismatch() *Rule {
	return &Rule{
		ID:       "CP009",
		Name:     "port-mismatch",
		Title:    "Published container port that nothing listens on",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil {
				return
			}
			for _, run := range serviceRuns(p.Project) {
				if len(run.svc.Ports) == 0 || run.svc.NetworkMode == "host" {
					continue
				}
				known, ok := servicePorts(p.Project, run)
				if !ok {
					continue
				}
				items := portItems(c, run.name)
				for _, item := range items {
					if f, ok := portMismatch(run, item, items, known); ok {
						p.Report(f)
					}
				}
			}
		},
	}
}

// knownPorts are the ports a service listens on or exposes, each with why
// envdoctor knows it.
type knownPorts struct {
	ports []knownPort
}

type knownPort struct {
	from, to int
	proto    string
	why      string
	server   bool // the server of the command listens there
}

func (k *knownPorts) add(from, to int, proto, why string, server bool) {
	k.ports = append(k.ports, knownPort{from: from, to: to, proto: proto, why: why, server: server})
}

func (k *knownPorts) has(port int, proto string) bool {
	for _, p := range k.ports {
		if p.proto == proto && port >= p.from && port <= p.to {
			return true
		}
	}
	return false
}

// servicePorts collects what is known about a service's ports; ok is false
// when envdoctor does not know enough to say a port is wrong.
func servicePorts(p *project.Project, run *serviceRun) (knownPorts, bool) {
	var k knownPorts
	exposeKnown, serverKnown := false, false
	if run.cmdKnown {
		if r, ok := binddefaults.Analyze(run.bindInput(p)); ok && r.Port > 0 {
			k.add(r.Port, r.Port, "tcp", fmt.Sprintf("%s listens on %d", commandName(r), r.Port), true)
			serverKnown = true
		}
	}
	switch {
	case run.img != nil:
		if run.img.exposeUnknown {
			return k, false
		}
		if ports, ok := binddefaults.ImagePorts(run.img.baseImage); ok {
			exposeKnown = true
			for _, port := range ports {
				k.add(port, port, "tcp", fmt.Sprintf("the base image %s listens on %d", run.img.baseImage, port), false)
			}
		}
		for _, e := range run.img.expose {
			k.add(e.from, e.to, e.proto, "the Dockerfile EXPOSEs "+exposedText(e), false)
		}
	case run.svc.Build != nil:
		return k, false // a Dockerfile envdoctor could not read
	default:
		if ports, ok := binddefaults.ImagePorts(run.svc.Image); ok && len(ports) > 0 {
			exposeKnown = true
			for _, port := range ports {
				k.add(port, port, "tcp", fmt.Sprintf("the image %s listens on %d", run.svc.Image, port), false)
			}
		}
	}
	for _, e := range run.svc.Expose {
		if x, ok := parseExposed(e); ok {
			k.add(x.from, x.to, x.proto, "expose: lists "+exposedText(x), false)
		}
	}
	return k, exposeKnown || serverKnown
}

func exposedText(e exposed) string {
	s := strconv.Itoa(e.from)
	if e.to != e.from {
		s += "-" + strconv.Itoa(e.to)
	}
	if e.proto != "tcp" {
		s += "/" + e.proto
	}
	return s
}

// portItem is one entry of a service's ports: in one compose file.
type portItem struct {
	file    *project.ComposeFile
	node    *yaml.Node // the entry (scalar or mapping)
	target  *yaml.Node // the node to edit: the scalar, or the long syntax's target value
	configs []types.ServicePortConfig
}

// portItems lists the ports: entries of a service in every compose file,
// each parsed as compose-go does (ranges expanded). Entries whose value
// depends on interpolation are skipped.
func portItems(c *project.Compose, service string) []portItem {
	var out []portItem
	for _, s := range serviceNodesOf(c, service) {
		ports, _ := s.file.Lookup("services", service, "ports")
		if ports == nil || ports.Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range ports.Content {
			it := portItem{file: s.file, node: item}
			switch item.Kind {
			case yaml.ScalarNode:
				if strings.Contains(item.Value, "$") {
					continue
				}
				cfgs, err := types.ParsePortConfig(item.Value)
				if err != nil {
					continue
				}
				it.target, it.configs = item, cfgs
			case yaml.MappingNode:
				var cfg types.ServicePortConfig
				for _, kv := range project.MappingPairs(item) {
					switch kv[0].Value {
					case "target":
						n, err := strconv.Atoi(kv[1].Value)
						if err != nil || n < 1 || n > 65535 {
							continue
						}
						cfg.Target, it.target = uint32(n), kv[1]
					case "published":
						cfg.Published = kv[1].Value
					case "host_ip":
						cfg.HostIP = kv[1].Value
					case "protocol":
						cfg.Protocol = strings.ToLower(kv[1].Value)
					}
				}
				if it.target == nil {
					continue
				}
				it.configs = []types.ServicePortConfig{cfg}
			default:
				continue
			}
			out = append(out, it)
		}
	}
	return out
}

// portMismatch reports an entry none of whose container ports is known.
func portMismatch(run *serviceRun, it portItem, all []portItem, known knownPorts) (finding.Finding, bool) {
	var targets []string
	for _, cfg := range it.configs {
		proto := cfg.Protocol
		if proto == "" {
			proto = "tcp"
		}
		if known.has(int(cfg.Target), proto) {
			return finding.Finding{}, false
		}
		t := strconv.Itoa(int(cfg.Target))
		if proto != "tcp" {
			t += "/" + proto
		}
		targets = append(targets, t)
	}
	if len(targets) == 0 {
		return finding.Finding{}, false
	}
	var whys []string
	for _, kp := range known.ports {
		whys = append(whys, kp.why)
	}
	if len(whys) == 0 {
		return finding.Finding{}, false // nothing known about what it listens on: no claim
	}
	what := "container port " + targets[0]
	if len(targets) > 1 {
		what = "container ports " + targets[0] + "-" + targets[len(targets)-1]
	}
	f := finding.Finding{
		Range: project.NodeRange(it.file.Source, it.target),
		Message: fmt.Sprintf("service %q publishes %s, which nothing in the container listens on (%s): connections to it fail",
			run.name, what, strings.Join(whys, "; ")),
	}
	f.Fix = portFix(it, all, known)
	return f, true
}

// portFix points the entry at the port the service listens on, when there
// is exactly one candidate (the server's port, else a single exposed port).
func portFix(it portItem, all []portItem, known knownPorts) *finding.Fix {
	listen := 0
	var candidates []int
	for _, kp := range known.ports {
		if kp.proto != "tcp" || kp.from != kp.to {
			continue
		}
		if kp.server {
			listen = kp.from
		}
		if !containsInt(candidates, kp.from) {
			candidates = append(candidates, kp.from)
		}
	}
	if listen == 0 && len(candidates) == 1 {
		listen = candidates[0]
	}
	if listen == 0 || len(it.configs) != 1 {
		return &finding.Fix{Message: "publish the port the service listens on (HOST:CONTAINER, the container side is the port inside the container)"}
	}
	for _, other := range all {
		for _, oc := range other.configs {
			if other.node != it.node && int(oc.Target) == listen {
				return &finding.Fix{Message: fmt.Sprintf(
					"port %d is already published by another entry: remove this one, or make the service listen on %d", listen, it.configs[0].Target)}
			}
		}
	}
	cfg := it.configs[0]
	target := strconv.Itoa(listen)
	if it.node.Kind == yaml.MappingNode {
		return &finding.Fix{
			Message: fmt.Sprintf("publish the port the service listens on: target: %s", target),
			Edits:   []finding.Edit{{Range: project.NodeRange(it.file.Source, it.target), NewText: target}},
		}
	}
	text := target
	if cfg.Published != "" {
		text = cfg.Published + ":" + target
		if cfg.HostIP != "" {
			host := cfg.HostIP
			if strings.Contains(host, ":") {
				host = "[" + host + "]"
			}
			text = host + ":" + text
		}
	}
	if cfg.Protocol != "" && cfg.Protocol != "tcp" {
		text += "/" + cfg.Protocol
	}
	return &finding.Fix{
		Message: fmt.Sprintf("publish the port the service listens on: - %q", text),
		Edits:   []finding.Edit{{Range: project.NodeRange(it.file.Source, it.target), NewText: strconv.Quote(text)}},
	}
}

func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}
