package checks

import (
	"context"
	"strings"
	"testing"
)

const armEngineInfo = `{"OSType":"linux","Architecture":"aarch64","DockerRootDir":"/var/lib/docker","OperatingSystem":"Docker Desktop","Name":"docker-desktop"}`

func TestDK010(t *testing.T) {
	p := loadProjectFiles(t, map[string]string{
		"compose.yaml": "services:\n  db:\n    image: mysql:5.7\n  emulated:\n    image: oracle:19\n    platform: linux/amd64\n  cache:\n    image: redis:7\n  web:\n    build: .\n",
		"Dockerfile":   "FROM node:14\n",
	})
	eng := &fakeEngine{Info: armEngineInfo, Images: map[string]string{
		"mysql:5.7": imageJSON("mysql:5.7", "linux", "amd64"),
		"oracle:19": imageJSON("oracle:19", "linux", "amd64"),
		"redis:7":   `{"Os":"linux","Architecture":"arm64","Variant":"v8"}`,
		"node:14":   imageJSON("node:14", "linux", "amd64"),
	}}
	r := Run(context.Background(), []*Check{platformMismatch()}, eng.env(t), p)[0]
	got := located(r.Findings)
	want := "compose.yaml:3:12-3:21 warning image \"mysql:5.7\" (service \"db\") present here is linux/amd64, but the engine runs linux/arm64: its containers run under emulation (slowly), or fail with \"exec format error\" where no emulator is installed\n" +
		"Dockerfile:1:6-1:13 warning image \"node:14\" (FROM in Dockerfile) present here is linux/amd64, but the engine runs linux/arm64: its containers run under emulation (slowly), or fail with \"exec format error\" where no emulator is installed\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if len(r.Findings) == 2 {
		if fix := r.Findings[0].Fix.Message; fix != "`docker pull --platform linux/arm64 mysql:5.7` fetches the native variant if the image has one (otherwise use a multi-architecture image or a newer tag); or write `platform: linux/amd64` in service \"db\" to make the emulation explicit" {
			t.Errorf("fix: %s", fix)
		}
		if fix := r.Findings[1].Fix.Message; !strings.HasSuffix(fix, "or write `FROM --platform=linux/amd64` to make the emulation explicit") {
			t.Errorf("fix: %s", fix)
		}
	}
}

func TestDK010Quiet(t *testing.T) {
	p := loadProject(t, "services:\n  db:\n    image: postgres:16\n  gone:\n    image: nothere:1\n  win:\n    image: winapp:1\n  noarch:\n    image: odd:1\n")
	eng := &fakeEngine{Images: map[string]string{
		"postgres:16": imageJSON("postgres:16", "linux", "amd64"),
		"winapp:1":    imageJSON("winapp:1", "windows", "amd64"),
		"odd:1":       `{"Os":"linux"}`,
	}}
	r := Run(context.Background(), []*Check{platformMismatch()}, eng.env(t), p)[0]
	if len(r.Findings) != 0 || len(r.Details) != 1 || r.Details[0] != "the 2 local images of the project match the engine's linux/amd64" {
		t.Errorf("got %s %q", messages(r), r.Details)
	}
}

func TestDK010Faults(t *testing.T) {
	p := loadProject(t, "services:\n  db:\n    image: postgres:16\n")
	if r := Run(context.Background(), []*Check{platformMismatch()}, (&fakeEngine{ImageErr: 500}).env(t), p)[0]; !strings.HasPrefix(r.Skipped, "the engine did not answer about postgres:16") {
		t.Errorf("engine error: %+v", r)
	}
	if r := Run(context.Background(), []*Check{platformMismatch()}, (&fakeEngine{Info: `{"OSType":"linux"}`, Version: `{"Version":"x","ApiVersion":"1.41"}`}).env(t), p)[0]; r.Skipped != "the engine did not say its architecture" {
		t.Errorf("no architecture: %+v", r)
	}
	if r := Run(context.Background(), []*Check{platformMismatch()}, fakeEnv(nil, nil), p)[0]; r.Skipped != "the engine does not answer (DK001)" {
		t.Errorf("engine down: %q", r.Skipped)
	}
}

func TestNormalizeArch(t *testing.T) {
	for in, want := range map[string]string{"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "armv7l": "arm", "i686": "386", "s390x": "s390x", "": ""} {
		if got := normalizeArch(in); got != want {
			t.Errorf("normalizeArch(%q) = %q, want %q", in, got, want)
		}
	}
}
