package composeschema

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/schema"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"go.yaml.in/yaml/v4"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// The differential test: for every compose file under testdata/ and in
// compose-go's own loader tests, for hand-written cases and for randomly
// mutated documents, Validate must agree with compose-go's schema.Validate
// on valid or not, and report one of the errors compose-go may report.

// oracle is compose-go's schema compiled exactly as compose-go compiles it,
// so the test sees jsonschema's whole error tree, not only the pick.
type oracle struct{ sch *jsonschema.Schema }

func newOracle(t *testing.T) *oracle {
	t.Helper()
	c := jsonschema.NewCompiler()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(schema.Schema))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("compose-spec.json", doc); err != nil {
		t.Fatal(err)
	}
	c.RegisterFormat(&jsonschema.Format{Name: "duration", Validate: func(any) error { return nil }})
	sch, err := c.Compile("compose-spec.json")
	if err != nil {
		t.Fatal(err)
	}
	return &oracle{sch: sch}
}

// candidates are the messages of the most specific leaves of jsonschema's
// error tree: compose-go reports one of them.
func (o *oracle) candidates(doc any) []string {
	err := o.sch.Validate(doc)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return []string{err.Error()}
	}
	var leaves []*jsonschema.ValidationError
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			leaves = append(leaves, e)
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(verr)
	best := -1
	var out []string
	for _, l := range leaves {
		s := len(l.InstanceLocation)
		if _, ok := l.ErrorKind.(*kind.AdditionalProperties); ok {
			s++
		}
		switch {
		case s > best:
			best, out = s, []string{composeMessage(l)}
		case s == best:
			out = append(out, composeMessage(l))
		}
	}
	return out
}

// composeMessage is compose-go's validationError.Error (schema/schema.go).
func composeMessage(e *jsonschema.ValidationError) string {
	path := strings.Join(e.InstanceLocation, ".")
	switch k := e.ErrorKind.(type) {
	case *kind.Type:
		return fmt.Sprintf("%s must be a %s", path, humanReadableType(slices.Clone(k.Want)...))
	case *kind.Minimum:
		return fmt.Sprintf("%s must be greater than or equal to %s", path, k.Want.Num())
	case *kind.Maximum:
		return fmt.Sprintf("%s must be less than or equal to %s", path, k.Want.Num())
	}
	return normalize(fmt.Sprintf("%s %s", path, e.ErrorKind.LocalizedString(englishPrinter)))
}

var englishPrinter = message.NewPrinter(language.English)

func humanReadableType(want ...string) string {
	if len(want) == 1 {
		if want[0] == "object" {
			return "mapping"
		}
		return want[0]
	}
	for i, s := range want {
		want[i] = humanReadableType(s)
	}
	slices.Sort(want)
	return fmt.Sprintf("%s or %s", strings.Join(want[0:len(want)-1], ", "), want[len(want)-1])
}

// normalize sorts the key list of an "additional properties" message:
// jsonschema lists them in Go's map order.
func normalize(msg string) string {
	const pre, post = " additional properties ", " not allowed"
	i := strings.Index(msg, pre)
	if i < 0 || !strings.HasSuffix(msg, post) {
		return msg
	}
	names := strings.Split(msg[i+len(pre):len(msg)-len(post)], ", ")
	sort.Strings(names)
	return msg[:i+len(pre)] + strings.Join(names, ", ") + post
}

// check compares Validate with compose-go on one document.
func (o *oracle) check(t *testing.T, name string, doc any) (valid bool) {
	t.Helper()
	model, isMap := doc.(map[string]any)
	if !isMap {
		return false // compose-go stops before validating
	}
	ours, err := ValidateModel(model)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return false
	}
	cg := schema.Validate(model)
	if (cg == nil) != (ours == nil) {
		t.Errorf("%s: compose-go says %v, we say %v\n%s", name, cg, ours, dump(doc))
		return false
	}
	if cg == nil {
		return true
	}
	want := o.candidates(roundTrip(t, model))
	cgMsg := normalize(cg.Error())
	if !slices.Contains(want, cgMsg) {
		t.Fatalf("%s: test oracle broken: compose-go reports %q, oracle candidates %q", name, cgMsg, want)
	}
	got := normalize(ours[0].Error())
	if !slices.Contains(want, got) {
		t.Errorf("%s: we report %q, compose-go reports one of %q\n%s", name, got, want, dump(doc))
		return false
	}
	if got == cgMsg {
		return false
	}
	// compose-go's pick among equally specific errors follows Go's map
	// order: ours must be one it makes.
	for range 400 {
		if normalize(schema.Validate(model).Error()) == got {
			return false
		}
	}
	t.Errorf("%s: we report %q, compose-go never does (it reports %q; candidates %q)\n%s", name, got, cgMsg, want, dump(doc))
	return false
}

