package project_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/sirupsen/logrus"

	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

// interpolationCase is one compose interpolation situation: the value of
// services.s.environment.V is expr, interpolated with the shell
// environment, the project's .env and --env-file files.
type interpolationCase struct {
	name     string
	expr     string
	shell    []string
	osEnv    map[string]string // set in the process too (compose reads COMPOSE_DISABLE_ENV_FILE there)
	dotenv   *string           // nil: no .env file
	envFiles [][2]string       // --env-file name and content, in order
	files    map[string]string // other files of the project
	compose  string            // the compose file, when not the default one around expr
	// want is what docker compose substitutes (checked against compose-go
	// loaded the way docker compose loads it); wantUnset are the variables
	// compose warns about (and CP001 reports); required means compose
	// refuses to start.
	want      string
	wantUnset []string
	required  bool
}

func str(s string) *string { return &s }

var interpolationCases = []interpolationCase{
	{name: "dollar-name", expr: "$VAR", dotenv: str("VAR=a\n"), want: "a"},
	{name: "braced", expr: "${VAR}", dotenv: str("VAR=a\n"), want: "a"},
	{name: "braced-unset", expr: "${VAR}", want: "", wantUnset: []string{"VAR"}},
	{name: "braced-in-text", expr: "pre-${VAR}-post", dotenv: str("VAR=a\n"), want: "pre-a-post"},
	{name: "colon-default-unset", expr: "${VAR:-d}", want: "d"},
	{name: "colon-default-empty", expr: "${VAR:-d}", dotenv: str("VAR=\n"), want: "d"},
	{name: "colon-default-set", expr: "${VAR:-d}", dotenv: str("VAR=a\n"), want: "a"},
	{name: "dash-default-empty", expr: "${VAR-d}", dotenv: str("VAR=\n"), want: ""},
	{name: "dash-default-unset", expr: "${VAR-d}", want: "d"},
	{name: "empty-default", expr: "${VAR:-}", want: ""},
	{name: "colon-required-set", expr: "${VAR:?need it}", dotenv: str("VAR=a\n"), want: "a"},
	{name: "colon-required-empty", expr: "${VAR:?need it}", dotenv: str("VAR=\n"), wantUnset: []string{"VAR"}, required: true},
	{name: "colon-required-unset", expr: "${VAR:?need it}", wantUnset: []string{"VAR"}, required: true},
	{name: "question-required-empty", expr: "${VAR?need it}", dotenv: str("VAR=\n"), want: ""},
	{name: "question-required-unset", expr: "${VAR?need it}", wantUnset: []string{"VAR"}, required: true},
	{name: "colon-alt-set", expr: "${VAR:+x}", dotenv: str("VAR=a\n"), want: "x"},
	{name: "colon-alt-empty", expr: "${VAR:+x}", dotenv: str("VAR=\n"), want: ""},
	{name: "colon-alt-unset", expr: "${VAR:+x}", want: ""},
	{name: "plus-alt-empty", expr: "${VAR+x}", dotenv: str("VAR=\n"), want: "x"},
	{name: "plus-alt-unset", expr: "${VAR+x}", want: ""},
	{name: "escapes", expr: "$$VAR and $${VAR}", want: "$VAR and ${VAR}"},
	{name: "escaped-default", expr: "${VAR:-$$x}", want: "$x"},
	{name: "nested-default-used", expr: "${A:-${B}}", dotenv: str("B=b\n"), want: "b"},
	{name: "nested-default-unused", expr: "${A:-${B}}", dotenv: str("A=a\n"), want: "a"},
	{name: "nested-both-unset", expr: "${A:-${B}}", want: "", wantUnset: []string{"B"}},
	{name: "nested-deep", expr: "${A:-${B:-c}}", want: "c"},
	{name: "nested-required", expr: "${A:-${B:?need B}}", wantUnset: []string{"B"}, required: true},
	{name: "two-refs", expr: "${A}:${B}", dotenv: str("A=a\n"), want: "a:", wantUnset: []string{"B"}},
	{name: "case-sensitive", expr: "${var}", dotenv: str("VAR=a\n"), want: "", wantUnset: []string{"var"}},
	{name: "shell-wins", expr: "${VAR}", shell: []string{"VAR=s"}, dotenv: str("VAR=e\n"), want: "s"},
	{name: "shell-empty-wins", expr: "${VAR:-d}", shell: []string{"VAR="}, dotenv: str("VAR=e\n"), want: "d"},
	{name: "shell-empty-is-set", expr: "${VAR}", shell: []string{"VAR="}, dotenv: str("VAR=e\n"), want: ""},
	{name: "shell-only", expr: "${VAR}", shell: []string{"VAR=s"}, want: "s"},
	{name: "dotenv-empty-is-set", expr: "${VAR}", dotenv: str("VAR=\n"), want: ""},
	{name: "dotenv-bare-key-from-shell", expr: "${VAR}", shell: []string{"VAR=s"}, dotenv: str("VAR\n"), want: "s"},
	{name: "dotenv-bare-key-unset", expr: "${VAR}", dotenv: str("VAR\n"), want: "", wantUnset: []string{"VAR"}},
	{name: "dotenv-refers-shell", expr: "${VAR}", shell: []string{"A=s"}, dotenv: str("VAR=${A}-x\n"), want: "s-x"},
	{name: "dotenv-refers-earlier-key", expr: "${VAR}", dotenv: str("A=1\nVAR=${A}2\n"), want: "12"},
	{name: "dotenv-shell-overrides-referenced", expr: "${VAR}", shell: []string{"A=s"}, dotenv: str("A=1\nVAR=${A}2\n"), want: "s2"},
	{name: "dotenv-single-quoted", expr: "${VAR}", dotenv: str("VAR='${A}'\n"), want: "${A}"},
	{name: "dotenv-default", expr: "${VAR}", dotenv: str("VAR=${NOPE:-dflt}\n"), want: "dflt"},
	{name: "dotenv-later-line-wins", expr: "${VAR}", dotenv: str("VAR=1\nVAR=2\n"), want: "2"},
	{name: "dotenv-export-and-comment", expr: "${VAR}", dotenv: str("export VAR=a # comment\n"), want: "a"},
	{name: "env-file-later-wins", expr: "${VAR}", envFiles: [][2]string{{"a.env", "VAR=a\n"}, {"b.env", "VAR=b\n"}}, want: "b"},
	{name: "env-file-replaces-dotenv", expr: "${VAR}", dotenv: str("VAR=dot\n"), envFiles: [][2]string{{"a.env", "OTHER=1\n"}}, want: "", wantUnset: []string{"VAR"}},
	{name: "env-file-refers-earlier-file", expr: "${VAR}", envFiles: [][2]string{{"a.env", "A=1\n"}, {"b.env", "VAR=${A}2\n"}}, want: "12"},
	{name: "env-file-shell-wins", expr: "${VAR}", shell: []string{"VAR=s"}, envFiles: [][2]string{{"a.env", "VAR=a\n"}}, want: "s"},
	{name: "compose-project-name-from-dotenv", expr: "${COMPOSE_PROJECT_NAME}", dotenv: str("COMPOSE_PROJECT_NAME=fromdotenv\n"), want: "fromdotenv"},
	{name: "compose-disable-env-file", expr: "${VAR}", shell: []string{"COMPOSE_DISABLE_ENV_FILE=1"}, osEnv: map[string]string{"COMPOSE_DISABLE_ENV_FILE": "1"}, dotenv: str("VAR=a\n"), want: "", wantUnset: []string{"VAR"}},
	{
		name: "compose-file-from-dotenv", expr: "${VAR}", dotenv: str("COMPOSE_FILE=other.yaml\nVAR=a\n"),
		files:   map[string]string{"other.yaml": "services:\n  s:\n    image: alpine:3.20\n    environment:\n      V: 'other ${VAR}'\n"},
		compose: "services:\n  s:\n    image: alpine:3.20\n    environment:\n      V: 'default ${VAR}'\n",
		want:    "other a",
	},
	{
		name: "compose-file-and-separator-from-dotenv", expr: "${VAR}", dotenv: str("COMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=one.yaml;two.yaml\nVAR=a\n"),
		files: map[string]string{
			"one.yaml": "services:\n  s:\n    image: alpine:3.20\n    environment:\n      V: 'one ${VAR}'\n",
			"two.yaml": "services:\n  s:\n    environment:\n      V: 'two ${VAR}'\n",
		},
		compose: "services:\n  s:\n    image: alpine:3.20\n    environment:\n      V: 'default'\n",
		want:    "two a",
	},
	{name: "greedy-name", expr: "$VARx and ${VAR}x", dotenv: str("VAR=a\nVARx=b\n"), want: "b and ax"},
	{name: "required-empty-message", expr: "${VAR:?}", wantUnset: []string{"VAR"}, required: true},
	{name: "default-of-default-escape", expr: "${A:-${B:-$$}}", want: "$"},
	{
		name: "include-parent-env-wins", expr: "${VAR}", dotenv: str("VAR=root\n"),
		compose: "include:\n  - sub/compose.yaml\n",
		files: map[string]string{
			"sub/compose.yaml": "services:\n  s:\n    image: alpine:3.20\n    environment:\n      V: '${VAR} ${ONLY_SUB}'\n",
			"sub/.env":         "VAR=sub\nONLY_SUB=x\n",
		},
		want: "root x",
	},
	{
		name: "include-unset", expr: "${VAR}",
		compose: "include:\n  - sub/compose.yaml\n",
		files: map[string]string{
			"sub/compose.yaml": "services:\n  s:\n    image: alpine:3.20\n    environment:\n      V: '${NOWHERE:-d} ${MISSING}'\n",
		},
		want: "d ", wantUnset: []string{"MISSING"},
	},
	{
		name: "compose-profiles-from-dotenv", expr: "${VAR}", dotenv: str("COMPOSE_PROFILES=dev\nVAR=a\n"),
		compose: "services:\n  s:\n    image: alpine:3.20\n    profiles: [dev]\n    environment:\n      V: '${VAR}'\n",
		want:    "a",
	},
}

