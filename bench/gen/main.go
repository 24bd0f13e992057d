// Command gen writes the generated benchmark project (internal/benchgen) to
// a directory: go run ./bench/gen -n 500 DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/envdoctor/envdoctor/internal/benchgen"
)

func main() {
	n := flag.Int("n", 500, "number of services")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gen [-n services] DIR")
		os.Exit(2)
	}
	if err := os.MkdirAll(flag.Arg(0), 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := benchgen.Write(flag.Arg(0), *n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
