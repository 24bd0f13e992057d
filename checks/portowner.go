package checks

import (
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// portOwner is who holds a host port.
type portOwner struct {
	// Container is set when a container publishes the port.
	Container string
	// Project is the container's compose project label, if any.
	Project string
	Service string
	// Process and PID are set when a process of this machine listens.
	Process string
	PID     int
}

func (o portOwner) String() string {
	switch {
	case o.Container != "" && o.Project != "":
		return fmt.Sprintf("container %q (service %q of compose project %q)", o.Container, o.Service, o.Project)
	case o.Container != "":
		return fmt.Sprintf("container %q", o.Container)
	case o.Process != "" && o.PID > 0:
		return fmt.Sprintf("process %s (pid %d)", o.Process, o.PID)
	case o.PID > 0:
		return fmt.Sprintf("pid %d", o.PID)
	}
	return "another program"
}

// processListening finds the process that listens on a TCP port, the way
// the platform allows: /proc on Linux, lsof on macOS, netstat + tasklist on
// Windows. ok is false when it cannot tell (another user's process, no
// permission, tool missing).
func processListening(ctx context.Context, env *Env, port int) (portOwner, bool) {
	switch env.GOOS {
	case "linux":
		return procListener(env, port)
	case "darwin":
		if env.Exec == nil {
			return portOwner{}, false
		}
		out, _, err := env.Exec(ctx, "lsof", "-nP", "-iTCP:"+strconv.Itoa(port), "-sTCP:LISTEN", "-Fpc")
		if err != nil && len(out) == 0 {
			return portOwner{}, false
		}
		return parseLsof(string(out))
	case "windows":
		if env.Exec == nil {
			return portOwner{}, false
		}
		out, _, err := env.Exec(ctx, "netstat", "-ano", "-p", "TCP")
		if err != nil {
			return portOwner{}, false
		}
		pid, ok := parseNetstatListener(string(out), port)
		if !ok {
			return portOwner{}, false
		}
		owner := portOwner{PID: pid}
		if list, _, err := env.Exec(ctx, "tasklist", "/FI", "PID eq "+strconv.Itoa(pid), "/FO", "CSV", "/NH"); err == nil {
			owner.Process = parseTasklistName(string(list))
		}
		return owner, true
	}
	return portOwner{}, false
}

// procListener reads /proc/net/tcp{,6} for a listening socket on port, then
// the fds of every process for its inode.
func procListener(env *Env, port int) (portOwner, bool) {
	if env.ReadFile == nil || env.ReadDir == nil || env.Readlink == nil {
		return portOwner{}, false
	}
	var inodes []string
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := env.ReadFile(f)
		if err != nil {
			continue
		}
		inodes = append(inodes, listeningInodes(string(data), port)...)
	}
	if len(inodes) == 0 {
		return portOwner{}, false
	}
	want := map[string]bool{}
	for _, in := range inodes {
		want["socket:["+in+"]"] = true
	}
	procs, err := env.ReadDir("/proc")
	if err != nil {
		return portOwner{}, false
	}
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		fdDir := "/proc/" + p.Name() + "/fd"
		fds, err := env.ReadDir(fdDir)
		if err != nil {
			continue // another user's process: not readable
		}
		for _, fd := range fds {
			target, err := env.Readlink(fdDir + "/" + fd.Name())
			if err != nil || !want[target] {
				continue
			}
			name := ""
			if comm, err := env.ReadFile("/proc/" + p.Name() + "/comm"); err == nil {
				name = strings.TrimSpace(string(comm))
			}
			return portOwner{Process: name, PID: pid}, true
		}
	}
	return portOwner{}, false
}

// listeningInodes parses /proc/net/tcp: the inodes of sockets in state
// LISTEN (0A) on port.
func listeningInodes(table string, port int) []string {
	var out []string
	for _, line := range strings.Split(table, "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 10 || f[3] != "0A" {
			continue
		}
		_, hexPort, ok := strings.Cut(f[1], ":")
		if !ok {
			continue
		}
		b, err := hex.DecodeString(hexPort)
		if err != nil || len(b) != 2 || int(b[0])<<8|int(b[1]) != port {
			continue
		}
		out = append(out, f[9])
	}
	return out
}

// parseLsof reads `lsof -F pc` output: p<pid> then c<command> lines.
func parseLsof(out string) (portOwner, bool) {
	var o portOwner
	for _, line := range strings.Split(out, "\n") {
		if len(line) < 2 {
			continue
		}
		switch line[0] {
		case 'p':
			if o.PID != 0 {
				return o, true
			}
			o.PID, _ = strconv.Atoi(line[1:])
		case 'c':
			o.Process = line[1:]
		}
	}
	return o, o.PID > 0
}

// parseNetstatListener finds the pid listening on port in `netstat -ano -p
// TCP` output. Only the numeric columns are read: the headers and the state
// word are localised ("LISTENING", "ABHÖREN", "ÉCOUTE"), so a listening
// socket is recognised by its foreign address 0.0.0.0:0 or [::]:0.
func parseNetstatListener(out string, port int) (int, bool) {
	suffix := ":" + strconv.Itoa(port)
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || !strings.EqualFold(f[0], "TCP") {
			continue
		}
		if !strings.HasSuffix(f[1], suffix) || (f[2] != "0.0.0.0:0" && f[2] != "[::]:0") {
			continue
		}
		if pid, err := strconv.Atoi(f[len(f)-1]); err == nil {
			return pid, true
		}
	}
	return 0, false
}

// parseTasklistName reads `tasklist /FO CSV /NH`: "postgres.exe","4242",...
func parseTasklistName(out string) string {
	line := strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])
	if !strings.HasPrefix(line, `"`) {
		return ""
	}
	name, _, _ := strings.Cut(line[1:], `"`)
	return name
}

// listenAddress is the address to bind to test a published port: the host
// IP compose publishes on, or every interface.
func listenAddress(hostIP string, port int) (network, address string) {
	p := strconv.Itoa(port)
	switch {
	case hostIP == "" || hostIP == "0.0.0.0":
		return "tcp", net.JoinHostPort("0.0.0.0", p)
	case strings.Contains(hostIP, ":"):
		return "tcp6", net.JoinHostPort(hostIP, p)
	}
	return "tcp4", net.JoinHostPort(hostIP, p)
}
