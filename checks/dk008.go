package checks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// Free space thresholds of DK008, where the engine keeps images, containers,
// volumes and the build cache.
const (
	diskLowWarning = 2 << 30   // 2 GiB
	diskLowError   = 500 << 20 // 500 MiB
)

// diskLow is DK008: little free space on the file system holding the
// engine's data directory (Info.DockerRootDir), when that directory is on
// this machine; an engine in a VM (Docker Desktop, Colima, OrbStack) or on
// another host keeps it on a disk envdoctor cannot see.
func diskLow() *Check {
	return &Check{
		ID:       "DK008",
		Name:     "disk-low",
		Title:    "Little free disk space where the engine keeps its data",
		Section:  SectionDisk,
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Timeout:  EngineTimeout + time.Second,
		Run: func(ctx context.Context, p *Probe) {
			e, ok := upEngine(ctx, p)
			if !ok {
				return
			}
			root := e.Info.DockerRootDir
			if root == "" {
				p.Skip("the engine did not say where it keeps its data")
				return
			}
			if reason, local := engineDataLocal(p.Env, e); !local {
				p.Skip("%s", reason)
				return
			}
			if p.Env.DiskFree == nil {
				p.Skip("cannot read free disk space here")
				return
			}
			free, total, err := p.Env.DiskFree(root)
			if err != nil {
				p.Skip("cannot read the free space of %s: %v", root, err)
				return
			}
			p.Detail("%s free of %s at %s", humanBytes(free), humanBytes(total), root)
			if free >= diskLowWarning {
				return
			}
			sev, consequence := finding.SeverityWarning, "image pulls, builds and database writes fail with \"no space left on device\" once it is full"
			if free < diskLowError {
				sev, consequence = finding.SeverityError, "image pulls, builds and database writes are about to fail with \"no space left on device\""
			}
			p.Report(finding.Finding{
				Severity: sev,
				Message:  fmt.Sprintf("only %s free (of %s) on the disk where the engine keeps images, containers, volumes and build cache (%s): %s", humanBytes(free), humanBytes(total), root, consequence),
				Fix:      &finding.Fix{Message: "`docker system df` shows what uses the space; `docker system prune` removes stopped containers, unused networks, dangling images and the build cache (`docker builder prune` for the build cache alone; add `--volumes` only if no volume holds data you need); or free space on that disk"},
			})
		},
	}
}

// engineDataLocal tells whether the engine's data directory is on a disk
// of this machine, or why not.
func engineDataLocal(env *Env, e *Engine) (reason string, local bool) {
	vm := ""
	switch {
	case isDockerDesktop(e):
		vm = "Docker Desktop"
	case strings.Contains(strings.ToLower(e.Info.Name), "colima"):
		vm = "Colima"
	case strings.Contains(strings.ToLower(e.Info.OperatingSystem), "orbstack") || strings.EqualFold(e.Info.Name, "orbstack"):
		vm = "OrbStack"
	case strings.Contains(strings.ToLower(e.Info.Name), "rancher-desktop"):
		vm = "Rancher Desktop"
	case strings.HasPrefix(strings.ToLower(e.Info.Name), "lima-"):
		vm = "Lima"
	}
	if vm != "" {
		return fmt.Sprintf("the engine keeps its data inside %s's virtual machine, whose disk is not visible from here (see its disk settings, and `docker system df`)", vm), false
	}
	network := e.Client.Network()
	switch {
	case network == "tcp":
		return fmt.Sprintf("the engine at %s may run on another machine, whose disk is not visible from here", e.Client.Host()), false
	case env.GOOS == "darwin":
		return "on macOS the engine runs in a virtual machine, whose disk is not visible from here (see `docker system df`)", false
	case env.GOOS == "windows" && !strings.EqualFold(e.Info.OSType, "windows"):
		return "the engine runs in a virtual machine (WSL 2 or Hyper-V), whose disk is not visible from here (see `docker system df`)", false
	}
	return "", true
}

// humanBytes writes a size in binary units: "1.5 GiB", "480 MiB".
func humanBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	suffix := []string{"KiB", "MiB", "GiB", "TiB", "PiB"}[exp]
	if v >= 100 {
		return fmt.Sprintf("%.0f %s", v, suffix)
	}
	return fmt.Sprintf("%.1f %s", v, suffix)
}
