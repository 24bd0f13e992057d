package checks

import (
	"fmt"
	"strings"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
)

// startEngineAdvice is the command that starts the engine on this machine.
func startEngineAdvice(env *Env, ep dockerengine.Endpoint) string {
	switch {
	case env.GOOS == "windows":
		return "start Docker Desktop (Start menu, or `Start-Process \"$Env:ProgramFiles\\Docker\\Docker\\Docker Desktop.exe\"`) and wait until it says \"Engine running\""
	case env.GOOS == "darwin":
		return "start Docker Desktop (`open -a Docker`), or your engine (`colima start`, OrbStack, Rancher Desktop)"
	case isWSL(env):
		return "start Docker Desktop on Windows and enable this distribution under Settings > Resources > WSL integration, or start the engine inside WSL (`sudo service docker start`)"
	case strings.Contains(ep.Host, "/run/user/"):
		return "start the rootless engine: `systemctl --user start docker`"
	}
	return "start the engine: `sudo systemctl start docker` (or `sudo service docker start` where there is no systemd)"
}

// isWSL is true under Windows Subsystem for Linux.
func isWSL(env *Env) bool {
	if env.GOOS != "linux" || env.ReadFile == nil {
		return false
	}
	b, err := env.ReadFile("/proc/sys/kernel/osrelease")
	return err == nil && strings.Contains(strings.ToLower(string(b)), "microsoft")
}

// endpointWords names an endpoint and how it was chosen, for messages.
func endpointWords(ep dockerengine.Endpoint) string {
	if ep.Source == "default" {
		return fmt.Sprintf("%s (the default)", ep.Host)
	}
	return fmt.Sprintf("%s (chosen by %s)", ep.Host, ep.Source)
}

// unsetHostAdvice tells how to stop DOCKER_HOST from choosing the endpoint.
func unsetHostAdvice(env *Env) string {
	if env.GOOS == "windows" {
		return "`Remove-Item Env:DOCKER_HOST` (and remove it from your PowerShell $PROFILE)"
	}
	return "`unset DOCKER_HOST` (and remove it from ~/.bashrc, ~/.zshrc or ~/.profile)"
}

// setHostAdvice tells how to point DOCKER_HOST at host.
func setHostAdvice(env *Env, host string) string {
	if env.GOOS == "windows" {
		return fmt.Sprintf("`$Env:DOCKER_HOST = \"%s\"`", host)
	}
	return fmt.Sprintf("`export DOCKER_HOST=%s`", host)
}
