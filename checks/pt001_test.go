package checks

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/envdoctor/envdoctor/internal/project"
)

func loadProject(t *testing.T, compose string) *project.Project {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shop")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := project.Load(context.Background(), dir, project.Options{Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func inUse(_ context.Context, network, address string) (net.Listener, error) {
	return nil, &net.OpError{Op: "listen", Net: network, Err: os.NewSyscallError("bind", syscall.EADDRINUSE)}
}

func TestPT001ProcessOwnerOnLinux(t *testing.T) {
	p := loadProject(t, "services:\n  db:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n")
	env := fakeEnv(nil, map[string]string{
		"/proc/net/tcp": "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
			"   0: 00000000:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   109        0 31337 1 0000000000000000 100 0 0 10 0\n",
		"/proc/812/comm": "postgres\n",
	})
	env.Listen = inUse
	env.ReadDir = func(dir string) ([]os.DirEntry, error) {
		switch dir {
		case "/proc":
			return fakeDirEntries("1", "812", "self", "net"), nil
		case "/proc/812/fd":
			return fakeDirEntries("0", "5"), nil
		case "/proc/1/fd":
			return nil, os.ErrPermission
		}
		return nil, os.ErrNotExist
	}
	env.Readlink = func(p string) (string, error) {
		if p == "/proc/812/fd/5" {
			return "socket:[31337]", nil
		}
		return "/dev/null", nil
	}
	r := Run(context.Background(), []*Check{portInUse()}, env, p)[0]
	got := messages(r)
	if !strings.Contains(got, `PT001 error: host port 0.0.0.0:5432 (service "db") is already in use by process postgres (pid 812)`) ||
		!strings.Contains(got, "sudo systemctl stop postgres") || !strings.Contains(got, `"15432:5432"`) {
		t.Errorf("got:\n%s", got)
	}
	if f := r.Findings[0]; f.Range.File != "compose.yaml" || f.Range.Start.Line != 5 || f.Range.Start.Col != 9 {
		t.Errorf("range %+v", f.Range)
	}
}

func TestPT001FreePortsAndUnknownOwner(t *testing.T) {
	p := loadProject(t, "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"127.0.0.1:8080:80\"\n      - \"9000\"\n      - \"5353:5353/udp\"\n")
	env := fakeEnv(nil, nil)
	var bound []string
	env.Listen = func(ctx context.Context, network, address string) (net.Listener, error) {
		bound = append(bound, network+" "+address)
		return inUse(ctx, network, address)
	}
	got := messages(Run(context.Background(), []*Check{portInUse()}, env, p)[0])
	if strings.Join(bound, ",") != "tcp4 127.0.0.1:8080" {
		t.Errorf("bound %v: only the published TCP port, on its host IP", bound)
	}
	if !strings.Contains(got, "in use by another program") || !strings.Contains(got, "sudo ss -ltnp 'sport = :8080'") {
		t.Errorf("got:\n%s", got)
	}
	env.Listen = func(_ context.Context, network, address string) (net.Listener, error) {
		return net.Listen("tcp", "127.0.0.1:0")
	}
	r := Run(context.Background(), []*Check{portInUse()}, env, p)[0]
	if !r.OK() {
		t.Errorf("free port reported: %s", messages(r))
	}
}

func TestPortOwnerParsers(t *testing.T) {
	lsof := "p4242\ncpostgres\nf7\n"
	if o, ok := parseLsof(lsof); !ok || o.PID != 4242 || o.Process != "postgres" {
		t.Errorf("lsof: %+v", o)
	}
	// Recorded on a German Windows: the state word is localised.
	netstat := "\r\nAktive Verbindungen\r\n\r\n  Proto  Lokale Adresse         Remoteadresse          Status           PID\r\n" +
		"  TCP    0.0.0.0:135            0.0.0.0:0              ABHÖREN         1052\r\n" +
		"  TCP    0.0.0.0:5432           0.0.0.0:0              ABHÖREN         6120\r\n" +
		"  TCP    127.0.0.1:5432         127.0.0.1:50512        HERGESTELLT     6120\r\n"
	if pid, ok := parseNetstatListener(netstat, 5432); !ok || pid != 6120 {
		t.Errorf("netstat: %d %v", pid, ok)
	}
	if _, ok := parseNetstatListener(netstat, 8080); ok {
		t.Error("netstat: found a listener on 8080")
	}
	if n := parseTasklistName("\"postgres.exe\",\"6120\",\"Services\",\"0\",\"12.345 K\"\r\n"); n != "postgres.exe" {
		t.Errorf("tasklist: %q", n)
	}
	table := "header\n   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 999 1\n" +
		"   2: 0100007F:1F90 0100007F:D3A2 01 00000000:00000000 00:00000000 00000000  1000        0 1000 1\n"
	if got := listeningInodes(table, 8080); len(got) != 1 || got[0] != "999" {
		t.Errorf("proc: %v", got)
	}
}

type fakeDirEntry struct{ name string }

func (f fakeDirEntry) Name() string               { return f.name }
func (f fakeDirEntry) IsDir() bool                { return true }
func (f fakeDirEntry) Type() os.FileMode          { return os.ModeDir }
func (f fakeDirEntry) Info() (os.FileInfo, error) { return nil, os.ErrNotExist }

func fakeDirEntries(names ...string) []os.DirEntry {
	out := make([]os.DirEntry, len(names))
	for i, n := range names {
		out[i] = fakeDirEntry{n}
	}
	return out
}
