package checks

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
)

// fakeEngineEnv serves mux as a Docker 1.41 engine on a unix socket and
// returns an Env whose DOCKER_HOST points at it.
func fakeEngineEnv(t *testing.T, mux *http.ServeMux) *Env {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "engine.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("/_ping", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Api-Version", "1.41")
		fmt.Fprint(w, "OK")
	})
	mux.HandleFunc("/v1.41/version", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"Version":"20.10.24","ApiVersion":"1.41","Os":"linux","Arch":"amd64"}`)
	})
	mux.HandleFunc("/v1.41/info", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"OSType":"linux","Architecture":"x86_64"}`)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	env := fakeEnv(map[string]string{"DOCKER_HOST": "unix://" + sock}, nil)
	env.Dial = dockerengine.Dial
	return env
}

// frame is one frame of the engine's multiplexed log stream.
func frame(stream byte, s string) string {
	h := make([]byte, 8)
	h[0] = stream
	binary.BigEndian.PutUint32(h[4:], uint32(len(s)))
	return string(h) + s
}

func containerJSON(id, project, service string) string {
	return fmt.Sprintf(`{"Id":%q,"Names":["/%s-%s-1"],"State":"running","Labels":{"com.docker.compose.project":%q,"com.docker.compose.service":%q}}`, id, project, service, project, service)
}

func TestRT001States(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/v1.41/containers/json", func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Query().Get("filters"), "com.docker.compose.project=shop") || r.URL.Query().Get("all") != "1" {
			t.Errorf("query %v", r.URL.Query())
		}
		fmt.Fprintf(w, "[%s,%s,%s,%s,%s]", containerJSON("a1", "shop", "api"), containerJSON("b2", "shop", "db"),
			containerJSON("c3", "shop", "worker"), containerJSON("d4", "shop", "web"),
			`{"Id":"e5","Names":["/shop-run-1"],"Labels":{"com.docker.compose.project":"shop","com.docker.compose.service":"api","com.docker.compose.oneoff":"True"}}`)
	})
	inspect := map[string]string{
		"a1": `{"State":{"Status":"exited","ExitCode":127},"Config":{"Tty":false}}`,
		"b2": `{"State":{"Status":"running","Running":true,"Health":{"Status":"unhealthy","FailingStreak":4,"Log":[{"ExitCode":1,"Output":"pg_isready: no response"}]}},"Config":{"Tty":true}}`,
		"c3": `{"RestartCount":7,"State":{"Status":"restarting","Restarting":true,"ExitCode":1},"Config":{}}`,
		"d4": `{"State":{"Status":"running","Running":true},"Config":{}}`,
		"e5": `{"State":{"Status":"exited","ExitCode":1},"Config":{}}`,
	}
	for id, body := range inspect {
		mux.HandleFunc("/v1.41/containers/"+id+"/json", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, body) })
	}
	token := "ghp_" + "x9Kq2LmZ7vR4tY8wB1nC5dF3gH6jP0sAQwEr"
	mux.HandleFunc("/v1.41/containers/a1/logs", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("tail") != "5" {
			t.Errorf("tail %q", r.URL.Query().Get("tail"))
		}
		io.WriteString(w, frame(1, "starting with token "+token+"\n")+frame(2, "/entrypoint.sh: not found\n"))
	})
	mux.HandleFunc("/v1.41/containers/b2/logs", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ready\r\n") })
	mux.HandleFunc("/v1.41/containers/c3/logs", func(w http.ResponseWriter, _ *http.Request) {})
	env := fakeEngineEnv(t, mux)
	p := loadProject(t, "name: shop\nservices:\n  api:\n    image: a:1\n  db:\n    image: postgres:16\n  worker:\n    image: w:1\n  web:\n    image: n:1\n")
	r := runCheck2(t, serviceUnhealthy(), env, p)
	got := messages(r)
	for _, want := range []string{
		`service "api" (container shop-api-1) exited with code 127 (command not found: a wrong entrypoint or command, or a script with CRLF line endings); last log lines: "starting with token [GitHub personal access token: ghp_… (40 chars)]" / "/entrypoint.sh: not found"`,
		`service "db" (container shop-db-1) is unhealthy (4 failed healthchecks in a row): last check said "pg_isready: no response"; last log lines: "ready"`,
		`service "worker" (container shop-worker-1) keeps restarting (7 restarts so far, last exit code 1)`,
		"docker compose -p shop logs api",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, token) || strings.Contains(got, "web") || len(r.Findings) != 3 {
		t.Errorf("secret printed, healthy or one-off container reported:\n%s", got)
	}
	if r.Details[0] != `2 of 4 containers of project "shop" running` {
		t.Errorf("details %q", r.Details)
	}
}

