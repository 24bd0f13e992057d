// Package cli is envdoctor's command line: subcommands, flags, wiring of
// loader, rules, pipeline and reports, and exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/pflag"

	"github.com/envdoctor/envdoctor/checks"
	"github.com/envdoctor/envdoctor/internal/project"
)

// Exit codes, the same for every format.
const (
	ExitOK       = 0 // nothing at or above --fail-level
	ExitFindings = 1 // findings at or above --fail-level
	ExitError    = 2 // usage, config or internal error
)

// Env is everything the CLI takes from the process, injected so tests run
// the CLI in-process with a fixed environment.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Environ        []string
	Getwd          func() (string, error)
	// IsTerminal reports whether w is a terminal (colors on by default).
	IsTerminal func(w io.Writer) bool
	// Git runs git; nil disables git facts.
	Git project.GitRunner
	// Probes builds the machine the doctor probes (checks.RealEnv in Main,
	// fakes in tests); nil runs no probe.
	Probes func(checks.RealOptions) *checks.Env
	// GOOS is the operating system the output is written for ("" is the
	// one envdoctor runs on).
	GOOS string
}

func (e Env) goos() string {
	if e.GOOS == "" {
		return runtime.GOOS
	}
	return e.GOOS
}

// Main runs envdoctor with the real process environment.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	tuneGC()
	quietLibraries()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return Run(ctx, args, Env{
		Stdin: stdin, Stdout: stdout, Stderr: stderr,
		Environ:    os.Environ(),
		Getwd:      os.Getwd,
		IsTerminal: isTerminal,
		Git:        project.ExecGit,
		Probes:     checks.RealEnv,
	})
}

// tuneGC trades memory for time in this short-lived process: compose-go's
// loader allocates about 0.7 MB per service and most of it is garbage at
// once, so the collector runs a quarter as often (GOGC 400), under a soft
// 160 MiB limit that makes it work harder before memory grows further (the
// hostile-input budget is 200 MB). It cuts a sixth of the CPU time of a
// 500-service lint (docs/performance.md).
// GOGC and GOMEMLIMIT in the environment win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(160 << 20)
	}
}

// quietLibraries points os.Stderr at the null device: envdoctor writes to
// the stderr Main was given, and a library that prints its own diagnostics
// must not garble the report (text/scanner, under BuildKit's shell lexer,
// prints "<input>:1:7: invalid character NUL" for a NUL byte or invalid
// UTF-8 in a Dockerfile word; the findings say what is wrong). A crash
// still reaches the terminal: the runtime writes to file descriptor 2.
func quietLibraries() {
	if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		os.Stderr = null
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// usageError is a command-line mistake: printed with a hint, exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, env Env) (int, error)
}

// flagSet returns a command's flags, for shell completion (the run
// functions build the same flag sets).
func (c command) flagSet() *pflag.FlagSet {
	switch c.name {
	case "doctor", "lint":
		return newLintFlagSet(c.name, &lintFlags{})
	case "rules":
		var markdown bool
		var output string
		return newRulesFlagSet(&markdown, &output)
	case "graph":
		return newGraphFlagSet(&graphFlags{})
	case "init":
		var force bool
		return newInitFlagSet(&force)
	}
	return pflag.NewFlagSet(c.name, pflag.ContinueOnError)
}

func commands() []command {
	return []command{
		{"doctor", "lint the project and check the machine it runs on (the default)", runDoctor},
		{"lint", "lint a project, or the given files (what pre-commit passes)", runLint},
		{"fix", "apply the fixes findings carry (safe ones unless --unsafe; --diff to preview)", runFix},
		{"context", "show what each build context sends, and which .dockerignore line excluded what", runContext},
		{"explain", "print a rule's documentation: why, a bad and a good example, the fix", runExplain},
		{"rules", "list every rule (--markdown for the catalogue)", runRules},
		{"graph", "draw the services, their dependencies, ports, volumes and networks (Mermaid, DOT)", runGraph},
		{"init", "write a commented starter .envdoctor.yaml", runInit},
		{"completion", "print the shell completion script: bash, zsh, fish or powershell", runCompletion},
		{"version", "print the version, commit and Go version", runVersion},
	}
}

// Run parses the subcommand and runs it; it never panics.
func Run(ctx context.Context, args []string, env Env) (code int) {
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(env.Stderr, "envdoctor: internal error: %v (please report it)\n", v)
			code = ExitError
		}
	}()
	name := "doctor"
	rest := args
	if len(args) > 0 {
		switch a := args[0]; {
		case a == "help" || a == "-h" || a == "--help":
			if len(args) > 1 {
				return Run(ctx, []string{args[1], "--help"}, env)
			}
			printMainHelp(env.Stdout)
			return ExitOK
		case a == "--version":
			name, rest = "version", args[1:]
		case !strings.HasPrefix(a, "-") && isCommand(a):
			name, rest = a, args[1:]
		}
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		code, err := c.run(ctx, rest, env)
		if err != nil {
			var ue *usageError
			if errors.As(err, &ue) {
				fmt.Fprintf(env.Stderr, "envdoctor %s: %s\nRun 'envdoctor %s --help' for usage.\n", name, ue.msg, name)
			} else {
				fmt.Fprintf(env.Stderr, "envdoctor: %s\n", redactText(err.Error()))
			}
			return ExitError
		}
		return code
	}
	return ExitError
}

func isCommand(s string) bool {
	for _, c := range commands() {
		if c.name == s {
			return true
		}
	}
	return false
}

func printMainHelp(w io.Writer) {
	fmt.Fprint(w, `envdoctor finds what keeps a Docker Compose project from starting: unset
variables, shadowed .env values, servers bound to 127.0.0.1, committed
secrets, cache-busting Dockerfiles, busy ports and an unreachable engine.

Usage:
  envdoctor [DIR]                 same as 'envdoctor doctor [DIR]'
  envdoctor <command> [flags] [args]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Examples:
  envdoctor                                  check the project in this directory
  envdoctor lint --format sarif -o envdoctor.sarif
  envdoctor lint docker-compose.yml .env     lint these files (pre-commit)
  envdoctor fix --diff                       show what envdoctor fix would change
  envdoctor explain CP001                    why a rule exists and how to fix it
  envdoctor graph                            the stack as a Mermaid flowchart
  envdoctor init                             write a commented .envdoctor.yaml

Run 'envdoctor <command> --help' for a command's flags.
Exit codes: 0 clean, 1 findings at or above --fail-level, 2 usage, config or internal error.
`)
}
