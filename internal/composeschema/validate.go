package composeschema

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Kind is what an Error is about.
type Kind int

// The kinds of error the Compose Specification schema can produce.
const (
	// KindType: the value has the wrong JSON type.
	KindType Kind = iota + 1
	// KindEnum: the value is not one of the allowed strings.
	KindEnum
	// KindRequired: an object lacks required keys (Names).
	KindRequired
	// KindAdditional: an object has keys the schema does not allow (Names),
	// reported on the object.
	KindAdditional
	// KindFalse: the value is not allowed at all; for a key the schema does
	// not know (unevaluatedProperties), the error is on the key's value.
	KindFalse
	// KindOneOfMultiple: the value matches more than one oneOf branch.
	KindOneOfMultiple
	// KindUniqueItems: two items of an array are equal.
	KindUniqueItems
	// KindPattern: a string does not match the schema's pattern.
	KindPattern
	// KindMinimum: a number is below the minimum.
	KindMinimum
	// KindMaximum: a number is above the maximum.
	KindMaximum
)

// Error is one schema violation, as compose-go reports it.
type Error struct {
	// Path is where the offending value is in the model: mapping keys and
	// decimal sequence indexes.
	Path []string
	Kind Kind
	// Names are the missing keys (KindRequired, in the schema's order) or
	// the keys not allowed (KindAdditional, sorted).
	Names []string
	// detail renders the rest of the message.
	detail string
}

// Error is compose-go's message for the violation: the dotted path, then
// what is wrong ("services.web.ports.0 must be a string or number").
func (e *Error) Error() string {
	return strings.Join(e.Path, ".") + e.detail
}

// specificity ranks errors the way compose-go picks the one it reports:
// the deepest, an object's disallowed keys counting one level deeper.
func (e *Error) specificity() int {
	if e.Kind == KindAdditional {
		return len(e.Path) + 1
	}
	return len(e.Path)
}

