package checks

import (
	"strings"
	"testing"
)

const rootlessInfo = `{"OSType":"linux","Architecture":"x86_64","SecurityOptions":["name=seccomp,profile=default","name=rootless","name=cgroupns"]}`

func TestPT003(t *testing.T) {
	p := loadProject(t, "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"80:80\"\n      - \"8443:443\"\n      - target: 53\n        published: \"53\"\n        protocol: udp\n  admin:\n    image: adminer:4\n    profiles: [debug]\n    ports:\n      - \"81:8080\"\n")
	env := fakeEnv(map[string]string{"DOCKER_HOST": "unix:///run/user/1000/docker.sock"}, nil)
	env.Dial = engineAnswering(map[string]string{"/info": rootlessInfo})
	r := runCheck2(t, privilegedPort(), env, p)
	got := locatedResult(r)
	for _, want := range []string{
		"compose.yaml:5:9-5:16 PT003: host port 80 (service \"web\") is privileged (below 1024) and the Docker engine runs rootless: it binds host ports as your user, so `docker compose up` fails with \"cannot expose privileged port 80\"\n" +
			"  fix: publish a port of 1024 or above (\"8080:80\"); or let rootless Docker bind it: `sudo setcap cap_net_bind_service=ep $(which rootlesskit)` then `systemctl --user restart docker`; or lower the limit: `sudo sysctl net.ipv4.ip_unprivileged_port_start=80` (persist it in /etc/sysctl.d/)\n",
		"compose.yaml:8:20-8:24 PT003: host port 53 (service \"web\") is privileged",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if len(r.Findings) != 2 {
		t.Errorf("want 2 findings (not 8443, not the disabled profile):\n%s", got)
	}

	// The sysctl lowers the limit.
	env.ReadFile = func(name string) ([]byte, error) {
		if name == "/proc/sys/net/ipv4/ip_unprivileged_port_start" {
			return []byte("60\n"), nil
		}
		return fakeEnv(nil, nil).ReadFile(name)
	}
	r = runCheck2(t, privilegedPort(), env, p)
	if got := locatedResult(r); len(r.Findings) != 1 || !strings.Contains(got, "host port 53 (service \"web\") is privileged (below 60, net.ipv4.ip_unprivileged_port_start)") {
		t.Errorf("sysctl 60:\n%s", got)
	}
	env.ReadFile = func(string) ([]byte, error) { return []byte("0\n"), nil }
	if r := runCheck2(t, privilegedPort(), env, p); !r.OK() || r.Details[0] != "rootless engine; no published port below 0" {
		t.Errorf("sysctl 0: %+v", r)
	}

	// A rootless socket that does not answer.
	down := fakeEnv(map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000", "DOCKER_HOST": "unix:///run/user/1000/docker.sock"}, nil)
	if r := runCheck2(t, privilegedPort(), down, p); len(r.Findings) != 2 {
		t.Errorf("rootless socket, engine down: %s %+v", locatedResult(r), r)
	}
	down = fakeEnv(map[string]string{"DOCKER_HOST": "unix:///home/alice/.docker/run/docker.sock"}, nil)
	if r := runCheck2(t, privilegedPort(), down, p); r.Skipped != "the engine is not rootless" {
		t.Errorf("other socket, engine down: %+v", r)
	}

	// A rootful engine, other systems, no project.
	rootful := fakeEnv(nil, nil)
	rootful.Dial = engineAnswering(nil)
	if r := runCheck2(t, privilegedPort(), rootful, p); r.Skipped != "the engine is not rootless" {
		t.Errorf("rootful: %+v", r)
	}
	mac := fakeEnv(nil, nil)
	mac.GOOS = "darwin"
	if r := runCheck2(t, privilegedPort(), mac, p); r.Skipped != "rootless engines run on Linux" {
		t.Errorf("darwin: %+v", r)
	}
	if r := runCheck2(t, privilegedPort(), env, nil); r.Skipped != "no compose file" {
		t.Errorf("no project: %+v", r)
	}
	if !rootlessSocket(fakeEnv(nil, nil), "/run/user/1000/docker.sock") || rootlessSocket(fakeEnv(nil, nil), "/run/docker.sock") || rootlessSocket(fakeEnv(nil, nil), "/run/user/docker.sock") {
		t.Error("rootlessSocket")
	}
}

// TestRealPT003 runs against the real engine: on this machine's rootful
// engine the probe must stay out of the way.
func TestRealPT003(t *testing.T) {
	env, e := realEngine(t)
	p := loadProject(t, "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"80:80\"\n")
	r := runCheck2(t, privilegedPort(), env, p)
	if e.Info.Rootless() {
		if len(r.Findings) != 1 {
			t.Errorf("rootless engine: %s", locatedResult(r))
		}
		return
	}
	if r.Skipped != "the engine is not rootless" {
		t.Errorf("rootful engine: %+v %s", r, locatedResult(r))
	}
}
