// Package ports reads the published ports of compose services, in every
// syntax docker compose accepts (short "IP:HOST:CONTAINER/PROTO" strings and
// numbers, ranges, the long syntax), each with the YAML node it came from.
//
// The short syntax is parsed exactly as compose does it (compose-go's
// types.ParsePortConfig, which is docker/go-connections' nat.ParsePortSpec):
// the same splitting on ':', the same bracketed IPv6 addresses, the same
// range rules. Bad input is an error value, never a panic.
//
// An unquoted 5000:5000 is a string: compose-go decodes with go.yaml.in/yaml
// v4, whose YAML 1.2 resolver has no YAML 1.1 sexagesimal integers (yaml.v2
// read it as 5000*60+5000). A plain number (8080, 0x1F) is an integer that
// compose formats in decimal, as Collect does.
package ports

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
)

// MaxPort is the highest TCP/UDP port.
const MaxPort = 65535

// Range is an inclusive range of ports; Start == End is one port. The zero
// Range means "none given" (for a host port: the engine picks a free one).
type Range struct{ Start, End int }

// IsZero reports whether no port was given.
func (r Range) IsZero() bool { return r.Start == 0 && r.End == 0 }

// Len is the number of ports in the range (0 for the zero Range).
func (r Range) Len() int {
	if r.IsZero() {
		return 0
	}
	return r.End - r.Start + 1
}

// Overlaps reports whether two non-zero ranges share a port.
func (r Range) Overlaps(o Range) bool {
	return !r.IsZero() && !o.IsZero() && r.Start <= o.End && o.Start <= r.End
}

// Contains reports whether port p is in the range.
func (r Range) Contains(p int) bool { return !r.IsZero() && r.Start <= p && p <= r.End }

// String renders "5432" or "8000-8010" ("" for the zero Range).
func (r Range) String() string {
	switch {
	case r.IsZero():
		return ""
	case r.Start == r.End:
		return strconv.Itoa(r.Start)
	}
	return fmt.Sprintf("%d-%d", r.Start, r.End)
}

// Spec is one parsed port entry, before compose expands a container range
// into one port per entry.
type Spec struct {
	// HostIP is the host address without brackets ("::1"), or "" when the
	// entry names none (docker then publishes on every interface).
	HostIP string
	// HostPort is the zero Range when the engine picks the host port.
	HostPort      Range
	ContainerPort Range
	// Protocol is "tcp", "udp" or "sctp", lower case.
	Protocol string
	// hostSet is true when a host port was written, even "0" (which, like
	// none, lets the engine pick one).
	hostSet bool
}

// Published is one host-port/container-port pair as compose's model holds
// it after expansion: a short entry "8000-8002:8000-8002" becomes three.
// HostPort is compose-go's string form: "", "8000", or "8000-8010" for a
// host range that maps to a single container port.
type Published struct {
	HostIP        string
	HostPort      string
	ContainerPort int
	Protocol      string
}

// Expand lists the model entries compose makes of the spec, in compose-go's
// order: types.ParsePortConfig sorts nat's "port/proto" keys as strings, so
// "0-10" gives 0, 1, 10, 2, ... (found by FuzzParseShort).
func (s Spec) Expand() []Published {
	// Not Len: container port 0 is accepted (and is one entry).
	n := s.ContainerPort.End - s.ContainerPort.Start + 1
	out := make([]Published, 0, n)
	for i := 0; i < n; i++ {
		host := ""
		switch {
		case !s.hostSet && s.HostPort.IsZero():
		case n == 1 && s.HostPort.Start != s.HostPort.End:
			host = s.HostPort.String()
		default:
			host = strconv.Itoa(s.HostPort.Start + i)
		}
		out = append(out, Published{HostIP: s.HostIP, HostPort: host, ContainerPort: s.ContainerPort.Start + i, Protocol: s.Protocol})
	}
	if n > 1 && len(strconv.Itoa(s.ContainerPort.Start)) != len(strconv.Itoa(s.ContainerPort.End)) {
		// Only a range whose numbers differ in length sorts differently
		// as strings.
		sort.SliceStable(out, func(i, j int) bool {
			return strconv.Itoa(out[i].ContainerPort) < strconv.Itoa(out[j].ContainerPort)
		})
	}
	return out
}

