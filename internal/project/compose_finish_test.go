package project

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/envdoctor/envdoctor/internal/benchgen"
)

// finishModel must build exactly the project compose-go loads: every
// validation case and every project under testdata is loaded both ways
// (finishModel, and compose-go loading the files again) and the models,
// unset variables and load errors compared.

func TestFinishModelMatchesComposeGo(t *testing.T) {
	for _, c := range validationCases {
		t.Run(c.name, func(t *testing.T) {
			compareModels(t, writeProject(t, c.files), c.opt)
		})
	}
}

func TestFinishModelMatchesComposeGoOnTestdata(t *testing.T) {
	var dirs []string
	for _, pattern := range []string{"rules/*/*", "projects/*"} {
		found, _ := filepath.Glob(filepath.Join("..", "..", "testdata", pattern))
		dirs = append(dirs, found...)
	}
	n := 0
	for _, dir := range dirs {
		if !hasComposeFile(dir) {
			continue
		}
		if compareModels(t, dir, Options{Environ: readEnvLines(t, filepath.Join(dir, "shell.env"))}) {
			n++
		}
	}
	if n < 20 {
		t.Fatalf("only %d projects finished by finishModel", n)
	}
}

func TestFinishModelMatchesComposeGoOnGenerated(t *testing.T) {
	dir := t.TempDir()
	if err := benchgen.Write(dir, 60); err != nil {
		t.Fatal(err)
	}
	if !compareModels(t, dir, Options{}) {
		t.Fatal("finishModel not used on the generated project")
	}
}

// compareModels loads dir both ways, ours with the services split into
// chunks of one (compose_parallel.go) from two services on; it reports
// whether finishModel built the model.
func compareModels(t *testing.T, dir string, opt Options) bool {
	t.Helper()
	split := opt
	split.serviceChunkMin, split.serviceChunkSize = 2, 1
	ours, err := Load(context.Background(), dir, split)
	if err != nil {
		t.Fatal(err)
	}
	ref := opt
	ref.composeGoModel = true
	want, err := Load(context.Background(), dir, ref)
	if err != nil {
		t.Fatal(err)
	}
	a, b := ours.Compose, want.Compose
	if !reflect.DeepEqual(a.Model, b.Model) {
		t.Errorf("%s: finishModel's model differs from compose-go's:\n%#v\n%#v", dir, a.Model, b.Model)
	}
	// When finishModel did not run, both loads are the same code; an
	// extends cycle's error names the cycle from a service picked in Go's
	// map order.
	if a.finished && (!reflect.DeepEqual(a.Unset, b.Unset) || !reflect.DeepEqual(a.LoadErrors, b.LoadErrors)) {
		t.Errorf("%s: unset %v / %v, errors %v / %v", dir, a.Unset, b.Unset, show(a.LoadErrors), show(b.LoadErrors))
	}
	return a.finished
}

// TestFinishModelOnSpecMutations builds the model of the Compose
// Specification's full example (internal/composeschema), and of mutations
// of it, both ways: every attribute the pruned walks leave out
// (compose_prune.go) is in it.
func TestFinishModelOnSpecMutations(t *testing.T) {
	full := specExample(t)
	dir := writeProject(t, map[string]string{"compose.yaml": marshal(t, full), "other.env": "X=1\n"})
	if !compareModels(t, dir, Options{}) {
		t.Fatal("finishModel not used on the full example")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	finished := 0
	for i := range 40 {
		base := cloneAny(full).(map[string]any)
		for range 1 + rng.IntN(2) {
			mutateAny(rng, base)
		}
		dir := writeProject(t, map[string]string{"compose.yaml": marshal(t, base), "other.env": "X=1\n"})
		if compareModels(t, dir, Options{}) {
			finished++
		}
		if t.Failed() {
			t.Logf("mutation %d:\n%s", i, marshal(t, base))
			return
		}
	}
	if finished < 10 {
		t.Errorf("finishModel built only %d of the mutated models", finished)
	}
}