func roundTrip(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func dump(doc any) string {
	data, _ := json.Marshal(doc)
	if len(data) > 2000 {
		data = append(data[:2000], "..."...)
	}
	return string(data)
}

// corpus is every compose file of envdoctor's and compose-go's testdata,
// decoded as compose-go decodes them (interpolation aside).
func corpus(t *testing.T) map[string]any {
	t.Helper()
	docs := map[string]any{}
	var files []string
	for _, root := range []string{"testdata", "../../testdata", composeGoDir(t)} {
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) < 40 {
		t.Fatalf("corpus too small: %d files", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var raw any
		if yaml.Unmarshal(data, &raw) != nil {
			continue
		}
		doc, ok := stringKeys(raw)
		if !ok {
			continue
		}
		docs[f] = doc
	}
	return docs
}

func composeGoDir(t *testing.T) string {
	t.Helper()
	dir, err := moduleDir("github.com/compose-spec/compose-go/v2")
	if err != nil {
		t.Skipf("compose-go sources not found: %v", err)
	}
	return dir
}

// stringKeys converts YAML mappings to map[string]any, as compose-go does;
// false when a key is not a string (compose-go stops there).
func stringKeys(v any) (any, bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			c, ok := stringKeys(e)
			if !ok {
				return nil, false
			}
			v[k] = c
		}
		return v, true
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			s, ok := k.(string)
			if !ok {
				return nil, false
			}
			c, ok := stringKeys(e)
			if !ok {
				return nil, false
			}
			out[s] = c
		}
		return out, true
	case []any:
		for i, e := range v {
			c, ok := stringKeys(e)
			if !ok {
				return nil, false
			}
			v[i] = c
		}
		return v, true
	}
	return v, true
}

func TestFullExampleIsValid(t *testing.T) {
	data, err := os.ReadFile("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var raw any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	doc, _ := stringKeys(raw)
	if errs, err := ValidateModel(doc.(map[string]any)); err != nil || errs != nil {
		t.Fatalf("testdata/full.yaml: %v %v", err, errs)
	}
	if err := schema.Validate(doc.(map[string]any)); err != nil {
		t.Fatalf("compose-go: testdata/full.yaml: %v", err)
	}
}

func TestAgreesOnCorpus(t *testing.T) {
	o := newOracle(t)
	docs := corpus(t)
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	valid := 0
	for _, n := range names {
		if o.check(t, n, docs[n]) {
			valid++
		}
	}
	t.Logf("%d documents, %d valid", len(names), valid)
}

func TestAgreesOnCases(t *testing.T) {
	o := newOracle(t)
	for _, c := range hardCases {
		var raw any
		if err := yaml.Unmarshal([]byte(c), &raw); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		doc, ok := stringKeys(raw)
		if !ok {
			t.Fatalf("%s: non-string key", c)
		}
		o.check(t, c, doc)
	}
}

// TestAgreesOnMutations mutates every corpus document at random (seeded)
// places: wrong types, unknown keys, x- extensions, removed keys, equal
// items, out-of-range numbers, words outside an enum.
func TestAgreesOnMutations(t *testing.T) {
	o := newOracle(t)
	docs := corpus(t)
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	rng := rand.New(rand.NewPCG(1, 2))
	total, invalid := 0, 0
	for round := range 4 {
		for _, n := range names {
			doc := clone(docs[n])
			for range 1 + rng.IntN(3) {
				doc = mutate(rng, doc)
			}
			total++
			if !o.check(t, fmt.Sprintf("%s (round %d)", n, round), doc) {
				invalid++
			}
			if t.Failed() && total > 20 {
				return
			}
		}
	}
	t.Logf("%d mutated documents, %d invalid", total, invalid)
}

func clone(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = clone(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = clone(e)
		}
		return out
	}
	return v
}

