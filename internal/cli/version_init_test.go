package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/checks"
	"github.com/envdoctor/envdoctor/internal/config"
	"github.com/envdoctor/envdoctor/rules"
)

func TestVersionText(t *testing.T) {
	info := &debug.BuildInfo{Main: debug.Module{Version: "v0.2.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2025-06-01T10:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	got := versionText(readBuild(info), "go1.26.8", "linux/amd64")
	want := "envdoctor v0.2.0\ncommit:   0123456789abcdef0123456789abcdef01234567 (2025-06-01T10:00:00Z, with uncommitted changes)\ngo:       go1.26.8 linux/amd64\n"
	if got != want {
		t.Errorf("versionText:\n%s\nwant:\n%s", got, want)
	}
	clean := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "false"},
	}}
	if got := versionText(readBuild(clean), "go1.26.8", "windows/arm64"); got != "envdoctor dev\ncommit:   abc\ngo:       go1.26.8 windows/arm64\n" {
		t.Errorf("devel build: %q", got)
	}
	if got := versionText(readBuild(nil), "go1", "x/y"); !strings.Contains(got, "commit:   unknown (built without version control information)") {
		t.Errorf("no build info: %q", got)
	}
	// The command itself prints the running Go version.
	out, _, code := run(t, ".", nil, "version")
	if code != ExitOK || !strings.HasPrefix(out, "envdoctor ") || !strings.Contains(out, "go:       "+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH+"\n") {
		t.Errorf("version: %d %q", code, out)
	}
	if alias, _, _ := run(t, ".", nil, "--version"); alias != out {
		t.Errorf("--version %q differs from version %q", alias, out)
	}
	if _, _, code := run(t, ".", nil, "version", "extra"); code != ExitError {
		t.Errorf("version extra: exit %d", code)
	}
}

// yamlToJSON turns a YAML document into the value a JSON schema validates.
func yamlToJSON(t *testing.T, text string) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func configSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "schema", "envdoctor.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(config.SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(config.SchemaID)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// docConfigExamples are the YAML blocks of docs/config.md's
// ".envdoctor.yaml" section: every one is a config file.
func docConfigExamples(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "config.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	start := strings.Index(doc, "\n## `.envdoctor.yaml`")
	if start < 0 {
		t.Fatal("docs/config.md has no .envdoctor.yaml section")
	}
	section := doc[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	var out []string
	for _, part := range strings.Split(section, "```yaml\n")[1:] {
		block, _, ok := strings.Cut(part, "```")
		if !ok {
			t.Fatalf("unterminated YAML block in docs/config.md: %q", part)
		}
		out = append(out, block)
	}
	if len(out) < 3 {
		t.Fatalf("only %d YAML examples in the .envdoctor.yaml section", len(out))
	}
	return out
}

// TestConfigExamples: the documented examples and the starter config are
// valid for the real config loader (with the real rules) and for the JSON
// schema.
func TestConfigExamples(t *testing.T) {
	sch := configSchema(t)
	known := func(s string) (string, bool) {
		if r, ok := rules.Lookup(rules.All(), s); ok {
			return r.ID, true
		}
		if c, ok := checks.Lookup(checks.All(), s); ok {
			return c.ID, true
		}
		return "", false
	}
	examples := append(docConfigExamples(t), starterConfig)
	for i, ex := range examples {
		if _, err := config.Parse(".envdoctor.yaml", []byte(ex), known); err != nil {
			t.Errorf("example %d is rejected by the loader: %v\n%s", i+1, err, ex)
		}
		if err := sch.Validate(yamlToJSON(t, ex)); err != nil {
			t.Errorf("example %d is rejected by the schema: %v\n%s", i+1, err, ex)
		}
	}
}

func TestInit(t *testing.T) {
	dir := t.TempDir()
	out, stderr, code := run(t, dir, nil, "init")
	if code != ExitOK || out != "wrote .envdoctor.yaml\n" {
		t.Fatalf("init: exit %d, %q %q", code, out, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, ".envdoctor.yaml"))
	if string(data) != starterConfig || !strings.HasPrefix(starterConfig, "# yaml-language-server: $schema=") {
		t.Errorf("init wrote:\n%s", data)
	}
	// Every key is in the starter, set or commented.
	for _, k := range config.KnownKeys() {
		if !strings.Contains(starterConfig, "\n"+k+":") && !strings.Contains(starterConfig, "\n# "+k+":") {
			t.Errorf("the starter config does not mention %q", k)
		}
	}
	// It refuses to overwrite, without --force.
	if err := os.WriteFile(filepath.Join(dir, ".envdoctor.yaml"), []byte("disable: [CP005]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, dir, nil, "init"); code != ExitError || !strings.Contains(stderr, ".envdoctor.yaml already exists; use --force") {
		t.Errorf("init over a config: exit %d, %q", code, stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, ".envdoctor.yaml")); string(data) != "disable: [CP005]\n" {
		t.Errorf("init overwrote the config: %s", data)
	}
	if _, _, code := run(t, dir, nil, "init", "--force"); code != ExitOK {
		t.Errorf("init --force: exit %d", code)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, ".envdoctor.yaml")); string(data) != starterConfig {
		t.Error("init --force did not write the starter")
	}
	// .envdoctor.yml counts as a config too; a directory argument works.
	sub := filepath.Join(dir, "sub")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, ".envdoctor.yml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, dir, nil, "init", "sub"); code != ExitError || !strings.Contains(stderr, ".envdoctor.yml already exists") {
		t.Errorf("init sub: exit %d, %q", code, stderr)
	}
	if _, _, code := run(t, dir, nil, "init", "nope"); code != ExitError {
		t.Errorf("init nope: exit %d", code)
	}
	// The written file configures a lint run.
	proj := copyProject(t, "../../testdata/projects/flask-postgres")
	if _, _, code := run(t, proj, tutorialShell, "init"); code != ExitOK {
		t.Fatal("init in the project")
	}
	if _, stderr, code := run(t, proj, tutorialShell, "lint", "-q"); code != ExitFindings || stderr != "" {
		t.Errorf("lint with the starter config: exit %d, %q", code, stderr)
	}
}
