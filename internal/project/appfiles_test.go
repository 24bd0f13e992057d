package project

import (
	"context"
	"testing"
)

func TestAppFiles(t *testing.T) {
	dir := t.TempDir()
	write := writer(t, dir)
	write("compose.yaml", "services:\n  api:\n    build: ./api\n  web:\n    image: node:22\n    volumes:\n      - ./web:/app\n      - /etc/hosts:/etc/hosts:ro\n")
	write("api/Dockerfile", "FROM python:3.12\n")
	write("api/manage.py", "import django\n")
	write("api/config/puma.rb", "port 3000\n")
	write("web/vite.config.ts", "export default {}\n")
	write("web/other.js", "x\n")
	p, err := Load(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ dir, name string }{{"api", "manage.py"}, {"api", "config/puma.rb"}, {"web", "vite.config.ts"}} {
		if _, ok := p.AppFiles.Lookup(c.dir, c.name); !ok {
			t.Errorf("%s/%s not read", c.dir, c.name)
		}
	}
	if _, ok := p.AppFiles.Lookup("web", "other.js"); ok {
		t.Error("other.js read")
	}
	if _, ok := p.Sources["api/manage.py"]; ok {
		t.Error("app files must not be project sources")
	}
	if got := p.AppFiles.Dirs; len(got) != 2 || got[0] != "api" || got[1] != "web" {
		t.Errorf("dirs = %v", got)
	}
}