// mutate changes one random place of doc.
func mutate(rng *rand.Rand, doc any) any {
	type spot struct {
		m   map[string]any
		key string
		a   []any
		i   int
	}
	spots := []spot{{}} // the root
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 12 {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			for _, k := range sortedKeys(v) {
				spots = append(spots, spot{m: v, key: k})
				walk(v[k], depth+1)
			}
		case []any:
			for i := range v {
				spots = append(spots, spot{a: v, i: i})
				walk(v[i], depth+1)
			}
		}
	}
	walk(doc, 0)
	switch s := spots[rng.IntN(len(spots))]; {
	case s.m != nil:
		s.m[s.key] = mutateValue(rng, s.m[s.key])
	case s.a != nil:
		s.a[s.i] = mutateValue(rng, s.a[s.i])
	default:
		doc = mutateValue(rng, doc)
	}
	return doc
}

var scalars = []any{
	"zzz", "", "1.2.3.4:80:80", "10s", "1m30x", "always", "sometimes", "0.5", "-1",
	1.0, 0.0, -1.0, 1.5, -5000.0, 5e9, 65536.0, true, false, nil,
	"${UNSET}", "x-foo", "bind", "z",
}

func mutateValue(rng *rand.Rand, v any) any {
	switch rng.IntN(9) {
	case 0:
		return scalars[rng.IntN(len(scalars))]
	case 1:
		return map[string]any{}
	case 2:
		return []any{}
	case 3:
		if m, ok := v.(map[string]any); ok {
			m[[]string{"bogus_key", "x-ext", "image", "build", "ports", "target", "condition", "type", "source"}[rng.IntN(9)]] = scalars[rng.IntN(len(scalars))]
			return m
		}
		return []any{v}
	case 4:
		if m, ok := v.(map[string]any); ok && len(m) > 0 {
			keys := sortedKeys(m)
			delete(m, keys[rng.IntN(len(keys))])
			return m
		}
		return map[string]any{"x": v}
	case 5:
		if a, ok := v.([]any); ok && len(a) > 0 {
			return append(a, clone(a[rng.IntN(len(a))]))
		}
		return []any{v, clone(v)}
	case 6:
		if m, ok := v.(map[string]any); ok {
			m["x-extension"] = map[string]any{"anything": []any{1.0, "two"}}
			return m
		}
		return v
	case 7:
		if a, ok := v.([]any); ok {
			out := map[string]any{}
			for i, e := range a {
				out[fmt.Sprint("k", i)] = e
			}
			return out
		}
		return scalars[rng.IntN(len(scalars))]
	default:
		if m, ok := v.(map[string]any); ok {
			for _, k := range sortedKeys(m) {
				m[k] = scalars[rng.IntN(len(scalars))]
				break
			}
			return m
		}
		return 1e10
	}
}

// moduleDir is where the go command keeps a module's sources.
func moduleDir(mod string) (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", mod).Output()
	if err != nil {
		return "", err
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", fmt.Errorf("%s: no directory", mod)
	}
	return dir, nil
}

