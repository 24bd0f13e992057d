package checks

import (
	"context"
	"strings"
	"testing"
)

const newFeaturesCompose = `services:
  db:
    image: postgres:16
    platform: linux/amd64
    healthcheck:
      test: ["CMD", "pg_isready"]
      start_period: 10s
      start_interval: 1s
  web:
    image: nginx:1.27
    networks:
      front:
        gw_priority: 10
        mac_address: 02:42:ac:11:00:02
      back:
        mac_address: 02:42:ac:11:00:03
  worker:
    image: nginx:1.27
    networks:
      front:
        mac_address: 02:42:ac:11:00:04
networks:
  front: {}
  back: {}
`

func TestDK006(t *testing.T) {
	p := loadProject(t, newFeaturesCompose)
	old := &fakeEngine{API: "1.41"}
	r := Run(context.Background(), []*Check{engineTooOld()}, old.env(t), p)[0]
	got := located(r.Findings)
	for _, want := range []string{
		"compose.yaml:8:7-8:21 warning `services.db.healthcheck.start_interval` needs Docker Engine 25.0 (API 1.44), but this engine is 20.10.24 (API 1.41): `docker compose up` fails with \"can't set healthcheck.start_interval as feature require Docker Engine v25 or later\"",
		"compose.yaml:14:9-14:20 warning `services.web.networks.front.mac_address` needs Docker Engine 25.0 (API 1.44)",
		"compose.yaml:16:9-16:20 warning `services.web.networks.back.mac_address` needs Docker Engine 25.0 (API 1.44)",
		"compose.yaml:13:9-13:20 warning `services.web.networks.front.gw_priority` needs Docker Engine 28.0 (API 1.48), but this engine is 20.10.24 (API 1.41): the engine ignores it",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(got, "worker") || strings.Contains(got, "platform") || strings.Count(got, "\n") != 4 {
		t.Errorf("wrong findings:\n%s", got)
	}
	if t.Failed() {
		t.Logf("got:\n%s", got)
	}
	if fix := r.Findings[0].Fix.Message; !strings.Contains(fix, "upgrade the engine to Docker 25.0 or later (Docker's packages for your distribution") {
		t.Errorf("fix: %s", fix)
	}

	recent := &fakeEngine{API: "1.49", Version: `{"Version":"28.1.1","ApiVersion":"1.49","Os":"linux","Arch":"arm64"}`}
	r = Run(context.Background(), []*Check{engineTooOld()}, recent.env(t), p)[0]
	if len(r.Findings) != 0 || len(r.Details) != 1 || r.Details[0] != "the compose file needs API 1.48; the engine speaks 1.49" {
		t.Errorf("recent engine: %s %q", located(r.Findings), r.Details)
	}
}

func TestDK006DockerDesktopAdvice(t *testing.T) {
	p := loadProject(t, "services:\n  web:\n    image: nginx:1.27\n    volumes:\n      - type: image\n        source: alpine:3\n        target: /data\n")
	dd := &fakeEngine{API: "1.47", Version: `{"Version":"27.3.1","ApiVersion":"1.47"}`, Info: `{"OSType":"linux","OperatingSystem":"Docker Desktop","Name":"docker-desktop"}`}
	got := messages(Run(context.Background(), []*Check{engineTooOld()}, dd.env(t), p)[0])
	if !strings.Contains(got, "`services.web.volumes[0].type` needs Docker Engine 28.0 (API 1.48), but this engine is 27.3.1 (API 1.47)") || !strings.Contains(got, "(update Docker Desktop)") {
		t.Errorf("got:\n%s", got)
	}
}

func TestDK006Skips(t *testing.T) {
	if r := runCheck(t, engineTooOld(), fakeEnv(nil, nil)); r.Skipped != "no compose file" {
		t.Errorf("no project: %+v", r)
	}
	p := loadProject(t, newFeaturesCompose)
	r := Run(context.Background(), []*Check{engineTooOld()}, fakeEnv(nil, nil), p)[0]
	if r.Skipped != "the engine does not answer (DK001)" || len(r.Findings) != 0 {
		t.Errorf("engine down: %+v", r)
	}
}
