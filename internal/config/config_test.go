package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// testRules stands in for the rule registry: ID -> name.
var testRules = map[string]string{
	"CP001": "unset-variable",
	"CP005": "obsolete-version",
	"DF003": "apt-lists-kept",
	"DF005": "unpinned-base-image",
	"DF016": "apt-no-cache-mount",
	"EN002": "unused-variable",
}

func known(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for id, name := range testRules {
		if strings.ToLower(id) == s || name == s {
			return id, true
		}
	}
	return "", false
}

func sev(s finding.Severity) *finding.Severity { return &s }

func TestGoodFiles(t *testing.T) {
	tests := []struct {
		file string
		want Config
	}{
		{"good-empty.yaml", Config{}},
		{"good-comments.yaml", Config{}},
		{"good-null.yaml", Config{}},
		{"good-anchors.yaml", Config{
			Disable:  []string{"EN002"},
			Severity: map[string]finding.Severity{"CP005": finding.SeverityInfo, "DF005": finding.SeverityInfo},
		}},
		{"good-full.yaml", Config{
			Enable:  []string{"DF016"},
			Disable: []string{"CP001", "CP005", "EN002"},
			Severity: map[string]finding.Severity{
				"DF005": finding.SeverityError,
				"CP005": finding.SeverityInfo,
				"DF003": finding.SeverityWarning,
			},
			Exclude:   []string{"vendor", "**/node_modules/**", "legacy/*.yml", "generated"},
			Baseline:  ".envdoctor-baseline.json",
			FailLevel: sev(finding.SeverityError),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("..", "..", "testdata", "config", tt.file)
			got, err := Load(path, known)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			tt.want.Path = path
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

// TestBadFiles checks every bad-*.yaml case against its "# want:" lines:
// the whole error, one problem per line, in file order.
func TestBadFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "config", "bad-*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad cases: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, line := range strings.Split(string(data), "\n") {
				if w, ok := strings.CutPrefix(line, "# want: "); ok {
					want = append(want, w)
				}
			}
			if len(want) == 0 {
				t.Fatal("case has no # want: lines")
			}
			cfg, err := Parse(".envdoctor.yaml", data, known)
			if err == nil {
				t.Fatalf("no error, got %+v", cfg)
			}
			if cfg != nil {
				t.Errorf("config returned with an error")
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error is %T, want *config.Error", err)
			}
			if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestLoadNoPath(t *testing.T) {
	cfg, err := Load("", known)
	if err != nil || cfg == nil || !reflect.DeepEqual(*cfg, Config{}) {
		t.Fatalf("Load(\"\") = %+v, %v; want an empty config", cfg, err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), known); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want not exist", err)
	}
}

func TestLoadNilKnown(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte("disable: [cp001, ANYTHING]\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"CP001", "ANYTHING"}; !reflect.DeepEqual(cfg.Disable, want) {
		t.Errorf("Disable = %v, want %v", cfg.Disable, want)
	}
}

func TestErrorNamesFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".envdoctor.yaml")
	if err := os.WriteFile(path, []byte("disable:\n  - CP001\n  - CP999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, known)
	if want := path + ":3:5: unknown rule \"CP999\""; err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	if got := Find(dir); got != "" {
		t.Errorf("Find(empty dir) = %q", got)
	}
	yml := filepath.Join(dir, ".envdoctor.yml")
	if err := os.WriteFile(yml, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Find(dir); got != yml {
		t.Errorf("Find = %q, want %q", got, yml)
	}
	yaml := filepath.Join(dir, ".envdoctor.yaml")
	if err := os.WriteFile(yaml, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Find(dir); got != yaml {
		t.Errorf("Find = %q, want %q (.yaml first)", got, yaml)
	}
	// A directory with the name is not a config file.
	dir2 := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir2, ".envdoctor.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := Find(dir2); got != "" {
		t.Errorf("Find(dir with a directory) = %q", got)
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"Dockerfile", "Dockerfile", true},
		{"Dockerfile", "app/Dockerfile", false},
		{"*.yml", "compose.yml", true},
		{"*.yml", "dev/compose.yml", false},
		{"**/*.yml", "compose.yml", true},
		{"**/*.yml", "a/b/compose.yml", true},
		{"**", "anything/at/all", true},
		{"a/**/b", "a/b", true},
		{"a/**/b", "a/x/y/b", true},
		{"a/**/b", "a/x/y/c", false},
		{"a/**", "a/x", true},
		{"a/**", "b/x", false},
		{"**/node_modules/**", "web/node_modules/x/package.json", true},
		{"**/node_modules/**", "node_modules/x", true},
		{"legacy/*.y?ml", "legacy/compose.yaml", true},
		{"[ab]/x", "b/x", true},
		{"[ab]/x", "c/x", false},
		{"a/*/c", "a/b/c", true},
		{"a/*/c", "a/b/b/c", false},
		{"**/**/x", "x", true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.name); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

func TestExcluded(t *testing.T) {
	c := &Config{Exclude: []string{"vendor", "**/testdata", "legacy/*.yml", "./gen/"}}
	tests := []struct {
		file string
		want bool
	}{
		{"vendor", true},
		{"vendor/app/Dockerfile", true},
		{"src/vendor/Dockerfile", false},
		{"testdata/x/.env", true},
		{"a/b/testdata/compose.yaml", true},
		{"legacy/compose.yml", true},
		{"legacy/sub/compose.yml", false},
		{"gen/Dockerfile", true},
		{"compose.yaml", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := c.Excluded(tt.file); got != tt.want {
			t.Errorf("Excluded(%q) = %v, want %v", tt.file, got, tt.want)
		}
	}
	var nilCfg *Config
	if nilCfg.Excluded("vendor/x") {
		t.Error("a nil config excluded a file")
	}
}

func TestNormalizePattern(t *testing.T) {
	good := map[string]string{"./a/b/": "a/b", "**/x": "**/x", " a ": "a", "a/**": "a/**"}
	for in, want := range good {
		if got, err := NormalizePattern(in); err != nil || got != want {
			t.Errorf("NormalizePattern(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "./", "/etc", "a/[", `a\`} {
		if got, err := NormalizePattern(bad); err == nil {
			t.Errorf("NormalizePattern(%q) = %q, want an error", bad, got)
		}
	}
}

func TestSuggest(t *testing.T) {
	for in, want := range map[string]string{
		"disabel": "disable", "enabled": "enable", "Exclude": "exclude", "faillevel": "fail-level",
		"excludes": "exclude", "sevrity": "severity", "colour": "", "x": "",
	} {
		if got := suggest(in, knownKeys); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrorsSortedAndAllReported(t *testing.T) {
	_, err := Parse("c.yaml", []byte("severity: {CP999: info}\nbogus: 1\nenable: [XX1]\n"), known)
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v", err)
	}
	var lines []int
	for _, p := range ce.Problems {
		lines = append(lines, p.Line)
	}
	if !sort.IntsAreSorted(lines) || len(lines) != 3 {
		t.Errorf("problem lines %v, want 3 sorted", lines)
	}
}