// hardCases are the shapes the schema's oneOf, anyOf, allOf and
// unevaluatedProperties make interesting.
var hardCases = []string{
	"services: {web: {image: nginx}}",
	"services: {web: {image: 1}}",
	"services: {web: {image: nginx, unknown_key: 1}}",
	"services: {web: {image: nginx, x-custom: {a: 1}}}",
	"services: {web: nginx}",
	"services: {web: }",
	"services: {web: [a]}",
	"services: {web: {image: nginx, ports: [{}]}}",
	"services: {web: {image: nginx, ports: [80, \"80:80\", {target: 80}]}}",
	"services: {web: {image: nginx, ports: [true]}}",
	"services: {web: {image: nginx, ports: [{target: 80, bogus: 1}]}}",
	"services: {web: {image: nginx, ports: [80, 80]}}",
	"services: {web: {image: nginx, build: {context: ., bogus: 1}}}",
	"services: {web: {build: 1}}",
	"services: {web: {image: nginx, healthcheck: {test: [CMD, true], interval: 10}}}",
	"services: {web: {image: nginx, depends_on: {db: {condition: sometimes}}}}",
	"services: {web: {image: nginx, depends_on: {db: {restart: true}}}}",
	"services: {web: {image: nginx, depends_on: [db, db]}}",
	"services: {web: {image: nginx, volumes: [{type: bind}]}}",
	"services: {web: {image: nginx, volumes: [{type: floppy, source: a, target: /b}]}}",
	"services: {web: {image: nginx, volumes: [{source: a, target: /b}]}}",
	"services: {web: {image: nginx, ulimits: {nofile: {soft: 1}}}}",
	"services: {web: {image: nginx, ulimits: {NOFILE: 1}}}",
	"services: {web: {image: nginx, oom_score_adj: 5000}}",
	"services: {web: {image: nginx, cpu_shares: -1, blkio_config: {weight: 5}}}",
	"services: {web: {image: nginx, pull_policy: sometimes}}",
	"services: {web: {image: nginx, pull_policy: every_12h}}",
	"services: {web: {image: nginx, extends: {file: a.yml}}}",
	"services: {web: {image: nginx, extends: base}}",
	"services: {web: {image: nginx, provider: {options: {}}}}",
	"services: {web: {image: nginx, environment: {A: [1]}}}",
	"services: {web: {image: nginx, environment: [A=1, A=1]}}",
	"services: {web: {image: nginx, deploy: {resources: {limits: {cpus: [1]}}}}}",
	"services: {web: {image: nginx, deploy: {update_config: {order: sideways}}}}",
	"services: {web: {image: nginx, develop: {watch: [{path: .}]}}}",
	"services: {web: {image: nginx, develop: {watch: [{path: ., action: teleport}]}}}",
	"services: {web: {image: nginx, pre_start: [{command: x, per_replica: yes, bogus: 1}]}}",
	"services: {web: {image: nginx, pre_start: [{}]}}",
	"services: {web: {image: nginx, networks: {front: {ipv4_address: 1}}}}",
	"services: {web: {image: nginx, secrets: [{source: a, mode: x}]}}",
	"services: {web: {image: nginx, env_file: [{path: a, required: maybe}]}}",
	"services: {web: {image: nginx, env_file: [{required: true}]}}",
	"services: {web: {image: nginx, gpus: [{driver: nvidia}]}}",
	"services: {web: {image: nginx, devices: [{}]}}",
	"services: {web: {image: nginx, labels: {a: {b: c}}}}",
	"services: {web: {image: nginx, logging: {options: {a: null, b: [1]}}}}",
	"services: {web: {image: nginx, scale: 1.5}}",
	"services: {web: {image: nginx, user: 1000}}",
	"services: {web: {image: nginx, command: {a: b}}}",
	"jobs: {j: {image: busybox}}",
	"jobs: {j: {image: busybox, triggers: {}}}",
	"jobs: {j: {image: busybox, triggers: {manual: true, bogus: 1}}}",
	"jobs: {j: {image: busybox, triggers: {schedule: {}}}}",
	"networks: {n: {driver: 1}}",
	"networks: {n: {ipam: {config: [{subnet: 1}]}}}",
	"networks: {n: {bogus: 1}}",
	"networks: {n: }",
	"volumes: {v: {external: {name: x}}}",
	"volumes: {v: {bogus: 1}}",
	"secrets: {s: {file: 1}}",
	"configs: {c: {content: {a: b}}}",
	"models: {m: {context_size: 10}}",
	"models: {m: {model: ai/x, bogus: 1}}",
	"include: [a.yml, {path: b.yml, bogus: 1}]",
	"include: [1]",
	"name: 1",
	"version: 3",
	"bogus: 1",
	"x-anything: [1, {a: b}]",
	"services: {web: {image: nginx, bogus1: 1, bogus2: 2}, db: {image: pg, bogus3: 3}}",
	"services: {web: {image: 1, ports: 5, environment: 7}}",
	"services: {'bad name!': {image: nginx}}",
	"services: {web: {image: nginx}}\nnetworks: {'': {}}",
}
