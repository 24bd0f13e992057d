package rules

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/project"
)

// TestParallelRunIsSequentialRun runs every rule over every project under
// testdata one after the other, then on four goroutines sharing the
// project's derived facts: the findings must be the same, in the same
// order. Under the race detector it checks that rules only read the
// project.
func TestParallelRunIsSequentialRun(t *testing.T) {
	var dirs []string
	for _, pattern := range []string{"rules/*/*", "projects/*"} {
		found, _ := filepath.Glob(filepath.Join("..", "testdata", pattern))
		dirs = append(dirs, found...)
	}
	all := All()
	n := 0
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		opt := project.Options{Environ: shellEnv(t, dir)}
		seq, err := project.Load(context.Background(), dir, opt)
		if err != nil {
			continue // a case about a project that does not load
		}
		par, err := project.Load(context.Background(), dir, opt)
		if err != nil {
			t.Fatal(err)
		}
		want := runWith(seq, all, 1)
		got := runWith(par, all, 4)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: parallel run differs:\n%v\nsequential:\n%v", dir, got, want)
		}
		n++
	}
	if n < 100 {
		t.Fatalf("only %d projects", n)
	}
}

func shellEnv(t *testing.T, dir string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "shell.env"))
	if err != nil {
		return nil
	}
	var env []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			env = append(env, l)
		}
	}
	return env
}