func TestRT002Answers(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/v1.41/containers/json", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `[{"Id":"a1","Names":["/shop-web-1"],"Labels":{"com.docker.compose.project":"shop","com.docker.compose.service":"web"},
		"Ports":[{"IP":"0.0.0.0","PrivatePort":5000,"PublicPort":5000,"Type":"tcp"},{"IP":"::","PrivatePort":5000,"PublicPort":5000,"Type":"tcp"},
		{"IP":"127.0.0.1","PrivatePort":5432,"PublicPort":15432,"Type":"tcp"},{"IP":"0.0.0.0","PrivatePort":53,"PublicPort":53,"Type":"udp"},
		{"PrivatePort":9000,"Type":"tcp"},{"IP":"0.0.0.0","PrivatePort":8080,"PublicPort":8080,"Type":"tcp"}]}]`)
	})
	mux.HandleFunc("/v1.41/containers/a1/json", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"State":{"Status":"running","Running":true,"StartedAt":"2026-11-26T10:00:00.000000000Z"}}`)
	})
	env := fakeEngineEnv(t, mux)
	env.Now = func() time.Time { return time.Date(2026, 11, 26, 10, 1, 0, 0, time.UTC) }
	engineDial := env.Dial
	var dialed []string
	env.Dial = func(ctx context.Context, network, address string) (net.Conn, error) {
		if network == "unix" {
			return engineDial(ctx, network, address)
		}
		dialed = append(dialed, address)
		server, client := net.Pipe()
		switch address {
		case "127.0.0.1:5000", "[::1]:5000": // the proxy accepts, then closes
			server.Close()
		case "127.0.0.1:15432": // a database waits for its client
			go func() { time.Sleep(time.Second); server.Close() }()
		case "127.0.0.1:8080":
			client.Close()
			return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
		}
		return client, nil
	}
	p := loadProject(t, "name: shop\nservices:\n  web:\n    image: a:1\n")
	got := messages(runCheck2(t, portNotAnswering(), env, p))
	for _, want := range []string{
		`RT002 error: service "web" publishes host port 5000 (container port 5000), but connections to 127.0.0.1:5000 are closed at once`,
		`but connections to [::1]:5000 are closed at once`,
		`but connections to 127.0.0.1:8080 are refused`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "15432") || strings.Join(dialed, ",") != "127.0.0.1:5000,[::1]:5000,127.0.0.1:15432,127.0.0.1:8080" {
		t.Errorf("dialed %v\n%s", dialed, got)
	}

	// A container that started a second ago is left alone.
	env.Now = func() time.Time { return time.Date(2026, 11, 26, 10, 0, 1, 0, time.UTC) }
	if r := runCheck2(t, portNotAnswering(), env, p); len(r.Findings) != 0 || !strings.Contains(r.Details[0], "started less than 5s ago") {
		t.Errorf("warm-up: %+v", r)
	}
}

func TestRTSkipWithoutEngine(t *testing.T) {
	p := loadProject(t, "services:\n  web:\n    image: a:1\n")
	for _, c := range []*Check{serviceUnhealthy(), portNotAnswering()} {
		r := runCheck2(t, c, fakeEnv(nil, nil), p)
		if len(r.Findings) != 0 || !strings.Contains(r.Skipped, "not reachable") {
			t.Errorf("%s: %+v", c.ID, r)
		}
	}
}
