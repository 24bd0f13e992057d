package checks

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// wslWindowsDrive is HS002: under WSL, the project lives on a Windows drive
// mounted at /mnt/<drive>. Every file access then crosses to Windows (9P
// under WSL 2): installs and builds run many times slower, and file
// watchers (flask --debug, uvicorn --reload, nodemon, vite) get no inotify
// events for changes made from Windows, so reloading stops working.
func wslWindowsDrive() *Check {
	return &Check{
		ID:       "HS002",
		Name:     "wsl-windows-drive",
		Title:    "Under WSL, the project lives on a Windows drive",
		Section:  SectionFiles,
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Run: func(_ context.Context, p *Probe) {
			if p.Project == nil {
				p.Skip("no project here")
				return
			}
			if p.Env.GOOS != "linux" || !underWSL(p.Env) {
				p.Skip("not under WSL")
				return
			}
			root := p.Project.Root
			drive, ok := windowsDrive(root, wslMountRoot(p.Env))
			if !ok {
				p.Detail("the project is in the Linux file system of WSL")
				return
			}
			p.Report(finding.Finding{
				Message: fmt.Sprintf("the project is on the Windows drive %s: (%s) while Docker runs in WSL: file access through %s is many times slower than in the Linux file system, and file watchers (flask --debug, uvicorn --reload, nodemon, vite) miss the changes made from Windows",
					strings.ToUpper(drive), root, strings.TrimSuffix(wslMountRoot(p.Env), "/")+"/"+drive),
				Fix: &finding.Fix{Message: wslMoveAdvice(p.Env, root)},
			})
		},
	}
}

// underWSL recognises the Windows Subsystem for Linux: its kernel release
// names Microsoft ("5.15.153.1-microsoft-standard-WSL2", WSL 1's
// "4.4.0-19041-Microsoft"), and WSL sets WSL_DISTRO_NAME.
func underWSL(env *Env) bool {
	if env.Getenv("WSL_DISTRO_NAME") != "" {
		return true
	}
	if env.ReadFile == nil {
		return false
	}
	data, err := env.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return false
	}
	rel := strings.ToLower(string(data))
	return strings.Contains(rel, "microsoft") || strings.Contains(rel, "wsl")
}

// wslMountRoot is where WSL mounts the Windows drives: /mnt/ unless
// /etc/wsl.conf sets [automount] root.
func wslMountRoot(env *Env) string {
	const def = "/mnt/"
	if env.ReadFile == nil {
		return def
	}
	data, err := env.ReadFile("/etc/wsl.conf")
	if err != nil {
		return def
	}
	section := ""
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if i := strings.IndexAny(line, "#;"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.ToLower(strings.TrimSpace(line[1 : len(line)-1]))
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || section != "automount" || strings.TrimSpace(strings.ToLower(k)) != "root" {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		if strings.HasPrefix(v, "/") {
			return strings.TrimSuffix(path.Clean(v), "/") + "/"
		}
	}
	return def
}

// windowsDrive returns the drive letter of a path under the WSL mount root
// (/mnt/c/Users/... → "c").
func windowsDrive(p, mountRoot string) (string, bool) {
	rest, ok := strings.CutPrefix(p, mountRoot)
	if !ok {
		return "", false
	}
	drive, _, _ := strings.Cut(rest, "/")
	if len(drive) != 1 || !isLetter(drive[0]) {
		return "", false
	}
	return drive, true
}

func wslMoveAdvice(env *Env, root string) string {
	name := path.Base(root)
	distro := env.Getenv("WSL_DISTRO_NAME")
	if distro == "" {
		distro = "<distro>"
	}
	user := env.Getenv("USER")
	if user == "" {
		user = "<user>"
	}
	return fmt.Sprintf("move the project into the Linux file system: `mkdir -p ~/projects && cp -a %q ~/projects/` (or `git clone` it there), work in ~/projects/%s, and open it from Windows as \\\\wsl$\\%s\\home\\%s\\projects\\%s (VS Code: run `code .` in that directory)",
		root, name, distro, user, name)
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
