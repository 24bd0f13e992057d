// Command gendockerfile writes the generated benchmark Dockerfile
// (internal/benchgen.Dockerfile) and a compose.yaml building it to a
// directory: go run ./bench/gendockerfile -n 2000 DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/envdoctor/envdoctor/internal/benchgen"
)

func main() {
	n := flag.Int("n", 2000, "number of instructions")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gendockerfile [-n instructions] DIR")
		os.Exit(2)
	}
	if err := os.MkdirAll(flag.Arg(0), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := benchgen.WriteDockerfile(flag.Arg(0), *n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
