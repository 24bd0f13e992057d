package cli

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/envdoctor/envdoctor/checks"
	"github.com/envdoctor/envdoctor/internal/config"
	"github.com/envdoctor/envdoctor/internal/graph"
	"github.com/envdoctor/envdoctor/internal/pipeline"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

// graphFormats are the output formats of envdoctor graph.
var graphFormats = []string{"mermaid", "dot"}

type graphFlags struct {
	files            []string
	envFiles         []string
	profiles         []string
	projectDirectory string
	projectName      string
	configPath       string
	format           string
	output           string
}

func newGraphFlagSet(gf *graphFlags) *pflag.FlagSet {
	fs := pflag.NewFlagSet("graph", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.StringArrayVarP(&gf.files, "file", "f", nil, "compose file (repeatable), as with docker compose -f")
	fs.StringArrayVar(&gf.envFiles, "env-file", nil, "env file for interpolation (repeatable), instead of .env")
	fs.StringArrayVar(&gf.profiles, "profile", nil, "profile to enable (repeatable; default COMPOSE_PROFILES)")
	fs.StringVar(&gf.projectDirectory, "project-directory", "", "project directory (default: the first compose file's directory)")
	fs.StringVarP(&gf.projectName, "project-name", "p", "", "project name (default: COMPOSE_PROJECT_NAME, name:, or the directory)")
	fs.StringVar(&gf.configPath, "config", "", "config file (default: .envdoctor.yaml in the project directory)")
	fs.StringVar(&gf.format, "format", "mermaid", "output format: mermaid or dot")
	fs.StringVarP(&gf.output, "output", "o", "", "write the graph to this file instead of standard output")
	return fs
}

func graphHelp(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprint(w, `Draw the stack: the services with their depends_on, published ports, volumes
and networks, as Mermaid (GitHub and GitLab render it in Markdown) or Graphviz DOT.

Usage:
  envdoctor graph [flags] [DIR]

Services appear with their image or build context and published ports.
depends_on edges are solid arrows (labelled with their condition); a service
that reaches another one without depends_on (rule CP003) gets a dashed arrow;
services with error findings are drawn in red with the rules that found them.
Named volumes, bind-mount sources and networks (when the project has more
than the default one) are nodes of their own.

Examples:
  envdoctor graph
  envdoctor graph --format dot | dot -Tsvg > stack.svg
  envdoctor graph -f compose.yaml -f compose.prod.yaml --profile debug

Flags:
`)
	fmt.Fprint(w, fs.FlagUsages())
}

func runGraph(ctx context.Context, args []string, env Env) (int, error) {
	var gf graphFlags
	fs := newGraphFlagSet(&gf)
	if done, err := parseFlags(fs, args, env, graphHelp); done || err != nil {
		return ExitOK, err
	}
	if fs.NArg() > 1 {
		return ExitError, usagef("graph takes at most one directory, got %d arguments", fs.NArg())
	}
	render := graph.Mermaid
	switch gf.format {
	case "mermaid":
	case "dot":
		render = graph.DOT
	default:
		return ExitError, usagef("unknown format %q (valid formats: mermaid, dot)", gf.format)
	}
	cwd, err := env.Getwd()
	if err != nil {
		return ExitError, fmt.Errorf("cannot read the current directory: %w", err)
	}
	dir := cwd
	if fs.NArg() == 1 {
		dir = absFrom(cwd, fs.Arg(0))
	}
	p, err := project.Load(ctx, dir, project.Options{
		ComposeFiles:     gf.files,
		EnvFiles:         gf.envFiles,
		Profiles:         gf.profiles,
		ProjectDirectory: gf.projectDirectory,
		ProjectName:      gf.projectName,
		WorkingDir:       cwd,
		Environ:          env.Environ,
		Git:              env.Git,
	})
	if err != nil {
		return ExitError, err
	}
	if p.Compose == nil {
		return ExitError, fmt.Errorf("%s: no compose file: envdoctor graph draws a Compose project", fs.Arg(0))
	}
	if p.Compose.Model == nil {
		return ExitError, fmt.Errorf("compose cannot load the project, fix it first ('envdoctor lint' says why)")
	}
	all := rules.All()
	probes := checks.All()
	known := func(s string) (string, bool) {
		if r, ok := rules.Lookup(all, s); ok {
			return r.ID, true
		}
		if c, ok := checks.Lookup(probes, s); ok {
			return c.ID, true
		}
		return "", false
	}
	cfgPath := gf.configPath
	if cfgPath == "" {
		cfgPath = config.Find(p.Root)
	} else {
		cfgPath = absFrom(cwd, cfgPath)
	}
	cfg, err := config.Load(cfgPath, known)
	if err != nil {
		return ExitError, err
	}
	opt := pipeline.Options{Config: cfg, Known: known, Rules: ruleInfos(all, probes)}
	var enabled []*rules.Rule
	ran := map[string]bool{}
	for _, r := range all {
		if pipeline.RuleEnabled(r.ID, opt) {
			enabled = append(enabled, r)
			ran[r.ID] = true
		}
	}
	opt.Ran = func(id string) bool { return ran[id] }
	res := pipeline.Process(p, rules.Run(p, enabled), opt)
	text := render(graph.Build(p, res.Findings))
	if gf.output != "" {
		if err := os.WriteFile(absFrom(cwd, gf.output), []byte(text), 0o644); err != nil {
			return ExitError, fmt.Errorf("cannot write the graph: %w", err)
		}
		return ExitOK, nil
	}
	fmt.Fprint(env.Stdout, text)
	return ExitOK, nil
}
