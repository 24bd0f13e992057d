package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/pflag"

	"github.com/envdoctor/envdoctor/checks"
	"github.com/envdoctor/envdoctor/rules"
)

func lintHelp(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprint(w, `Lint a Docker Compose project: its compose files, .env files and Dockerfiles.
Never touches the network or the Docker engine.

Usage:
  envdoctor lint [flags] [DIR | FILE...]

With no argument, lints the project in the current directory. With files
(what pre-commit passes), lints the project each file belongs to and reports
the findings located in those files, and cross-file findings anchored in them;
a file in no project (no compose file, no Dockerfile) is skipped.

A baseline (--write-baseline, then --baseline or the config's baseline:)
hides the findings a project accepts for now; they are matched by content,
not by line, and -v lists the ones that are fixed.

Examples:
  envdoctor lint
  envdoctor lint -f compose.yaml -f compose.prod.yaml --env-file prod.env
  envdoctor lint --format sarif -o envdoctor.sarif --exit-zero
  envdoctor lint --disable CP005 --fail-level error
  envdoctor lint docker-compose.yml Dockerfile .env
  envdoctor lint --format codeclimate -o gl-code-quality-report.json
  envdoctor lint --write-baseline .envdoctor-baseline.json
  envdoctor lint --baseline .envdoctor-baseline.json -v

Flags:
`)
	fmt.Fprint(w, fs.FlagUsages())
	fmt.Fprint(w, "\nExit codes: 0 clean, 1 findings at or above --fail-level, 2 usage, config or internal error.\n")
}

func doctorHelp(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprint(w, `Check a project and the machine it runs on, before 'docker compose up'.

Usage:
  envdoctor [flags] [DIR]
  envdoctor doctor [flags] [DIR]

The doctor probes the Docker engine the docker CLI would use (--host, DOCKER_HOST,
--context, DOCKER_CONTEXT, the current context), then lints the project.
Probes run in parallel, each with its own deadline; --timeout bounds them all.

Examples:
  envdoctor
  envdoctor ./my-project
  envdoctor --env-file .env.local

Flags:
`)
	fmt.Fprint(w, fs.FlagUsages())
}

func runExplain(_ context.Context, args []string, env Env) (int, error) {
	fs := pflag.NewFlagSet("explain", pflag.ContinueOnError)
	if done, err := parseFlags(fs, args, env, func(w io.Writer, fs *pflag.FlagSet) {
		fmt.Fprint(w, `Print a rule's documentation: why it matters, a bad and a good example, the fix.

Usage:
  envdoctor explain ID|NAME

Examples:
  envdoctor explain CP001
  envdoctor explain unset-variable
`)
	}); done || err != nil {
		return ExitOK, err
	}
	if fs.NArg() != 1 {
		return ExitError, usagef("give one rule ID or name, e.g. 'envdoctor explain CP001'")
	}
	all := rules.All()
	if c, ok := checks.Lookup(checks.All(), fs.Arg(0)); ok {
		fmt.Fprint(env.Stdout, checks.Doc(c.ID))
		return ExitOK, nil
	}
	r, ok := rules.Lookup(all, fs.Arg(0))
	if !ok {
		return ExitError, usagef("unknown rule %q%s", fs.Arg(0), suggestRule(all, fs.Arg(0)))
	}
	fmt.Fprint(env.Stdout, rules.Doc(r.ID))
	return ExitOK, nil
}

func suggestRule(all []*rules.Rule, s string) string {
	s = strings.ToLower(s)
	for _, r := range all {
		if strings.Contains(strings.ToLower(r.Name), s) || strings.HasPrefix(strings.ToLower(r.ID), s) {
			return fmt.Sprintf(" (did you mean %s %s?)", r.ID, r.Name)
		}
	}
	return "; 'envdoctor rules' lists them"
}

func runRules(_ context.Context, args []string, env Env) (int, error) {
	var markdown bool
	var output string
	fs := newRulesFlagSet(&markdown, &output)
	if done, err := parseFlags(fs, args, env, func(w io.Writer, fs *pflag.FlagSet) {
		fmt.Fprint(w, `List every rule with its ID, name, default severity and title.

Usage:
  envdoctor rules [--markdown] [-o FILE]

Examples:
  envdoctor rules
  envdoctor rules --markdown -o docs/rules.md

Flags:
`)
		fmt.Fprint(w, fs.FlagUsages())
	}); done || err != nil {
		return ExitOK, err
	}
	if fs.NArg() > 0 {
		return ExitError, usagef("rules takes no argument")
	}
	var b strings.Builder
	if markdown {
		b.WriteString(RulesMarkdown(rules.All(), checks.All()))
	} else {
		for _, r := range rules.All() {
			fmt.Fprintf(&b, "%-6s %-31s %-8s %s\n", r.ID, r.Name, r.Severity, r.Title)
		}
		for _, c := range checks.All() {
			fmt.Fprintf(&b, "%-6s %-31s %-8s %s (doctor probe)\n", c.ID, c.Name, c.Severity, c.Title)
		}
	}
	if output != "" {
		if err := os.WriteFile(output, []byte(b.String()), 0o644); err != nil {
			return ExitError, fmt.Errorf("cannot write %s: %w", output, err)
		}
		return ExitOK, nil
	}
	fmt.Fprint(env.Stdout, b.String())
	return ExitOK, nil
}

