package project

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// The validation phase (validateCompose) must stop a load exactly where
// compose-go, validating as docker compose does, would: the same problem
// in the same file, with compose-go's message (an unknown key worded as
// such). Each project is loaded both ways and the CP000 load errors are
// compared.

type loadCase struct {
	name  string
	files map[string]string
	opt   Options
}

var validationCases = []loadCase{
	{name: "valid", files: map[string]string{"compose.yaml": "services: {web: {image: nginx}}\n"}},
	{name: "unknown key", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    bogus: 1\n"}},
	{name: "unknown keys in a mapping", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    build:\n      context: .\n      zzz: 1\n      aaa: 2\n"}},
	{name: "unknown top-level key", files: map[string]string{"compose.yaml": "services: {web: {image: nginx}}\nbogus: 1\n"}},
	{name: "wrong type", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    ports:\n      - true\n"}},
	{name: "null service", files: map[string]string{"compose.yaml": "services:\n  web:\n"}},
	{name: "service is a string", files: map[string]string{"compose.yaml": "services:\n  web: nginx\n"}},
	{name: "top-level list", files: map[string]string{"compose.yaml": "- a\n- b\n"}},
	{name: "empty file", files: map[string]string{"compose.yaml": "# nothing\n"}},
	{name: "non-string key", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    labels:\n      1: a\n"}},
	{name: "duplicate key", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    image: redis\n"}},
	{name: "version", files: map[string]string{"compose.yaml": "version: '3.8'\nservices: {web: {image: nginx}}\n"}},
	{name: "anchors and merge keys", files: map[string]string{"compose.yaml": "x-base: &base\n  image: nginx\n  restart: always\nservices:\n  web:\n    <<: *base\n    ports: ['80:80']\n  bad:\n    <<: *base\n    restart: [1]\n"}},
	{name: "infinite cpus", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    cpus: .inf\n"}},
	{name: "override adds unknown key", files: map[string]string{
		"compose.yaml":          "services:\n  web:\n    image: nginx\n",
		"compose.override.yaml": "services:\n  web:\n    bogus: 1\n",
	}},
	{name: "override completes a required key", files: map[string]string{
		"compose.yaml":          "models:\n  m:\n    model: ai/smollm2\nservices:\n  web:\n    image: nginx\n    ulimits:\n      nofile: {soft: 1, hard: 2}\n",
		"compose.override.yaml": "models:\n  m:\n    context_size: 10\nservices:\n  web:\n    ulimits:\n      nofile: {soft: 3}\n",
	}},
	{name: "override alone would be invalid", files: map[string]string{
		"compose.yaml":          "services:\n  web:\n    image: nginx\n    depends_on:\n      db: {condition: service_started}\n  db:\n    image: postgres\n",
		"compose.override.yaml": "services:\n  web:\n    depends_on:\n      db: {restart: true}\n",
	}},
	{name: "override type conflict", files: map[string]string{
		"compose.yaml":          "services:\n  web:\n    image: nginx\n    environment: {A: '1'}\n",
		"compose.override.yaml": "services:\n  web:\n    environment: 5\n",
	}},
	{name: "errors in both files", files: map[string]string{
		"compose.yaml":          "services:\n  web:\n    image: nginx\n    bogus: 1\n",
		"compose.override.yaml": "services:\n  web:\n    ports: [true]\n",
	}},
	{name: "reset", files: map[string]string{
		"compose.yaml":          "services:\n  web:\n    image: nginx\n    ports: ['80:80']\n    labels: {a: b}\n",
		"compose.override.yaml": "services:\n  web:\n    ports: !reset []\n    labels: !override {c: [1]}\n",
	}},
	{name: "reset removes a bad base key", files: map[string]string{
		"compose.yaml":          "services:\n  web:\n    image: nginx\n    build: !reset\n",
		"compose.override.yaml": "services:\n  web:\n    build: !reset null\n    bogus: !reset 1\n",
	}},
	{name: "x-develop alias", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    x-develop:\n      watch:\n        - path: .\n          action: teleport\n"}},
	{name: "x-develop alias valid", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    x-develop:\n      watch:\n        - path: .\n          action: sync\n          target: /app\n          x-initialSync: true\n"}},
	{name: "two documents", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n---\nservices:\n  web:\n    bogus: 1\n"}},
	{name: "include valid", files: map[string]string{
		"compose.yaml":        "include:\n  - sub/compose.yaml\nservices:\n  web:\n    image: nginx\n    depends_on: [db]\n",
		"sub/compose.yaml":    "services:\n  db:\n    image: postgres\n    environment: ['PASS=${PASS}']\n",
		"sub/.env":            "PASS=x\n",
		"sub/other.yaml":      "services: {}\n",
		"sub/nested/bad.yaml": "services: {x: {bogus: 1}}\n",
	}},
	{name: "include invalid", files: map[string]string{
		"compose.yaml":     "include:\n  - sub/compose.yaml\nservices:\n  web:\n    image: nginx\n",
		"sub/compose.yaml": "services:\n  db:\n    image: postgres\n    bogus: 1\n",
	}},
	{name: "include with override and env_file", files: map[string]string{
		"compose.yaml":          "include:\n  - path: [sub/compose.yaml, sub/override.yaml]\n    env_file: sub/vars.env\nservices:\n  web:\n    image: nginx\n",
		"sub/compose.yaml":      "services:\n  db:\n    image: postgres\n    cpus: ${CPUS}\n",
		"sub/override.yaml":     "services:\n  db:\n    mem_limit: [1]\n",
		"sub/vars.env":          "CPUS=1.5\n",
		"sub/nested/other.yaml": "services: {}\n",
	}},
	{name: "nested include invalid", files: map[string]string{
		"compose.yaml":       "include: [a/compose.yaml]\nservices: {web: {image: nginx}}\n",
		"a/compose.yaml":     "include: [../b/compose.yaml]\nservices: {a: {image: nginx}}\n",
		"b/compose.yaml":     "services: {b: {image: nginx, restart: [no]}}\n",
		"b/unused/file.yaml": "",
	}},
	{name: "include missing", files: map[string]string{"compose.yaml": "include: [missing.yaml]\nservices: {web: {image: nginx, bogus: 1}}\n"}},
	{name: "include cycle", files: map[string]string{
		"compose.yaml":   "include: [a/compose.yaml]\nservices: {web: {image: nginx}}\n",
		"a/compose.yaml": "include: [../compose.yaml]\nservices: {a: {image: nginx}}\n",
	}},
	{name: "remote include", files: map[string]string{"compose.yaml": "include: [oci://example/x]\nservices: {web: {image: nginx}}\n"}},
	{name: "include entry with unknown key", files: map[string]string{
		"compose.yaml":     "include:\n  - path: sub/compose.yaml\n    bogus: 1\nservices: {web: {image: nginx}}\n",
		"sub/compose.yaml": "services: {db: {image: postgres}}\n",
	}},
	{name: "include conflict", files: map[string]string{
		"compose.yaml":     "include: [sub/compose.yaml]\nservices: {db: {image: nginx}}\n",
		"sub/compose.yaml": "services: {db: {image: postgres}}\n",
	}},
	{name: "extends same file", files: map[string]string{"compose.yaml": "services:\n  base:\n    image: nginx\n    bogus: 1\n  web:\n    extends: base\n"}},
	{name: "extends same file valid", files: map[string]string{"compose.yaml": "services:\n  base:\n    image: nginx\n    ulimits: {nofile: {soft: 1, hard: 2}}\n  web:\n    extends: {service: base}\n    ulimits: {nofile: {soft: 3}}\n"}},
	{name: "extends other file with a bad key", files: map[string]string{
		"compose.yaml": "services:\n  web:\n    extends:\n      file: base.yaml\n      service: base\n",
		"base.yaml":    "services:\n  base:\n    image: nginx\n    bogus: 1\n",
	}},
	{name: "extends other file completes the service", files: map[string]string{
		"compose.yaml": "services:\n  web:\n    extends: {file: base.yaml, service: base}\n    depends_on: {db: {restart: true}}\n  db: {image: postgres}\n",
		"base.yaml":    "services:\n  base:\n    image: nginx\n    depends_on: {db: {condition: service_healthy}}\n    build: ./ctx\n",
	}},
	{name: "extends chain across files", files: map[string]string{
		"compose.yaml": "services:\n  web:\n    extends: {file: a.yaml, service: a}\n",
		"a.yaml":       "services:\n  a:\n    extends: {file: b.yaml, service: b}\n  other: {image: x}\n",
		"b.yaml":       "services:\n  b:\n    image: nginx\n    scale: x\n",
	}},
	{name: "extends missing", files: map[string]string{"compose.yaml": "services:\n  web:\n    extends: nothere\n    bogus: 1\n"}},
	{name: "extends cycle", files: map[string]string{"compose.yaml": "services:\n  a: {extends: b}\n  b: {extends: a}\n"}},
	{name: "extends reset", files: map[string]string{
		"compose.yaml": "services:\n  web:\n    extends: {file: base.yaml, service: base}\n    ports: !reset []\n",
		"base.yaml":    "services:\n  base:\n    image: nginx\n    ports: [80]\n",
	}},
	{name: "interpolated wrong type", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    cpus: ${CPUS}\n"}, opt: Options{Environ: []string{"CPUS=lots"}}},
	{name: "interpolated unknown key value", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    restart: ${R:-[1]}\n    pull_policy: ${P}\n"}, opt: Options{Environ: []string{"P=sometimes"}}},
	{name: "interpolation error", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: ${\n    bogus: 1\n"}},
	{name: "required variable", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: ${IMAGE:?set it}\n    bogus: 1\n"}},
	{name: "project name variable", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    container_name: ${COMPOSE_PROJECT_NAME}-web\n"}},
	{name: "name from yaml", files: map[string]string{"compose.yaml": "name: My_App\nservices:\n  web:\n    image: nginx\n    labels: [app=${COMPOSE_PROJECT_NAME}]\n"}},
	{name: "empty name", files: map[string]string{"compose.yaml": "name: ${EMPTY}\nservices: {web: {image: nginx}}\n"}},
	{name: "name in second document", files: map[string]string{"compose.yaml": "services: {web: {image: nginx}}\n---\nname: second\nservices: {db: {image: postgres, restart: '${COMPOSE_PROJECT_NAME}'}}\n"}},
	{name: "explicit bad project name", files: map[string]string{"compose.yaml": "services: {web: {image: nginx, bogus: 1}}\n"}, opt: Options{ProjectName: "Bad Name"}},
	{name: "project name from env", files: map[string]string{"compose.yaml": "services: {web: {image: nginx}}\n"}, opt: Options{Environ: []string{"COMPOSE_PROJECT_NAME=fromenv"}}},
	{name: "secret file and environment", files: map[string]string{"compose.yaml": "services: {web: {image: nginx}}\nsecrets:\n  s:\n    file: ./s.txt\n    environment: S\n"}},
	{name: "config without source", files: map[string]string{"compose.yaml": "services: {web: {image: nginx}}\nconfigs:\n  c:\n    name: x\n"}},
	{name: "bad host ip", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    ports:\n      - target: 80\n        host_ip: 1.2.3\n"}},
	{name: "blank watch path", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    develop:\n      watch:\n        - path: ''\n          action: sync\n          target: /app\n"}},
	{name: "device count and ids", files: map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    gpus:\n      - count: 1\n        device_ids: ['0']\n"}},
	{name: "external volume", files: map[string]string{"compose.yaml": "services: {web: {image: nginx}}\nvolumes:\n  v:\n    external: true\n    driver: local\n"}},
	{name: "unknown key in job", files: map[string]string{"compose.yaml": "jobs:\n  j:\n    image: busybox\n    triggers: {manual: true}\n    bogus: 1\n"}},
	{name: "files given", files: map[string]string{
		"a.yaml": "services: {web: {image: nginx}}\n",
		"b.yaml": "services: {web: {ports: [{target: 80, bogus: 1}]}}\n",
	}, opt: Options{ComposeFiles: []string{"a.yaml", "b.yaml"}}},
}

func TestValidationMatchesComposeGo(t *testing.T) {
	for _, c := range validationCases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeProject(t, c.files)
			compareValidation(t, dir, c.opt)
		})
	}
}

// TestValidationMatchesComposeGoOnTestdata compares on every project under
// testdata.
func TestValidationMatchesComposeGoOnTestdata(t *testing.T) {
	var dirs []string
	for _, pattern := range []string{"rules/*/*", "projects/*"} {
		found, _ := filepath.Glob(filepath.Join("..", "..", "testdata", pattern))
		dirs = append(dirs, found...)
	}
	n := 0
	for _, dir := range dirs {
		if !hasComposeFile(dir) {
			continue
		}
		n++
		compareValidation(t, dir, Options{Environ: readEnvLines(t, filepath.Join(dir, "shell.env"))})
	}
	if n < 20 {
		t.Fatalf("only %d projects", n)
	}
}

func hasComposeFile(dir string) bool {
	for _, f := range []string{"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	return false
}

// specExample is the Compose Specification's full example
// (internal/composeschema), without what needs other files: its include
// and the extends of service db.
func specExample(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile("../composeschema/testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var full map[string]any
	if err := yaml.Unmarshal(data, &full); err != nil {
		t.Fatal(err)
	}
	delete(full, "include") // its files do not exist here
	services := full["services"].(map[string]any)
	delete(services["db"].(map[string]any), "extends")
	return full
}

// TestValidationMatchesComposeGoOnMutations mutates a file that uses most
// of the specification, as the base or as the override of a project.
func TestValidationMatchesComposeGoOnMutations(t *testing.T) {
	full := specExample(t)
	override := map[string]any{"services": map[string]any{"web": map[string]any{
		"ports":       []any{"8080:80"},
		"environment": []any{"E=1"},
		"healthcheck": map[string]any{"retries": 5},
	}}}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 30 {
		base, over := cloneAny(full).(map[string]any), cloneAny(override).(map[string]any)
		target := base
		if i%2 == 1 {
			target = over
		}
		for range 1 + rng.IntN(2) {
			mutateAny(rng, target)
		}
		files := map[string]string{"compose.yaml": marshal(t, base), "compose.override.yaml": marshal(t, over)}
		dir := writeProject(t, files)
		if !compareValidation(t, dir, Options{}) {
			t.Logf("mutation %d:\n%s\n---\n%s", i, files["compose.yaml"], files["compose.override.yaml"])
			return
		}
	}
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	data, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "proj")
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// compareValidation loads dir both ways and compares the load errors,
// ours with the services split into chunks of one from two services on
// (compose_parallel.go).
func compareValidation(t *testing.T, dir string, opt Options) bool {
	t.Helper()
	split := opt
	split.serviceChunkMin, split.serviceChunkSize = 2, 1
	ours := loadErrors(t, dir, split)
	ref := opt
	ref.composeGoValidation = true
	want := loadErrors(t, dir, ref)
	if len(ours) == len(want) && (len(ours) == 0 || sameLoadError(ours[0], want[0])) {
		return true
	}
	// Among equally specific problems compose-go picks one in Go's map
	// order: ours must be one it picks.
	if len(ours) == 1 && len(want) == 1 {
		for range 200 {
			if again := loadErrors(t, dir, ref); len(again) == 1 && sameLoadError(ours[0], again[0]) {
				return true
			}
		}
	}
	t.Errorf("%s: validation phase gives %v, compose-go %v", dir, show(ours), show(want))
	return false
}

func loadErrors(t *testing.T, dir string, opt Options) []SyntaxError {
	t.Helper()
	p, err := Load(context.Background(), dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	if (p.Compose.Model == nil) != (len(p.Compose.LoadErrors) > 0) {
		t.Fatalf("%s: model %v with errors %v", dir, p.Compose.Model != nil, p.Compose.LoadErrors)
	}
	return p.Compose.LoadErrors
}

var additionalRe = regexp.MustCompile(`^(\S*?) ?additional properties (.+) not allowed$`)

// sameLoadError compares where (the file) and what; compose-go words an
// object's unknown keys "additional properties", the validation phase
// "unknown key".
func sameLoadError(ours, ref SyntaxError) bool {
	if ours.Range.File != ref.Range.File {
		return false
	}
	want := ref.Message
	if m := additionalRe.FindStringSubmatch(want); m != nil {
		var names, parent []string
		for _, q := range strings.Split(m[2], ", ") {
			names = append(names, strings.ReplaceAll(strings.Trim(q, "'"), `\'`, "'"))
		}
		if m[1] != "" {
			parent = strings.Split(m[1], ".")
		}
		want = unknownKeys(parent, names)
	}
	return sortedNames(ours.Message) == sortedNames(want)
}

var unknownKeysRe = regexp.MustCompile(`unknown keys (.+) \(not in`)

func sortedNames(msg string) string {
	m := unknownKeysRe.FindStringSubmatchIndex(msg)
	if m == nil {
		return msg
	}
	names := strings.Split(msg[m[2]:m[3]], ", ")
	sort.Strings(names)
	return msg[:m[2]] + strings.Join(names, ", ") + msg[m[3]:]
}

func show(errs []SyntaxError) string {
	var parts []string
	for _, e := range errs {
		parts = append(parts, fmt.Sprintf("%s: %s", e.Range, e.Message))
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

func cloneAny(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = cloneAny(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = cloneAny(e)
		}
		return out
	}
	return v
}

var mutationValues = []any{"zzz", "", "1.2.3.4:80:80", "10s", 1, 0, -1, 1.5, -5000, 5000000000, true, nil, "${UNSET:-x}", map[string]any{}, []any{}}

// mutateAny changes one random place below the root mapping.
func mutateAny(rng *rand.Rand, root map[string]any) {
	type spot struct {
		m   map[string]any
		key string
		a   []any
		i   int
	}
	var spots []spot
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				spots = append(spots, spot{m: v, key: k})
				walk(v[k])
			}
		case []any:
			for i := range v {
				spots = append(spots, spot{a: v, i: i})
				walk(v[i])
			}
		}
	}
	walk(root)
	s := spots[rng.IntN(len(spots))]
	val := mutationValues[rng.IntN(len(mutationValues))]
	switch {
	case s.m != nil && rng.IntN(4) == 0:
		if m, ok := s.m[s.key].(map[string]any); ok {
			m["bogus_key"] = val
			return
		}
		delete(s.m, s.key)
	case s.m != nil:
		s.m[s.key] = val
	default:
		s.a[s.i] = val
	}
}

// TestValidationPositions checks that each problem is on the node to edit.
func TestValidationPositions(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"wrong type: the value", map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    ports:\n      - true\n"},
			"compose.yaml:5:9-5:13: services.web.ports.0 must be a number"},
		{"unknown key: the key", map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    bogus: 1\n"},
			`compose.yaml:4:5-4:10: services.web: unknown key "bogus" (not in the Compose Specification)`},
		{"unknown keys: the first in the file", map[string]string{"compose.yaml": "services:\n  web:\n    build:\n      context: .\n      zzz: 1\n      aaa: 2\n"},
			`compose.yaml:5:7-5:10: services.web.build: unknown keys "zzz", "aaa" (not in the Compose Specification)`},
		{"unknown top-level key", map[string]string{"compose.yaml": "services: {web: {image: nginx}}\nbogus: 1\n"},
			`compose.yaml:2:1-2:6: unknown key "bogus" (not in the Compose Specification)`},
		{"oneOf: the value", map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    ulimits:\n      nofile: {soft: 1}\n"},
			"compose.yaml:5:15-5:24: services.web.ulimits.nofile must be a integer or string"},
		{"missing key: the mapping", map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    develop:\n      watch:\n        - action: sync\n"},
			"compose.yaml:6:11-6:23: services.web.develop.watch.0 missing property 'path'"},
		{"x- alias", map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n    x-develop:\n      watch:\n        - path: .\n          action: teleport\n"},
			"compose.yaml:7:19-7:27: services.web.develop.watch.0.action value must be one of 'rebuild', 'sync', 'restart', 'sync+restart', 'sync+exec'"},
		{"second document", map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n---\nservices:\n  web:\n    bogus: 1\n"},
			`compose.yaml:7:5-7:10: services.web: unknown key "bogus" (not in the Compose Specification)`},
		{"override file", map[string]string{"compose.yaml": "services:\n  web:\n    image: nginx\n", "compose.override.yaml": "services:\n  web:\n    restart: [1]\n"},
			"compose.override.yaml:3:14-3:17: services.web.restart must be a string"},
		{"included file", map[string]string{"compose.yaml": "include: [sub/compose.yaml]\nservices: {web: {image: nginx}}\n", "sub/compose.yaml": "services:\n  db:\n    image: postgres\n    scale: [1]\n"},
			"sub/compose.yaml:4:12-4:15: services.db.scale must be a integer or string"},
		// compose-go v2.16.2 panics on these before it validates.
		{"extends file not a string", map[string]string{"compose.yaml": "services:\n  a: {image: x}\n  web:\n    extends: {service: a, file: 1}\n"},
			"compose.yaml:4:33-4:34: services.web.extends.file must be a string"},
		{"services a list with an include", map[string]string{"compose.yaml": "include: [sub/compose.yaml]\nservices: [web]\n", "sub/compose.yaml": "services: {db: {image: postgres}}\n"},
			"compose.yaml:2:11-2:16: services must be a mapping"},
	} {
		t.Run(c.name, func(t *testing.T) {
			errs := loadErrors(t, writeProject(t, c.files), Options{})
			if len(errs) != 1 {
				t.Fatalf("got %s, want %s", show(errs), c.want)
			}
			r := errs[0].Range
			if got := fmt.Sprintf("%s:%d:%d-%d:%d: %s", r.File, r.Start.Line, r.Start.Col, r.End.Line, r.End.Col, errs[0].Message); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

// TestIncludesIndexedWhenInvalid: when the validation phase stops the
// load, the included files it met are indexed all the same, as when
// compose-go stopped there itself.
func TestIncludesIndexedWhenInvalid(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"compose.yaml":     "include: [sub/compose.yaml]\nservices:\n  web:\n    image: nginx\n    bogus: 1\n",
		"sub/compose.yaml": "services: {db: {image: postgres}}\n",
	})
	for _, reference := range []bool{false, true} {
		p, err := Load(context.Background(), dir, Options{composeGoValidation: reference})
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		for _, cf := range p.Compose.Files {
			paths = append(paths, cf.Path)
		}
		if want := []string{"compose.yaml", "sub/compose.yaml"}; !slices.Equal(paths, want) || len(p.Compose.LoadErrors) != 1 {
			t.Errorf("compose-go validating: %v: files %v, want %v; errors %v", reference, paths, want, show(p.Compose.LoadErrors))
		}
	}
}
