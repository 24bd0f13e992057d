package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/project"
)

// TestBuildKitParity runs BuildKit's checks over testdata/buildkit/<case>/
// and compares them with buildkit.txt: the warnings BuildKit v0.34.2's own
// dockerfile2llb.DockerfileLint gives for that Dockerfile (captured once
// with a stub image resolver returning images with no ENV; one line per
// warning, "<first line> <rule>: <message>", sorted; SecretsUsedInArgOrEnv
// left out, it is DF013; BUILDERROR lines say where BuildKit's build
// fails). policy.txt lists the warnings envdoctor leaves out on purpose
// (UndefinedVar for a name the base image may set), and a target file sets
// the build target.
func TestBuildKitParity(t *testing.T) {
	base := filepath.Join("..", "testdata", "buildkit")
	cases, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		dir := filepath.Join(base, c.Name())
		t.Run(c.Name(), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			d := project.ParseDockerfile("Dockerfile", project.NewSource("Dockerfile", data))
			if target, err := os.ReadFile(filepath.Join(dir, "target")); err == nil {
				d.Target = strings.TrimSpace(string(target))
			}
			var got []string
			for _, w := range d.Lint {
				start, _ := bkInstructionLines(w.Location)
				got = append(got, fmt.Sprintf("%d %s: %s", start, w.RuleName, w.Message))
			}
			for _, w := range bkDispatch(d, "") {
				start, _ := bkInstructionLines(w.Loc)
				got = append(got, fmt.Sprintf("%d %s: %s", start, w.Rule, w.Message))
			}
			sort.Strings(got)

			policy := map[string]bool{}
			for _, l := range readLines(t, filepath.Join(dir, "policy.txt")) {
				policy[l] = true
			}
			var want []string
			for _, l := range readLines(t, filepath.Join(dir, "buildkit.txt")) {
				if !strings.HasPrefix(l, "BUILDERROR") && !policy[l] {
					want = append(want, l)
				}
			}
			if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
				t.Errorf("envdoctor:\n%s\nBuildKit:\n%s", g, w)
			}
		})
	}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
