package checks

import (
	"context"
	"io/fs"
	"net"
	"time"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
)

// Env is every outside effect a probe may have. The real one is built by
// RealEnv (env_real.go); tests fill only what the probe under test uses.
// Every function that can wait takes a context and must honour it.
type Env struct {
	// GOOS is the operating system probes reason about ("linux", "darwin",
	// "windows"); tests set it to exercise other platforms' logic.
	GOOS string
	// LookupEnv reads the process environment.
	LookupEnv func(string) (string, bool)
	// HomeDir is the user's home directory ("" when unknown).
	HomeDir string
	// ReadFile, Stat and ReadDir read the file system.
	ReadFile func(string) ([]byte, error)
	Stat     func(string) (fs.FileInfo, error)
	ReadDir  func(string) ([]fs.DirEntry, error)
	Readlink func(string) (string, error)
	// Owner returns the uid owning a file (symbolic links followed); it
	// fails on Windows, where files have no uid.
	Owner func(path string) (uid int, err error)
	// Dial connects to a Docker engine address (network "unix", "tcp",
	// "npipe").
	Dial dockerengine.DialFunc
	// Listen binds a host address ("tcp", "127.0.0.1:5432") to learn whether
	// a port is free; the listener is closed at once.
	Listen func(ctx context.Context, network, address string) (net.Listener, error)
	// Exec runs a program (the docker CLI) and returns its output.
	Exec func(ctx context.Context, name string, args ...string) (stdout, stderr []byte, err error)
	// DiskFree returns the free and total bytes of the file system holding
	// path.
	DiskFree func(path string) (free, total uint64, err error)
	// UID is the user's id (-1 on Windows), Groups its group names.
	UID    int
	Groups func() ([]string, error)
	// Now is the clock.
	Now func() time.Time
	// HostFlag and ContextFlag are --host and --context as given.
	HostFlag    string
	ContextFlag string
	// Offline forbids probes that could reach a registry.
	Offline bool
}

func (e *Env) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// Getenv returns an environment variable, "" when unset.
func (e *Env) Getenv(name string) string {
	if e.LookupEnv == nil {
		return ""
	}
	v, _ := e.LookupEnv(name)
	return v
}

// engineLookup is what endpoint resolution reads from the Env.
func (e *Env) engineLookup() dockerengine.Lookup {
	return dockerengine.Lookup{
		GOOS:        e.GOOS,
		LookupEnv:   e.LookupEnv,
		HomeDir:     e.HomeDir,
		ReadFile:    e.ReadFile,
		HostFlag:    e.HostFlag,
		ContextFlag: e.ContextFlag,
	}
}
