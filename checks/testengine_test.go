package checks

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testServerSource is the program of the test image: an HTTP server on the
// address given as its first argument, or an exit with the code given as
// "exit:N".
const testServerSource = `package main

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
)

func main() {
	addr := "0.0.0.0:8080"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	if code, ok := strings.CutPrefix(addr, "exit:"); ok {
		fmt.Println("test server exiting with", code)
		n, _ := strconv.Atoi(code)
		os.Exit(n)
	}
	fmt.Println("listening on", addr)
	_ = http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") }))
}
`

// TestImage is the image the engine tests run: FROM scratch with a static
// Go binary compiled by the test (no image can be pulled here).
const TestImage = "envdoctor-test-server:1"

var buildOnce sync.Once
var buildErr error

// testImage builds TestImage once per test binary.
func testImage(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() { buildErr = buildTestImage() })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return TestImage
}

func buildTestImage() error {
	dir, err := os.MkdirTemp("", "envdoctor-image")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	files := map[string]string{
		"main.go":    testServerSource,
		"go.mod":     "module testserver\n\ngo 1.21\n",
		"Dockerfile": "FROM scratch\nCOPY server /server\nENTRYPOINT [\"/server\"]\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	build := exec.Command("go", "build", "-o", "server", ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOFLAGS=-mod=mod")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the test server: %w\n%s", err, out)
	}
	if out, err := docker("build", "-q", "-t", TestImage, dir); err != nil {
		return fmt.Errorf("docker build of the test image: %w\n%s", err, out)
	}
	return nil
}

// docker runs the docker CLI against the engine under test.
func docker(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=0")
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// runContainer starts a container of the test image and removes it when the
// test ends. args go before the image; cmd after it.
func runContainer(t *testing.T, args []string, cmd ...string) string {
	t.Helper()
	name := fmt.Sprintf("envdoctor-test-%d-%d", os.Getpid(), time.Now().UnixNano()%1e9)
	all := append([]string{"run", "-d", "--name", name}, args...)
	all = append(all, testImage(t))
	all = append(all, cmd...)
	if out, err := docker(all...); err != nil {
		t.Fatalf("docker run: %v\n%s", err, out)
	}
	t.Cleanup(func() { _, _ = docker("rm", "-f", name) })
	return name
}

// freePort returns a TCP port nobody listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitPort waits until something accepts on 127.0.0.1:port.
func waitPort(t *testing.T, port int) {
	t.Helper()
	for i := 0; i < 100; i++ {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 100*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nothing listens on port %d", port)
}
