package checks

import (
	"os"
	"time"
)

// FilesEnv is the Env `envdoctor fix` runs the FileFix probes with: it
// reads files and nothing else. No dialer, listener or program runner, so
// whatever a probe asks, fix never reaches the engine, binds a port or
// runs a program.
func FilesEnv(goos string) *Env {
	return &Env{
		GOOS:     goos,
		ReadFile: os.ReadFile,
		Stat:     os.Stat,
		ReadDir:  os.ReadDir,
		Readlink: os.Readlink,
		UID:      -1,
		Now:      time.Now,
		Offline:  true,
	}
}

// FileFixers are the probes of all that `envdoctor fix` runs (FileFix).
func FileFixers(all []*Check) []*Check {
	var out []*Check
	for _, c := range all {
		if c.FileFix {
			out = append(out, c)
		}
	}
	return out
}
