package project

import (
	"context"
	"testing"
)

// TestPrunedCastsKeepTypes: values interpolated where compose expects a
// number or a boolean are still cast once the casts are pruned to the keys
// the file holds.
func TestPrunedCastsKeepTypes(t *testing.T) {
	dir := writeProject(t, map[string]string{"compose.yaml": `services:
  web:
    image: nginx:1.27
    privileged: ${PRIV}
    ports:
      - target: ${TARGET}
        published: "8080"
    healthcheck:
      test: ["CMD", "true"]
      retries: ${RETRIES}
    deploy:
      replicas: ${REPLICAS}
networks:
  outside:
    external: ${EXT}
`})
	p, err := Load(context.Background(), dir, Options{Environ: []string{"PRIV=true", "TARGET=80", "RETRIES=3", "REPLICAS=2", "EXT=true"}})
	if err != nil {
		t.Fatal(err)
	}
	m := p.Compose.Model
	if m == nil {
		t.Fatalf("not loaded: %v", p.Compose.LoadErrors)
	}
	web := m.Services["web"]
	if !web.Privileged || web.Ports[0].Target != 80 || *web.HealthCheck.Retries != 3 || *web.Deploy.Replicas != 2 || !bool(m.Networks["outside"].External) {
		t.Errorf("casts lost: %+v", web)
	}
}

func TestComposeKeysUnknownFiles(t *testing.T) {
	for name, text := range map[string]string{
		"include": "include:\n  - other.yaml\nservices: {}\n",
		"extends": "services:\n  a:\n    extends:\n      file: base.yaml\n      service: b\n",
	} {
		src := NewSource("compose.yaml", []byte(text))
		root, _ := parseYAML(src)
		c := &Compose{Files: []*ComposeFile{{Path: "compose.yaml", Source: src, Root: root}}}
		if keys := composeKeys(c); len(keys) != 0 {
			t.Errorf("%s: casts pruned although another file's keys are unknown", name)
		}
	}
}