// ValidateModel is compose-go's schema.Validate: the model goes through
// JSON, as compose-go sends it, and is checked against the schema. A model
// JSON cannot encode is an error, as in compose-go. The errors are the most
// specific violations in the order jsonschema meets them, the keys of an
// object in sorted order (jsonschema follows Go's map order there, so among
// keys compose-go's pick varies from run to run): compose-go reports the
// first. Both results are nil for a valid model.
func ValidateModel(model map[string]any) ([]*Error, error) {
	data, err := json.Marshal(model)
	if err != nil {
		return nil, err
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	return Validate(doc), nil
}

// Validate checks a document as encoding/json decodes it into an any
// (map[string]any, []any, string, float64, bool, nil) and returns the most
// specific violations, as ValidateModel does. A valid document costs no
// allocation beyond the bookkeeping for unevaluatedProperties.
func Validate(doc any) []*Error {
	v := &validator{}
	if v.validate(rootNode, doc, nil, nil) {
		return nil
	}
	// The check found a problem; validate again, collecting the errors.
	v = &validator{collect: true}
	v.validate(rootNode, doc, make([]string, 0, 16), nil)
	return mostSpecific(v.errs)
}

// mostSpecific keeps the errors compose-go may report, in the order it
// meets them: it reports the first.
func mostSpecific(errs []*Error) []*Error {
	best := -1
	for _, e := range errs {
		best = max(best, e.specificity())
	}
	out := make([]*Error, 0, len(errs))
	for _, e := range errs {
		if e.specificity() == best {
			out = append(out, e)
		}
	}
	return out
}

// validator mirrors jsonschema's: collect is its !boolResult, the errors
// are the leaves of its error tree in the same order (object keys sorted,
// where jsonschema follows Go's map order).
type validator struct {
	collect bool
	errs    []*Error
}

// uneval tracks the keys of an object no subschema has evaluated yet, for
// unevaluatedProperties; nil when nobody asks.
type uneval struct {
	props map[string]struct{}
}

func unevalFrom(v any, n *node, callerNeeds bool) *uneval {
	obj, ok := v.(map[string]any)
	if !ok || n.allPropsEvaluated || (!callerNeeds && n.unevaluated == 0) {
		return &uneval{}
	}
	props := make(map[string]struct{}, len(obj))
	for k := range obj {
		props[k] = struct{}{}
	}
	return &uneval{props: props}
}

func (u *uneval) isEmpty() bool { return u == nil || len(u.props) == 0 }

// merge keeps unevaluated only what other left unevaluated too.
func (u *uneval) merge(other *uneval) {
	if u == nil {
		return
	}
	for k := range u.props {
		if _, ok := other.props[k]; !ok {
			delete(u.props, k)
		}
	}
}

func (v *validator) fail(loc []string, k Kind, detail string, names []string) bool {
	if v.collect {
		v.errs = append(v.errs, &Error{Path: slices.Clone(loc), Kind: k, detail: detail, Names: names})
	}
	return false
}

// value validates a child value (jsonschema's validateVal).
func (v *validator) value(n int32, val any, loc []string, tok string) bool {
	if v.collect {
		loc = append(loc, tok)
	}
	return v.validate(n, val, loc, unevalFrom(val, &nodes[n], false))
}

// self validates the same value against another subschema (validateSelf):
// what a successful subschema evaluated counts as evaluated for the caller.
func (v *validator) self(n int32, val any, loc []string, parent *uneval) bool {
	u := unevalFrom(val, &nodes[n], !parent.isEmpty())
	if !v.validate(n, val, loc, u) {
		return false
	}
	parent.merge(u)
	return true
}

// quietly runs f without collecting errors (jsonschema's boolResult).
func (v *validator) quietly(f func() bool) bool {
	saved := v.collect
	v.collect = false
	ok := f()
	v.collect = saved
	return ok
}

func (v *validator) validate(ni int32, val any, loc []string, u *uneval) bool {
	n := &nodes[ni]
	switch n.boolean {
	case boolTrue:
		return true
	case boolFalse:
		return v.fail(loc, KindFalse, " false schema", nil)
	}
	t := typeOf(val)
	if n.types != 0 && n.types&t == 0 && (n.types&typeInteger == 0 || t != typeNumber || !isInteger(val)) {
		return v.fail(loc, KindType, " must be a "+humanType(n.types), nil)
	}
	if n.enum != nil {
		s, ok := val.(string)
		if !ok || !slices.Contains(n.enum, s) {
			return v.fail(loc, KindEnum, " value must be "+enumText(n.enum), nil)
		}
	}
	ok := n.ref == 0 || v.self(n.ref, val, loc, u)
	switch x := val.(type) {
	case map[string]any:
		ok = v.object(n, x, loc, u) && ok
	case []any:
		ok = v.array(n, x, loc) && ok
	case string:
		if n.pattern != 0 && !patterns[n.pattern].MatchString(x) {
			ok = v.fail(loc, KindPattern, " "+quote(x)+" does not match pattern "+quote(patterns[n.pattern].src), nil)
		}
	case float64:
		if n.minimum != nil && x < n.minimum.value {
			ok = v.fail(loc, KindMinimum, " must be greater than or equal to "+n.minimum.text, nil)
		}
		if n.maximum != nil && x > n.maximum.value {
			ok = v.fail(loc, KindMaximum, " must be less than or equal to "+n.maximum.text, nil)
		}
	}
	if !ok && !v.collect {
		return false
	}
	ok = v.combinators(n, val, loc, u) && ok
	if n.unevaluated != 0 {
		if obj, isObj := val.(map[string]any); isObj && u != nil {
			for _, k := range v.keys(u.props) {
				if !v.value(n.unevaluated, obj[k], loc, k) {
					ok = false
				}
			}
			u.props = nil
		}
	}
	return ok
}

func (v *validator) object(n *node, obj map[string]any, loc []string, u *uneval) bool {
	ok := true
	var missing []string
	for _, r := range n.required {
		if _, has := obj[r]; !has {
			missing = append(missing, r)
		}
	}
	if missing != nil {
		ok = v.fail(loc, KindRequired, " missing "+plural(len(missing), "property", "properties")+" "+joinQuoted(missing), missing)
		if !v.collect {
			return false
		}
	}
	var extra []string
	check := func(k string, pv any) {
		evaluated := false
		if p := n.lookupProp(k); p != 0 {
			evaluated = true
			if !v.value(p, pv, loc, k) {
				ok = false
			}
		}
		for _, pp := range n.patternProps {
			if patterns[pp.pattern].MatchString(k) {
				evaluated = true
				if !v.value(pp.node, pv, loc, k) {
					ok = false
				}
			}
		}
		if !evaluated && n.additional != additionalNone {
			evaluated = true
			switch n.additional {
			case additionalFalse:
				extra = append(extra, k)
			case additionalSchema:
				if !v.value(n.additionalNode, pv, loc, k) {
					ok = false
				}
			}
		}
		if evaluated && u != nil {
			delete(u.props, k)
		}
	}
	if v.collect {
		for _, k := range sortedKeys(obj) {
			check(k, obj[k])
		}
	} else {
		for k, pv := range obj {
			if check(k, pv); !ok {
				return false
			}
		}
	}
	if len(extra) > 0 {
		ok = v.fail(loc, KindAdditional, " additional properties "+joinQuoted(extra)+" not allowed", extra)
	}
	return ok
}

func (v *validator) array(n *node, arr []any, loc []string) bool {
	ok := true
	if n.uniqueItems && len(arr) > 1 {
		if i, j := duplicates(arr); i >= 0 {
			ok = v.fail(loc, KindUniqueItems, " items at "+groupDigits(i)+" and "+groupDigits(j)+" are equal", nil)
			if !v.collect {
				return false
			}
		}
	}
	if n.items != 0 {
		for i, item := range arr {
			if !v.value(n.items, item, loc, strconv.Itoa(i)) {
				ok = false
				if !v.collect {
					return false
				}
			}
		}
	}
	return ok
}

// combinators are allOf, anyOf and oneOf, in jsonschema's order; a branch
// that fails where the keyword as a whole succeeds leaves no error.
func (v *validator) combinators(n *node, val any, loc []string, u *uneval) bool {
	ok := true
	for _, s := range n.allOf {
		if !v.self(s, val, loc, u) {
			ok = false
			if !v.collect {
				return false
			}
		}
	}
	if len(n.anyOf) > 0 && !v.anyOf(n.anyOf, val, loc, u) {
		ok = false
		if !v.collect {
			return false
		}
	}
	if len(n.oneOf) > 0 && !v.oneOf(n.oneOf, val, loc, u) {
		ok = false
	}
	return ok
}

func (v *validator) anyOf(branches []int32, val any, loc []string, u *uneval) bool {
	mark := len(v.errs)
	matched := false
	for _, s := range branches {
		if v.self(s, val, loc, u) {
			matched = true
			if u.isEmpty() {
				break // all branches run only while keys are unevaluated
			}
		}
	}
	if matched {
		v.errs = v.errs[:mark]
	}
	return matched
}

func (v *validator) oneOf(branches []int32, val any, loc []string, u *uneval) bool {
	mark := len(v.errs)
	matched := -1
	for i, s := range branches {
		var m bool
		if matched == -1 {
			m = v.self(s, val, loc, u)
		} else {
			m = v.quietly(func() bool { return v.self(s, val, loc, u) })
		}
		switch {
		case !m:
		case matched == -1:
			matched = i
		default:
			v.errs = v.errs[:mark]
			return v.fail(loc, KindOneOfMultiple, " 'oneOf' failed, subschemas "+groupDigits(matched)+", "+groupDigits(i)+" matched", nil)
		}
	}
	if matched == -1 {
		return false
	}
	v.errs = v.errs[:mark]
	return true
}

// keys returns a set's keys, sorted when errors are collected.
func (v *validator) keys(set map[string]struct{}) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	if v.collect {
		slices.Sort(out)
	}
	return out
}

