package checks

import (
	"errors"
	"strings"
	"testing"
)

func TestDK008(t *testing.T) {
	const gib = 1 << 30
	tests := []struct {
		name        string
		free, total uint64
		err         error
		want        string
		detail      string
		skip        string
	}{
		{name: "plenty", free: 50 * gib, total: 100 * gib, detail: "50.0 GiB free of 100 GiB at /var/lib/docker"},
		{name: "low", free: 1288490188, total: 58 * gib,
			want: "DK008 warning: only 1.2 GiB free (of 58.0 GiB) on the disk where the engine keeps images, containers, volumes and build cache (/var/lib/docker): image pulls, builds and database writes fail with \"no space left on device\" once it is full\n  fix: `docker system df` shows what uses the space; `docker system prune`"},
		{name: "very low", free: 100 << 20, total: 20 * gib,
			want: "DK008 error: only 100 MiB free (of 20.0 GiB) on the disk where the engine keeps images, containers, volumes and build cache (/var/lib/docker): image pulls, builds and database writes are about to fail"},
		{name: "statfs fails", err: errors.New("statfs /var/lib/docker: permission denied"),
			skip: "cannot read the free space of /var/lib/docker: statfs /var/lib/docker: permission denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := (&fakeEngine{}).env(t)
			var asked string
			env.DiskFree = func(path string) (uint64, uint64, error) { asked = path; return tt.free, tt.total, tt.err }
			r := runCheck(t, diskLow(), env)
			got := messages(r)
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("got:\n%s", got)
			}
			if asked != "/var/lib/docker" {
				t.Errorf("asked about %q", asked)
			}
			if tt.detail != "" && (len(r.Details) != 1 || r.Details[0] != tt.detail) {
				t.Errorf("details %q", r.Details)
			}
			if r.Skipped != tt.skip {
				t.Errorf("skipped %q, want %q", r.Skipped, tt.skip)
			}
		})
	}
}

func TestDK008EngineInAVM(t *testing.T) {
	tests := []struct {
		name, info, goos, want string
	}{
		{"Docker Desktop on Linux", `{"OSType":"linux","DockerRootDir":"/var/lib/docker","OperatingSystem":"Docker Desktop","Name":"docker-desktop"}`, "linux", "inside Docker Desktop's virtual machine"},
		{"Colima", `{"OSType":"linux","DockerRootDir":"/var/lib/docker","OperatingSystem":"Ubuntu 24.04 LTS","Name":"colima"}`, "linux", "inside Colima's virtual machine"},
		{"any engine on macOS", `{"OSType":"linux","DockerRootDir":"/var/lib/docker","OperatingSystem":"Alpine","Name":"x"}`, "darwin", "on macOS the engine runs in a virtual machine"},
		{"Linux containers on Windows", `{"OSType":"linux","DockerRootDir":"/var/lib/docker","OperatingSystem":"Ubuntu","Name":"x"}`, "windows", "WSL 2 or Hyper-V"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := (&fakeEngine{Info: tt.info}).env(t)
			env.GOOS = tt.goos
			env.DiskFree = func(string) (uint64, uint64, error) { t.Error("DiskFree called"); return 0, 0, nil }
			r := runCheck(t, diskLow(), env)
			if !strings.Contains(r.Skipped, tt.want) || len(r.Findings) != 0 {
				t.Errorf("skipped %q, findings %s", r.Skipped, messages(r))
			}
		})
	}
	// Windows containers keep their data on this machine.
	env := (&fakeEngine{Info: windowsEngineInfo}).env(t)
	env.GOOS = "windows"
	env.DiskFree = func(path string) (uint64, uint64, error) { return 300 << 20, 100 << 30, nil }
	if got := messages(runCheck(t, diskLow(), env)); !strings.Contains(got, `DK008 error: only 300 MiB free (of 100 GiB) on the disk where the engine keeps images, containers, volumes and build cache (C:\ProgramData\docker)`) {
		t.Errorf("windows containers: %s", got)
	}
}

func TestDK008Skips(t *testing.T) {
	if r := runCheck(t, diskLow(), fakeEnv(nil, nil)); r.Skipped != "the engine does not answer (DK001)" {
		t.Errorf("engine down: %q", r.Skipped)
	}
	if r := runCheck(t, diskLow(), (&fakeEngine{}).env(t)); r.Skipped != "cannot read free disk space here" {
		t.Errorf("no DiskFree: %q", r.Skipped)
	}
	if r := runCheck(t, diskLow(), (&fakeEngine{Info: `{"OSType":"linux"}`}).env(t)); r.Skipped != "the engine did not say where it keeps its data" {
		t.Errorf("no root dir: %q", r.Skipped)
	}
}

func TestHumanBytes(t *testing.T) {
	for n, want := range map[uint64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KiB", 500 << 20: "500 MiB", 2 << 30: "2.0 GiB", 1 << 40: "1.0 TiB"} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
