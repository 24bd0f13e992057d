package checks

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"runtime"
	"time"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
)

// RealOptions are the user's choices that shape the real Env.
type RealOptions struct {
	HostFlag    string
	ContextFlag string
	Offline     bool
	// Environ overrides the process environment when non-nil (tests).
	Environ []string
}

// RealEnv wires every outside effect to the machine. It is the only place
// where probes meet the operating system.
func RealEnv(opt RealOptions) *Env {
	home, _ := os.UserHomeDir()
	lookup := os.LookupEnv
	if opt.Environ != nil {
		m := map[string]string{}
		for _, kv := range opt.Environ {
			for i := 0; i < len(kv); i++ {
				if kv[i] == '=' {
					m[kv[:i]] = kv[i+1:]
					break
				}
			}
		}
		lookup = func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	return &Env{
		GOOS:      runtime.GOOS,
		LookupEnv: lookup,
		HomeDir:   home,
		ReadFile:  os.ReadFile,
		Stat:      os.Stat,
		ReadDir:   os.ReadDir,
		Readlink:  os.Readlink,
		Owner:     fileOwner,
		Dial:      dockerengine.Dial,
		Listen: func(ctx context.Context, network, address string) (net.Listener, error) {
			var lc net.ListenConfig
			return lc.Listen(ctx, network, address)
		},
		Exec:        execCommand,
		DiskFree:    diskFree,
		UID:         os.Getuid(),
		Groups:      processGroups,
		Now:         time.Now,
		HostFlag:    opt.HostFlag,
		ContextFlag: opt.ContextFlag,
		Offline:     opt.Offline,
	}
}

// maxExecOutput bounds what a program may print before it is cut.
const maxExecOutput = 1 << 20

func execCommand(ctx context.Context, name string, args ...string) (stdout, stderr []byte, err error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var out, errOut limitedBuffer
	out.limit, errOut.limit = maxExecOutput, maxExecOutput
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.WaitDelay = 500 * time.Millisecond
	err = cmd.Run()
	return out.Bytes(), errOut.Bytes(), err
}

// limitedBuffer keeps the first limit bytes written and drops the rest.
type limitedBuffer struct {
	bytes.Buffer
	limit int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.limit - b.Len(); room > 0 {
		if len(p) > room {
			b.Buffer.Write(p[:room])
		} else {
			b.Buffer.Write(p)
		}
	}
	return len(p), nil
}
