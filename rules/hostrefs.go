package rules

import (
	"regexp"
	"sort"
	"strings"
	"sync"
)

// hostRef is a host name found in a configuration value, at value[Start:End].
type hostRef struct {
	Host       string
	Start, End int
}

var urlSchemeRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.\-]*://`) })

// hostKeySuffixes name variables whose whole value is a host name
// (REDIS_HOST=cache, DATABASE_HOST=db, KAFKA_BROKERS=kafka1,kafka2).
var hostKeySuffixes = []string{"HOST", "HOSTS", "HOSTNAME", "SERVER", "SERVERS", "ADDR", "ADDRESS", "ENDPOINT", "BROKER", "BROKERS"}

// hostKVKeys introduce a host inside key=value connection strings (libpq
// "host=db port=5432", SQL Server "Server=db,1433;Database=x").
var hostKVKeys = []string{"host=", "hostname=", "server=", "address=", "addr=", "data source="}

// isHostKey reports whether a variable name says its value is a host.
func isHostKey(key string) bool {
	k := strings.ToUpper(key)
	for _, s := range hostKeySuffixes {
		if k == s || strings.HasSuffix(k, "_"+s) || strings.HasSuffix(k, "."+s) {
			return true
		}
	}
	return false
}

func isHostChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '.' || b == '-' || b == '_'
}

// hostRefs finds the host names a value reaches: the hosts of URLs
// (postgres://u:p@db:5432/x, mongodb://a:1,b:2), host:port pairs
// (kafka:9092, tcp(db:3306)), host= and Server= in connection strings,
// and, when hostKey is true, the value itself or each of its comma- or
// space-separated words (REDIS_HOST=cache). A host is always a whole
// name: "db" is not found in "mydb.example.com".
func hostRefs(value string, hostKey bool) []hostRef {
	var out []hostRef
	consumed := make([]bool, len(value))
	add := func(start, end int) {
		if start < end {
			out = append(out, hostRef{Host: value[start:end], Start: start, End: end})
		}
		for i := start; i < end && i < len(consumed); i++ {
			consumed[i] = true
		}
	}
	// URLs: scheme://[userinfo@]host[:port][,host[:port]...][/path]
	for _, m := range urlSchemeRe().FindAllStringIndex(value, -1) {
		authStart := m[1]
		authEnd := authStart
		for authEnd < len(value) && !strings.ContainsRune("/?# \t\n\"'<>", rune(value[authEnd])) {
			authEnd++
		}
		for i := m[0]; i < authEnd; i++ {
			consumed[i] = true
		}
		hosts := authStart
		if at := strings.LastIndexByte(value[authStart:authEnd], '@'); at >= 0 {
			hosts = authStart + at + 1
		}
		for start := hosts; start < authEnd; {
			end := start
			for end < authEnd && value[end] != ',' {
				end++
			}
			h := start
			if h < end && value[h] != '[' { // IPv6 literals are never service names
				for h < end && isHostChar(value[h]) {
					h++
				}
				if h == end || value[h] == ':' {
					add(start, h)
				}
			}
			start = end + 1
		}
	}
	// Words outside URLs.
	lower := strings.ToLower(value)
	for i := 0; i < len(value); {
		if consumed[i] || !isHostChar(value[i]) {
			i++
			continue
		}
		start := i
		for i < len(value) && isHostChar(value[i]) && !consumed[i] {
			i++
		}
		end := i
		if hostPortAt(value, end) && (start == 0 || value[start-1] != ':') {
			add(start, end)
			continue
		}
		for _, k := range hostKVKeys {
			if strings.HasSuffix(lower[:start], k) {
				add(start, end)
				break
			}
		}
	}
	if hostKey {
		for _, w := range splitWords(value) {
			if !consumed[w[0]] && isHostName(value[w[0]:w[1]]) {
				add(w[0], w[1])
			}
		}
	}
	// By position (URL hosts were added first).
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// hostPortAt reports whether value[i:] is ":<port>" ending the word: the
// port is 1 to 5 digits followed by the end or a separator (not "@", as in
// user:1234@host, nor more host characters).
func hostPortAt(value string, i int) bool {
	if i >= len(value) || value[i] != ':' {
		return false
	}
	j := i + 1
	for j < len(value) && value[j] >= '0' && value[j] <= '9' {
		j++
	}
	if n := j - i - 1; n < 1 || n > 5 {
		return false
	}
	return j == len(value) || !isHostChar(value[j]) && value[j] != '@' && value[j] != ':'
}

// splitWords splits on commas, semicolons and blanks; spans of value.
func splitWords(value string) [][2]int {
	var out [][2]int
	start := -1
	for i := 0; i <= len(value); i++ {
		sep := i == len(value) || strings.IndexByte(",; \t\n", value[i]) >= 0
		switch {
		case sep && start >= 0:
			out = append(out, [2]int{start, i})
			start = -1
		case !sep && start < 0:
			start = i
		}
	}
	return out
}

// isHostName reports whether s is a plain host name (letters, digits, dots,
// hyphens, underscores; not only digits and dots).
func isHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	letter := false
	for i := 0; i < len(s); i++ {
		if !isHostChar(s[i]) {
			return false
		}
		if s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' {
			letter = true
		}
	}
	return letter
}
