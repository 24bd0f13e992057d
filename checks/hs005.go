package checks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// gitTimeout bounds each git command of HS005.
const gitTimeout = 2 * time.Second

// maxAttrPaths bounds the scripts HS005 asks git about.
const maxAttrPaths = 200

// autocrlfWithoutGitattributes is HS005: git is configured to convert line
// endings to CRLF on checkout (core.autocrlf=true, Git for Windows'
// default) and no .gitattributes rule keeps the project's shell scripts
// LF. Every clone on such a machine gets CRLF scripts, which containers
// cannot run (HS001).
func autocrlfWithoutGitattributes() *Check {
	return &Check{
		ID:       "HS005",
		Name:     "autocrlf-without-gitattributes",
		Title:    "Git converts scripts to CRLF on checkout and no .gitattributes rule keeps them LF",
		Section:  SectionFiles,
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Timeout:  2*gitTimeout + 500*time.Millisecond,
		Run: func(ctx context.Context, p *Probe) {
			if p.Project == nil {
				p.Skip("no project here")
				return
			}
			if p.Env.Exec == nil {
				p.Skip("cannot run git here")
				return
			}
			root := p.Project.Root
			value, origin, err := autocrlf(ctx, p.Env, root)
			switch {
			case errors.Is(err, exec.ErrNotFound):
				p.Skip("git is not installed")
				return
			case err != nil:
				p.Skip("git config failed: %v", err)
				return
			case !gitTrue(value):
				if value == "" {
					value = "unset"
				}
				p.Detail("core.autocrlf is %s: git keeps line endings as committed", value)
				return
			}
			scripts := projectScripts(p)
			probe := scripts
			if len(probe) == 0 {
				probe = []string{"entrypoint.sh"} // attributes match names: any .sh
			}
			attrs, err := checkAttr(ctx, p.Env, root, probe)
			if err != nil {
				p.Skip("the project is not in a git repository")
				return
			}
			var crlf, unset []string
			for _, s := range probe {
				a := attrs[s]
				switch {
				case a.eol == "lf" || a.text == "unset":
				case a.eol == "crlf":
					crlf = append(crlf, s)
				default:
					unset = append(unset, s)
				}
			}
			if len(crlf) == 0 && len(unset) == 0 {
				p.Detail("core.autocrlf is true, and .gitattributes keeps shell scripts LF")
				return
			}
			p.Report(finding.Finding{
				Message: autocrlfMessage(origin, scripts, crlf, unset),
				Fix:     &finding.Fix{Message: "add the line `*.sh text eol=lf` to .gitattributes at the project's root and commit it, then `git add --renormalize .` (scripts already checked out with CRLF need converting once: see HS001); or keep git from converting in this clone: `git config core.autocrlf input`"},
			})
		},
	}
}

// autocrlf reads core.autocrlf as git sees it in the project, and the
// config file that sets it.
func autocrlf(ctx context.Context, env *Env, root string) (value, origin string, err error) {
	ctx, cancel := context.WithTimeout(ctx, gitTimeout)
	defer cancel()
	stdout, _, err := env.Exec(ctx, "git", "-C", root, "config", "--show-origin", "--get", "core.autocrlf")
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) || ctx.Err() != nil {
			return "", "", errOr(ctx.Err(), err)
		}
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 1 && len(bytes.TrimSpace(stdout)) == 0 {
			return "", "", nil // not set
		}
		return "", "", err
	}
	line := strings.TrimSpace(string(stdout))
	if o, v, ok := strings.Cut(line, "\t"); ok {
		return strings.TrimSpace(v), strings.TrimPrefix(o, "file:"), nil
	}
	return line, "", nil
}

func errOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// gitTrue is git's reading of a boolean.
func gitTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "on", "1":
		return true
	}
	return false
}

type gitAttrs struct{ text, eol string }

// checkAttr asks git for the text and eol attributes of paths (relative
// to root; they need not exist).
func checkAttr(ctx context.Context, env *Env, root string, paths []string) (map[string]gitAttrs, error) {
	ctx, cancel := context.WithTimeout(ctx, gitTimeout)
	defer cancel()
	args := append([]string{"-C", root, "check-attr", "-z", "text", "eol", "--"}, paths...)
	stdout, stderr, err := env.Exec(ctx, "git", args...)
	if err != nil {
		if msg := strings.TrimSpace(string(stderr)); msg != "" {
			return nil, fmt.Errorf("%w: %s", err, msg)
		}
		return nil, err
	}
	out := map[string]gitAttrs{}
	fields := strings.Split(string(stdout), "\x00")
	for i := 0; i+2 < len(fields); i += 3 {
		a := out[fields[i]]
		switch fields[i+1] {
		case "text":
			a.text = fields[i+2]
		case "eol":
			a.eol = fields[i+2]
		}
		out[fields[i]] = a
	}
	return out, nil
}

// projectScripts are the shell scripts of the project's build contexts,
// root-relative, sorted.
func projectScripts(p *Probe) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range p.Project.Contexts {
		files := c.Files()
		if files == nil {
			continue
		}
		for _, f := range files.Files {
			if f.Dir || !shellExtension(f.Path) || strings.Contains("/"+f.Path, "/node_modules/") || strings.Contains("/"+f.Path, "/.git/") {
				continue
			}
			rel := path.Join(c.Dir, f.Path)
			if !seen[rel] && len(out) < maxAttrPaths {
				seen[rel] = true
				out = append(out, rel)
			}
		}
	}
	sort.Strings(out)
	return out
}

func autocrlfMessage(origin string, scripts, crlf, unset []string) string {
	set := "core.autocrlf=true"
	if origin != "" {
		set += ", set in " + origin
	}
	switch {
	case len(scripts) == 0:
		return fmt.Sprintf("git converts line endings to CRLF on checkout (%s) and no .gitattributes rule keeps shell scripts LF: a script added later gets CRLF endings in every clone on this machine, and a container cannot run it (HS001)", set)
	case len(crlf) > 0:
		return fmt.Sprintf("a .gitattributes rule gives %s CRLF line endings (eol=crlf): a container cannot run %s (HS001)", someOf(crlf), plural(len(crlf), "it", "them"))
	}
	return fmt.Sprintf("git converts line endings to CRLF on checkout (%s) and no .gitattributes rule keeps shell scripts LF: %s %s CRLF endings in every clone on this machine, and a container cannot run %s (HS001)",
		set, someOf(unset), plural(len(unset), "gets", "get"), plural(len(unset), "it", "them"))
}

// someOf names up to three paths and counts the rest.
func someOf(paths []string) string {
	if len(paths) <= 3 {
		return joinWords(paths)
	}
	return fmt.Sprintf("%s and %d more", strings.Join(paths[:3], ", "), len(paths)-3)
}
