package rules

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/ports"
)

// duplicateHostPort is CP007: two port entries (of two services, or of one)
// that publish the same host address, port and protocol. The second
// container fails to start with "port is already allocated".
func duplicateHostPort() *Rule {
	return &Rule{
		ID:       "CP007",
		Name:     "duplicate-host-port",
		Title:    "Two services publish the same host port",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil {
				return
			}
			all, _ := collectPorts(c) // unreadable ports: CP000
			var active []ports.Binding
			used := map[string]bool{}
			for _, b := range all {
				if b.Disabled || b.HostPort.IsZero() || b.HostPort.Start == 0 {
					continue // not started, or the engine picks the port
				}
				for port := b.HostPort.Start; port <= b.HostPort.End && port-b.HostPort.Start < 1024; port++ {
					used[strconv.Itoa(port)+"/"+b.Protocol] = true
				}
				if f, ok := replicaConflict(p, b); ok {
					p.Report(f)
				}
				if flexible(b) {
					// "8000-8010:80": the engine takes any free port of the
					// range, so an overlap alone is no conflict.
					continue
				}
				active = append(active, b)
			}
			for _, pair := range overlappingPairs(active) {
				a, b := active[pair[0]], active[pair[1]]
				conflict, maybe := hostIPsCollide(a.HostIP, b.HostIP)
				if !conflict && !maybe {
					continue
				}
				p.Report(duplicatePortFinding(a, b, maybe, used))
			}
		},
	}
}

