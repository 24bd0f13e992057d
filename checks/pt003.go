package checks

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/ports"
	"github.com/envdoctor/envdoctor/internal/project"
)

// privilegedPort is PT003: the project publishes a host port below 1024
// (below net.ipv4.ip_unprivileged_port_start) while the engine runs
// rootless. Rootless Docker binds host ports as the user (through
// rootlesskit), which Linux forbids for privileged ports: the service
// fails with "cannot expose privileged port 80".
func privilegedPort() *Check {
	return &Check{
		ID:       "PT003",
		Name:     "privileged-port",
		Title:    "A published host port is privileged and the engine runs rootless",
		Section:  SectionPorts,
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Timeout:  EngineTimeout + time.Second,
		Run: func(ctx context.Context, p *Probe) {
			switch {
			case p.Env.GOOS != "linux":
				p.Skip("rootless engines run on Linux")
				return
			case p.Project == nil || p.Project.Compose == nil:
				p.Skip("no compose file")
				return
			}
			e := p.Facts.Engine(ctx)
			local := strings.HasPrefix(e.Endpoint.Host, "unix://")
			rootless := false
			switch {
			case e.EndpointErr != nil:
			case e.Up():
				rootless = e.Info.Rootless()
			case local:
				rootless = rootlessSocket(p.Env, strings.TrimPrefix(e.Endpoint.Host, "unix://"))
			}
			if !rootless {
				p.Skip("the engine is not rootless")
				return
			}
			start, fromSysctl := 1024, false
			if local {
				start, fromSysctl = unprivilegedPortStart(p.Env)
			}
			bindings, _ := ports.Collect(p.Project.Compose)
			reported := 0
			for _, b := range bindings {
				if b.Disabled || !b.Published() || b.HostPort.Start >= start {
					continue
				}
				port := b.HostPort.Start
				p.Report(finding.Finding{
					Range: b.Range,
					Message: fmt.Sprintf("host port %d (service %q) is privileged (below %d%s) and the Docker engine runs rootless: it binds host ports as your user, so `docker compose up` fails with \"cannot expose privileged port %d\"",
						port, b.Service, start, sysctlNote(fromSysctl), port),
					Fix: &finding.Fix{Message: privilegedFix(b, port)},
				})
				reported++
			}
			if reported == 0 {
				p.Detail("rootless engine; no published port below %d", start)
			}
		},
	}
}

func sysctlNote(fromSysctl bool) string {
	if fromSysctl {
		return ", net.ipv4.ip_unprivileged_port_start"
	}
	return ""
}

// rootlessSocket recognises the socket of a rootless engine when it does
// not answer: it lives in the user's runtime directory
// ($XDG_RUNTIME_DIR/docker.sock, /run/user/<uid>/docker.sock).
func rootlessSocket(env *Env, socket string) bool {
	if xdg := env.Getenv("XDG_RUNTIME_DIR"); xdg != "" {
		if _, ok := project.UnderDir(socket, xdg); ok {
			return true
		}
	}
	_, ok := project.UnderDir(path.Dir(socket), "/run/user")
	return ok && path.Dir(socket) != "/run/user"
}

// unprivilegedPortStart reads net.ipv4.ip_unprivileged_port_start (1024
// when it cannot be read).
func unprivilegedPortStart(env *Env) (int, bool) {
	if env.ReadFile == nil {
		return 1024, false
	}
	data, err := env.ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start")
	if err != nil {
		return 1024, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || n < 0 || n > 65536 {
		return 1024, false
	}
	return n, true
}

func privilegedFix(b ports.Binding, port int) string {
	alt := port + 8000 // 80 → 8080, 443 → 8443
	return fmt.Sprintf("publish a port of 1024 or above (\"%d:%d\"); or let rootless Docker bind it: `sudo setcap cap_net_bind_service=ep $(which rootlesskit)` then `systemctl --user restart docker`; or lower the limit: `sudo sysctl net.ipv4.ip_unprivileged_port_start=%d` (persist it in /etc/sysctl.d/)",
		alt, b.ContainerPort.Start, port)
}