func newRulesFlagSet(markdown *bool, output *string) *pflag.FlagSet {
	fs := pflag.NewFlagSet("rules", pflag.ContinueOnError)
	fs.BoolVar(markdown, "markdown", false, "print the rule catalogue as Markdown (docs/rules.md)")
	fs.StringVarP(output, "output", "o", "", "write to this file instead of standard output")
	return fs
}

// RulesMarkdown renders docs/rules.md: a table of every rule, then each
// rule's documentation.
func RulesMarkdown(all []*rules.Rule, probes []*checks.Check) string {
	var b strings.Builder
	b.WriteString("# envdoctor rules\n\n")
	b.WriteString("Generated by `envdoctor rules --markdown -o docs/rules.md`; do not edit by hand.\n")
	b.WriteString("`envdoctor explain ID` prints one rule's documentation in the terminal.\n\n")
	b.WriteString("## Static rules (`envdoctor lint`)\n\n")
	b.WriteString("| ID | name | severity | title | fix |\n|---|---|---|---|---|\n")
	for _, r := range all {
		fix := ""
		if r.Fixable {
			fix = "yes"
		}
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s | %s |\n", r.ID, strings.ToLower(r.ID+"-"+r.Name), r.Name, r.Severity, r.Title, fix)
	}
	b.WriteString("\n## Doctor probes (`envdoctor doctor`, the default command)\n\n")
	b.WriteString("| ID | name | severity | section | title |\n|---|---|---|---|---|\n")
	for _, c := range probes {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s | %s |\n", c.ID, strings.ToLower(c.ID+"-"+c.Name), c.Name, c.Severity, c.Section, c.Title)
	}
	docs := make([][2]string, 0, len(all)+len(probes))
	for _, r := range all {
		docs = append(docs, [2]string{r.ID, rules.Doc(r.ID)})
	}
	for _, c := range probes {
		docs = append(docs, [2]string{c.ID, checks.Doc(c.ID)})
	}
	for _, d := range docs {
		doc := strings.TrimSpace(d[1])
		// Each rule's title becomes a second-level heading.
		doc = strings.Replace(doc, "# ", "## ", 1)
		doc = strings.ReplaceAll(doc, "\n## ", "\n### ")
		doc = strings.Replace(doc, "\n### "+d[0], "\n## "+d[0], 1)
		b.WriteString("\n" + doc + "\n")
	}
	return b.String()
}

func runVersion(_ context.Context, args []string, env Env) (int, error) {
	fs := pflag.NewFlagSet("version", pflag.ContinueOnError)
	if done, err := parseFlags(fs, args, env, func(w io.Writer, _ *pflag.FlagSet) {
		fmt.Fprint(w, `Print envdoctor's version, the commit it was built from and the Go version.

Usage:
  envdoctor version

Example output:
  envdoctor v0.1.0
  commit:   0123456789abcdef0123456789abcdef01234567 (2025-06-01T10:00:00Z)
  go:       go1.26.8 linux/amd64
`)
	}); done || err != nil {
		return ExitOK, err
	}
	if fs.NArg() > 0 {
		return ExitError, usagef("version takes no argument")
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprint(env.Stdout, versionText(readBuild(info), runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH))
	return ExitOK, nil
}

// Set at link time by builds without VCS information (the Dockerfile:
// its build context has no .git):
//
//	go build -ldflags "-X github.com/envdoctor/envdoctor/internal/cli.linkVersion=v0.1.0 -X github.com/envdoctor/envdoctor/internal/cli.linkCommit=$(git rev-parse HEAD)"
//
// Build information from the Go toolchain wins when it has the value.
var (
	linkVersion string
	linkCommit  string
)

// buildFacts is what envdoctor knows about how it was built.
type buildFacts struct {
	version  string // module version ("v0.1.0"), else linkVersion, else "dev"
	commit   string // vcs.revision, else linkCommit, else ""
	time     string // vcs.time
	modified bool   // vcs.modified: built from a working tree with changes
}

// readBuild reads the module version and the vcs.* settings that go build
// records (go install module@version records the version but no VCS
// settings; a build with -buildvcs=false or outside git records none).
func readBuild(info *debug.BuildInfo) buildFacts {
	b := buildFacts{version: linkVersion, commit: linkCommit}
	if info != nil {
		if v := info.Main.Version; v != "" && v != "(devel)" {
			b.version = v
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				b.commit = s.Value
			case "vcs.time":
				b.time = s.Value
			case "vcs.modified":
				b.modified = s.Value == "true"
			}
		}
	}
	if b.version == "" {
		b.version = "dev"
	}
	return b
}

func versionText(b buildFacts, goVersion, platform string) string {
	commit := b.commit
	switch {
	case commit == "":
		commit = "unknown (built without version control information)"
	case b.modified && b.time != "":
		commit += " (" + b.time + ", with uncommitted changes)"
	case b.modified:
		commit += " (with uncommitted changes)"
	case b.time != "":
		commit += " (" + b.time + ")"
	}
	return fmt.Sprintf("envdoctor %s\ncommit:   %s\ngo:       %s %s\n", b.version, commit, goVersion, platform)
}

// version is the module version when installed with go install (or set
// at link time), else "dev".
func version() string {
	info, _ := debug.ReadBuildInfo()
	return readBuild(info).version
}