// overlappingPairs returns the index pairs (earlier, later) of bindings
// whose protocol matches and host ranges overlap: a sweep over the ranges
// sorted by start, so a thousand services cost no million comparisons.
func overlappingPairs(bs []ports.Binding) [][2]int {
	idx := make([]int, len(bs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(x, y int) bool {
		a, b := bs[idx[x]], bs[idx[y]]
		if a.Protocol != b.Protocol {
			return a.Protocol < b.Protocol
		}
		return a.HostPort.Start < b.HostPort.Start
	})
	out := make([][2]int, 0, len(bs))
	var open []int // indexes whose range may still overlap
	for _, i := range idx {
		b := bs[i]
		kept := open[:0]
		for _, j := range open {
			if bs[j].Protocol == b.Protocol && bs[j].HostPort.End >= b.HostPort.Start {
				kept = append(kept, j)
			}
		}
		open = kept
		for _, j := range open {
			first, second := j, i
			if second < first {
				first, second = second, first
			}
			out = append(out, [2]int{first, second})
		}
		open = append(open, i)
	}
	sort.Slice(out, func(x, y int) bool {
		if out[x][1] != out[y][1] {
			return out[x][1] < out[y][1]
		}
		return out[x][0] < out[y][0]
	})
	return out
}

// hostIPsCollide says whether two host addresses of the same port clash.
// No address means every interface of both families (docker publishes on
// 0.0.0.0 and [::]). 0.0.0.0 takes every IPv4 address, :: every IPv6 one.
// :: against IPv4 addresses "may" clash: on Linux an IPv6 wildcard socket
// also accepts IPv4 unless net.ipv6.bindv6only is set.
func hostIPsCollide(a, b string) (conflict, maybe bool) {
	if a == b {
		return true, false
	}
	if a == "" || b == "" {
		other := a + b
		if isIPv6(other) && !net.ParseIP(other).IsUnspecified() {
			return false, true
		}
		return true, false
	}
	ipA, ipB := net.ParseIP(a), net.ParseIP(b)
	if ipA == nil || ipB == nil {
		return false, false
	}
	if ipA.Equal(ipB) {
		return true, false
	}
	v6A, v6B := isIPv6(a), isIPv6(b)
	switch {
	case v6A == v6B:
		// Same family: the wildcard takes the specific address.
		return ipA.IsUnspecified() || ipB.IsUnspecified(), false
	case v6A && ipA.IsUnspecified(), v6B && ipB.IsUnspecified():
		return false, true
	}
	return false, false
}

// flexible is an entry whose host side is a range for one container port:
// the engine binds any one free port of the range.
func flexible(b ports.Binding) bool {
	return b.ContainerPort.Len() == 1 && b.HostPort.Len() > 1
}

func isIPv6(ip string) bool {
	parsed := net.ParseIP(ip)
	return parsed != nil && parsed.To4() == nil
}

// hostAddr renders a binding's host side: "5432/tcp", "127.0.0.1:5432/tcp",
// "[::1]:5432/tcp".
func hostAddr(b ports.Binding) string {
	port := b.HostPort.String() + "/" + b.Protocol
	switch {
	case b.HostIP == "":
		return port
	case isIPv6(b.HostIP):
		return "[" + b.HostIP + "]:" + port
	}
	return b.HostIP + ":" + port
}

func duplicatePortFinding(first, second ports.Binding, maybe bool, used map[string]bool) finding.Finding {
	lo, hi := max(first.HostPort.Start, second.HostPort.Start), min(first.HostPort.End, second.HostPort.End)
	shared := strconv.Itoa(lo)
	if hi > lo {
		shared = fmt.Sprintf("%d-%d", lo, hi)
	}
	who := fmt.Sprintf("service %q", first.Service)
	if first.Service == second.Service {
		who = "the same service"
	}
	what := "host port"
	if second.HostPort.Len() > 1 {
		what = "host ports"
	}
	var msg string
	switch {
	case maybe:
		msg = fmt.Sprintf("service %q publishes %s %s, which may conflict with %s of %s: on Linux an IPv6 wildcard socket also takes IPv4 unless net.ipv6.bindv6only is set",
			second.Service, what, hostAddr(second), hostAddr(first), who)
	case hostAddr(first) == hostAddr(second):
		msg = fmt.Sprintf("service %q publishes %s %s, which %s already publishes: the second container fails to start with \"port is already allocated\"",
			second.Service, what, hostAddr(second), who)
	case first.HostPort == second.HostPort:
		msg = fmt.Sprintf("service %q publishes %s %s, which conflicts with %s of %s: the second container fails to start with \"port is already allocated\"",
			second.Service, what, hostAddr(second), hostAddr(first), who)
	default:
		msg = fmt.Sprintf("service %q publishes %s %s, which overlaps %s of %s on %s: the second container fails to start with \"port is already allocated\"",
			second.Service, what, hostAddr(second), hostAddr(first), who, shared)
	}
	f := finding.Finding{
		Range:   second.Range,
		Message: msg,
		Related: []finding.Related{{Range: first.Range, Message: fmt.Sprintf("%s publishes %s here", who, hostAddr(first))}},
	}
	if maybe {
		f.Severity = finding.SeverityWarning
	}
	fix := "publish one of them on another host port, or on a different host IP: the first part of the entry is the host port (HOST:CONTAINER)"
	if free := nextFreePort(second, used); free != 0 && second.HostPort.Len() == 1 {
		entry := fmt.Sprintf("%d:%d", free, second.ContainerPort.Start)
		if second.HostIP != "" {
			entry = strings.TrimSuffix(hostAddr(ports.Binding{Spec: ports.Spec{HostIP: second.HostIP, HostPort: ports.Range{Start: free, End: free}}}), "/") + ":" + strconv.Itoa(second.ContainerPort.Start)
		}
		fix = fmt.Sprintf("publish one of them on another host port, for example %d (\"%s\"): the host port comes before the container port",
			free, entry)
		if second.Long {
			fix = fmt.Sprintf("publish one of them on another host port, for example published: %d", free)
		}
	}
	f.Fix = &finding.Fix{Message: fix}
	return f
}

// nextFreePort is the first host port above the binding's that no entry of
// the project publishes, or 0.
func nextFreePort(b ports.Binding, used map[string]bool) int {
	for p := b.HostPort.End + 1; p <= ports.MaxPort && p <= b.HostPort.End+1024; p++ {
		if !used[strconv.Itoa(p)+"/"+b.Protocol] {
			return p
		}
	}
	return 0
}

// replicaConflict reports a fixed host port on a service that runs more
// than one container (scale or deploy.replicas): only one can bind it.
func replicaConflict(p *Pass, b ports.Binding) (finding.Finding, bool) {
	m := p.Project.Compose.Model
	if m == nil {
		return finding.Finding{}, false
	}
	svc, ok := m.Services[b.Service]
	if !ok {
		return finding.Finding{}, false
	}
	n := svc.GetScale()
	room := 1 // a fixed port, or a range mapped port to port
	if flexible(b) {
		room = b.HostPort.Len()
	}
	if n <= room {
		return finding.Finding{}, false
	}
	what := "host port"
	if b.HostPort.Len() > 1 {
		what = "host ports"
	}
	return finding.Finding{
		Range: b.Range,
		Message: fmt.Sprintf("service %q runs %d containers (scale or deploy.replicas) that all publish %s %s: only %d can start, the others fail with \"port is already allocated\"",
			b.Service, n, what, hostAddr(b), room),
		Fix: &finding.Fix{Message: replicaFix(b, n)},
	}, true
}

func replicaFix(b ports.Binding, n int) string {
	fix := fmt.Sprintf("publish only the container port (\"%s\") and let the engine pick a host port for each container", b.ContainerPort)
	if b.ContainerPort.Len() == 1 {
		fix += fmt.Sprintf(", or give a host range as wide as the replicas (\"%d-%d:%d\")", b.HostPort.Start, b.HostPort.Start+n-1, b.ContainerPort.Start)
	}
	return fix
}
