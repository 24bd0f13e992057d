// Package composeschema validates a compose model against the Compose
// Specification JSON schema exactly as compose-go's schema.Validate does
// (github.com/santhosh-tekuri/jsonschema semantics, compose-go's choice of
// the most specific error and its wording), without compiling the schema at
// run time: tables.go holds compose-go's own compose-spec.json compiled into
// static tables by `go generate` (see gen/), and nothing is initialised
// before the first validation. It imports nothing from envdoctor.
package composeschema

//go:generate go run ./gen tables.go

import (
	"regexp"
	"sync"
)

// typeSet is a set of JSON types, as the schema's "type" keyword lists them.
type typeSet uint8

const (
	typeNull typeSet = 1 << iota
	typeBoolean
	typeNumber
	typeInteger
	typeString
	typeArray
	typeObject
)

// typeNames lists the types in the order jsonschema reports them.
var typeNames = [...]struct {
	t    typeSet
	name string
}{
	{typeNull, "null"}, {typeBoolean, "boolean"}, {typeNumber, "number"},
	{typeInteger, "integer"}, {typeString, "string"}, {typeArray, "array"},
	{typeObject, "object"},
}

// boolSchema marks the schemas `true` (and `{}`) and `false`.
type boolSchema int8

const (
	boolNone boolSchema = iota
	boolTrue
	boolFalse
)

// additionalKind is what additionalProperties says.
type additionalKind int8

const (
	additionalNone additionalKind = iota
	additionalTrue
	additionalFalse
	additionalSchema
)

// node is one compiled subschema. Node numbers index nodes; 0 is "none".
type node struct {
	boolean boolSchema
	types   typeSet
	enum    []string
	ref     int32

	// object
	required          []string
	props             []prop // sorted by name
	patternProps      []patternProp
	additional        additionalKind
	additionalNode    int32
	unevaluated       int32
	allPropsEvaluated bool // additionalProperties is present

	// array
	items       int32
	uniqueItems bool

	// string
	pattern int32

	// number
	minimum, maximum *bound

	allOf, anyOf, oneOf []int32
}

type prop struct {
	name string
	node int32
}

type patternProp struct {
	pattern int32
	node    int32
}

// bound is a minimum or maximum: its value and its text in the schema.
type bound struct {
	value float64
	text  string
}

// lazyRegexp is a schema pattern compiled on first use (the generator has
// checked that it compiles).
type lazyRegexp struct {
	src  string
	once sync.Once
	re   *regexp.Regexp
}

func (r *lazyRegexp) MatchString(s string) bool {
	r.once.Do(func() { r.re = regexp.MustCompile(r.src) })
	return r.re.MatchString(s)
}

// lookupProp finds name among n's properties.
func (n *node) lookupProp(name string) int32 {
	lo, hi := 0, len(n.props)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch p := n.props[mid].name; {
		case p == name:
			return n.props[mid].node
		case p < name:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0
}