// ParseShort parses a short-syntax port entry ("5432", "8080:80",
// "127.0.0.1:5432:5432/tcp", "[::1]:80:80", "8000-8010:8000-8010/udp") as
// docker compose does. The error says what is wrong in words a user can act
// on.
func ParseShort(s string) (Spec, error) {
	if s == "" {
		return Spec{}, fmt.Errorf("empty port")
	}
	parts := strings.Split(s, ":")
	n := len(parts)
	var rawIP, host string
	container := parts[n-1]
	switch n {
	case 1:
	case 2:
		host = parts[0]
	case 3:
		rawIP, host = parts[0], parts[1]
	default:
		rawIP, host = strings.Join(parts[:n-2], ":"), parts[n-2]
	}
	proto := "tcp"
	if p, rest, found := strings.Cut(container, "/"); found {
		container = p
		// nat reads the word after the first '/' and ignores the rest.
		rest, _, _ = strings.Cut(rest, "/")
		if rest != "" {
			proto = strings.ToLower(rest)
		}
	}
	var spec Spec
	ip, err := parseHostIP(rawIP)
	if err != nil {
		return Spec{}, err
	}
	spec.HostIP = ip
	if container == "" {
		return Spec{}, fmt.Errorf("no container port")
	}
	spec.ContainerPort, err = parseRange(container, "container port")
	if err != nil {
		return Spec{}, err
	}
	if host != "" {
		spec.HostPort, err = parseRange(host, "host port")
		if err != nil {
			return Spec{}, err
		}
		spec.hostSet = true
		if c, h := spec.ContainerPort, spec.HostPort; c.End != c.Start && h.End-h.Start != c.End-c.Start {
			return Spec{}, fmt.Errorf("host range %s and container range %s have different sizes", spec.HostPort, spec.ContainerPort)
		}
	}
	if !validProtocol(proto) {
		return Spec{}, fmt.Errorf("unknown protocol %q (tcp, udp or sctp)", proto)
	}
	spec.Protocol = proto
	return spec, nil
}

// parseHostIP accepts what nat does: an IPv4 address, a bracketed IPv6
// address, or nothing. An IPv6 address without brackets ("::1:80:80") is
// refused by docker compose too: its colons are read as separators.
func parseHostIP(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	ip, _, err := net.SplitHostPort(raw + ":")
	if err != nil {
		if strings.Count(raw, ":") > 0 && !strings.HasPrefix(raw, "[") {
			return "", fmt.Errorf("host IP %q: write an IPv6 address in brackets, for example [%s]", raw, raw)
		}
		return "", fmt.Errorf("host IP %q is not an IP address", raw)
	}
	if ip == "" {
		return "", nil // "[]": no address, as nat reads it (found by FuzzParseShort)
	}
	if net.ParseIP(ip) == nil {
		return "", fmt.Errorf("host IP %q is not an IP address", ip)
	}
	return ip, nil
}

// parseRange parses "5432" or "8000-8010" as nat.ParsePortRange does (each
// bound 0-65535, the end not below the start).
func parseRange(s, what string) (Range, error) {
	lo, hi, isRange := strings.Cut(s, "-")
	if isRange && lo == "" {
		return Range{}, fmt.Errorf("%s %q is negative or not a number", what, shorten(s))
	}
	start, err := parsePort(lo, what)
	if err != nil {
		return Range{}, err
	}
	if !isRange {
		return Range{start, start}, nil
	}
	// nat ignores anything after a second '-'; so do we.
	hi, _, _ = strings.Cut(hi, "-")
	end, err := parsePort(hi, what)
	if err != nil {
		return Range{}, err
	}
	if end < start {
		return Range{}, fmt.Errorf("%s range %q ends before it starts", what, s)
	}
	return Range{start, end}, nil
}

func parsePort(s, what string) (int, error) {
	if s == "" {
		return 0, fmt.Errorf("%s is empty", what)
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%s %q is not a number", what, shorten(s))
		}
	}
	v, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		return 0, fmt.Errorf("%s %s is out of range (0-%d)", what, shorten(s), MaxPort)
	}
	return int(v), nil
}

func shorten(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}

func validProtocol(p string) bool {
	return p == "tcp" || p == "udp" || p == "sctp"
}

// ParseTarget parses a long-syntax target (a single container port).
func ParseTarget(s string) (int, error) {
	if s == "" {
		return 0, fmt.Errorf("no target (container) port")
	}
	return parsePort(s, "target port")
}

// ParsePublished parses a long-syntax published value: "", "5432" or a
// range "8000-8010".
func ParsePublished(s string) (Range, error) {
	if s == "" {
		return Range{}, nil
	}
	return parseRange(s, "published port")
}

// IsUnspecified reports whether a host IP publishes on every interface of
// its family: none given, 0.0.0.0 or ::.
func IsUnspecified(ip string) bool {
	if ip == "" {
		return true
	}
	parsed := net.ParseIP(strings.Trim(ip, "[]"))
	return parsed != nil && parsed.IsUnspecified()
}
