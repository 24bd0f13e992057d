package cli

import (
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/envdoctor/envdoctor/checks"
	"github.com/envdoctor/envdoctor/internal/dockerengine"
)

// The no-network promise, in-process: `envdoctor lint` builds no machine
// Env at all (so it can dial nothing), and `envdoctor doctor` dials only the
// resolved engine endpoint, binds only the ports the project declares (and
// loopback port 0), and runs only the docker CLI. .ci/run checks the same
// on the built binary under strace, which also sees what bypasses the
// injected Env.

// netRecorder wraps the real Env and records every outside contact.
type netRecorder struct {
	mu      sync.Mutex
	dials   []string // network address
	listens []string
	execs   []string
}

func (r *netRecorder) env(opt checks.RealOptions) *checks.Env {
	env := checks.RealEnv(opt)
	dial, listen, exec := env.Dial, env.Listen, env.Exec
	env.Dial = func(ctx context.Context, network, address string) (net.Conn, error) {
		r.mu.Lock()
		r.dials = append(r.dials, network+" "+address)
		r.mu.Unlock()
		return dial(ctx, network, address)
	}
	env.Listen = func(ctx context.Context, network, address string) (net.Listener, error) {
		r.mu.Lock()
		r.listens = append(r.listens, address)
		r.mu.Unlock()
		return listen(ctx, network, address)
	}
	env.Exec = func(ctx context.Context, name string, args ...string) ([]byte, []byte, error) {
		r.mu.Lock()
		r.execs = append(r.execs, name)
		r.mu.Unlock()
		return exec(ctx, name, args...)
	}
	return env
}

func TestLintBuildsNoMachineEnv(t *testing.T) {
	dir, err := filepath.Abs("../../testdata/projects/flask-postgres")
	if err != nil {
		t.Fatal(err)
	}
	probes := func(checks.RealOptions) *checks.Env {
		t.Error("lint built the machine's Env: it could reach the network")
		return checks.RealEnv(checks.RealOptions{})
	}
	for _, format := range []string{"text", "json", "sarif", "github"} {
		if _, stderr, code := runDoctorWith(t, dir, probes, tutorialShell, "lint", "--format", format); code == ExitError {
			t.Fatalf("lint --format %s: exit %d: %s", format, code, stderr)
		}
	}
}

func TestDoctorContactsOnlyTheEngineAndDeclaredPorts(t *testing.T) {
	dir, err := filepath.Abs("../../testdata/projects/flask-postgres")
	if err != nil {
		t.Fatal(err)
	}
	rec := &netRecorder{}
	environ := append([]string{"DOCKER_HOST=" + os.Getenv("DOCKER_HOST")}, tutorialShell...)
	if os.Getenv("DOCKER_HOST") == "" {
		environ = tutorialShell
	}
	if _, stderr, code := runDoctorWith(t, dir, rec.env, environ, "doctor", "--no-color"); code == ExitError {
		t.Fatalf("doctor: exit %d: %s", code, stderr)
	}
	real := checks.RealEnv(checks.RealOptions{Environ: environ})
	ep, err := dockerengine.Resolve(dockerengine.Lookup{GOOS: real.GOOS, LookupEnv: real.LookupEnv, HomeDir: real.HomeDir, ReadFile: real.ReadFile})
	if err != nil {
		t.Fatal(err)
	}
	network, address, err := dockerengine.ParseHost(ep.Host)
	if err != nil {
		t.Fatal(err)
	}
	// When the chosen engine does not answer, the doctor knocks on the
	// other local engine sockets of this OS to say which one runs.
	lookup := dockerengine.Lookup{GOOS: real.GOOS, LookupEnv: real.LookupEnv, HomeDir: real.HomeDir, ReadFile: real.ReadFile}
	local := map[string]bool{network + " " + address: true}
	for _, alt := range dockerengine.Alternatives(lookup, ep.Host) {
		if n, a, err := dockerengine.ParseHost(alt.Host); err == nil && n == "unix" {
			local[n+" "+a] = true
		}
	}
	declared := map[int]bool{5432: true, 5000: true} // the project's ports:
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.dials) == 0 {
		t.Error("the doctor did not contact the engine")
	}
	for _, d := range rec.dials {
		if !local[d] {
			t.Errorf("dialled %s; the engine is %s %s", d, network, address)
		}
	}
	for _, l := range rec.listens {
		host, port, err := net.SplitHostPort(l)
		n, perr := strconv.Atoi(port)
		if err != nil || perr != nil {
			t.Errorf("listened on %q", l)
			continue
		}
		ip, ipErr := netip.ParseAddr(strings.Trim(host, "[]"))
		loopback := ipErr == nil && ip.Unmap().IsLoopback()
		if !declared[n] && (n != 0 || !loopback) {
			t.Errorf("listened on %s: not a port of the project", l)
		}
	}
	for _, e := range rec.execs {
		// The docker CLIs (compose version) and git (its local config,
		// for HS005): programs of this machine, none of which the doctor
		// asks to reach the network.
		if e != "docker" && e != "docker-compose" && e != "git" {
			t.Errorf("ran %q; only the docker CLIs and git may run", e)
		}
	}
	t.Logf("dials %v, listens %v, execs %v", rec.dials, rec.listens, rec.execs)
}
