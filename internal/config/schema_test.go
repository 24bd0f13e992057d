package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
)

var schemaPath = filepath.Join("..", "..", "schema", "envdoctor.schema.json")

func compileSchema(t *testing.T, data []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SchemaID)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func yamlInstance(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(string(j)))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// TestSchemaKeysMatchLoader: the schema's properties are exactly the keys
// the loader knows, in the same order.
func TestSchemaKeysMatchLoader(t *testing.T) {
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	// Read the property names in file order.
	var doc struct {
		Properties json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var keys []string
	pd := json.NewDecoder(strings.NewReader(string(doc.Properties)))
	if _, err := pd.Token(); err != nil { // {
		t.Fatal(err)
	}
	for pd.More() {
		tok, err := pd.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var value json.RawMessage
		if err := pd.Decode(&value); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(keys, KnownKeys()) {
		t.Errorf("schema properties %q, loader keys %q", keys, KnownKeys())
	}
	// The same schema from the generator, with any rule list, has the
	// same keys.
	var gen struct {
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(Schema(nil), &gen); err != nil {
		t.Fatal(err)
	}
	if len(gen.Properties) != len(KnownKeys()) {
		t.Errorf("generated schema has %d properties", len(gen.Properties))
	}
}

// TestSchemaOnTestdata: every good config is valid; the bad files whose
// mistakes a schema can see are invalid.
func TestSchemaOnTestdata(t *testing.T) {
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	sch := compileSchema(t, data)
	good, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "config", "good-*.yaml"))
	if len(good) == 0 {
		t.Fatal("no good configs")
	}
	for _, path := range good {
		data, _ := os.ReadFile(path)
		if err := sch.Validate(yamlInstance(t, data)); err != nil {
			t.Errorf("%s is valid for the loader but not for the schema: %v", filepath.Base(path), err)
		}
	}
	// Unknown keys, wrong types, a list at the root, bad severities.
	for _, name := range []string{"bad-unknown-key.yaml", "bad-types.yaml", "bad-root.yaml", "bad-severity.yaml"} {
		data, _ := os.ReadFile(filepath.Join("..", "..", "testdata", "config", name))
		if err := sch.Validate(yamlInstance(t, data)); err == nil {
			t.Errorf("the schema accepts %s", name)
		}
	}
	for text, valid := range map[string]bool{
		"fail-level: WARN\n":           true,
		"fail-level: none\n":           true,
		"fail-level: fatal\n":          false,
		"severity: {cp001: Off}\n":     true,
		"severity: {CP001: none}\n":    false,
		"exclude: [/abs]\n":            false,
		"exclude: ['']\n":              false,
		"disable: [StageNameCasing]\n": true,
		"disable: [CP 001]\n":          false,
		"baseline: b.json\n":           true,
		"baseline: 3\n":                false,
	} {
		err := sch.Validate(yamlInstance(t, []byte(text)))
		if (err == nil) != valid {
			t.Errorf("%q: valid %v, schema says %v", text, valid, err)
		}
	}
}

func TestSchemaRuleCompletion(t *testing.T) {
	out := string(Schema([]finding.RuleInfo{{ID: "CP002", Name: "b-rule"}, {ID: "CP001", Name: "a-rule"}, {ID: "CP001", Name: "a-rule"}}))
	if !strings.Contains(out, `"enum": [
            "CP001",
            "CP002",
            "a-rule",
            "b-rule"
          ]`) {
		t.Errorf("rule enum not sorted and unique:\n%s", out)
	}
	compileSchema(t, []byte(out))
}
