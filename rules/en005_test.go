package rules_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

// Markers in the reading table.
const (
	unset    = "<unset>"    // the reader leaves the key unset
	rejected = "<rejected>" // the reader fails on the whole file
)

// envReadings records how each compose generation reads one env file line
// (after "OTHER=other"; NOPE is never set; the shell is empty). It is the
// evidence behind EN005's messages:
//
//   - v2 is compose-go's dotenv parser; TestEnvReadingsV2 checks every row
//     against it.
//   - v1 is docker-compose 1.29.2 (Debian 12's package, python3-dotenv
//     0.21.0), observed on 2026-11-26 with `docker-compose config` on a
//     project whose compose file has `K: '[${K}]'` per key; `$` shown as
//     `$$` in that output is unescaped here. Lines python-dotenv cannot
//     parse print "Python-dotenv could not parse statement starting at line
//     N" and leave the key unset; a bare KEY interpolates as the text "None".
//     TestEnvReadingsV1 repeats the observation when a docker-compose 1.x is
//     on PATH.
//   - legacy is docker-compose 1.25 and older: env_vars_from_file of
//     docker/compose compose/config/environment.py at 04ce00a7 (strip the
//     line, skip "#" lines, split at the first "=", reject a name with
//     whitespace), run as is under python3 on each line on 2026-11-26.
//     Values are never expanded by that reader.
var envReadings = []struct {
	line           string
	v2, v1, legacy string
	fires          bool // EN005 reports the line
}{
	{line: "A=value # c", v2: "value", v1: "value", legacy: "value # c", fires: true},
	{line: "A=value\t# c", v2: "value\t# c", v1: "value", legacy: "value\t# c", fires: true},
	{line: "A=value#c", v2: "value#c", v1: "value#c", legacy: "value#c"},
	{line: "A=http://host/#anchor", v2: "http://host/#anchor", v1: "http://host/#anchor", legacy: "http://host/#anchor"},
	{line: `A="quoted value"`, v2: "quoted value", v1: "quoted value", legacy: `"quoted value"`, fires: true},
	{line: `A="x" # c`, v2: "x", v1: "x", legacy: `"x" # c`, fires: true},
	{line: `A='single'`, v2: "single", v1: "single", legacy: `'single'`, fires: true},
	{line: `A='${OTHER}'`, v2: "${OTHER}", v1: "other", legacy: `'${OTHER}'`, fires: true},
	{line: `A="${OTHER}"`, v2: "other", v1: "other", legacy: `"${OTHER}"`, fires: true},
	{line: `A=${OTHER}`, v2: "other", v1: "other", legacy: "${OTHER}", fires: true},
	{line: `A=$OTHER`, v2: "other", v1: "$OTHER", legacy: "$OTHER", fires: true},
	{line: `A=a$$b`, v2: "a$b", v1: "a$$b", legacy: "a$$b", fires: true},
	{line: `A="a\$b"`, v2: "a$b", v1: `a\$b`, legacy: `"a\$b"`, fires: true},
	{line: `A=${NOPE-dflt}`, v2: "dflt", v1: "", legacy: "${NOPE-dflt}", fires: true},
	{line: `A=${NOPE:-dflt}`, v2: "dflt", v1: "dflt", legacy: "${NOPE:-dflt}", fires: true},
	{line: `A=${OTHER:+alt}`, v2: "alt", v1: "${OTHER:+alt}", legacy: "${OTHER:+alt}", fires: true},
	{line: `A=${OTHER:?err}`, v2: "other", v1: "${OTHER:?err}", legacy: "${OTHER:?err}", fires: true},
	{line: "A = around", v2: "around", v1: "around", legacy: rejected, fires: true},
	{line: "A= lead", v2: "lead", v1: "lead", legacy: " lead", fires: true},
	{line: "export A=1", v2: "1", v1: "1", legacy: rejected, fires: true},
	{line: "A: yamlval", v2: "yamlval", v1: unset, legacy: rejected, fires: true},
	{line: "A", v2: unset, v1: "None", legacy: "None", fires: true},
	{line: "A=\"line1\nline2\"", v2: "line1\nline2", v1: "line1\nline2", legacy: `"line1`, fires: true},
	{line: `A="x" junk`, v2: "x", v1: unset, legacy: `"x" junk`, fires: true},
	{line: `A="it\'s"`, v2: `it\'s`, v1: "it's", legacy: `"it\'s"`, fires: true},
	{line: "A=", v2: "", v1: "", legacy: ""},
	{line: "A=abc   ", v2: "abc", v1: "abc", legacy: "abc"},
	{line: "A=two words", v2: "two words", v1: "two words", legacy: "two words"},
}

