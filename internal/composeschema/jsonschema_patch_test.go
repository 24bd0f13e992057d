package composeschema_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestPatchedJSONSchemaStillValidatesSchemas guards the envdoctor patch of
// third_party/jsonschema (metaschemas compiled on first use instead of in
// init): compiling a schema must still check it against its metaschema,
// from any draft, and valid schemas must still validate documents.
func TestPatchedJSONSchemaStillValidatesSchemas(t *testing.T) {
	for _, draft := range []string{"http://json-schema.org/draft-07/schema#", "https://json-schema.org/draft/2020-12/schema"} {
		c := jsonschema.NewCompiler()
		if err := c.AddResource("bad.json", map[string]any{"$schema": draft, "type": 12}); err != nil {
			t.Fatal(err)
		}
		_, err := c.Compile("bad.json")
		var sve *jsonschema.SchemaValidationError
		if !errors.As(err, &sve) || !strings.Contains(err.Error(), "not valid against metaschema") {
			t.Errorf("%s: invalid schema compiled: %v", draft, err)
		}
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("ok.json", map[string]any{"type": "object", "required": []any{"name"}}); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("ok.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(map[string]any{}); err == nil {
		t.Error("a document without the required key validated")
	}
	if err := sch.Validate(map[string]any{"name": "x"}); err != nil {
		t.Errorf("valid document rejected: %v", err)
	}
}

// TestJSONSchemaIsThePatchedCopy fails when go.mod stops pointing the module
// at third_party/jsonschema (the start-up cost would come back silently).
func TestJSONSchemaIsThePatchedCopy(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	const replace = "replace github.com/santhosh-tekuri/jsonschema/v6 => ./third_party/jsonschema"
	if !strings.Contains(string(mod), replace) {
		t.Errorf("go.mod lacks %q", replace)
	}
	patched, err := os.ReadFile("../../third_party/jsonschema/draft.go")
	if err != nil || !strings.Contains(string(patched), "func ensureMetaschemas()") {
		t.Errorf("third_party/jsonschema/draft.go is not the patched copy (%v)", err)
	}
}
