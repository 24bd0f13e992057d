package checks

import (
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/project"
)

func TestHS002(t *testing.T) {
	wsl2 := "5.15.153.1-microsoft-standard-WSL2\n"
	tests := []struct {
		name  string
		root  string
		vars  map[string]string
		files map[string]string
		goos  string
		want  string // "" quiet; "skip: ..." skipped
	}{
		{"WSL 2 on C:", "/mnt/c/Users/alice/shop", map[string]string{"USER": "alice", "WSL_DISTRO_NAME": "Ubuntu"},
			map[string]string{"/proc/sys/kernel/osrelease": wsl2},
			"linux", "HS002 warning: the project is on the Windows drive C: (/mnt/c/Users/alice/shop) while Docker runs in WSL: file access through /mnt/c is many times slower"},
		{"WSL 1 kernel, no WSL_DISTRO_NAME", "/mnt/d/src/shop", nil,
			map[string]string{"/proc/sys/kernel/osrelease": "4.4.0-19041-Microsoft\n"},
			"linux", "the project is on the Windows drive D: (/mnt/d/src/shop)"},
		{"automount root from wsl.conf", "/win/e/shop", map[string]string{"WSL_DISTRO_NAME": "Debian"},
			map[string]string{"/etc/wsl.conf": "[boot]\nsystemd=true\n[automount]\nenabled = true\nroot = \"/win/\" # comment\n"},
			"linux", "on the Windows drive E: (/win/e/shop) while Docker runs in WSL: file access through /win/e is"},
		{"quiet: Linux file system of WSL", "/home/alice/shop", nil,
			map[string]string{"/proc/sys/kernel/osrelease": wsl2}, "linux", ""},
		{"quiet: /mnt/data is not a drive", "/mnt/data/shop", nil,
			map[string]string{"/proc/sys/kernel/osrelease": wsl2}, "linux", ""},
		{"quiet: wsl.conf moved the drives away from /mnt", "/mnt/c/shop", nil,
			map[string]string{"/proc/sys/kernel/osrelease": wsl2, "/etc/wsl.conf": "[automount]\nroot=/\n"}, "linux", ""},
		{"skip: plain Linux", "/mnt/c/shop", nil,
			map[string]string{"/proc/sys/kernel/osrelease": "6.1.0-18-amd64\n"}, "linux", "skip: not under WSL"},
		{"skip: no osrelease", "/mnt/c/shop", nil, nil, "linux", "skip: not under WSL"},
		{"skip: macOS", "/mnt/c/shop", map[string]string{"WSL_DISTRO_NAME": "x"}, nil, "darwin", "skip: not under WSL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := fakeEnv(tt.vars, tt.files)
			env.GOOS = tt.goos
			r := runCheck2(t, wslWindowsDrive(), env, &project.Project{Root: tt.root})
			got := messages(r)
			switch {
			case strings.HasPrefix(tt.want, "skip: "):
				if r.Skipped != strings.TrimPrefix(tt.want, "skip: ") || got != "" {
					t.Errorf("want skipped, got %q %q", r.Skipped, got)
				}
			case tt.want == "":
				if !r.OK() || len(r.Details) != 1 {
					t.Errorf("want quiet with a detail, got %+v\n%s", r, got)
				}
			case !strings.Contains(got, tt.want):
				t.Errorf("missing %q in:\n%s", tt.want, got)
			}
		})
	}
	env := fakeEnv(map[string]string{"USER": "alice", "WSL_DISTRO_NAME": "Ubuntu"}, nil)
	got := messages(runCheck2(t, wslWindowsDrive(), env, &project.Project{Root: "/mnt/c/Users/alice/my shop"}))
	want := "fix: move the project into the Linux file system: `mkdir -p ~/projects && cp -a \"/mnt/c/Users/alice/my shop\" ~/projects/` (or `git clone` it there), work in ~/projects/my shop, and open it from Windows as \\\\wsl$\\Ubuntu\\home\\alice\\projects\\my shop"
	if !strings.Contains(got, want) {
		t.Errorf("fix:\n%s\nwant %s", got, want)
	}
	if r := runCheck2(t, wslWindowsDrive(), env, nil); r.Skipped != "no project here" {
		t.Errorf("no project: %+v", r)
	}
}
