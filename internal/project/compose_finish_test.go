package project

import (
	"context"
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

// compareModels loads dir both ways; it reports whether finishModel built
// the model.
func compareModels(t *testing.T, dir string, opt Options) bool {
	t.Helper()
	ours, err := Load(context.Background(), dir, opt)
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
