package project

import (
	"fmt"
	"testing"

	"go.yaml.in/yaml/v4"
)

// TestNodeRangeProperties: a node with an anchor or a tag spans its value,
// not its properties.
func TestNodeRangeProperties(t *testing.T) {
	text := "p:\n  - &one \"6379:6379\"\n  - !!str 5432\n  - &two !!str 'x'\n  - !reset []\n  - plain\n  - &m\n    a: b\n"
	src := NewSource("f.yaml", []byte(text))
	root, perr := parseYAML(src)
	if perr != nil {
		t.Fatal(perr)
	}
	want := []string{"2:10-2:21", "3:11-3:15", "4:16-4:19", "5:12-5:14", "6:5-6:10", "7:5-7:7"}
	seq, _ := (&ComposeFile{Root: root}).Lookup("p")
	for i, n := range seq.Content {
		r := NodeRange(src, n)
		got := fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Col, r.End.Line, r.End.Col)
		if got != want[i] {
			t.Errorf("item %d (%v): %s, want %s", i, n.Kind == yaml.MappingNode, got, want[i])
		}
	}
}
