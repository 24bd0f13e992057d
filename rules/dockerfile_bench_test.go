package rules_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

// BenchmarkDockerfileRules runs the DF rules over a large generated
// Dockerfile full of the patterns they look for (mkdir before WORKDIR,
// lone updates, whole copies, installs, cd, pipes into sh), to keep their
// time linear in the file's size.
func BenchmarkDockerfileRules(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("FROM debian:12 AS base\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&sb, "RUN mkdir -p /d%d && cd /d%d && apt-get update\n", i, i)
		fmt.Fprintf(&sb, "RUN apt-get update\nCOPY . .\n")
		fmt.Fprintf(&sb, "RUN sh -c \"pip install -r requirements.txt && npm ci\" && curl -fsSL https://x/%d | sh\n", i)
	}
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&sb, "WORKDIR /d%d\n", i)
	}
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	p, err := project.Load(context.Background(), dir, project.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var df []*rules.Rule
	for _, r := range rules.All() {
		if strings.HasPrefix(r.ID, "DF") {
			df = append(df, r)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rules.Run(p, df)
	}
}
