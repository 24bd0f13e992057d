package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// TestPreCommitHooks checks .pre-commit-hooks.yaml: the hooks, their
// commands and which files the lint hook takes. (.ci/run runs them for
// real with pre-commit try-repo.)
func TestPreCommitHooks(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string   `yaml:"id"`
		Entry         string   `yaml:"entry"`
		Language      string   `yaml:"language"`
		Files         string   `yaml:"files"`
		PassFilenames *bool    `yaml:"pass_filenames"`
		AlwaysRun     bool     `yaml:"always_run"`
		Stages        []string `yaml:"stages"`
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 2 || hooks[0].ID != "envdoctor" || hooks[1].ID != "envdoctor-doctor" {
		t.Fatalf("hooks %+v", hooks)
	}
	for _, h := range hooks {
		fields := strings.Fields(h.Entry)
		if h.Language != "golang" || len(fields) != 2 || fields[0] != "envdoctor" || !isCommand(fields[1]) {
			t.Errorf("hook %s: language %s, entry %q", h.ID, h.Language, h.Entry)
		}
	}
	if lint := hooks[0]; lint.Entry != "envdoctor lint" || lint.PassFilenames == nil || !*lint.PassFilenames {
		t.Errorf("lint hook %+v", lint)
	}
	if doc := hooks[1]; doc.Entry != "envdoctor doctor" || !doc.AlwaysRun || doc.PassFilenames == nil || *doc.PassFilenames ||
		len(doc.Stages) != 1 || doc.Stages[0] != "manual" {
		t.Errorf("doctor hook %+v", doc)
	}
	// pre-commit matches files with Python's re.search; this pattern means
	// the same in Go's RE2.
	files := regexp.MustCompile(hooks[0].Files)
	for _, name := range []string{
		"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml", "compose.override.yaml",
		"docker-compose.override.yml", "deploy/docker-compose.prod.yml",
		"Dockerfile", "api/Dockerfile", "Dockerfile.dev", "web.Dockerfile", "web.dockerfile", "Containerfile",
		".dockerignore", "api/.dockerignore", "Dockerfile.dockerignore", "api.Dockerfile.dockerignore",
		".env", ".env.local", "config/.env.production", "prod.env",
	} {
		if !files.MatchString(name) {
			t.Errorf("the lint hook does not take %s", name)
		}
	}
	for _, name := range []string{
		".envdoctor.yaml", ".envrc", "README.md", "compose.txt", "environment.yml", "internal/project/dockerfile.go",
		"dockerfile_test.go", "src/env.go", "docker-compose.yml.orig", "mycompose.yaml", "Dockerfile/README.md",
	} {
		if files.MatchString(name) {
			t.Errorf("the lint hook takes %s", name)
		}
	}
}

// TestActionDefinition checks action.yml against its scripts: every input
// it uses is declared, every variable the scripts read is passed, and the
// scripts exist.
func TestActionDefinition(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Name    string
		Inputs  map[string]struct{ Description, Default string }
		Outputs map[string]struct{ Description, Value string }
		Runs    struct {
			Using string
			Steps []struct {
				ID   string
				Uses string
				Run  string
				If   string
				Env  map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatal(err)
	}
	if action.Runs.Using != "composite" {
		t.Errorf("runs.using %q", action.Runs.Using)
	}
	for _, in := range []string{"path", "args", "fail-level", "sarif-file", "fail-on-findings", "annotations", "version"} {
		if _, ok := action.Inputs[in]; !ok {
			t.Errorf("input %s is missing", in)
		}
	}
	for name, in := range action.Inputs {
		if in.Description == "" {
			t.Errorf("input %s has no description", name)
		}
	}
	used := regexp.MustCompile(`inputs\.([a-z-]+)`)
	for _, m := range used.FindAllStringSubmatch(string(data), -1) {
		if _, ok := action.Inputs[m[1]]; !ok {
			t.Errorf("action.yml uses undeclared input %s", m[1])
		}
	}
	steps := map[string]map[string]string{}
	for _, s := range action.Runs.Steps {
		if s.Run == "" {
			continue
		}
		m := regexp.MustCompile(`action/([a-z]+\.sh)`).FindStringSubmatch(s.Run)
		if m == nil {
			t.Errorf("step %s runs %q, not a script of action/", s.ID, s.Run)
			continue
		}
		script, err := os.ReadFile(filepath.Join("..", "..", "action", m[1]))
		if err != nil {
			t.Fatal(err)
		}
		steps[s.ID] = s.Env
		for _, v := range regexp.MustCompile(`\$\{?(INPUT_[A-Z_]+|ENVDOCTOR[A-Z_]*)`).FindAllStringSubmatch(string(script), -1) {
			if _, ok := s.Env[v[1]]; !ok {
				t.Errorf("action/%s reads %s, which step %s does not set", m[1], v[1], s.ID)
			}
		}
		// No input is pasted into a script: they go through env.
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %s interpolates into its script: %q", s.ID, s.Run)
		}
	}
	if steps["install"] == nil || steps["lint"] == nil {
		t.Errorf("steps %v", steps)
	}
	for name, out := range action.Outputs {
		if !strings.Contains(out.Value, "steps.lint.outputs."+name) {
			t.Errorf("output %s = %q", name, out.Value)
		}
	}
}
