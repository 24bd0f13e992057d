package checks

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// realComposeV1 returns the real legacy docker-compose when it is installed
// (Debian's docker-compose 1.29.2; .ci/run installs it). Without it the test
// is skipped, or fails with ENVDOCTOR_REQUIRE_ENGINE=1 as in CI.
func realComposeV1(t *testing.T) (*Env, *ComposeCLI) {
	t.Helper()
	env := RealEnv(RealOptions{})
	c := NewFacts(env).ComposeCLI(context.Background())
	// Compose v1 is a Python program: on a loaded machine it may miss the
	// probe's deadline once; that is the machine, not the probe.
	for attempt := 0; attempt < 3 && c != nil && slowMachine(c.Standalone.Problem); attempt++ {
		c = NewFacts(env).ComposeCLI(context.Background())
	}
	if c == nil || !c.Standalone.V1() {
		msg := "the legacy docker-compose v1 is not installed (`apt-get install docker-compose`)"
		if c != nil {
			msg += ": " + c.Standalone.Problem
		}
		if os.Getenv("ENVDOCTOR_REQUIRE_ENGINE") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return env, c
}

// slowMachine recognises the messages of a compose command that missed its
// deadline.
func slowMachine(msg string) bool {
	return strings.Contains(msg, "no answer within") || strings.Contains(msg, "ran out of time")
}

// v1Config runs the real `docker-compose config` on a project directory.
func v1Config(t *testing.T, dir string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker-compose", "-f", "compose.yaml", "config")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	out, _ := cmd.CombinedOutput()
	return string(out)
}

// everyV1Gap uses each service-level and nested entry of v1Gaps once, in
// its own service or object, so that one `docker-compose config` run
// reports them all (v1 reports one unknown key per object).
const everyV1Gap = `services:
  s1:
    image: x:1
    develop: {}
  s2:
    image: x:1
    attach: false
  s3:
    image: x:1
    gpus: all
  s4:
    image: x:1
    post_start:
      - command: echo
  s5:
    image: x:1
    pre_stop:
      - command: echo
  s6:
    image: x:1
    label_file: ./labels
  s7:
    image: x:1
    cgroup: host
  s8:
    image: x:1
    annotations:
      a: b
  s9:
    image: x:1
    use_api_socket: true
  s10:
    image: x:1
    provider:
      type: x
  s11:
    image: x:1
    models: [m]
  s12:
    image: x:1
    healthcheck:
      test: ["CMD", "true"]
      start_period: 5s
      start_interval: 1s
  s13:
    image: x:1
    depends_on:
      s1:
        condition: service_started
        required: false
  s14:
    image: x:1
    depends_on:
      s1:
        condition: service_started
        restart: true
  b1:
    build:
      context: .
      additional_contexts:
        a: ../a
  b2:
    build:
      context: .
      ssh: [default]
  b3:
    build:
      context: .
      secrets: [token]
  b4:
    build:
      context: .
      tags: ["a:1"]
  b5:
    build:
      context: .
      platforms: ["linux/amd64"]
  b6:
    build:
      context: .
      dockerfile_inline: |
        FROM scratch
  b7:
    build:
      context: .
      cache_to: ["type=local,dest=x"]
  b8:
    build:
      context: .
      privileged: true
  b9:
    build:
      context: .
      no_cache: true
  b10:
    build:
      context: .
      pull: true
  b11:
    build:
      context: .
      entitlements: [network.host]
  p1:
    image: x:1
    ports:
      - target: 80
        published: "8080"
        name: web
  p2:
    image: x:1
    ports:
      - target: 80
        published: "8081"
        app_protocol: http
  v1:
    image: x:1
    volumes:
      - type: bind
        source: ./x
        target: /x
        bind:
          create_host_path: true
  v2:
    image: x:1
    volumes:
      - type: bind
        source: ./x
        target: /x
        bind:
          recursive: readonly
  v3:
    image: x:1
    volumes:
      - type: volume
        source: data
        target: /x
        volume:
          subpath: a
  n1:
    image: x:1
    networks:
      front:
        gw_priority: 1
  n2:
    image: x:1
    networks:
      front:
        interface_name: eth9
  n3:
    image: x:1
    networks:
      front:
        mac_address: 02:42:ac:11:00:02
  e1:
    image: x:1
    env_file:
      - path: ./a.env
        required: false
networks:
  front:
    enable_ipv4: true
volumes:
  data: {}
secrets:
  token:
    environment: TOKEN
configs:
  c1:
    content: hello
  c2:
    environment: C2
`

// TestRealComposeV1Table checks every claim of the v1 table against the
// real docker-compose 1.29.2: for each finding DK005 makes on a file, the
// error text it quotes is what v1 prints for that file.
func TestRealComposeV1Table(t *testing.T) {
	_, cli := realComposeV1(t)
	v1 := cli.Standalone
	cases := []struct {
		name    string
		compose string
		// findings is how many DK005 errors the file must produce.
		findings int
	}{
		{"every nested feature", everyV1Gap, len(v1Gaps) - 3},
		{"include", "include:\n  - other.yaml\nservices:\n  web:\n    image: x:1\n", 1},
		{"name", "name: shop\nservices:\n  web:\n    image: x:1\n", 1},
		{"models", "models:\n  m:\n    model: ai/x\nservices:\n  web:\n    image: x:1\n", 1},
		{"reset tag", "services:\n  web:\n    image: x:1\n    ports: !reset []\n", 1},
		{"override tag", "services:\n  web:\n    image: x:1\n    ports: !override\n      - \"80:80\"\n", 1},
		{"alternate value", "services:\n  web:\n    image: \"x:${TAG:+1}\"\n", 1},
		{"alternate value without colon", "services:\n  web:\n    image: \"x:${TAG+1}\"\n", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := loadProjectFiles(t, map[string]string{"compose.yaml": tc.compose, "other.yaml": "services: {}\n"})
			out := v1Config(t, p.Root)
			fs := composeV1Gaps(p, v1)
			if len(fs) != tc.findings {
				t.Errorf("%d findings, want %d:\n%s", len(fs), tc.findings, located(fs))
			}
			for _, f := range fs {
				quoted := quotedV1Error(f.Message)
				if quoted == "" {
					continue // the :+ message names no exact text beyond this
				}
				prefix, suffix, _ := strings.Cut(quoted, "{...}")
				if !strings.Contains(out, prefix) || !strings.Contains(out, suffix) {
					t.Errorf("v1 does not say %q; it says:\n%s", quoted, out)
				}
			}
			if strings.Contains(tc.name, "alternate") && !strings.Contains(out, "Invalid interpolation format") {
				t.Errorf("v1 accepted the :+ modifier:\n%s", out)
			}
		})
	}

	t.Run("nested default is misread", func(t *testing.T) {
		t.Parallel()
		p := loadProjectFiles(t, map[string]string{"compose.yaml": "services:\n  web:\n    image: x:1\n    environment:\n      A: \"${X:-${Y:-z}}\"\n"})
		out := v1Config(t, p.Root)
		if fs := composeV1Gaps(p, v1); len(fs) != 1 || !strings.Contains(fs[0].Message, "nests a variable") {
			t.Errorf("findings:\n%s", located(fs))
		}
		if !strings.Contains(out, "Y:-z") {
			t.Errorf("v1 read the nested default like v2 (value z):\n%s", out)
		}
	})

	t.Run("features v1 accepts are not reported", func(t *testing.T) {
		t.Parallel()
		compose := "services:\n  web:\n    image: x:1\n    profiles: [dev]\n    pull_policy: always\n    platform: linux/amd64\n    depends_on:\n      db:\n        condition: service_completed_successfully\n    secrets: [s]\n  db:\n    image: x:1\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - capabilities: [gpu]\nsecrets:\n  s:\n    file: ./s.txt\n"
		p := loadProjectFiles(t, map[string]string{"compose.yaml": compose})
		if out := v1Config(t, p.Root); !strings.HasPrefix(out, "secrets:") && !strings.HasPrefix(out, "services:") {
			t.Errorf("v1 rejected a file it should accept:\n%s", out)
		}
		if fs := composeV1Gaps(p, v1); len(fs) != 0 {
			t.Errorf("findings:\n%s", located(fs))
		}
	})
}

