package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/schema"
)

// TestTablesUpToDate fails when ../tables.go is not what compose-go's
// current schema compiles to: run `go generate ./internal/composeschema`.
// It also fails when the schema starts using a keyword the validator does
// not implement.
func TestTablesUpToDate(t *testing.T) {
	want, err := generate(schema.Schema)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../tables.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("internal/composeschema/tables.go is stale: run `go generate ./internal/composeschema`")
	}
}

func TestRefusesWhatItCannotValidate(t *testing.T) {
	const head = `{"$schema": "https://json-schema.org/draft/2020-12/schema", `
	for _, c := range []struct{ schema, want string }{
		{head + `"type": "object", "minProperties": 1}`, `keyword "minProperties" is not supported`},
		{head + `"properties": {"a": {"format": "duration"}}}`, `keyword "format" is not supported`},
		{head + `"properties": {"a": {"if": true}}}`, `keyword "if" is not supported`},
		{head + `"enum": [1, 2]}`, "only string enums"},
		{head + `"minimum": 0.5}`, "only integer bounds"},
		{head + `"$ref": "other.json#/a"}`, "only local references"},
		{head + `"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}`, "reference cycle"},
		{head + `"items": [true]}`, "array-form items"},
		{`{"$schema": "http://json-schema.org/draft-07/schema#"}`, "only draft 2020-12"},
	} {
		_, err := generate(c.schema)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.schema, err, c.want)
		}
	}
}
