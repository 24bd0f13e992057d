package rules

import (
	"regexp"
	"sync"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/ports"
	"github.com/envdoctor/envdoctor/internal/project"
)

// portErrorFix is the fix of a port entry compose cannot read.
const portErrorFix = `write the port as [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL] with ports 0-65535 and an IPv6 host IP in brackets, for example "127.0.0.1:5432:5432", or use the long syntax (target:, published:, host_ip:, protocol:)`

// collectPorts is ports.Collect(c), once per project (CP000, CP006 and
// CP007 read it); callers must not change it.
func collectPorts(c *project.Compose) ([]ports.Binding, []*ports.Error) {
	type collected struct {
		bindings []ports.Binding
		errs     []*ports.Error
	}
	r := composeFact(c, "ports.Collect", nil, func() collected {
		b, errs := ports.Collect(c)
		return collected{b, errs}
	})
	return r.bindings, r.errs
}

// composePortLoadError matches compose-go's errors about a port entry
// (docker/go-connections' nat messages, and the path of a bad entry). They
// name no line; the port errors located by internal/ports replace them.
var composePortLoadError = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)invalid (hostport|containerport|ip address|proto|ranges specified)|no port specified|\.ports\b`)
})

// portSyntaxErrors are the port entries compose cannot read, each at the
// entry (or the field of a long entry) that is wrong. Some of them (a long
// entry's published: "abc") compose-go loads and the engine refuses at
// `docker compose up`.
func portSyntaxErrors(c *project.Compose) []finding.Finding {
	_, errs := collectPorts(c)
	out := make([]finding.Finding, 0, len(errs))
	for _, e := range errs {
		out = append(out, finding.Finding{Range: e.Range, Message: e.Error(), Fix: &finding.Fix{Message: portErrorFix}})
	}
	return out
}
