package checks

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ComposeTimeout bounds each `version` call of a compose CLI. Compose v1 is
// a Python program that takes one to two seconds to start on a busy machine.
const ComposeTimeout = 5 * time.Second

// ComposeCLI is what `docker compose version` and `docker-compose version`
// said, asked once per run and shared by DK004 and DK005.
type ComposeCLI struct {
	Plugin     ComposeCommand // docker compose (the v2 CLI plugin)
	Standalone ComposeCommand // docker-compose (v1, or a v2 binary or alias)
}

// ComposeCommand is one way of running compose.
type ComposeCommand struct {
	Command string // "docker compose" or "docker-compose"
	Works   bool
	// Version is the version it printed ("2.27.0", "1.29.2"), "" when it
	// printed none that envdoctor recognises.
	Version string
	// Major is the major version, 0 when unknown.
	Major int
	// Problem says why it does not work ("" when it works).
	Problem string
}

// V2 is true for a working compose of version 2 or later (an unknown
// version counts as current).
func (c ComposeCommand) V2() bool { return c.Works && (c.Major == 0 || c.Major >= 2) }

// V1 is true for a working legacy Compose v1.
func (c ComposeCommand) V1() bool { return c.Works && c.Major == 1 }

// Label names the command and its version: "docker compose 2.27.0".
func (c ComposeCommand) Label() string {
	if c.Version == "" {
		return c.Command + " (version unknown)"
	}
	return c.Command + " " + c.Version
}

// AnyWorks is true when at least one compose command works.
func (c *ComposeCLI) AnyWorks() bool { return c.Plugin.Works || c.Standalone.Works }

// HasV2 is true when a compose of version 2 or later works.
func (c *ComposeCLI) HasV2() bool { return c.Plugin.V2() || c.Standalone.V2() }

// OnlyV1 returns the legacy Compose v1 when it is the only compose that
// works.
func (c *ComposeCLI) OnlyV1() (ComposeCommand, bool) {
	if c.HasV2() {
		return ComposeCommand{}, false
	}
	for _, cmd := range []ComposeCommand{c.Standalone, c.Plugin} {
		if cmd.V1() {
			return cmd, true
		}
	}
	return ComposeCommand{}, false
}

// ComposeCLI asks `docker compose version` and `docker-compose version` in
// parallel, each bounded by ComposeTimeout, once per run. When the first
// is a working Compose v2 the second is not waited for (it is a Python
// program that takes a second or two to start, and v1 does not matter
// where v2 works). It returns nil when programs cannot be run here.
func (f *Facts) ComposeCLI(ctx context.Context) *ComposeCLI {
	f.composeOnce.Do(func() {
		if f.env.Exec == nil {
			return
		}
		c := &ComposeCLI{}
		standaloneCtx, cancelStandalone := context.WithCancel(ctx)
		defer cancelStandalone()
		standalone := make(chan ComposeCommand, 1)
		go func() {
			standalone <- composeVersion(standaloneCtx, f.env, "docker-compose", "docker-compose", "version")
		}()
		c.Plugin = composeVersion(ctx, f.env, "docker compose", "docker", "compose", "version")
		if c.Plugin.V2() {
			cancelStandalone()
			c.Standalone = ComposeCommand{Command: "docker-compose", Problem: "not checked: docker compose (v2) works"}
		} else {
			c.Standalone = <-standalone
		}
		f.compose = c
	})
	return f.compose
}

// composeVersionPattern finds the version in "Docker Compose version
// v2.27.0" and "docker-compose version 1.29.2, build 5becea4c".
var composeVersionPattern = regexp.MustCompile(`(?i)\bversion:?\s+v?([0-9]+)\.([0-9]+)(?:\.([0-9]+))?([-+][0-9A-Za-z.+-]*)?`)

func composeVersion(ctx context.Context, env *Env, command, name string, args ...string) ComposeCommand {
	c := ComposeCommand{Command: command}
	cctx, cancel := context.WithTimeout(ctx, ComposeTimeout)
	defer cancel()
	stdout, stderr, err := env.Exec(cctx, name, args...)
	switch {
	case cctx.Err() != nil:
		c.Problem = fmt.Sprintf("no answer within %s (the command hangs)", ComposeTimeout)
		if ctx.Err() != nil {
			c.Problem = "not checked: the doctor ran out of time"
		}
		return c
	case errors.Is(err, exec.ErrNotFound):
		c.Problem = name + " is not installed (not on PATH)"
		return c
	case err != nil:
		c.Problem = firstLine(string(stderr))
		if c.Problem == "" {
			c.Problem = firstLine(string(stdout))
		}
		if c.Problem == "" {
			c.Problem = err.Error()
		}
		return c
	}
	c.Works = true
	out := string(stdout) + "\n" + string(stderr)
	if m := composeVersionPattern.FindStringSubmatchIndex(out); m != nil {
		// From the major version to the end of the match: "2.27.0".
		c.Version = strings.TrimSuffix(out[m[2]:m[1]], ",")
		c.Major, _ = strconv.Atoi(out[m[2]:m[3]])
	}
	return c
}

// firstLine is the first non-blank line of s, trimmed and bounded.
func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			if len(line) > 200 {
				line = line[:200] + "…"
			}
			return line
		}
	}
	return ""
}
