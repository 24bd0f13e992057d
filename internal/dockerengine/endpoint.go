// Package dockerengine finds the Docker engine the docker CLI would use and
// talks to its HTTP API with a small client that classifies every failure
// (no socket, refused, permission denied, timeout, not a Docker engine).
package dockerengine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
)

// Default endpoints of the docker CLI (docker/cli opts/hosts.go
// DefaultUnixSocket and DefaultNamedPipe).
const (
	DefaultUnixHost = "unix:///var/run/docker.sock"
	DefaultPipeHost = "npipe:////./pipe/docker_engine"
)

// Lookup is the part of the machine endpoint resolution reads: the
// environment, the home directory and files.
type Lookup struct {
	GOOS      string
	LookupEnv func(string) (string, bool)
	HomeDir   string
	ReadFile  func(string) ([]byte, error)
	// HostFlag and ContextFlag are the values of --host/-H and --context,
	// or "".
	HostFlag    string
	ContextFlag string
}

func (l Lookup) env(name string) string {
	if l.LookupEnv == nil {
		return ""
	}
	v, _ := l.LookupEnv(name)
	return v
}

// Endpoint is the engine the docker CLI would talk to, with the reason.
type Endpoint struct {
	// Host is the engine address: unix:///path, npipe:////./pipe/name,
	// tcp://host:port or ssh://user@host.
	Host string
	// Context is the docker context name ("default" when none is selected).
	Context string
	// Source says how it was chosen, in words a user recognises:
	// "--host flag", "DOCKER_HOST", "DOCKER_CONTEXT=desktop-linux",
	// "currentContext \"colima\" in ~/.docker/config.json", "default".
	Source string
	// ConfigDir is the docker config directory that was read.
	ConfigDir string
	// Warnings are inconsistencies found on the way (DOCKER_HOST overriding a
	// selected context, a context without metadata).
	Warnings []string
	// TLS is true when DOCKER_TLS_VERIFY or the context asks for TLS.
	TLS bool
}

// ErrContextNotFound is returned (wrapped) when the selected context has no
// metadata: the docker CLI fails the same way.
var ErrContextNotFound = errors.New("context not found")

// ConfigDir returns $DOCKER_CONFIG or ~/.docker.
func (l Lookup) ConfigDir() string {
	if d := l.env("DOCKER_CONFIG"); d != "" {
		return d
	}
	return l.join(l.HomeDir, ".docker")
}

