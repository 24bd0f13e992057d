package binddefaults

import (
	"net/netip"
	"strconv"
	"strings"
)

// IsLoopback reports whether a listen address reaches only the container
// itself: 127.0.0.0/8, ::1, or a localhost name.
func IsLoopback(host string) bool {
	h := strings.ToLower(strings.Trim(host, "[]"))
	switch h {
	case "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback":
		return true
	}
	if strings.HasSuffix(h, ".localhost") {
		return true
	}
	if a, err := netip.ParseAddr(h); err == nil {
		return a.IsLoopback()
	}
	return false
}

// IsAllInterfaces reports whether a listen address is the wildcard.
func IsAllInterfaces(host string) bool {
	h := strings.Trim(host, "[]")
	switch h {
	case "", "0.0.0.0", "::", "*", "0":
		return true
	}
	return false
}

// splitHostPort splits HOST:PORT, [V6]:PORT, HOST or PORT (a bare number is
// a port). Either part may be empty.
func splitHostPort(s string) (host, port string) {
	if strings.HasPrefix(s, "[") {
		if i := strings.Index(s, "]"); i >= 0 {
			host = s[:i+1]
			rest := s[i+1:]
			return host, strings.TrimPrefix(rest, ":")
		}
		return s, ""
	}
	if strings.Count(s, ":") > 1 {
		return s, "" // a bare IPv6 address
	}
	if h, p, ok := strings.Cut(s, ":"); ok {
		return h, p
	}
	if _, err := strconv.Atoi(s); err == nil {
		return "", s
	}
	return s, ""
}

// parsePort reads a TCP port, or 0.
func parsePort(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 65535 {
		return 0
	}
	return n
}
