package checks

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/envdoctor/envdoctor/internal/project"
)

// realEngine returns the real Env when a Docker engine answers. Outside CI
// the test is skipped with the reason; with ENVDOCTOR_REQUIRE_ENGINE=1 (set
// by .ci/run, which starts dockerd) a missing engine fails the test.
func realEngine(t *testing.T) (*Env, *Engine) {
	t.Helper()
	env := RealEnv(RealOptions{})
	e := NewFacts(env).Engine(context.Background())
	if !e.Up() {
		msg := "no Docker engine answers at " + e.Endpoint.Host + " (" + errString(e.Err, e.EndpointErr) + "); start dockerd to run this test"
		if os.Getenv("ENVDOCTOR_REQUIRE_ENGINE") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return env, e
}

func errString(errs ...error) string {
	for _, err := range errs {
		if err != nil {
			return err.Error()
		}
	}
	return "no error"
}

func TestRealEngineAnswers(t *testing.T) {
	env, e := realEngine(t)
	if e.Version.APIVersion == "" || e.Info.OSType == "" || e.Ping.APIVersion == "" {
		t.Fatalf("incomplete engine facts: %+v", e)
	}
	r := runCheck(t, engineUnreachable(), env)
	if !r.OK() || len(r.Details) != 1 || !strings.Contains(r.Details[0], "API "+e.Version.APIVersion) {
		t.Fatalf("DK001 on a running engine: %+v %s", r, messages(r))
	}
	if r := runCheck(t, enginePermissionDenied(), env); !r.OK() {
		t.Fatalf("DK002 on a running engine: %s", messages(r))
	}
}

func TestRealDeadDockerHost(t *testing.T) {
	_, _ = realEngine(t) // the real engine runs, but DOCKER_HOST points elsewhere
	dead := "unix://" + filepath.Join(t.TempDir(), "dead.sock")
	env := RealEnv(RealOptions{Environ: []string{"DOCKER_HOST=" + dead, "HOME=" + t.TempDir()}})
	got := messages(runCheck(t, engineUnreachable(), env))
	for _, want := range []string{"no Docker engine answers at " + dead + " (chosen by DOCKER_HOST)", "Docker Engine answers at unix:///var/run/docker.sock: `unset DOCKER_HOST`"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

func TestRealPT001NamesTheContainer(t *testing.T) {
	env, _ := realEngine(t)
	port := freePort(t)
	name := runContainer(t, []string{"-p", fmt.Sprintf("%d:8080", port),
		"--label", "com.docker.compose.project=otherproj", "--label", "com.docker.compose.service=db"})
	waitPort(t, port)
	p := loadProject(t, fmt.Sprintf("services:\n  db:\n    image: postgres:16\n    ports:\n      - \"%d:5432\"\n", port))
	got := messages(runCheck2(t, portInUse(), env, p))
	want := fmt.Sprintf(`is already in use by container %q (service "db" of compose project "otherproj")`, name)
	if !strings.Contains(got, want) || !strings.Contains(got, "docker compose -p otherproj down") {
		t.Errorf("want %q in:\n%s", want, got)
	}

	// The same port held by this project's own container is no conflict.
	own := loadProject(t, fmt.Sprintf("name: otherproj\nservices:\n  db:\n    image: postgres:16\n    ports:\n      - \"%d:5432\"\n", port))
	if r := runCheck2(t, portInUse(), env, own); len(r.Findings) != 0 {
		t.Errorf("own container reported: %s", messages(r))
	}
}

func TestRealPT001NamesTheProcess(t *testing.T) {
	env := RealEnv(RealOptions{})
	l, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	p := loadProject(t, fmt.Sprintf("services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"%d:80\"\n", port))
	got := messages(runCheck2(t, portInUse(), env, p))
	comm, _ := os.ReadFile("/proc/self/comm")
	want := fmt.Sprintf("in use by process %s (pid %d)", strings.TrimSpace(string(comm)), os.Getpid())
	if runtime.GOOS == "linux" && !strings.Contains(got, want) {
		t.Errorf("want %q in:\n%s", want, got)
	}
}

func runCheck2(t *testing.T, c *Check, env *Env, p *project.Project) *Result {
	t.Helper()
	return Run(context.Background(), []*Check{c}, env, p)[0]
}

func TestRealRT001ExitedContainer(t *testing.T) {
	env, _ := realEngine(t)
	proj := fmt.Sprintf("rt001-%d", os.Getpid())
	name := runContainer(t, []string{"--label", "com.docker.compose.project=" + proj, "--label", "com.docker.compose.service=app"}, "exit:3")
	waitExited(t, name)
	p := loadProject(t, fmt.Sprintf("name: %s\nservices:\n  app:\n    image: %s\n", proj, TestImage))
	r := runCheck2(t, serviceUnhealthy(), env, p)
	got := messages(r)
	want := fmt.Sprintf(`RT001 warning: service "app" (container %s) exited with code 3; last log lines: "test server exiting with 3"`, name)
	if !strings.Contains(got, want) {
		t.Errorf("want %q in:\n%s", want, got)
	}
	if len(r.Findings) == 1 && (r.Findings[0].Range.File != "compose.yaml" || r.Findings[0].Range.Start.Line != 3) {
		t.Errorf("range %+v", r.Findings[0].Range)
	}
	// Another project's name: nothing of it runs.
	other := loadProject(t, "name: nothing-runs-here\nservices:\n  app:\n    image: x:1\n")
	if r := runCheck2(t, serviceUnhealthy(), env, other); len(r.Findings) != 0 || r.Skipped == "" {
		t.Errorf("not running: %+v", r)
	}
}

func TestRealRT002LoopbackServer(t *testing.T) {
	env, _ := realEngine(t)
	env.Now = func() time.Time { return time.Now().Add(time.Minute) } // past the warm-up
	proj := fmt.Sprintf("rt002-%d", os.Getpid())
	loopPort, allPort := freePort(t), freePort(t)
	labels := func(svc string) []string {
		return []string{"--label", "com.docker.compose.project=" + proj, "--label", "com.docker.compose.service=" + svc}
	}
	runContainer(t, append(labels("web"), "-p", fmt.Sprintf("%d:8080", loopPort)), "127.0.0.1:8080")
	runContainer(t, append(labels("api"), "-p", fmt.Sprintf("%d:8080", allPort)), "0.0.0.0:8080")
	waitPort(t, allPort)
	p := loadProject(t, fmt.Sprintf("name: %s\nservices:\n  web:\n    image: %s\n  api:\n    image: %s\n", proj, TestImage, TestImage))
	var got string
	for i := 0; i < 20; i++ { // the loopback server may still be starting
		got = messages(runCheck2(t, portNotAnswering(), env, p))
		if strings.Contains(got, `service "web"`) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	want := fmt.Sprintf(`RT002 error: service "web" publishes host port %d (container port 8080), but connections to 127.0.0.1:%d are`, loopPort, loopPort)
	if !strings.Contains(got, want) {
		t.Errorf("want %q in:\n%s", want, got)
	}
	if strings.Contains(got, `service "api"`) {
		t.Errorf("the server on 0.0.0.0 was reported:\n%s", got)
	}
}

// waitExited waits until a container has stopped.
func waitExited(t *testing.T, name string) {
	t.Helper()
	for i := 0; i < 100; i++ {
		out, _ := docker("inspect", "-f", "{{.State.Status}}", name)
		if out == "exited" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("container %s did not exit", name)
}
