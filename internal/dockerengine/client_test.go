package dockerengine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// fakeEngine serves the Docker API subset the tests need on a unix socket.
func fakeEngine(t *testing.T) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "docker.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/_ping", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Api-Version", "1.41")
		w.Header().Set("Ostype", "linux")
		fmt.Fprint(w, "OK")
	})
	mux.HandleFunc("/v1.41/version", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"Version":"20.10.24","ApiVersion":"1.41","Os":"linux","Arch":"amd64"}`)
	})
	mux.HandleFunc("/v1.41/containers/nope/json", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"No such container: nope"}`)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "unix://" + sock
}

// rawServer accepts connections and hands each to handle.
func rawServer(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "odd.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go handle(c)
		}
	}()
	return "unix://" + sock
}

func TestClientAgainstFakeEngine(t *testing.T) {
	c, err := New(fakeEngine(t), Dial)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	p, err := c.Ping(ctx)
	if err != nil || p.APIVersion != "1.41" || p.OSType != "linux" || c.APIVersion() != "1.41" {
		t.Fatalf("ping: %+v %v", p, err)
	}
	var v Version
	if err := c.Get(ctx, "/version", nil, &v); err != nil || v.Version != "20.10.24" {
		t.Fatalf("version: %+v %v", v, err)
	}
	err = c.Get(ctx, "/containers/nope/json", nil, &v)
	if KindOf(err) != KindHTTP {
		t.Fatalf("404: %v", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Status != 404 || e.Err.Error() != "No such container: nope" {
		t.Errorf("404 error: %+v", e)
	}
}

func TestClientFaults(t *testing.T) {
	hung := rawServer(t, func(c net.Conn) { time.Sleep(10 * time.Second); c.Close() })
	garbage := rawServer(t, func(c net.Conn) { fmt.Fprint(c, "SSH-2.0-OpenSSH_9.2\r\n\r\n"); c.Close() })
	closesAtOnce := rawServer(t, func(c net.Conn) { c.Close() })
	notDockerHTTP := rawServer(t, func(c net.Conn) {
		buf := make([]byte, 1024)
		_, _ = c.Read(buf)
		fmt.Fprint(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found")
		c.Close()
	})

	// A socket file with nobody listening: connection refused.
	refusedPath := filepath.Join(t.TempDir(), "refused.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: refusedPath, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	l.SetUnlinkOnClose(false)
	l.Close()

	permission := func(_ context.Context, network, address string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.EACCES)}
	}
	tests := []struct {
		name string
		host string
		dial DialFunc
		want Kind
	}{
		{"no socket", "unix://" + filepath.Join(t.TempDir(), "absent.sock"), Dial, KindNoSocket},
		{"refused", "unix://" + refusedPath, Dial, KindRefused},
		{"permission denied", "unix:///var/run/docker.sock", permission, KindPermission},
		{"hung engine", hung, Dial, KindTimeout},
		{"not HTTP", garbage, Dial, KindNotDocker},
		{"closes at once", closesAtOnce, Dial, KindNotDocker},
		{"HTTP but not Docker", notDockerHTTP, Dial, KindNotDocker},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.host, tt.dial)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			_, err = c.Ping(ctx) // a hung engine must end with the context, not hang the test
			if got := KindOf(err); got != tt.want {
				t.Fatalf("kind = %v (%v), want %v", got, err, tt.want)
			}
		})
	}
}