// TestEnvReadingsV2 checks the table's v2 column against compose-go, and
// that EN005 fires exactly on the lines some reader reads differently.
func TestEnvReadingsV2(t *testing.T) {
	en005, _ := rules.Lookup(rules.All(), "EN005")
	for _, c := range envReadings {
		t.Run(c.line, func(t *testing.T) {
			if differs := c.v1 != c.v2 || c.legacy != c.v2; differs != c.fires {
				t.Fatalf("table row is inconsistent: readings differ = %v, fires = %v", differs, c.fires)
			}
			data := "OTHER=other\n" + c.line + "\n"
			vals, err := dotenv.ParseWithLookup(strings.NewReader(data), func(string) (string, bool) { return "", false })
			if err != nil {
				t.Fatalf("compose-go: %v", err)
			}
			got, ok := vals["A"]
			if !ok {
				got = unset
			}
			if got != c.v2 {
				t.Errorf("compose-go reads %q, the table says %q", got, c.v2)
			}

			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, ".env"), data)
			writeFile(t, filepath.Join(dir, "compose.yaml"), "services:\n  s:\n    image: alpine:3.20\n    environment:\n      A: ${A:-}\n      O: ${OTHER}\n")
			p, err := project.Load(context.Background(), dir, project.Options{})
			if err != nil {
				t.Fatal(err)
			}
			found := rules.Run(p, []*rules.Rule{en005})
			if fired := len(found) > 0; fired != c.fires {
				t.Errorf("EN005 fired = %v, want %v: %s", fired, c.fires, FormatGolden(found))
			}
		})
	}
}

// TestEnvReadingsV1 repeats the v1 observation when docker-compose 1.x is
// installed (Debian: apt-get install docker-compose). `docker-compose
// config` needs no engine.
func TestEnvReadingsV1(t *testing.T) {
	bin, err := exec.LookPath("docker-compose")
	if err != nil {
		t.Skip("docker-compose (v1) is not installed")
	}
	out, err := exec.Command(bin, "version", "--short").Output()
	if err != nil || !strings.HasPrefix(strings.TrimSpace(string(out)), "1.") {
		t.Skipf("docker-compose is not v1 (%s)", bytes.TrimSpace(out))
	}
	dir := t.TempDir()
	var env, compose strings.Builder
	env.WriteString("OTHER=other\n")
	compose.WriteString("version: '3.7'\nservices:\n  s:\n    image: alpine:3.20\n    environment:\n")
	for i, c := range envReadings {
		key := fmt.Sprintf("K%02d", i)
		env.WriteString(strings.Replace(c.line, "A", key, 1) + "\n")
		fmt.Fprintf(&compose, "      %s: '[${%s}]'\n", key, key)
	}
	writeFile(t, filepath.Join(dir, ".env"), env.String())
	writeFile(t, filepath.Join(dir, "docker-compose.yml"), compose.String())
	cmd := exec.Command(bin, "config")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("docker-compose config: %v\n%s", err, stderr.String())
	}
	var cfg struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(stdout.Bytes(), &cfg); err != nil {
		t.Fatal(err)
	}
	notSet := regexp.MustCompile(`The (K\d\d) variable is not set`)
	missing := map[string]bool{}
	for _, m := range notSet.FindAllStringSubmatch(stderr.String(), -1) {
		missing[m[1]] = true
	}
	for i, c := range envReadings {
		key := fmt.Sprintf("K%02d", i)
		got := strings.ReplaceAll(cfg.Services["s"].Environment[key], "$$", "$")
		got = strings.TrimSuffix(strings.TrimPrefix(got, "["), "]")
		if missing[key] {
			got = unset
		}
		if got != c.v1 {
			t.Errorf("%q: docker-compose v1 reads %q, the table says %q", c.line, got, c.v1)
		}
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
