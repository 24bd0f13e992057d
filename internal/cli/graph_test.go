package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGraphGolden draws the example projects and a stack with networks,
// named volumes, a healthy dependency, dependencies CP003 finds missing
// (one through an environment URL, one implicit through links) and a
// service with an error.
func TestGraphGolden(t *testing.T) {
	cases := []struct{ dir, golden string }{
		{"../../testdata/projects/flask-postgres", "../../testdata/projects/flask-postgres/.golden/graph"},
		{"testdata/graph/stack", "testdata/graph/stack.graph"},
	}
	for _, c := range cases {
		for _, format := range graphFormats {
			t.Run(filepath.Base(c.dir)+"/"+format, func(t *testing.T) {
				out, stderr, code := run(t, c.dir, tutorialShell, "graph", "--format", format)
				if code != ExitOK || stderr != "" {
					t.Fatalf("exit %d, stderr %q", code, stderr)
				}
				golden(t, c.golden+"."+format, out)
			})
		}
	}
}

func TestGraphContent(t *testing.T) {
	out, _, _ := run(t, "testdata/graph/stack", tutorialShell, "graph")
	for _, want := range []string{
		`svc_api -.->|"no depends_on (DATABASE_URL)"| svc_db`,          // CP003, dashed
		`svc_worker -.->|"no depends_on (links)"| svc_api`,             // implicit, dashed
		`svc_web -->|"depends_on: healthy"| svc_api`,                   // solid, with its condition
		`svc_api -->|"depends_on"| svc_cache`,                          // solid
		`svc_api["api<br/>image: example/api:1.4<br/>1 error: CP001"]`, // the unset API_TOKEN
		"class svc_api error",
		`vol_pgdata[("pgdata")]`,
		`bind_db_init_sql[/"./db/init.sql"/]`,
		`svc_web["web<br/>build: ./web<br/>ports: 127.0.0.1:8080:80"]`,
		`net_front{{"front"}}`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("graph lacks %s\n%s", want, out)
		}
	}
	// The implicit link dependency is not also drawn solid.
	if strings.Contains(out, "svc_worker -->") {
		t.Errorf("worker's implicit depends_on drawn solid:\n%s", out)
	}
	// The flask tutorial has no network of its own: no network node.
	flask, _, _ := run(t, "../../testdata/projects/flask-postgres", tutorialShell, "graph")
	if strings.Contains(flask, "net_") || !strings.Contains(flask, "class svc_app,svc_postgres error") {
		t.Errorf("flask graph:\n%s", flask)
	}
	// A disabled rule marks nothing.
	dir := copyProject(t, "../../testdata/projects/flask-postgres")
	if err := os.WriteFile(filepath.Join(dir, ".envdoctor.yaml"), []byte("disable: [CP001, BC002]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _, _ := run(t, dir, tutorialShell, "graph"); strings.Contains(out, "error") {
		t.Errorf("CP001 and BC002 disabled, still marked:\n%s", out)
	}
}

func TestGraphErrors(t *testing.T) {
	empty := t.TempDir()
	dockerfileOnly := t.TempDir()
	if err := os.WriteFile(filepath.Join(dockerfileOnly, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		dir  string
		args []string
		err  string
	}{
		{".", []string{"graph", "--format", "png", "../../testdata/projects/flask-postgres"}, `unknown format "png"`},
		{empty, []string{"graph"}, "no compose file"},
		{dockerfileOnly, []string{"graph"}, "envdoctor graph draws a Compose project"},
		{".", []string{"graph", "a", "b"}, "at most one directory"},
	}
	for _, c := range cases {
		_, stderr, code := run(t, c.dir, tutorialShell, c.args...)
		if code != ExitError || !strings.Contains(stderr, c.err) {
			t.Errorf("%v: exit %d, stderr %q", c.args, code, stderr)
		}
	}
	out := filepath.Join(t.TempDir(), "stack.dot")
	if _, _, code := run(t, "testdata/graph/stack", tutorialShell, "graph", "--format", "dot", "-o", out); code != ExitOK {
		t.Fatalf("-o: exit %d", code)
	}
	if data, err := os.ReadFile(out); err != nil || !strings.HasPrefix(string(data), `digraph "shop" {`) {
		t.Errorf("-o wrote %q, %v", data, err)
	}
}

// TestGraphDOTParses renders the DOT goldens with Graphviz when it is
// installed (.ci/run installs it).
func TestGraphDOTParses(t *testing.T) {
	if _, err := exec.LookPath("dot"); err != nil {
		t.Skip("graphviz is not installed")
	}
	for _, golden := range []string{"testdata/graph/stack.graph.dot", "../../testdata/projects/flask-postgres/.golden/graph.dot"} {
		out, err := exec.Command("dot", "-Tsvg", "-o", os.DevNull, golden).CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("dot -Tsvg %s: %v\n%s", golden, err, out)
		}
	}
}
