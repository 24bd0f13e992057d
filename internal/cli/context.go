package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/pflag"

	"github.com/envdoctor/envdoctor/internal/project"
)

func contextHelp(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprint(w, `Show what each build context of a project sends to the builder: file count,
bytes, the largest files and directories, and which .dockerignore line
excluded what. Reads the context as 'docker build' does (the same
.dockerignore rules, no symlink followed) and reads no file content.

Usage:
  envdoctor context [flags] [DIR]

Examples:
  envdoctor context
  envdoctor context --explain node_modules/left-pad/index.js
  envdoctor context -n 20 ./services/api

Flags:
`)
	fmt.Fprint(w, fs.FlagUsages())
}

type contextFlags struct {
	files            []string
	envFiles         []string
	profiles         []string
	projectDirectory string
	explain          []string
	top              int
}

func runContext(ctx context.Context, args []string, env Env) (int, error) {
	var cf contextFlags
	fs := pflag.NewFlagSet("context", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.StringArrayVarP(&cf.files, "file", "f", nil, "compose file (repeatable), as with docker compose -f")
	fs.StringArrayVar(&cf.envFiles, "env-file", nil, "env file for interpolation (repeatable), instead of .env")
	fs.StringArrayVar(&cf.profiles, "profile", nil, "profile to enable (repeatable; default COMPOSE_PROFILES)")
	fs.StringVar(&cf.projectDirectory, "project-directory", "", "project directory (default: the first compose file's directory)")
	fs.StringArrayVar(&cf.explain, "explain", nil, "say whether PATH is sent, and which .dockerignore line decides (repeatable)")
	fs.IntVarP(&cf.top, "top", "n", 5, "how many of the largest files and directories to list")
	if done, err := parseFlags(fs, args, env, contextHelp); done || err != nil {
		return ExitOK, err
	}
	if fs.NArg() > 1 {
		return ExitError, usagef("context takes at most one directory, got %d arguments", fs.NArg())
	}
	if cf.top < 0 {
		return ExitError, usagef("--top must not be negative")
	}
	cwd, err := env.Getwd()
	if err != nil {
		return ExitError, fmt.Errorf("cannot read the current directory: %w", err)
	}
	dir := cwd
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(cwd, dir)
		}
	}
	p, err := project.Load(ctx, dir, project.Options{
		ComposeFiles: cf.files, EnvFiles: cf.envFiles, Profiles: cf.profiles,
		ProjectDirectory: cf.projectDirectory, WorkingDir: cwd, Environ: env.Environ,
	})
	if err != nil {
		return ExitError, err
	}
	if len(p.Contexts) == 0 {
		fmt.Fprintln(env.Stdout, "no build context: no compose service has a build, and no Dockerfile was found")
		return ExitOK, nil
	}
	var b strings.Builder
	for i, c := range p.Contexts {
		if i > 0 {
			b.WriteByte('\n')
		}
		writeContext(&b, p, c, cf)
	}
	fmt.Fprint(env.Stdout, b.String())
	return ExitOK, nil
}

