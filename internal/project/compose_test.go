package project

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// TestUnsetMatchesComposeGo checks, on every CP001 case, that the variables
// envdoctor locates as unset are exactly those compose-go's own substitution
// leaves without a value: CP001 never fires where compose has a value, and
// never misses one compose warns about.
func TestUnsetMatchesComposeGo(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "rules", "CP001", "*"))
	if len(dirs) == 0 {
		t.Fatal("no CP001 cases")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			env := readEnvLines(t, filepath.Join(dir, "shell.env"))
			p, err := Load(context.Background(), dir, Options{Environ: env})
			if err != nil {
				t.Fatal(err)
			}
			c := p.Compose
			if c.Model == nil {
				t.Fatalf("compose-go did not load the project: %v", c.LoadErrors)
			}
			located := map[string]bool{}
			for _, u := range c.Unset {
				located[u.Name] = true
			}
			if got, want := keys(located), keys(c.recorded.names); !equal(got, want) {
				t.Errorf("located unset %v, compose-go left unset %v", got, want)
			}
		})
	}
}

func readEnvLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range scanEnvEntries(NewSource("shell.env", data)) {
		out = append(out, e.Key+"="+e.Value)
	}
	return out
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
