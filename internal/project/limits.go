package project

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// MaxYAMLDepth is the deepest nesting of a compose file envdoctor hands to
// compose-go. Real compose files nest about ten levels; compose-go's
// transform takes time and memory quadratic in the depth (3,000 levels:
// 8 GiB), so a deeper file is reported instead of loaded.
const MaxYAMLDepth = 128

// depthError reports a compose file nested deeper than MaxYAMLDepth, at the
// first node that crosses it. Aliases are not followed (each anchor is
// visited where it is defined).
func depthError(cf *ComposeFile) *SyntaxError {
	if cf.Root == nil {
		return nil
	}
	type item struct {
		n     *yaml.Node
		depth int
	}
	stack := []item{{cf.Root, 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.depth > MaxYAMLDepth {
			return &SyntaxError{Range: NodeRange(cf.Source, it.n),
				Message: fmt.Sprintf("YAML nested deeper than %d levels: not loaded (compose files nest about ten)", MaxYAMLDepth),
				Fix:     "flatten the nesting: no compose key needs more than a few levels"}
		}
		for _, c := range it.n.Content {
			stack = append(stack, item{c, it.depth + 1})
		}
	}
	return nil
}

// MaxPublishedPorts bounds how many port mappings a project may expand to
// before envdoctor stops loading it. compose-go expands every port range
// into one mapping per port and then transforms each one (about 75 µs of
// CPU per port: "1-65535:1-65535" twice costs ten seconds and 200 MB),
// and docker runs one docker-proxy per published port. Real projects
// publish a few ports, media servers a range of some thousands
// ("10000-20000/udp").
const MaxPublishedPorts = 20000

// portsError reports a merged model whose services publish more than
// MaxPublishedPorts ports once their ranges are expanded, at the largest
// range the file being merged holds.
func portsError(dict map[string]any, cf *ComposeFile) *SyntaxError {
	services, _ := dict["services"].(map[string]any)
	total := 0
	var worst []string
	worstN := 0
	for name, s := range services {
		svc, _ := s.(map[string]any)
		list, _ := svc["ports"].([]any)
		for i, item := range list {
			n := portCount(item)
			total += n
			if n > worstN {
				if at, _ := cf.Lookup("services", name, "ports", strconv.Itoa(i)); at != nil {
					worst, worstN = []string{"services", name, "ports", strconv.Itoa(i)}, n
				}
			}
		}
	}
	if total <= MaxPublishedPorts {
		return nil
	}
	r := rangeOfFile(cf.Path)
	if worst != nil {
		at, _ := cf.Lookup(worst...)
		r = NodeRange(cf.Source, at)
	}
	return &SyntaxError{Range: r, Message: fmt.Sprintf("the services publish %d ports once their ranges are expanded: not loaded (envdoctor stops at %d; docker runs one proxy process per published port)", total, MaxPublishedPorts),
		Fix: "publish only the ports the service needs: narrow the range"}
}

// portCount is how many port mappings compose makes of one ports: entry
// (a short "[IP:]HOST:CONTAINER[/proto]" string or a long-syntax mapping):
// the length of its longest range, 1 for a single port.
func portCount(item any) int {
	var parts []string
	switch v := item.(type) {
	case string:
		if i := strings.LastIndexByte(v, '/'); i >= 0 {
			v = v[:i]
		}
		if i := strings.LastIndexByte(v, ']'); i >= 0 { // [IPv6]:HOST:CONTAINER
			v = v[i+1:]
		}
		parts = strings.Split(v, ":")
	case map[string]any:
		for _, k := range []string{"published", "target"} {
			if s, ok := v[k].(string); ok {
				parts = append(parts, s)
			}
		}
	}
	n := 1
	for _, p := range parts {
		lo, hi, ok := strings.Cut(p, "-")
		if !ok {
			continue
		}
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b, err2 := strconv.Atoi(strings.TrimSpace(hi))
		if err1 == nil && err2 == nil && b >= a && b-a < 1<<20 {
			n = max(n, b-a+1)
		}
	}
	return n
}

// MaxCommandBytes bounds a command: or entrypoint: string. compose-go
// splits one into words with go-shellwords, which builds each word by
// string concatenation: time quadratic in the length of a word (a 3.5 MB
// word takes minutes, in docker compose too). Real commands are a line
// or two; a 64 KiB word still splits in a few milliseconds.
const MaxCommandBytes = 64 << 10

// commandError reports the first command: or entrypoint: string longer
// than MaxCommandBytes in a merged model, located in the file being merged.
func commandError(dict map[string]any, cf *ComposeFile) *SyntaxError {
	var found []string
	size := 0
	var walk func(v any, path []string)
	walk = func(v any, path []string) {
		if found != nil {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(v)) {
				p := append(slices.Clip(path), k)
				if s, ok := v[k].(string); ok && (k == "command" || k == "entrypoint") && len(s) > MaxCommandBytes {
					found, size = p, len(s)
					return
				}
				walk(v[k], p)
			}
		case []any:
			for i, item := range v {
				walk(item, append(slices.Clip(path), strconv.Itoa(i)))
			}
		}
	}
	walk(dict, nil)
	if found == nil {
		return nil
	}
	r := rangeOfFile(cf.Path)
	if at := locate(cf, found, false); at != nil {
		r = NodeRange(cf.Source, at)
	}
	return &SyntaxError{Range: r, Message: fmt.Sprintf("%s is a %d-byte string: not loaded (compose splits it into words in time that grows with the square of a word's length; envdoctor stops at %d bytes)", strings.Join(found, "."), size, MaxCommandBytes),
		Fix: "write the command as a list of arguments, or move the long text into a script or a file the image holds"}
}

// MaxDollars bounds the $ signs of one compose file. compose-go
// interpolates with a regular expression, calling back for every match:
// about half a microsecond of CPU per $, so a file of 7 MB of $$ takes
// seconds (in docker compose too). The 1,000-service benchmark project has
// 9,000.
const MaxDollars = 200000

// dollarError reports a compose file with more than MaxDollars $ signs, at
// the line of the first one past the limit.
func dollarError(cf *ComposeFile) *SyntaxError {
	if cf.Source == nil || bytes.Count(cf.Source.Data, []byte("$")) <= MaxDollars {
		return nil
	}
	data, seen := cf.Source.Data, 0
	for i := range data {
		if data[i] == '$' {
			if seen++; seen > MaxDollars {
				return &SyntaxError{Range: cf.Source.LineRange(cf.Source.Pos(i).Line),
					Message: fmt.Sprintf("the file holds more than %d $ signs: not loaded (compose interpolates each one with a regular expression)", MaxDollars),
					Fix:     "generate the values instead of writing them into the compose file, or split the file"}
			}
		}
	}
	return nil
}