func writeContext(b *strings.Builder, p *project.Project, c *project.BuildContext, cf contextFlags) {
	b.WriteString("build context " + quotePath(c.Dir))
	var about []string
	if c.Service != "" {
		about = append(about, fmt.Sprintf("service %q", c.Service))
	}
	if c.Dockerfile != nil {
		about = append(about, "Dockerfile "+quotePath(c.Dockerfile.Path))
	}
	if len(about) > 0 {
		b.WriteString(" (" + strings.Join(about, ", ") + ")")
	}
	b.WriteString("\n")
	if c.Remote != "" {
		b.WriteString("  remote context " + c.Remote + ": not read\n")
		return
	}
	files := c.Files()
	if files == nil {
		b.WriteString("  the directory does not exist or is not a directory\n")
		return
	}
	switch {
	case c.DockerignoreError != nil:
		b.WriteString("  ignore file: " + c.DockerignoreError.Message + " (the build fails)\n")
	case c.Dockerignore == "":
		b.WriteString("  ignore file: none (everything is sent)\n")
	case files.Ignore != nil && files.Ignore.Err != nil:
		fmt.Fprintf(b, "  ignore file: %s is invalid (%v): the build fails\n", c.Dockerignore, files.Ignore.Err)
	default:
		b.WriteString("  ignore file: " + quotePath(c.Dockerignore) + "\n")
	}
	sends := fmt.Sprintf("%s, %s", plural(files.SentFiles, "file", "files"), project.HumanBytes(files.SentSize))
	if files.Truncated {
		sends = fmt.Sprintf("at least %s (the listing stopped at %d entries)", sends, project.MaxContextEntries)
	}
	fmt.Fprintf(b, "  sends: %s\n", sends)

	excl := exclusions(files)
	if len(excl.lines) > 0 || excl.pruned > 0 {
		fmt.Fprintf(b, "  excluded: %s, %s listed", plural(excl.files, "file", "files"), project.HumanBytes(excl.bytes))
		if excl.pruned > 0 {
			fmt.Fprintf(b, ", and %s not entered (the builder skips them too)", plural(excl.pruned, "directory", "directories"))
		}
		b.WriteString("\n")
	}
	if cf.top > 0 {
		writeLargest(b, files, cf.top)
	}
	if len(excl.lines) > 0 {
		b.WriteString("  excluded by:\n")
		for _, l := range excl.lines {
			fmt.Fprintf(b, "    %s:%d  %-20s %s\n", c.Dockerignore, l.pat.Line, quotePath(l.pat.Pattern), l.summary())
		}
	}
	for _, u := range files.Unreadable {
		state := "the build fails on it"
		if u.Excluded {
			state = "excluded, so the build skips it"
		}
		fmt.Fprintf(b, "  unreadable: %s (%s): %s\n", quotePath(u.Path), u.Err, state)
	}
	for _, f := range files.Files {
		if f.Special != "" {
			state := "sent without content"
			if f.Excluded {
				state = "excluded"
			}
			fmt.Fprintf(b, "  %s: %s (%s)\n", f.Special, quotePath(f.Path), state)
		}
	}
	for _, e := range cf.explain {
		writeExplain(b, p, c, files, e)
	}
}

// excludedLine sums what one ignore pattern excluded.
type excludedLine struct {
	pat     *project.IgnorePattern
	files   int
	bytes   int64
	dirs    int
	pruned  int
	example string
}

func (l excludedLine) summary() string {
	var parts []string
	if l.files > 0 {
		parts = append(parts, fmt.Sprintf("%s, %s", plural(l.files, "file", "files"), project.HumanBytes(l.bytes)))
	}
	if l.pruned > 0 {
		parts = append(parts, plural(l.pruned, "directory", "directories")+" not entered")
	}
	if len(parts) == 0 && l.dirs > 0 {
		parts = append(parts, plural(l.dirs, "directory", "directories"))
	}
	s := strings.Join(parts, ", ")
	if l.example != "" {
		s += " (e.g. " + quotePath(l.example) + ")"
	}
	return s
}

type exclusionSummary struct {
	lines  []*excludedLine
	files  int
	bytes  int64
	pruned int
}

// exclusions attributes each excluded entry to the line that excluded it.
// Entries inside an excluded directory count for the directory's line.
func exclusions(files *project.ContextFiles) exclusionSummary {
	var s exclusionSummary
	if files.Ignore == nil {
		return s
	}
	byLine := map[int]*excludedLine{}
	for _, f := range files.Files {
		if !f.Excluded {
			continue
		}
		_, by := files.Ignore.Excluded(f.Path)
		if by == nil {
			continue
		}
		l := byLine[by.Line]
		if l == nil {
			l = &excludedLine{pat: by}
			byLine[by.Line] = l
			s.lines = append(s.lines, l)
		}
		if l.example == "" {
			l.example = f.Path
		}
		switch {
		case f.Pruned:
			l.pruned++
			s.pruned++
		case f.Dir:
			l.dirs++
		case f.Regular():
			l.files++
			l.bytes += f.Size
			s.files++
			s.bytes += f.Size
		}
	}
	sort.Slice(s.lines, func(i, j int) bool { return s.lines[i].pat.Line < s.lines[j].pat.Line })
	return s
}

