package cli

import (
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/benchgen"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// BenchmarkLintDockerfile2000 lints a generated Dockerfile of 2,000
// instructions (internal/benchgen.Dockerfile; issue 4's benchmark) built
// by a one-service compose file: load, every rule, the text report.
// bench/dockerfile.sh times the same file against dockerfilelint.
func BenchmarkLintDockerfile2000(b *testing.B) {
	dir := b.TempDir()
	if err := benchgen.WriteDockerfile(dir, 2000); err != nil {
		b.Fatal(err)
	}
	benchLintDir(b, dir)
}

func TestGeneratedDockerfileHasNInstructions(t *testing.T) {
	res, err := parser.Parse(strings.NewReader(benchgen.Dockerfile(2000)))
	if err != nil {
		t.Fatal(err)
	}
	// About 2,000: the generator finishes the group of instructions it is
	// in (never more than a group of about a dozen over).
	if n := len(res.AST.Children); n < 2000 || n > 2020 {
		t.Fatalf("%d instructions", n)
	}
}
