package checks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
	"github.com/envdoctor/envdoctor/internal/finding"
)

// Timing of the published-port test: a container younger than
// warmupPeriod may still be starting; a connection that stays open for
// answerWindow without being closed has a server behind it.
const (
	warmupPeriod = 5 * time.Second
	dialTimeout  = time.Second
	answerWindow = 400 * time.Millisecond
)

// portNotAnswering is RT002: a published port of a running service whose
// connections are refused or closed at once. Behind a published port the
// engine's proxy accepts the connection, then closes it when nothing listens
// on the container's interface: the mark of a server bound to 127.0.0.1
// inside the container.
func portNotAnswering() *Check {
	return &Check{
		ID:       "RT002",
		Name:     "port-not-answering",
		Title:    "A published port of a running service does not answer",
		Section:  SectionRunning,
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Timeout:  EngineTimeout + 4*time.Second,
		Run: func(ctx context.Context, p *Probe) {
			e, ok := engineForProject(ctx, p)
			if !ok {
				return
			}
			if p.Env.Dial == nil {
				p.Skip("cannot open connections here")
				return
			}
			cs, ok := containersOrSkip(ctx, p, e, false)
			if !ok {
				return
			}
			answering := 0
			for _, c := range cs {
				var in dockerengine.ContainerInspect
				if err := e.Client.Get(ctx, "/containers/"+url.PathEscape(c.ID)+"/json", nil, &in); err != nil || !in.State.Running || in.State.Restarting {
					continue
				}
				if started, err := time.Parse(time.RFC3339Nano, in.State.StartedAt); err == nil && p.Env.now().Sub(started) < warmupPeriod {
					p.Detail("container %s started less than %s ago: its ports were not tested", c.Name(), warmupPeriod)
					continue
				}
				service := c.Labels[dockerengine.LabelComposeService]
				for _, cp := range c.Ports {
					if cp.PublicPort == 0 || cp.Type != "tcp" {
						continue
					}
					addr := net.JoinHostPort(loopbackFor(cp.IP), strconv.Itoa(cp.PublicPort))
					why, ok := probePort(ctx, p.Env, addr)
					if ok {
						answering++
						continue
					}
					p.Report(finding.Finding{
						Range: serviceRange(p.Project.Compose, service),
						Message: fmt.Sprintf("service %q publishes host port %d (container port %d), but %s: nothing accepts connections on the container's network interface, usually because the server listens on 127.0.0.1 inside the container",
							service, cp.PublicPort, cp.PrivatePort, why),
						Fix: &finding.Fix{Message: fmt.Sprintf("make the server of %q listen on 0.0.0.0 (flask run --host 0.0.0.0, manage.py runserver 0.0.0.0:%d, uvicorn --host 0.0.0.0, ...); `envdoctor lint` (DF012, CP008) shows the command to change; check with `docker compose -p %s exec %s netstat -ltn` if the image has it",
							service, cp.PrivatePort, p.Project.Name, service)},
					})
				}
			}
			if answering > 0 {
				p.Detail("%d published port(s) answer", answering)
			}
		},
	}
}

// loopbackFor is the address to reach a port published on ip from this
// machine.
func loopbackFor(ip string) string {
	switch ip {
	case "", "0.0.0.0":
		return "127.0.0.1"
	case "::":
		return "::1"
	}
	return ip
}

// probePort connects to addr and waits answerWindow: a server either
// sends something or keeps the connection open; a refused or at once
// closed connection has nothing behind it.
func probePort(ctx context.Context, env *Env, addr string) (why string, ok bool) {
	dctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	conn, err := env.Dial(dctx, "tcp", addr)
	if err != nil {
		if dctx.Err() != nil {
			return "", true // a filtered port, not the bind problem: say nothing
		}
		return "connections to " + addr + " are refused", false
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(answerWindow))
	buf := make([]byte, 1)
	_, err = conn.Read(buf)
	switch {
	case err == nil, errors.Is(err, os.ErrDeadlineExceeded):
		return "", true
	case errors.Is(err, io.EOF):
		return "connections to " + addr + " are closed at once", false
	}
	return "connections to " + addr + " are reset at once", false
}