// TestInterpolationMatchesCompose loads each case with envdoctor and with
// compose-go the way docker compose does (cmd/compose toProjectOptions:
// shell environment, --env-file or .env, COMPOSE_FILE, default files, the
// env files again from the project directory, COMPOSE_PROFILES), and checks
// that what the rules see (Compose.Environment, Unset, the model) is what
// compose uses, and that CP001 reports exactly the variables compose leaves
// without a value.
func TestInterpolationMatchesCompose(t *testing.T) {
	cp001, ok := rules.Lookup(rules.All(), "CP001")
	if !ok {
		t.Fatal("no CP001")
	}
	// compose-go also logs while reading env files; keep the test output
	// clean (the warnings that matter are collected by a hook).
	std := logrus.StandardLogger()
	prevOut := std.Out
	std.SetOutput(discard{})
	t.Cleanup(func() { std.SetOutput(prevOut) })
	for _, c := range interpolationCases {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.osEnv {
				t.Setenv(k, v)
			}
			dir := t.TempDir()
			// docker compose resolves --env-file and COMPOSE_FILE paths from
			// the directory it runs in.
			t.Chdir(dir)
			compose := c.compose
			if compose == "" {
				compose = "services:\n  s:\n    image: alpine:3.20\n    environment:\n      V: '" + c.expr + "'\n"
			}
			write(t, filepath.Join(dir, "compose.yaml"), compose)
			if c.dotenv != nil {
				write(t, filepath.Join(dir, ".env"), *c.dotenv)
			}
			var envFiles []string
			for _, ef := range c.envFiles {
				write(t, filepath.Join(dir, ef[0]), ef[1])
				envFiles = append(envFiles, ef[0])
			}
			for name, data := range c.files {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
					t.Fatal(err)
				}
				write(t, filepath.Join(dir, name), data)
			}

			// docker compose, through compose-go.
			composeValue, composeName, warned, composeErr := loadLikeDockerCompose(t, dir, c.shell, envFiles)
			if c.required {
				if composeErr == nil || !strings.Contains(composeErr.Error(), "required variable") {
					t.Fatalf("compose: want a required-variable error, got %v", composeErr)
				}
			} else {
				if composeErr != nil {
					t.Fatalf("compose: %v", composeErr)
				}
				if composeValue != c.want {
					t.Errorf("compose substitutes %q, the case says %q", composeValue, c.want)
				}
				if !equal(warned, c.wantUnset) {
					t.Errorf("compose warns about %v, the case says %v", warned, c.wantUnset)
				}
			}

			// envdoctor.
			p, err := project.Load(context.Background(), dir, project.Options{Environ: c.shell, EnvFiles: envFiles, WorkingDir: dir})
			if err != nil {
				t.Fatalf("envdoctor: %v", err)
			}
			if p.Compose == nil || p.Compose.Model == nil {
				t.Fatalf("envdoctor: no model (%+v)", p.Compose)
			}
			var unset []string
			for _, u := range p.Compose.Unset {
				unset = append(unset, u.Name)
				if u.Required != (c.required && contains(c.wantUnset, u.Name)) {
					t.Errorf("envdoctor: %s required = %v", u.Name, u.Required)
				}
			}
			if !equal(unset, c.wantUnset) {
				t.Errorf("envdoctor: unset %v, compose %v", unset, c.wantUnset)
			}
			if !c.required {
				svc, ok := p.Compose.Model.Services["s"]
				if !ok {
					t.Fatalf("envdoctor: service s is not active")
				}
				if v := svc.Environment["V"]; v == nil || *v != c.want {
					t.Errorf("envdoctor's model has V = %v, compose %q", deref(v), c.want)
				}
				// What the rules see: the expression resolved with
				// Compose.Environment.
				expr := c.expr
				if c.compose != "" || c.files != nil {
					expr = exprOf(t, composeValueSource(c))
				}
				env := p.Compose.Environment
				for _, cf := range p.Compose.Files {
					if cf.Included && cf.Env != nil {
						env = cf.Env // an included file's own environment
					}
				}
				got, err := template.SubstituteWithOptions(expr, func(k string) (string, bool) {
					v, ok := env[k]
					return v, ok
				}, template.WithoutLogging)
				if err != nil || got != c.want {
					t.Errorf("Compose.Environment resolves %q to %q (%v), compose %q", expr, got, err, c.want)
				}
				if p.Name != composeName {
					t.Errorf("envdoctor's project name %q, compose %q", p.Name, composeName)
				}
			}

			// CP001 never fires where compose has a value.
			for _, f := range rules.Run(p, []*rules.Rule{cp001}) {
				name := quotedName.FindStringSubmatch(f.Message)
				if name == nil || !contains(c.wantUnset, name[1]) {
					t.Errorf("CP001 fires where compose has a value: %s", f.Message)
				}
			}
		})
	}
}