// quotedV1Error extracts the v1 message a DK005 finding quotes.
func quotedV1Error(msg string) string {
	for _, lead := range []string{"rejects the whole file with \"", "fails to load the file with \""} {
		if _, rest, ok := strings.Cut(msg, lead); ok {
			return strings.TrimSuffix(rest, "\"")
		}
	}
	return ""
}

// TestRealComposeCLI runs DK004 and DK005 against the compose commands of
// this machine.
func TestRealComposeCLI(t *testing.T) {
	env, c := realComposeV1(t)
	v1 := c.Standalone
	p := loadProjectFiles(t, map[string]string{
		"compose.yaml": "services:\n  web:\n    image: x:1\n    develop: {}\n",
	})
	res := Run(context.Background(), []*Check{composeMissing(), composeV1()}, env, p)
	for attempt := 0; attempt < 3 && slowMachine(messages(res[0])+messages(res[1])); attempt++ {
		res = Run(context.Background(), []*Check{composeMissing(), composeV1()}, env, p) // a loaded machine, see realComposeV1
	}
	dk004, dk005 := res[0], res[1]
	if len(dk004.Findings) != 0 || len(dk004.Details) != 1 || !strings.Contains(dk004.Details[0], "docker-compose "+v1.Version+" (v1)") {
		t.Errorf("DK004: %+v %s", dk004, messages(dk004))
	}
	if c.HasV2() {
		if len(dk005.Findings) != 0 {
			t.Errorf("DK005 with v2 present: %s", messages(dk005))
		}
		return
	}
	got := messages(dk005)
	for _, want := range []string{
		"DK005 warning: the only compose here is the legacy Compose v1 (docker-compose " + v1.Version + ")",
		"DK005 error: `services.web.develop` is not supported by Compose v1",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(c.Plugin.Problem, "docker compose") || strings.Contains(c.Plugin.Problem, "not a docker command") || strings.Contains(c.Plugin.Problem, "not installed") {
		return
	}
	t.Errorf("unexpected reason for the missing plugin: %q", c.Plugin.Problem)
}
