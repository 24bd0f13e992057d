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
	// Overridden is the context that DOCKER_HOST overrides: the one
	// DOCKER_CONTEXT or config.json's currentContext selects ("" when none,
	// or when it is "default").
	Overridden string
	// OverriddenBy says where Overridden was selected, in the words of
	// Source ("DOCKER_CONTEXT=colima", "currentContext \"colima\" in ...").
	OverriddenBy string
	// ConfigErr is set when config.json exists but cannot be read or is not
	// JSON: the docker CLI then ignores the whole file (its
	// currentContext, credential helpers and proxies).
	ConfigErr error
}

// ContextError is a selected context the docker CLI cannot use: it has no
// metadata (ErrContextNotFound), or its metadata is unreadable or has no
// docker endpoint. Every docker command fails with it.
type ContextError struct {
	Name     string // the context's name
	Source   string // how it was selected, like Endpoint.Source
	MetaPath string // where its metadata should be
	// Missing is true when there is no metadata at all.
	Missing bool
	Err     error
}

func (e *ContextError) Error() string {
	if e.Missing {
		return fmt.Sprintf("context %q (%s) has no metadata at %s: %v", e.Name, e.Source, e.MetaPath, e.Err)
	}
	return fmt.Sprintf("context %q: %v", e.Name, e.Err)
}

func (e *ContextError) Unwrap() error { return e.Err }

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
	cfg, cfgErr := l.ReadConfig(ep.ConfigDir)
	current := cfg.CurrentContext
	if cfgErr != nil {
		ep.ConfigErr = cfgErr
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
		switch {
		case dockerContext != "":
			if dockerContext != "default" {
				ep.Overridden, ep.OverriddenBy = dockerContext, "DOCKER_CONTEXT="+dockerContext
				ep.Warnings = append(ep.Warnings, fmt.Sprintf("DOCKER_HOST overrides DOCKER_CONTEXT=%s", dockerContext))
			}
		case current != "" && current != "default":
			ep.Overridden, ep.OverriddenBy = current, fmt.Sprintf("currentContext %q in %s", current, l.configFile(ep.ConfigDir))
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

// ConfigFile is the path of config.json in the config directory dir.
func (l Lookup) ConfigFile(dir string) string { return l.configFile(dir) }

// Config is the part of the docker CLI's config.json envdoctor reads.
type Config struct {
	CurrentContext string            `json:"currentContext"`
	CredsStore     string            `json:"credsStore"`
	CredHelpers    map[string]string `json:"credHelpers"`
}

// ReadConfig reads config.json in the config directory dir; a missing file
// is an empty config, not an error. On a file that cannot be read or is not
// JSON it returns an empty config and the error, as the docker CLI ignores
// such a file ("WARNING: Error parsing config file").
func (l Lookup) ReadConfig(dir string) (Config, error) {
	if l.ReadFile == nil {
		return Config{}, nil
	}
	file := l.configFile(dir)
	data, err := l.ReadFile(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Config{}, nil
		}
		return Config{}, fmt.Errorf("reading %s: %w", file, err)
	}
	var cfg Config
	if err := json.Unmarshal(data, &cfg); err != nil {
		return Config{}, fmt.Errorf("%s is not valid JSON: %w", file, err)
	}
	return cfg, nil
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
	host, err := l.contextHost(ep.ConfigDir, name, source)
	if err != nil {
		return ep, err
	}
	ep.Host = host
	ep.TLS = ep.TLS || l.hasTLS(ep.ConfigDir, name)
	return ep, nil
}

// ContextHost returns the engine address of the named context as the
// docker CLI would use it, or a *ContextError. The default context is
// DOCKER_HOST or the platform default.
func (l Lookup) ContextHost(configDir, name string) (string, error) {
	if name == "default" {
		if h := l.env("DOCKER_HOST"); h != "" {
			return h, nil
		}
		return DefaultHost(l.GOOS), nil
	}
	return l.contextHost(configDir, name, "")
}

func (l Lookup) contextHost(configDir, name, source string) (string, error) {
	metaPath := l.ContextMetaPath(configDir, name)
	cerr := &ContextError{Name: name, Source: source, MetaPath: metaPath}
	if l.ReadFile == nil {
		cerr.Missing, cerr.Err = true, ErrContextNotFound
		return "", cerr
	}
	data, err := l.ReadFile(metaPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			cerr.Missing, cerr.Err = true, ErrContextNotFound
			return "", cerr
		}
		cerr.Err = fmt.Errorf("reading its metadata: %w", err)
		return "", cerr
	}
	var meta contextMeta
	if err := json.Unmarshal(data, &meta); err != nil {
		cerr.Err = fmt.Errorf("%s is not valid JSON: %w", metaPath, err)
		return "", cerr
	}
	docker, ok := meta.Endpoints["docker"]
	if !ok || docker.Host == "" {
		cerr.Err = fmt.Errorf("%s has no docker endpoint", metaPath)
		return "", cerr
	}
	return docker.Host, nil
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