var quotedName = regexp.MustCompile(`variable "([^"]+)"`)

// composeValueSource is the compose file that defines V last, for the cases
// with their own files.
func composeValueSource(c interpolationCase) string {
	switch {
	case c.files["sub/compose.yaml"] != "":
		return c.files["sub/compose.yaml"]
	case c.files["two.yaml"] != "":
		return c.files["two.yaml"]
	case c.files["other.yaml"] != "":
		return c.files["other.yaml"]
	}
	return c.compose
}

var valueLine = regexp.MustCompile(`(?m)^\s+V: '(.*)'$`)

func exprOf(t *testing.T, compose string) string {
	m := valueLine.FindStringSubmatch(compose)
	if m == nil {
		t.Fatalf("no V in %q", compose)
	}
	return m[1]
}

// loadLikeDockerCompose loads the project the way docker compose v2 does
// (cmd/compose/compose.go toProjectOptions), with shell as the only
// process environment, and returns V, the project name, the variables
// compose warned were not set, and the load error.
func loadLikeDockerCompose(t *testing.T, dir string, shell, envFiles []string) (value, name string, warned []string, err error) {
	t.Helper()
	opts := []cli.ProjectOptionsFn{
		cli.WithWorkingDirectory(dir),
		cli.WithEnv(shell),
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithConfigFileEnv,
		cli.WithDefaultConfigPath,
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithDefaultProfiles(),
	}
	po, err := cli.NewProjectOptions(nil, opts...)
	if err != nil {
		return "", "", nil, err
	}
	if n := po.Environment["COMPOSE_PROJECT_NAME"]; n != "" {
		if err := cli.WithName(n)(po); err != nil {
			return "", "", nil, err
		}
	}
	hook := &warnHook{}
	std := logrus.StandardLogger()
	prevHooks := std.ReplaceHooks(logrus.LevelHooks{})
	std.AddHook(hook)
	p, err := po.LoadProject(context.Background())
	std.ReplaceHooks(prevHooks)
	if err != nil {
		return "", "", hook.names(), err
	}
	svc, ok := p.Services["s"]
	if !ok {
		return "", p.Name, hook.names(), os.ErrNotExist
	}
	return deref(svc.Environment["V"]), p.Name, hook.names(), nil
}

type warnHook struct{ vars map[string]bool }

var notSet = regexp.MustCompile(`^The "([^"]+)" variable is not set`)

func (h *warnHook) Levels() []logrus.Level { return []logrus.Level{logrus.WarnLevel} }
func (h *warnHook) Fire(e *logrus.Entry) error {
	if m := notSet.FindStringSubmatch(e.Message); m != nil {
		if h.vars == nil {
			h.vars = map[string]bool{}
		}
		h.vars[m[1]] = true
	}
	return nil
}
func (h *warnHook) names() []string {
	var out []string
	for n := range h.vars {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func equal(a, b []string) bool {
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	return strings.Join(a, "\x00") == strings.Join(b, "\x00")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