func (l Lookup) join(elem ...string) string {
	if l.GOOS == "windows" {
		return strings.ReplaceAll(path.Join(toSlash(elem)...), "/", `\`)
	}
	return filepath.Join(elem...)
}

func toSlash(elem []string) []string {
	out := make([]string, len(elem))
	for i, e := range elem {
		out[i] = strings.ReplaceAll(e, `\`, "/")
	}
	return out
}

// DefaultHost is the platform's default engine address.
func DefaultHost(goos string) string {
	if goos == "windows" {
		return DefaultPipeHost
	}
	return DefaultUnixHost
}

// Resolve picks the endpoint exactly as docker/cli's resolveContextName and
// the context store do: --context, then --host (default context), then
// DOCKER_HOST (default context), then DOCKER_CONTEXT, then currentContext in
// config.json, then the default context.
func Resolve(l Lookup) (Endpoint, error) {
	ep := Endpoint{ConfigDir: l.ConfigDir()}
	current, cfgErr := l.currentContext(ep.ConfigDir)
	if cfgErr != nil {
		ep.Warnings = append(ep.Warnings, cfgErr.Error())
	}
	dockerHost := l.env("DOCKER_HOST")
	dockerContext := l.env("DOCKER_CONTEXT")
	ep.TLS = l.env("DOCKER_TLS_VERIFY") != ""
	switch {
	case l.ContextFlag != "":
		if l.HostFlag != "" {
			return ep, errors.New("conflicting options: either specify --host or --context, not both")
		}
		return l.fromContext(ep, l.ContextFlag, "--context flag")
	case l.HostFlag != "":
		ep.Host, ep.Context, ep.Source = l.HostFlag, "default", "--host flag"
	case dockerHost != "":
		ep.Host, ep.Context, ep.Source = dockerHost, "default", "DOCKER_HOST"
		if dockerContext != "" && dockerContext != "default" {
			ep.Warnings = append(ep.Warnings, fmt.Sprintf("DOCKER_HOST overrides DOCKER_CONTEXT=%s", dockerContext))
		} else if current != "" && current != "default" {
			ep.Warnings = append(ep.Warnings, fmt.Sprintf("DOCKER_HOST overrides the current context %q selected in %s", current, l.configFile(ep.ConfigDir)))
		}
	case dockerContext != "":
		return l.fromContext(ep, dockerContext, "DOCKER_CONTEXT="+dockerContext)
	case current != "":
		return l.fromContext(ep, current, fmt.Sprintf("currentContext %q in %s", current, l.configFile(ep.ConfigDir)))
	default:
		ep.Host, ep.Context, ep.Source = DefaultHost(l.GOOS), "default", "default"
	}
	return ep, nil
}

func (l Lookup) configFile(dir string) string { return l.join(dir, "config.json") }

// currentContext reads "currentContext" from config.json; a missing file is
// not an error.
func (l Lookup) currentContext(dir string) (string, error) {
	if l.ReadFile == nil {
		return "", nil
	}
	file := l.configFile(dir)
	data, err := l.ReadFile(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
		return "", fmt.Errorf("reading %s: %w", file, err)
	}
	var cfg struct {
		CurrentContext string `json:"currentContext"`
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return "", fmt.Errorf("%s is not valid JSON: %w", file, err)
	}
	return cfg.CurrentContext, nil
}

// contextMeta is the part of contexts/meta/<sha256(name)>/meta.json read here.
type contextMeta struct {
	Name      string `json:"Name"`
	Endpoints map[string]struct {
		Host          string `json:"Host"`
		SkipTLSVerify bool   `json:"SkipTLSVerify"`
	} `json:"Endpoints"`
}

// ContextMetaPath is where the docker CLI keeps a context's metadata.
func (l Lookup) ContextMetaPath(configDir, name string) string {
	sum := sha256.Sum256([]byte(name))
	return l.join(configDir, "contexts", "meta", hex.EncodeToString(sum[:]), "meta.json")
}

func (l Lookup) fromContext(ep Endpoint, name, source string) (Endpoint, error) {
	ep.Context, ep.Source = name, source
	if name == "default" {
		ep.Host = l.env("DOCKER_HOST")
		if ep.Host == "" {
			ep.Host = DefaultHost(l.GOOS)
		}
		return ep, nil
	}
	metaPath := l.ContextMetaPath(ep.ConfigDir, name)
	if l.ReadFile == nil {
		return ep, fmt.Errorf("context %q: %w", name, ErrContextNotFound)
	}
	data, err := l.ReadFile(metaPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return ep, fmt.Errorf("context %q (%s) has no metadata at %s: %w", name, source, metaPath, ErrContextNotFound)
		}
		return ep, fmt.Errorf("reading context %q: %w", name, err)
	}
	var meta contextMeta
	if err := json.Unmarshal(data, &meta); err != nil {
		return ep, fmt.Errorf("context %q: %s is not valid JSON: %w", name, metaPath, err)
	}
	docker, ok := meta.Endpoints["docker"]
	if !ok || docker.Host == "" {
		return ep, fmt.Errorf("context %q: %s has no docker endpoint", name, metaPath)
	}
	ep.Host = docker.Host
	ep.TLS = ep.TLS || l.hasTLS(ep.ConfigDir, name)
	return ep, nil
}

func (l Lookup) hasTLS(configDir, name string) bool {
	sum := sha256.Sum256([]byte(name))
	_, err := l.ReadFile(l.join(configDir, "contexts", "tls", hex.EncodeToString(sum[:]), "docker", "ca.pem"))
	return err == nil
}

// Alternative is a well-known engine address of a desktop or rootless
// engine, tried only to advise the user when the chosen one fails.
type Alternative struct {
	Name string // "Docker Desktop", "Colima", ...
	Host string
	// Fix is how to make the docker CLI use it.
	Fix string
}

// Alternatives lists the engine sockets known for this OS, the chosen host
// excluded.
func Alternatives(l Lookup, chosen string) []Alternative {
	home := l.HomeDir
	var out []Alternative
	add := func(name, host, ctx string) {
		if host == chosen {
			return
		}
		fix := fmt.Sprintf("docker context use %s", ctx)
		if ctx == "" {
			fix = "export DOCKER_HOST=" + host
		}
		out = append(out, Alternative{Name: name, Host: host, Fix: fix})
	}
	switch l.GOOS {
	case "windows":
		add("Docker Desktop", "npipe:////./pipe/dockerDesktopLinuxEngine", "desktop-linux")
		add("Docker Engine (default pipe)", DefaultPipeHost, "default")
		add("Podman", "npipe:////./pipe/podman-machine-default", "")
	case "darwin":
		add("Docker Desktop", "unix://"+path.Join(home, ".docker/run/docker.sock"), "desktop-linux")
		add("Colima", "unix://"+path.Join(home, ".colima/default/docker.sock"), "colima")
		add("OrbStack", "unix://"+path.Join(home, ".orbstack/run/docker.sock"), "orbstack")
		add("Rancher Desktop", "unix://"+path.Join(home, ".rd/docker.sock"), "rancher-desktop")
		add("default socket", DefaultUnixHost, "default")
	default:
		add("Docker Engine", DefaultUnixHost, "default")
		if run := l.env("XDG_RUNTIME_DIR"); run != "" {
			add("rootless Docker", "unix://"+path.Join(run, "docker.sock"), "rootless")
			add("Podman", "unix://"+path.Join(run, "podman/podman.sock"), "")
		}
		add("Docker Desktop", "unix://"+path.Join(home, ".docker/desktop/docker.sock"), "desktop-linux")
		add("Rancher Desktop", "unix://"+path.Join(home, ".rd/docker.sock"), "rancher-desktop")
	}
	return out
}
