package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// dockerSocketMount is CP015: the Docker API socket mounted into a
// container, or a privileged container. Either gives the container's
// processes root on the host: with the socket they can start a container
// that mounts the host's / (the socket is an API, :ro does not restrict
// it); privileged: true lifts every isolation the engine sets up.
func dockerSocketMount() *Rule {
	return &Rule{
		ID:       "CP015",
		Name:     "docker-socket-mount",
		Title:    "Docker socket mounted or privileged container",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Security: true,
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil || c.Model == nil {
				return
			}
			for _, v := range volumeItems(p.Project) {
				if v.typ != types.VolumeTypeBind && v.typ != types.VolumeTypeNamedPipe {
					continue
				}
				what, ok := socketSource(v.source)
				if !ok {
					continue
				}
				consequence := "any process in the container can start a privileged container that mounts the host's /, which is root on the host"
				if strings.Contains(what, "named pipe") {
					consequence = "any process in the container can drive the engine and start containers that mount the host's drives, which is administrator on the host"
				}
				if v.mount.ReadOnly {
					consequence += " (:ro does not help: it makes the socket file read-only, not the API)"
				}
				p.Report(finding.Finding{
					Range:   v.sourceRange,
					Message: fmt.Sprintf("service %q mounts %s: %s", v.svc.name, what, consequence),
					Fix:     &finding.Fix{Message: "remove the mount unless the service must drive Docker; if it must, mount a filtering proxy instead (for example tecnativa/docker-socket-proxy allowing only the API sections it needs) and keep this line with a reason: # envdoctor:ignore CP015 -- <why>"},
				})
			}
			services := modelServices(c)
			for _, s := range serviceNodes(c) {
				svc, ok := services[s.name]
				if !ok {
					continue
				}
				for _, kv := range project.MappingPairs(s.node) {
					key, val := kv[0], deref(kv[1])
					if val.Kind != yaml.ScalarNode || !isYAMLTrue(interpolate(c, s.file, val.Value)) {
						continue
					}
					switch {
					case key.Value == "privileged" && svc.Privileged:
						p.Report(finding.Finding{
							Range:   pairRange(s.file.Source, key, val),
							Message: fmt.Sprintf("service %q runs privileged: the container gets every capability and every host device, and can mount the host's disks or load kernel modules, which is root on the host", s.name),
							Fix:     &finding.Fix{Message: "remove privileged: true and grant only what the service needs, for example cap_add: [NET_ADMIN] or devices: [/dev/fuse]"},
						})
					case key.Value == "use_api_socket" && svc.UseAPISocket:
						p.Report(finding.Finding{
							Range:   pairRange(s.file.Source, key, val),
							Message: fmt.Sprintf("service %q sets use_api_socket: docker compose mounts the Docker API socket into the container, which gives its processes root on the host", s.name),
							Fix:     &finding.Fix{Message: "remove use_api_socket unless the service must drive Docker; if it must, keep it with a reason: # envdoctor:ignore CP015 -- <why>"},
						})
					}
				}
			}
		},
	}
}

// socketSource recognises a bind source that is the Docker (or Podman) API
// socket, or a host directory that holds it.
func socketSource(src string) (string, bool) {
	s := strings.ToLower(strings.ReplaceAll(src, `\`, "/"))
	if strings.HasPrefix(s, "//./pipe/") {
		if strings.HasPrefix(s, "//./pipe/docker_engine") || strings.HasPrefix(s, "//./pipe/dockerdesktop") {
			return fmt.Sprintf("the Docker engine's named pipe %s", src), true
		}
		return "", false
	}
	if !strings.HasPrefix(s, "/") {
		return "", false
	}
	clean := path.Clean(s)
	switch path.Base(clean) {
	case "docker.sock":
		return fmt.Sprintf("the Docker socket %s", src), true
	case "podman.sock":
		return fmt.Sprintf("the Podman socket %s", src), true
	}
	switch clean {
	case "/var/run", "/run":
		return fmt.Sprintf("the host's %s, which holds the Docker socket", src), true
	}
	return "", false
}
