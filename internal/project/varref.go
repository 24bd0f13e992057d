package project

import "strings"

// VarRef is one variable reference in a compose value, in docker compose's
// interpolation syntax: $VAR, ${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e},
// ${VAR?e}, ${VAR:+x}, ${VAR+x}; $$ is an escaped dollar.
type VarRef struct {
	Name string
	// Op is the modifier: "", ":-", "-", ":?", "?", ":+" or "+".
	Op string
	// Arg is the text after the modifier (default, error message or
	// replacement); it may itself hold references.
	Arg string
	// Start and End are byte offsets of the whole reference in the scanned
	// text (End exclusive).
	Start, End int
	// Nested are references inside Arg, offsets relative to the scanned text.
	Nested []VarRef
}

// ScanVarRefs finds the variable references of s, left to right.
func ScanVarRefs(s string) []VarRef {
	var refs []VarRef
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			continue
		}
		next := s[i+1]
		switch {
		case next == '$':
			i++ // escaped dollar
		case next == '{':
			ref, end, ok := scanBraced(s, i)
			if !ok {
				continue
			}
			refs = append(refs, ref)
			i = end - 1
		case isNameStart(next):
			j := i + 2
			for j < len(s) && isNameChar(s[j]) {
				j++
			}
			refs = append(refs, VarRef{Name: s[i+1 : j], Start: i, End: j})
			i = j - 1
		}
	}
	return refs
}

// scanBraced reads ${...} starting at s[start] == '$'.
func scanBraced(s string, start int) (VarRef, int, bool) {
	j := start + 2
	if j >= len(s) || !isNameStart(s[j]) {
		return VarRef{}, 0, false
	}
	for j < len(s) && isNameChar(s[j]) {
		j++
	}
	name := s[start+2 : j]
	// Find the closing brace, counting nested ${ ... }.
	depth := 1
	k := j
	for ; k < len(s); k++ {
		switch {
		case s[k] == '$' && k+1 < len(s) && s[k+1] == '$':
			k++
		case s[k] == '$' && k+1 < len(s) && s[k+1] == '{':
			depth++
			k++
		case s[k] == '}':
			depth--
		}
		if depth == 0 {
			break
		}
	}
	if depth != 0 {
		return VarRef{}, 0, false
	}
	body := s[j:k]
	ref := VarRef{Name: name, Start: start, End: k + 1}
	if body != "" {
		op := ""
		for _, cand := range []string{":-", ":?", ":+", "-", "?", "+"} {
			if strings.HasPrefix(body, cand) {
				op = cand
				break
			}
		}
		if op == "" {
			return VarRef{}, 0, false // ${VAR!x}: not a valid reference
		}
		ref.Op = op
		ref.Arg = body[len(op):]
		argStart := j + len(op)
		for _, n := range ScanVarRefs(ref.Arg) {
			ref.Nested = append(ref.Nested, shiftRef(n, argStart))
		}
	}
	return ref, k + 1, true
}

func shiftRef(r VarRef, by int) VarRef {
	r.Start += by
	r.End += by
	for i := range r.Nested {
		r.Nested[i] = shiftRef(r.Nested[i], by)
	}
	return r
}

func isNameStart(b byte) bool {
	return b == '_' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
}

func isNameChar(b byte) bool { return isNameStart(b) || (b >= '0' && b <= '9') }

// MissingRefs returns the references of s that compose resolves with no
// value given the environment: plain $VAR/${VAR} whose variable is unset,
// ${VAR:?e} unset or empty, ${VAR?e} unset. References inside a default
// count only when the default is used.
func MissingRefs(refs []VarRef, env map[string]string) []VarRef {
	var out []VarRef
	for _, r := range refs {
		v, set := env[r.Name]
		switch r.Op {
		case "":
			if !set {
				out = append(out, r)
			}
		case ":?":
			if !set || v == "" {
				out = append(out, r)
			}
		case "?":
			if !set {
				out = append(out, r)
			}
		case ":-":
			if !set || v == "" {
				out = append(out, MissingRefs(r.Nested, env)...)
			}
		case "-":
			if !set {
				out = append(out, MissingRefs(r.Nested, env)...)
			}
		case ":+":
			if set && v != "" {
				out = append(out, MissingRefs(r.Nested, env)...)
			}
		case "+":
			if set {
				out = append(out, MissingRefs(r.Nested, env)...)
			}
		}
	}
	return out
}
