package checks

import (
	"context"
	"strings"
	"testing"
)

const windowsEngineInfo = `{"OSType":"windows","Architecture":"x86_64","DockerRootDir":"C:\\ProgramData\\docker","OperatingSystem":"Microsoft Windows Server Version 2009","Name":"pc"}`

func TestDK007(t *testing.T) {
	linuxProject := loadProjectFiles(t, map[string]string{
		"compose.yaml": "services:\n  db:\n    image: postgres:16\n  web:\n    build: .\n",
		"Dockerfile":   "FROM python:3.12-slim\nCMD [\"python\"]\n",
	})
	win := &fakeEngine{Info: windowsEngineInfo}
	r := Run(context.Background(), []*Check{windowsContainersMode()}, win.env(t), linuxProject)[0]
	got := messages(r)
	if !strings.Contains(got, `DK007 error: the engine runs Windows containers (Docker Desktop is in "Windows containers" mode), but the project's images are Linux images (postgres:16, python:3.12-slim): pulls fail with "no matching manifest for windows/amd64"`) ||
		!strings.Contains(got, "`& \"$Env:ProgramFiles\\Docker\\Docker\\DockerCli.exe\" -SwitchLinuxEngine`") {
		t.Errorf("got:\n%s", got)
	}
	if len(r.Findings) == 1 {
		rel := r.Findings[0].Related
		if len(rel) != 2 || rel[0].Range.String() != "compose.yaml:3:12" || rel[1].Range.String() != "Dockerfile:1:6" {
			t.Errorf("related %+v", rel)
		}
	}

	// A Linux engine: nothing to say.
	if r := Run(context.Background(), []*Check{windowsContainersMode()}, (&fakeEngine{}).env(t), linuxProject)[0]; !r.OK() {
		t.Errorf("linux engine: %s %q", messages(r), r.Skipped)
	}

	// Windows images, by name, by platform, or by the local image's OS.
	for name, files := range map[string]map[string]string{
		"servercore name": {"compose.yaml": "services:\n  iis:\n    image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022\n"},
		"platform":        {"compose.yaml": "services:\n  app:\n    image: myorg/app:1\n    platform: windows/amd64\n"},
		"local image os":  {"compose.yaml": "services:\n  app:\n    image: myorg/winapp:1\n"},
	} {
		t.Run(name, func(t *testing.T) {
			eng := &fakeEngine{Info: windowsEngineInfo, Images: map[string]string{"myorg/winapp:1": imageJSON("myorg/winapp:1", "windows", "amd64")}}
			r := Run(context.Background(), []*Check{windowsContainersMode()}, eng.env(t), loadProjectFiles(t, files))[0]
			if len(r.Findings) != 0 || len(r.Details) != 1 || !strings.HasPrefix(r.Details[0], "the project uses Windows images") {
				t.Errorf("got %s %q", messages(r), r.Details)
			}
		})
	}
}

func TestDK007Skips(t *testing.T) {
	if r := runCheck(t, windowsContainersMode(), fakeEnv(nil, nil)); r.Skipped != "the project names no image" {
		t.Errorf("no project: %q", r.Skipped)
	}
	built := loadProjectFiles(t, map[string]string{"compose.yaml": "services:\n  web:\n    build: .\n", "Dockerfile": "FROM scratch\nCOPY app /app\n"})
	if r := Run(context.Background(), []*Check{windowsContainersMode()}, fakeEnv(nil, nil), built)[0]; r.Skipped != "the project names no image" {
		t.Errorf("scratch only: %q", r.Skipped)
	}
}
