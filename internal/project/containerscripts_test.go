package project

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestContainerScripts(t *testing.T) {
	dir := t.TempDir()
	write := writer(t, dir)
	write("compose.yaml", `services:
  api:
    build: ./api
    entrypoint: ["/scripts/entry.sh"]
    volumes: ["./scripts:/scripts"]
  web:
    build: ./web
  worker:
    image: python:3.12
    entrypoint: ["/usr/local/bin/docker-entrypoint.sh"]
`)
	write("scripts/entry.sh", "#!/bin/sh\nexec \"$@\"\n")
	write("api/Dockerfile", "FROM python:3.12\n")
	write("api/entry.sh", "not this one\n")
	write("web/Dockerfile", "FROM node:22\nENV PATH=/opt/bin:$PATH\nCOPY bin/ /opt/bin/\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"start.sh\", \"./run.sh\"]\n")
	write("web/bin/start.sh", "#!/bin/sh\nexec \"$@\"\n")
	write("web/run.sh", "#!/bin/sh\nexec node .\n")
	write("web/other.sh", "#!/bin/sh\n")
	write("docker-entrypoint.sh", "#!/bin/sh\n")
	p, err := Load(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"scripts/entry.sh", "web/bin/start.sh", "web/run.sh"} {
		if _, ok := p.ContainerScripts.Lookup(rel); !ok {
			t.Errorf("%s not read", rel)
		}
	}
	for _, rel := range []string{"api/entry.sh", "web/other.sh", "docker-entrypoint.sh"} {
		if _, ok := p.ContainerScripts.Lookup(rel); ok {
			t.Errorf("%s read", rel)
		}
	}
	if got := p.ServiceContainerFiles("api").Locate("/scripts/entry.sh", false); !reflect.DeepEqual(got, []string{"scripts/entry.sh"}) {
		t.Errorf("api: %v", got)
	}
	// The bind mount hides the image's file: no other candidate.
	if got := p.ServiceContainerFiles("api").Locate("/scripts/missing.sh", false); !reflect.DeepEqual(got, []string{"scripts/missing.sh"}) {
		t.Errorf("api missing: %v", got)
	}
	web := p.ServiceContainerFiles("web")
	if got := web.Locate("start.sh", false); !reflect.DeepEqual(got, []string{"web/bin/start.sh"}) {
		t.Errorf("web start.sh in PATH: %v", got)
	}
	if got := web.Locate("./run.sh", false); !reflect.DeepEqual(got, []string{"web/run.sh"}) {
		t.Errorf("web ./run.sh in WORKDIR: %v", got)
	}
	// An image envdoctor does not build: its WORKDIR is unknown.
	if got := p.ServiceContainerFiles("worker").Locate("run.sh", true); len(got) != 0 {
		t.Errorf("worker: %v", got)
	}
}

// writer returns a function that writes a file of the project in dir.
func writer(t *testing.T, dir string) func(rel, data string) {
	return func(rel, data string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
