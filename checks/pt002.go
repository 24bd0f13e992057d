package checks

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/ports"
)

// netshTimeout bounds the netsh call of PT002.
const netshTimeout = 4 * time.Second

// portExcluded is PT002: on Windows, a host port the project publishes lies
// in a range the system excludes from use. Hyper-V and WinNAT (WSL 2,
// Docker Desktop) reserve ranges of the dynamic port range at boot, and an
// administrator may reserve more; binding a port there fails with "An
// attempt was made to access a socket in a way forbidden by its access
// permissions" while netstat shows nothing on it.
func portExcluded() *Check {
	return &Check{
		ID:       "PT002",
		Name:     "port-excluded",
		Title:    "A published host port is inside a range Windows excludes",
		Section:  SectionPorts,
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Timeout:  netshTimeout + 500*time.Millisecond,
		Run: func(ctx context.Context, p *Probe) {
			switch {
			case p.Env.GOOS != "windows":
				p.Skip("only Windows excludes port ranges")
				return
			case p.Project == nil || p.Project.Compose == nil:
				p.Skip("no compose file")
				return
			case p.Env.Exec == nil:
				p.Skip("cannot run netsh here")
				return
			}
			bindings, _ := ports.Collect(p.Project.Compose)
			var published []ports.Binding
			for _, b := range bindings {
				if !b.Disabled && b.Published() && b.Protocol == "tcp" {
					published = append(published, b)
				}
			}
			if len(published) == 0 {
				return
			}
			nctx, cancel := context.WithTimeout(ctx, netshTimeout)
			defer cancel()
			out, _, err := p.Env.Exec(nctx, "netsh", "interface", "ipv4", "show", "excludedportrange", "protocol=tcp")
			if err != nil {
				p.Skip("netsh failed: %v", err)
				return
			}
			ranges := parseExcludedRanges(out)
			reported := 0
			for _, b := range published {
				for port := b.HostPort.Start; port <= b.HostPort.End && port-b.HostPort.Start < maxPortsPerEntry; port++ {
					r, ok := excludedRangeOf(ranges, port)
					if !ok {
						continue
					}
					p.Report(finding.Finding{
						Range: b.Range,
						Message: fmt.Sprintf("host port %d (service %q) is inside the range %s that Windows reserves for Hyper-V/WinNAT (WSL 2 and Docker): `docker compose up` fails with \"Ports are not available ... An attempt was made to access a socket in a way forbidden by its access permissions\"",
							port, b.Service, r),
						Fix: &finding.Fix{Message: excludedFix(ranges, b, port)},
					})
					reported++
					break // one finding per entry
				}
			}
			if reported == 0 {
				p.Detail("%d excluded TCP port %s, none published", len(ranges), plural(len(ranges), "range", "ranges"))
			}
		},
	}
}

// excludedRange is one line of netsh's excluded port ranges.
type excludedRange struct {
	Start, End int
	// Administered is true for a range an administrator added (marked
	// "*"); the others are reserved by Hyper-V/WinNAT at boot.
	Administered bool
}

func (r excludedRange) String() string {
	if r.Start == r.End {
		return strconv.Itoa(r.Start)
	}
	return fmt.Sprintf("%d-%d", r.Start, r.End)
}

// parseExcludedRanges reads the output of `netsh interface ipv4 show
// excludedportrange protocol=tcp`. The headers and the footnote are in the
// system's language (and code page), so only the lines made of two port
// numbers and an optional "*" are read:
//
//	Start Port    End Port
//	----------    --------
//	      5357        5357
//	     50000       50059     *
func parseExcludedRanges(out []byte) []excludedRange {
	var ranges []excludedRange
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || len(f) > 3 || (len(f) == 3 && f[2] != "*") {
			continue
		}
		start, err1 := strconv.Atoi(f[0])
		end, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil || start < 1 || end < start || end > 65535 {
			continue
		}
		ranges = append(ranges, excludedRange{Start: start, End: end, Administered: len(f) == 3})
	}
	return ranges
}

// excludedRangeOf finds the system-reserved range holding port. An
// administered exclusion is not one: it keeps Windows from reserving the
// port, and programs may still bind it (net.Listen succeeds there and fails
// in the other ranges, as reported in "What is Administered port exclusions
// in windows 10?" on Stack Overflow); it is the fix this probe gives.
func excludedRangeOf(ranges []excludedRange, port int) (excludedRange, bool) {
	for _, r := range ranges {
		if !r.Administered && r.Start <= port && port <= r.End {
			return r, true
		}
	}
	return excludedRange{}, false
}

// freeOfRanges suggests a host port near port outside every range,
// preferably below the dynamic range (49152 and up), where Windows
// reserves new ranges at each boot; 0 when there is none.
func freeOfRanges(ranges []excludedRange, port int) int {
	candidates := []int{port + 10000, port - 10000, port + 1000, port - 1000, port + 1}
	for _, below := range []bool{true, false} {
		for _, c := range candidates {
			if c <= 1024 || c > 65535 || (below && c >= 49152) {
				continue
			}
			if _, bad := excludedRangeOf(ranges, c); !bad {
				return c
			}
		}
	}
	return 0
}

func excludedFix(ranges []excludedRange, b ports.Binding, port int) string {
	another := "publish another host port"
	if alt := freeOfRanges(ranges, port); alt != 0 {
		another = fmt.Sprintf("publish another host port, outside the excluded ranges (\"%d:%d\")", alt, b.ContainerPort.Start)
	}
	return fmt.Sprintf("%s; or, in an administrator shell, restart WinNAT so that Windows reserves other ranges: `net stop winnat` then `net start winnat`; to keep port %d free for good, reserve it while WinNAT is stopped: `net stop winnat`, `netsh int ipv4 add excludedportrange protocol=tcp startport=%d numberofports=1`, `net start winnat`",
		another, port, port)
}
