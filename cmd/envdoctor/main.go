// Command envdoctor lints Docker Compose projects and checks the machine
// they run on. See README.md.
package main

import (
	"os"

	"github.com/envdoctor/envdoctor/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