func sortedKeys(obj map[string]any) []string {
	out := make([]string, 0, len(obj))
	for k := range obj {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func typeOf(v any) typeSet {
	switch v := v.(type) {
	case nil:
		return typeNull
	case bool:
		return typeBoolean
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0
		}
		return typeNumber
	case string:
		return typeString
	case []any:
		return typeArray
	case map[string]any:
		return typeObject
	}
	return 0
}

func isInteger(v any) bool {
	f, ok := v.(float64)
	return ok && f == math.Trunc(f)
}

// humanType is compose-go's wording of the wanted types: "mapping" for
// object, several types sorted and joined with "or".
func humanType(t typeSet) string {
	var names []string
	for _, tn := range typeNames {
		if t&tn.t != 0 {
			names = append(names, tn.name)
		}
	}
	if len(names) == 1 {
		if names[0] == "object" {
			return "mapping"
		}
		return names[0]
	}
	for i, s := range names {
		if s == "object" {
			names[i] = "mapping"
		}
	}
	slices.Sort(names)
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

func enumText(values []string) string {
	if len(values) == 1 {
		return quote(values[0])
	}
	return "one of " + joinQuoted(values)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// quote is jsonschema's: Go quoting with single quotes outside.
func quote(s string) string {
	s = strconv.Quote(s)
	s = strings.ReplaceAll(s, `\"`, `"`)
	s = strings.ReplaceAll(s, `'`, `\'`)
	return "'" + s[1:len(s)-1] + "'"
}

func joinQuoted(arr []string) string {
	parts := make([]string, len(arr))
	for i, s := range arr {
		parts[i] = quote(s)
	}
	return strings.Join(parts, ", ")
}

// groupDigits prints a non-negative integer as jsonschema's English message
// printer does: thousands separated by commas.
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// duplicates finds the first item equal to an earlier one (jsonschema's
// order: by the later item, then the earlier) and returns both indexes, or
// -1, -1.
func duplicates(arr []any) (first, second int) {
	if len(arr) <= 20 {
		for i := 1; i < len(arr); i++ {
			for j := 0; j < i; j++ {
				if equal(arr[i], arr[j]) {
					return j, i
				}
			}
		}
		return -1, -1
	}
	seen := make(map[string][]int, len(arr))
	for i, item := range arr {
		key := hashKey(item)
		for _, j := range seen[key] {
			if equal(item, arr[j]) {
				return j, i
			}
		}
		seen[key] = append(seen[key], i)
	}
	return -1, -1
}

// hashKey buckets values for duplicates; equal values share a key.
func hashKey(v any) string {
	switch v := v.(type) {
	case string:
		return "s" + v
	case float64:
		return "n" + strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return "b" + strconv.FormatBool(v)
	case nil:
		return "z"
	case []any:
		return "a" + strconv.Itoa(len(v))
	case map[string]any:
		return "o" + strconv.Itoa(len(v))
	}
	return fmt.Sprintf("?%T", v)
}

// equal is JSON equality (jsonschema's equals).
func equal(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return false
		}
		for k, av := range a {
			bv, ok := bm[k]
			if !ok || !equal(av, bv) {
				return false
			}
		}
		return true
	case []any:
		ba, ok := b.([]any)
		if !ok || len(a) != len(ba) {
			return false
		}
		for i := range a {
			if !equal(a[i], ba[i]) {
				return false
			}
		}
		return true
	case nil:
		return b == nil
	case bool:
		bb, ok := b.(bool)
		return ok && a == bb
	case string:
		bs, ok := b.(string)
		return ok && a == bs
	case float64:
		bf, ok := b.(float64)
		return ok && a == bf
	}
	return false
}
