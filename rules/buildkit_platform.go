package rules

import (
	"regexp"
	"strings"
	"sync"
)

// bkParsePlatform parses a platform specifier ("linux/amd64",
// "linux/arm64/v8", "arm64", "windows") into its normalised OS and
// architecture, the way github.com/containerd/platforms Parse does (its
// platforms.go Parse and database.go isKnownOS, isKnownArch, normalizeOS,
// normalizeArch); envdoctor does not import that module for this one use.
// A lone architecture gets the OS "linux" where containerd takes the OS
// it runs on. ok is false for what containerd rejects.
func bkParsePlatform(s string) (os, arch string, ok bool) {
	if s == "" {
		return "", "", false
	}
	parts := strings.Split(s, "/")
	for _, p := range parts {
		if !bkPlatformPart().MatchString(p) {
			return "", "", false
		}
	}
	switch len(parts) {
	case 1:
		p := strings.ToLower(parts[0])
		if bkKnownOS[bkNormalizeOS(p)] {
			return bkNormalizeOS(p), "amd64", true
		}
		if a := bkNormalizeArch(p); bkKnownArch[a] {
			return "linux", a, true
		}
		return "", "", false
	case 2, 3:
		return bkNormalizeOS(strings.ToLower(parts[0])), bkNormalizeArch(strings.ToLower(parts[1])), true
	}
	return "", "", false
}

// bkPlatformPart is containerd's specifierRe, with the optional
// "(osversion)" of an OS part.
var bkPlatformPart = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_.-]+(\([A-Za-z0-9_.-]*\))?$`) })

func bkNormalizeOS(os string) string {
	if i := strings.IndexByte(os, '('); i >= 0 {
		os = os[:i]
	}
	if os == "macos" {
		return "darwin"
	}
	return os
}

func bkNormalizeArch(arch string) string {
	switch arch {
	case "i386":
		return "386"
	case "x86_64", "x86-64", "amd64":
		return "amd64"
	case "aarch64", "arm64":
		return "arm64"
	case "armhf", "armel", "arm":
		return "arm"
	}
	return arch
}

// bkKnownOS and bkKnownArch are containerd's isKnownOS and isKnownArch
// (the GOOS and GOARCH lists).
var (
	bkKnownOS = map[string]bool{
		"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true, "hurd": true,
		"illumos": true, "ios": true, "js": true, "linux": true, "nacl": true, "netbsd": true,
		"openbsd": true, "plan9": true, "solaris": true, "wasip1": true, "windows": true, "zos": true,
	}
	bkKnownArch = map[string]bool{
		"386": true, "amd64": true, "amd64p32": true, "arm": true, "armbe": true, "arm64": true,
		"arm64be": true, "ppc64": true, "ppc64le": true, "loong64": true, "mips": true, "mipsle": true,
		"mips64": true, "mips64le": true, "mips64p32": true, "mips64p32le": true, "ppc": true,
		"riscv": true, "riscv64": true, "s390": true, "s390x": true, "sparc": true, "sparc64": true,
		"wasm": true,
	}
)
