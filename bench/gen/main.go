// Command gen writes the generated benchmark project (internal/benchgen) to
// a directory: go run ./bench/gen -n 500 DIR. With -dockerfile N it writes
// instead a build context whose Dockerfile has N instructions
// (benchgen.WriteDockerfile): go run ./bench/gen -dockerfile 2000 DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/envdoctor/envdoctor/internal/benchgen"
)

func main() {
	n := flag.Int("n", 500, "number of services")
	dockerfile := flag.Int("dockerfile", 0, "write a Dockerfile of this many instructions instead of a compose project")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gen [-n services | -dockerfile instructions] DIR")
		os.Exit(2)
	}
	if err := os.MkdirAll(flag.Arg(0), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	write := func(dir string) error { return benchgen.Write(dir, *n) }
	if *dockerfile > 0 {
		write = func(dir string) error { return benchgen.WriteDockerfile(dir, *dockerfile) }
	}
	if err := write(flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
