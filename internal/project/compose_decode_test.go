package project

import (
	"reflect"
	"testing"

	"go.yaml.in/yaml/v4"
)

func TestDecodeServicesApart(t *testing.T) {
	src := `name: x
services:
  a: {image: a, environment: [A=1], ports: ["80:80"]}
  b:
    build: {context: ., args: {X: "1"}}
    command: null
  "c": ~
  d: {labels: {1: one}}
volumes: {v: {}}
`
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	var want any
	if err := root.Decode(&want); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{1, 2, 3, 8} {
		got, ok := decodeServicesApart(root, serviceSplit{min: 2, size: size})
		if !ok {
			t.Fatalf("size %d: not decoded apart", size)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("size %d: got %#v, want %#v", size, got, want)
		}
	}
	dup := "services:\n  a: {}\n  a: {}\n  b: {}\n"
	var d yaml.Node
	_ = yaml.Unmarshal([]byte(dup), &d)
	if len(d.Content) > 0 {
		if _, ok := decodeServicesApart(d.Content[0], serviceSplit{min: 2, size: 1}); ok {
			t.Error("duplicate service names decoded apart")
		}
	}
}
