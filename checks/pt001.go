package checks

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"syscall"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/ports"
)

// maxPortsPerEntry bounds how many ports of one range entry are tested.
const maxPortsPerEntry = 64

// portInUse is PT001: a host port the project publishes is already taken.
// The port is tested by binding the exact address compose will publish on;
// the owner is named: a container (with its compose project) from the
// engine, else a process of this machine.
func portInUse() *Check {
	return &Check{
		ID:       "PT001",
		Name:     "port-in-use",
		Title:    "A host port the project publishes is already taken",
		Section:  SectionPorts,
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Run: func(ctx context.Context, p *Probe) {
			if p.Project == nil || p.Project.Compose == nil {
				p.Skip("no compose file")
				return
			}
			if p.Env.Listen == nil {
				p.Skip("cannot bind ports here")
				return
			}
			bindings, _ := ports.Collect(p.Project.Compose)
			var containers []dockerengine.Container
			containersRead := false
			free := 0
			for _, b := range bindings {
				if b.Disabled || !b.Published() || b.Protocol != "tcp" {
					continue
				}
				for port := b.HostPort.Start; port <= b.HostPort.End && port-b.HostPort.Start < maxPortsPerEntry; port++ {
					if ctx.Err() != nil {
						return
					}
					network, address := listenAddress(b.HostIP, port)
					l, err := p.Env.Listen(ctx, network, address)
					if err == nil {
						_ = l.Close()
						free++
						continue
					}
					if !addrInUse(err) {
						continue // no permission for a low port, no such address: other probes
					}
					if !containersRead {
						containers, containersRead = runningContainers(ctx, p), true
					}
					owner, ok := containerPublishing(containers, b.HostIP, port)
					if ok && owner.Project == p.Project.Name {
						p.Detail("port %d is published by this project's running container %q", port, owner.Container)
						continue
					}
					if !ok {
						owner, _ = processListening(ctx, p.Env, port)
					}
					p.Report(finding.Finding{
						Range:   b.Range,
						Message: fmt.Sprintf("host port %s (service %q) is already in use by %s: `docker compose up` will fail with \"port is already allocated\" or \"address already in use\"", address, b.Service, owner),
						Fix:     &finding.Fix{Message: portInUseFix(p.Env, owner, b, port)},
					})
				}
			}
			switch {
			case free == 1:
				p.Detail("1 published host port is free")
			case free > 1:
				p.Detail("%d published host ports are free", free)
			}
		},
	}
}

// addrInUse recognises EADDRINUSE, and WSAEADDRINUSE (10048) on Windows.
func addrInUse(err error) bool {
	if errors.Is(err, syscall.EADDRINUSE) {
		return true
	}
	var errno syscall.Errno
	return errors.As(err, &errno) && uintptr(errno) == 10048
}

func runningContainers(ctx context.Context, p *Probe) []dockerengine.Container {
	e := p.Facts.Engine(ctx)
	if !e.Up() {
		return nil
	}
	var cs []dockerengine.Container
	if err := e.Client.Get(ctx, "/containers/json", nil, &cs); err != nil {
		return nil
	}
	return cs
}

// containerPublishing finds the container that publishes port on hostIP.
func containerPublishing(cs []dockerengine.Container, hostIP string, port int) (portOwner, bool) {
	for _, c := range cs {
		for _, cp := range c.Ports {
			if cp.PublicPort != port || cp.Type != "tcp" {
				continue
			}
			if hostIP != "" && !ports.IsUnspecified(hostIP) && !ports.IsUnspecified(cp.IP) && cp.IP != hostIP {
				continue
			}
			return portOwner{
				Container: c.Name(),
				Project:   c.Labels[dockerengine.LabelComposeProject],
				Service:   c.Labels[dockerengine.LabelComposeService],
			}, true
		}
	}
	return portOwner{}, false
}

func portInUseFix(env *Env, owner portOwner, b ports.Binding, port int) string {
	other := strconv.Itoa(port + 10000)
	if port+10000 > 65535 {
		other = strconv.Itoa(port + 1)
	}
	elsewhere := fmt.Sprintf("or publish another host port in the compose file (\"%s:%d\")", other, b.ContainerPort.Start)
	switch {
	case owner.Container != "" && owner.Project != "":
		return fmt.Sprintf("stop the other project (`docker compose -p %s down`) or the container (`docker stop %s`), %s", owner.Project, owner.Container, elsewhere)
	case owner.Container != "":
		return fmt.Sprintf("stop the container (`docker stop %s`), %s", owner.Container, elsewhere)
	case owner.Process != "":
		return fmt.Sprintf("stop %s (a local service? %s), %s", owner.Process, stopServiceAdvice(env, owner.Process), elsewhere)
	}
	return fmt.Sprintf("find the program (%s) and stop it, %s", findListenerCommand(env, port), elsewhere)
}

func stopServiceAdvice(env *Env, process string) string {
	switch env.GOOS {
	case "windows":
		return fmt.Sprintf("`Stop-Process -Name %s`, or stop its service in services.msc", trimExe(process))
	case "darwin":
		return fmt.Sprintf("`brew services stop %s` if Homebrew runs it", process)
	}
	return fmt.Sprintf("`sudo systemctl stop %s` if it is a system service", process)
}

func trimExe(name string) string {
	if len(name) > 4 && name[len(name)-4:] == ".exe" {
		return name[:len(name)-4]
	}
	return name
}

func findListenerCommand(env *Env, port int) string {
	switch env.GOOS {
	case "windows":
		return fmt.Sprintf("`Get-NetTCPConnection -LocalPort %d -State Listen`", port)
	case "darwin":
		return fmt.Sprintf("`lsof -nP -iTCP:%d -sTCP:LISTEN`", port)
	}
	return fmt.Sprintf("`sudo ss -ltnp 'sport = :%d'`", port)
}
