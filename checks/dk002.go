package checks

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
	"github.com/envdoctor/envdoctor/internal/finding"
)

// enginePermissionDenied is DK002: the engine socket exists but this user may
// not open it. It tells a user who is not in the docker group from one who
// was added but has not logged in again.
func enginePermissionDenied() *Check {
	return &Check{
		ID:       "DK002",
		Name:     "engine-permission-denied",
		Title:    "The engine socket exists but this user may not use it",
		Section:  SectionEngine,
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Timeout:  EngineTimeout + 500*time.Millisecond,
		Run: func(ctx context.Context, p *Probe) {
			e := p.Facts.Engine(ctx)
			if dockerengine.KindOf(e.Err) != dockerengine.KindPermission {
				return // reachable, or unreachable for another reason (DK001)
			}
			msg, fix := permissionAdvice(p.Env)
			p.Report(finding.Finding{
				Message: fmt.Sprintf("permission denied on %s: %s", endpointWords(e.Endpoint), msg),
				Fix:     &finding.Fix{Message: fix},
			})
		},
	}
}

// permissionAdvice explains the docker group situation of this user.
func permissionAdvice(env *Env) (msg, fix string) {
	switch env.GOOS {
	case "windows":
		return "your user is not in the docker-users group",
			"`net localgroup docker-users \"$Env:USERNAME\" /add` in an administrator PowerShell, then sign out and in again"
	case "darwin":
		return "the Docker Desktop socket is not yours",
			"restart Docker Desktop; if it persists, `sudo chown $USER ~/.docker/run/docker.sock` or reset Docker Desktop's socket setting"
	}
	user := env.Getenv("USER")
	if user == "" {
		user = env.Getenv("LOGNAME")
	}
	members, groupExists := dockerGroupMembers(env)
	var inSession bool
	if env.Groups != nil {
		if groups, err := env.Groups(); err == nil {
			inSession = slices.Contains(groups, "docker")
		}
	}
	const warning = " (members of the docker group are root-equivalent on this machine; rootless Docker is the alternative)"
	switch {
	case !groupExists:
		return "there is no docker group on this machine",
			"`sudo groupadd docker && sudo usermod -aG docker $USER`, restart the engine, then log out and in again" + warning
	case user != "" && slices.Contains(members, user) && !inSession:
		return fmt.Sprintf("%s was added to the docker group, but this session started before that", user),
			"log out and in again (or run `newgrp docker` in this terminal); on WSL run `wsl --shutdown` from Windows"
	case inSession:
		return "you are in the docker group, yet the socket refuses you (its group or mode is not the usual root:docker 660)",
			"`ls -l /var/run/docker.sock` should show `srw-rw---- root docker`; restart the engine (`sudo systemctl restart docker`)"
	}
	who := user
	if who == "" {
		who = "your user"
	}
	return fmt.Sprintf("%s is not in the docker group", who),
		"`sudo usermod -aG docker $USER`, then log out and in again (or `newgrp docker`)" + warning
}

// dockerGroupMembers reads the docker group's members from /etc/group.
func dockerGroupMembers(env *Env) (members []string, exists bool) {
	if env.ReadFile == nil {
		return nil, false
	}
	data, err := env.ReadFile("/etc/group")
	if err != nil {
		return nil, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Split(strings.TrimSpace(line), ":")
		if len(fields) < 4 || fields[0] != "docker" {
			continue
		}
		for _, m := range strings.Split(fields[3], ",") {
			if m = strings.TrimSpace(m); m != "" {
				members = append(members, m)
			}
		}
		return members, true
	}
	return nil, false
}