func writeLargest(b *strings.Builder, files *project.ContextFiles, n int) {
	// The n largest sent files, kept sorted (size descending, then path)
	// as the listing goes by: no sort of every file.
	larger := func(x, y project.ContextFile) bool {
		if x.Size != y.Size {
			return x.Size > y.Size
		}
		return x.Path < y.Path
	}
	var sent []project.ContextFile
	if n > 64 { // a long list: sort them all
		for _, f := range files.Files {
			if f.Regular() && !f.Excluded {
				sent = append(sent, f)
			}
		}
		sort.Slice(sent, func(i, j int) bool { return larger(sent[i], sent[j]) })
		sent = sent[:min(n, len(sent))]
	}
	for _, f := range files.Files {
		if n > 64 || !f.Regular() || f.Excluded {
			continue
		}
		if len(sent) == n && !larger(f, sent[n-1]) {
			continue
		}
		i := sort.Search(len(sent), func(i int) bool { return larger(f, sent[i]) })
		if len(sent) < n {
			sent = append(sent, project.ContextFile{})
		}
		copy(sent[i+1:], sent[i:])
		sent[i] = f
	}
	if len(sent) == 0 {
		return
	}
	b.WriteString("  largest files:\n")
	for _, f := range sent {
		fmt.Fprintf(b, "    %9s  %s\n", project.HumanBytes(f.Size), quotePath(f.Path))
	}
	// Top-level directories, the way du -s * reads.
	stats := files.SentDirs()
	var top []string
	for d := range stats {
		if !strings.Contains(d, "/") {
			top = append(top, d)
		}
	}
	if len(top) == 0 {
		return
	}
	sort.Slice(top, func(i, j int) bool {
		if stats[top[i]].Bytes != stats[top[j]].Bytes {
			return stats[top[i]].Bytes > stats[top[j]].Bytes
		}
		return top[i] < top[j]
	})
	b.WriteString("  largest directories:\n")
	for _, d := range top[:min(n, len(top))] {
		fmt.Fprintf(b, "    %9s  %s/ (%s)\n", project.HumanBytes(stats[d].Bytes), quotePath(d), plural(stats[d].Files, "file", "files"))
	}
}

// writeExplain says whether one path is sent, and which line decides.
func writeExplain(b *strings.Builder, p *project.Project, c *project.BuildContext, files *project.ContextFiles, given string) {
	rel := contextRelative(p, c, given)
	if rel == "" {
		fmt.Fprintf(b, "  %s: not inside this context\n", quotePath(given))
		return
	}
	entry, listed := files.Lookup(rel)
	exists := "exists"
	if !listed {
		exists = "not listed"
		if d, ok := files.PrunedAncestor(rel); ok {
			exists = "inside " + quotePath(d.Path) + ", which the builder does not enter"
		}
	} else if entry.Dir {
		exists = "a directory"
	}
	if files.Ignore == nil {
		fmt.Fprintf(b, "  %s (%s): sent, the context has no (valid) .dockerignore\n", quotePath(rel), exists)
		return
	}
	excluded, by, re := files.Ignore.Explain(rel)
	switch {
	case excluded && by != nil:
		fmt.Fprintf(b, "  %s (%s): excluded by %s:%d %q\n", quotePath(rel), exists, c.Dockerignore, by.Line, by.Pattern)
	case excluded:
		fmt.Fprintf(b, "  %s (%s): excluded\n", quotePath(rel), exists)
	case re != nil:
		fmt.Fprintf(b, "  %s (%s): sent: %s:%d %q matches it, and %s:%d %q re-includes it\n", quotePath(rel), exists, c.Dockerignore, by.Line, by.Pattern, c.Dockerignore, re.Line, re.Pattern)
	default:
		fmt.Fprintf(b, "  %s (%s): sent, no line of %s matches it\n", quotePath(rel), exists, c.Dockerignore)
	}
}

// contextRelative turns a path given on the command line (relative to the
// project root, or absolute) into a path inside the context, or "".
func contextRelative(p *project.Project, c *project.BuildContext, given string) string {
	abs := given
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(p.Root, filepath.FromSlash(given))
	}
	ctxAbs := filepath.Join(p.Root, filepath.FromSlash(c.Dir))
	rel, err := filepath.Rel(ctxAbs, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return filepath.ToSlash(rel)
}

// quotePath quotes a path that holds control characters or invalid UTF-8,
// so a file name cannot forge output lines.
func quotePath(s string) string {
	for _, r := range s {
		if r < ' ' || r == 0x7f || r == '\uFFFD' {
			return fmt.Sprintf("%q", s)
		}
	}
	return s
}
