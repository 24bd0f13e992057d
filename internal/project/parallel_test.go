package project

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// writeManyBuilds writes a project of n built services that exercises
// every loader step that runs in parallel: shared and missing
// Dockerfiles, both kinds of ignore file, an unreadable one, application
// files, manifests, entrypoint scripts and bind mounts.
func writeManyBuilds(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("shared/Dockerfile", "FROM alpine:3.20\nCOPY entry.sh /entry.sh\nENTRYPOINT [\"/entry.sh\"]\n")
	write("shared/entry.sh", "#!/bin/sh\nexec \"$@\"\n")
	var compose strings.Builder
	compose.WriteString("services:\n")
	for i := range n {
		name := fmt.Sprintf("s%02d", i)
		ctx := "./" + name
		fmt.Fprintf(&compose, "  %s:\n    build:\n", name)
		switch {
		case i%5 == 0:
			fmt.Fprintf(&compose, "      context: ./shared\n")
		case i%11 == 0:
			fmt.Fprintf(&compose, "      context: %s\n      dockerfile_inline: |\n        FROM alpine:3.20\n        CMD [\"./run.sh\"]\n", ctx)
		default:
			fmt.Fprintf(&compose, "      context: %s\n", ctx)
		}
		if i%4 == 0 {
			fmt.Fprintf(&compose, "      args:\n        V: \"%d\"\n      target: app\n", i)
		}
		fmt.Fprintf(&compose, "    volumes:\n      - %s/src:/app/src\n", ctx)
		if i%3 == 0 {
			fmt.Fprintf(&compose, "    entrypoint: [\"./start.sh\"]\n")
		}
		if i%7 != 0 { // else: no Dockerfile
			write(name+"/Dockerfile", fmt.Sprintf("FROM python:3.12 AS app\nWORKDIR /app\nARG V\nCOPY start.sh requirements.txt ./\nCMD [\"python\", \"-m\", \"app%d\"]\n", i))
		}
		write(name+"/start.sh", "#!/bin/sh\nexec \"$@\"\n")
		write(name+"/src/app.py", "print(1)\n")
		write(name+"/requirements.txt", "flask\n")
		if i%6 == 0 {
			write(name+"/requirements/dev.txt", "pytest\n")
		}
		switch i % 4 {
		case 0:
			write(name+"/.dockerignore", "*.pyc\n")
		case 1:
			write(name+"/Dockerfile.dockerignore", "!keep\n")
		case 2:
			if err := os.MkdirAll(filepath.Join(dir, name, ".dockerignore"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if i%2 == 0 {
			write(name+"/manage.py", "import django\n")
			write(name+"/src/package.json", "{}\n")
		}
	}
	write("compose.yaml", compose.String())
	return dir
}

// loadedFacts is what the parallel loader steps record, in order.
func loadedFacts(p *Project) string {
	var b strings.Builder
	for _, d := range p.Dockerfiles {
		fmt.Fprintf(&b, "dockerfile %s inline=%v services=%v target=%q args=%d stages=%d ctx=%s err=%v\n",
			d.Path, d.Inline, d.Services, d.Target, len(d.BuildArgs), len(d.Stages), d.Context.Dir, d.ParseError)
	}
	for _, c := range p.Contexts {
		df := ""
		if c.Dockerfile != nil {
			df = c.Dockerfile.Path
		}
		fmt.Fprintf(&b, "context %s %s df=%s ignore=%s ignoreErr=%v manifests=%v indexed=%v\n",
			c.Service, c.Dir, df, c.Dockerignore, c.DockerignoreError, c.Manifests, c.index != nil)
		if c.index != nil && c.index.ignore != nil {
			fmt.Fprintf(&b, "  patterns %d\n", len(c.index.ignore.Patterns))
		}
	}
	var sources []string
	for k, s := range p.Sources {
		sources = append(sources, fmt.Sprintf("%s:%d", k, len(s.Data)))
	}
	sort.Strings(sources)
	fmt.Fprintf(&b, "sources %v\nunread %v\n", sources, p.Unread)
	fmt.Fprintf(&b, "appdirs %v\napp %v\nscripts %v\n", p.AppFiles.Dirs, p.AppFiles.files, p.ContainerScripts.files)
	fmt.Fprintf(&b, "paths %v\n", p.Compose.Paths)
	return b.String()
}

// TestParallelLoadIsDeterministic loads a project large enough for the
// loader to work in parallel, with one CPU and with several: the model
// must be the same (run with -race, it also checks the steps share
// nothing they write).
func TestParallelLoadIsDeterministic(t *testing.T) {
	dir := writeManyBuilds(t, 2*parallelMin)
	load := func(procs int) string {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		p, err := Load(context.Background(), dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Git.Close()
		return loadedFacts(p)
	}
	one := load(1)
	for _, want := range []string{"dockerfile shared/Dockerfile inline=false services=[s00 s05 s10", "inline=true", "cannot read Dockerfile", "ignore=s01/Dockerfile.dockerignore",
		"cannot read s02/.dockerignore: is a directory", "requirements/dev.txt", "s02/manage.py", "s02/src/package.json", "s03/start.sh", "shared/entry.sh"} {
		if !strings.Contains(one, want) {
			t.Errorf("sequential load lacks %q:\n%s", want, one)
		}
	}
	for range 3 {
		if many := load(max(4, runtime.NumCPU())); many != one {
			t.Fatalf("parallel load differs from the sequential one:\n--- sequential\n%s\n--- parallel\n%s", one, many)
		}
	}
}

func TestForEachRaisesPanicOnCaller(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	defer func() {
		if v := recover(); v != "item 40" {
			t.Fatalf("recovered %v, want the worker's panic", v)
		}
	}()
	forEach(100, func(i int) {
		if i == 40 {
			panic("item 40")
		}
	})
}
