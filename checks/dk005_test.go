package checks

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// located renders findings as "file:L:C-EL:EC severity message" lines.
func located(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		r := f.Range
		fmt.Fprintf(&b, "%s:%d:%d-%d:%d %s %s\n", r.File, r.Start.Line, r.Start.Col, r.End.Line, r.End.Col, f.Severity, f.Message)
	}
	return b.String()
}

const modernCompose = `name: shop
include:
  - other.yaml
services:
  web:
    build:
      context: .
      ssh: [default]
      dockerfile_inline: |
        FROM scratch
    develop:
      watch:
        - action: sync
          path: .
          target: /app
    depends_on:
      db:
        condition: service_healthy
        required: false
    ports:
      - "8080:80"
      - target: 81
        published: "8081"
        name: admin
    env_file:
      - .env
      - path: ./local.env
        required: false
    environment:
      TAG: ${TAG:+set}
      NESTED: "${A:-${B:-z}}"
      PLAIN: ${C:-d}
    networks:
      front:
        gw_priority: 1
    labels: !reset {}
  db:
    image: postgres:16
    profiles: [db]
    healthcheck:
      test: ["CMD", "pg_isready"]
      start_period: 5s
      start_interval: 1s
    volumes:
      - type: volume
        source: data
        target: /var/lib/postgresql/data
        volume:
          subpath: pg
networks:
  front:
    enable_ipv4: true
volumes:
  data: {}
secrets:
  token:
    environment: TOKEN
`

func TestDK005FeaturesV1Lacks(t *testing.T) {
	p := loadProjectFiles(t, map[string]string{
		"compose.yaml": modernCompose,
		"other.yaml":   "services:\n  extra:\n    image: redis:7\n    develop: {}\n",
		".env":         "",
	})
	env := fakeEnv(nil, nil)
	env.Exec = fakeExec(noPlugin, standalone1, nil)
	r := Run(context.Background(), []*Check{composeV1()}, env, p)[0]
	got := located(r.Findings)
	want := []string{
		":0:0-0:0 warning the only compose here is the legacy Compose v1 (docker-compose 1.29.2)",
		"compose.yaml:2:1-2:8 error `include` is not supported by Compose v1, the only compose here (docker-compose 1.29.2): it rejects the whole file with \"'include' does not match any of the regexes: '^x-'\"",
		"compose.yaml:1:1-1:5 error `name` is not supported by Compose v1",
		"compose.yaml:11:5-11:12 error `services.web.develop` is not supported by Compose v1, the only compose here (docker-compose 1.29.2): it rejects the whole file with \"Unsupported config option for services.web: 'develop'\"",
		"compose.yaml:43:7-43:21 error `services.db.healthcheck.start_interval` is not supported by Compose v1, the only compose here (docker-compose 1.29.2): it rejects the whole file with \"services.db.healthcheck value 'start_interval' does not match any of the regexes: '^x-'\"",
		"compose.yaml:19:9-19:17 error `services.web.depends_on.db.required` is not supported by Compose v1, the only compose here (docker-compose 1.29.2): it rejects the whole file with \"services.web.depends_on contains unsupported option: 'required'\"",
		"compose.yaml:8:7-8:10 error `services.web.build.ssh`",
		"compose.yaml:9:7-9:24 error `services.web.build.dockerfile_inline`",
		"compose.yaml:24:9-24:13 error `services.web.ports[1].name` is not supported by Compose v1, the only compose here (docker-compose 1.29.2): it rejects the whole file with \"services.web.ports contains unsupported option: 'name'\"",
		"compose.yaml:49:11-49:18 error `services.db.volumes[0].volume.subpath`",
		"compose.yaml:35:9-35:20 error `services.web.networks.front.gw_priority` is not supported by Compose v1, the only compose here (docker-compose 1.29.2): it rejects the whole file with \"services.web.networks.front contains unsupported option: 'gw_priority'\"",
		"compose.yaml:27:9-27:26 error `services.web.env_file[1]` is not supported by Compose v1",
		"compose.yaml:57:5-57:16 error `secrets.token.environment` is not supported by Compose v1, the only compose here (docker-compose 1.29.2): it rejects the whole file with \"secrets.token value 'environment' does not match any of the regexes: '^x-'\"",
		"compose.yaml:52:5-52:16 error `networks.front.enable_ipv4`",
		"compose.yaml:36:13-36:19 error the `!reset` tag is not supported by Compose v1, the only compose here (docker-compose 1.29.2): it fails to load the file with \"could not determine a constructor for the tag '!reset'\"",
		"compose.yaml:30:12-30:23 error `${TAG:+set}` uses the :+ modifier, which Compose v1, the only compose here (docker-compose 1.29.2), does not support: it fails with \"Invalid interpolation format\"",
		"compose.yaml:31:16-31:29 warning `${A:-${B:-z}}` nests a variable in its default: Compose v1",
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q", w)
		}
	}
	for _, bad := range []string{"profiles", "env_file[0]", "ports[0]", "C:-d", "other.yaml", "services.web.depends_on.db.condition"} {
		if strings.Contains(got, bad) {
			t.Errorf("%q reported", bad)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%s", got)
	}
	if n := strings.Count(got, "\n"); n != len(want) {
		t.Errorf("%d findings, want %d:\n%s", n, len(want), got)
	}
}

// With Compose v2 on the machine nothing in the file is reported.
func TestDK005FeaturesQuietWithV2(t *testing.T) {
	p := loadProjectFiles(t, map[string]string{"compose.yaml": modernCompose, "other.yaml": "services: {}\n", ".env": ""})
	env := fakeEnv(nil, nil)
	env.Exec = fakeExec(plugin2, standalone1, nil)
	if r := Run(context.Background(), []*Check{composeV1()}, env, p)[0]; len(r.Findings) != 0 {
		t.Errorf("got:\n%s", located(r.Findings))
	}
}

// A v1-compatible file with only v1 gets the one machine finding.
func TestDK005ClassicFile(t *testing.T) {
	p := loadProjectFiles(t, map[string]string{"docker-compose.yml": "version: '2.1'\nservices:\n  db:\n    image: postgres:10\n    profiles: [db]\n    depends_on:\n      cache:\n        condition: service_started\n    env_file: [.env]\n  cache:\n    image: redis:7\n", ".env": ""})
	env := fakeEnv(nil, nil)
	env.Exec = fakeExec(noPlugin, standalone1, nil)
	r := Run(context.Background(), []*Check{composeV1()}, env, p)[0]
	if len(r.Findings) != 1 || r.Findings[0].Range.File != "" {
		t.Errorf("got:\n%s", located(r.Findings))
	}
}

// A tag on a block collection is located on the key's line, at the tag.
func TestDK005BlockTags(t *testing.T) {
	p := loadProject(t, "services:\n  web:\n    image: x:1\n    ports: !override\n      - \"80:80\"\n    environment: !reset\n      A: b\n")
	got := located(composeV1Gaps(p, ComposeCommand{Command: "docker-compose", Version: "1.29.2", Major: 1, Works: true}))
	if !strings.Contains(got, "compose.yaml:4:12-4:21 error the `!override` tag") || !strings.Contains(got, "compose.yaml:6:18-6:24 error the `!reset` tag") || strings.Count(got, "\n") != 2 {
		t.Errorf("got:\n%s", got)
	}
}
