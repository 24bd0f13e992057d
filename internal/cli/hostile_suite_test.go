//go:build unix

package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The hostile-input suite: projects built to make a linter crash, hang,
// exhaust memory, read outside the project or write into it. Every case
// runs `envdoctor lint` in-process and must
//   - end within hostileDeadline (a hang check, not a speed assertion: a
//     case that exceeds it is stuck, on any machine),
//   - keep the Go heap in use below hostileHeapBound above where it started
//     (sampled while it runs) — TestHostileBinaryRSS checks the peak
//     resident size of the real binary on the heaviest cases,
//   - exit 0, 1 or 2 as the case says, with a message naming the file,
//   - print nothing of a file outside the project (never read),
//   - and leave the project directory exactly as it was (lint writes
//     nothing).
// More hostile compose cases are in hostile_test.go (TestHostileLint) and
// internal/project/hostile_test.go; TestHostileLint runs with the same
// bounds.

const (
	hostileDeadline  = 5 * time.Second
	hostileHeapBound = 200 << 20
)

// passwdLine is text /etc/passwd holds on every Linux machine: it must
// never appear in a report.
const passwdLine = "root:x:0:0"

type hostileCase struct {
	name  string
	files map[string]string
	// setup makes what files cannot: pipes, links, directories, big files.
	setup func(t *testing.T, dir string)
	args  []string // after "lint"; default none
	code  int
	// want are substrings of stdout + stderr (the file named, the reason).
	want []string
}

func hostileSuite() []hostileCase {
	const compose = "services:\n  web:\n    build: .\n    image: nginx:1.27\n"
	const dockerfile = "FROM python:3.12-slim\nUSER app\n"
	fifo := func(names ...string) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			for _, n := range names {
				mkfifo(t, filepath.Join(dir, n))
			}
		}
	}
	link := func(pairs ...string) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			for i := 0; i+1 < len(pairs); i += 2 {
				if err := os.Symlink(pairs[i+1], filepath.Join(dir, pairs[i])); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	mkdirs := func(names ...string) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			for _, n := range names {
				if err := os.MkdirAll(filepath.Join(dir, n), 0o755); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// big writes a single-line file of n bytes: head, filler, tail.
	big := func(name, head string, filler byte, n int, tail ...string) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			f, err := os.Create(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteString(head); err != nil {
				t.Fatal(err)
			}
			chunk := bytes.Repeat([]byte{filler}, 1<<20)
			for left := n - len(head); left > 0; left -= len(chunk) {
				if _, err := f.Write(chunk[:min(left, len(chunk))]); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := f.WriteString(strings.Join(tail, "")); err != nil {
				t.Fatal(err)
			}
		}
	}
	utf16 := func(s string) string {
		var b strings.Builder
		b.WriteString("\xff\xfe")
		for _, r := range s {
			b.WriteByte(byte(r))
			b.WriteByte(0)
		}
		return b.String()
	}
	both := func(fs ...func(*testing.T, string)) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			for _, f := range fs {
				f(t, dir)
			}
		}
	}
	return []hostileCase{
		// 100 MB single-line files: not read past MaxFileSize (8 MiB).
		{name: "100 MB single-line Dockerfile", files: map[string]string{"compose.yaml": compose},
			setup: big("Dockerfile", "FROM python:3.12\nRUN echo ", 'x', 100<<20), code: 1,
			want: []string{"Dockerfile:1:1: error DF000 cannot read Dockerfile: larger than 8 MiB, not read"}},
		{name: "100 MB single-line compose file", files: map[string]string{"Dockerfile": dockerfile},
			setup: big("compose.yaml", "services: {web: {build: ., environment: {A: ", 'x', 100<<20), code: 1,
			want: []string{"compose.yaml:1:1: error CP000 cannot read compose file: larger than 8 MiB, not read"}},
		{name: "100 MB single-line .env", files: map[string]string{"compose.yaml": compose, "Dockerfile": dockerfile},
			setup: big(".env", "A=", 'x', 100<<20), code: 0,
			want: []string{"envdoctor: .env: larger than 8 MiB, not read: its variables were not used"}},
		{name: "100 MB single-line .dockerignore", files: map[string]string{"compose.yaml": compose, "Dockerfile": dockerfile},
			setup: big(".dockerignore", "", '*', 100<<20), code: 0,
			want: []string{"envdoctor: .dockerignore: larger than 8 MiB, not read"}},
		// Just under the limit: parsed, in bounded time. BuildKit refuses a
		// Dockerfile line of 64 KiB or more, as docker build does.
		{name: "7 MB single-line Dockerfile", files: map[string]string{"compose.yaml": compose},
			setup: big("Dockerfile", "FROM python:3.12\nUSER app\nRUN echo ", 'x', 7<<20), code: 1,
			want: []string{"Dockerfile:3:1: error DF000 cannot parse Dockerfile: dockerfile line greater than max allowed size of 65535"}},
		{name: "7 MB single-line compose value", files: map[string]string{"Dockerfile": dockerfile},
			setup: big("compose.yaml", "services: {web: {build: ., image: 'nginx:1.27', environment: {A: ", 'x', 7<<20, "}}}\n"), code: 0},
		{name: "7 MB single-line .env value", files: map[string]string{"compose.yaml": compose, "Dockerfile": dockerfile},
			setup: big(".env", "A=", 'x', 7<<20), code: 0},
		// compose-go's dotenv parser runs a regular expression over a
		// $name: about 0.3 s of CPU per MB, so this one is 2 MB.
		{name: "2 MB variable name in .env", files: map[string]string{"compose.yaml": compose, "Dockerfile": dockerfile},
			setup: big(".env", "A=$", 'x', 2<<20), code: 1, want: []string{".env:1:3: warning EN005 A: the reference $xxx", "…"}},
		{name: "7 MB of $ in a compose file", files: map[string]string{"Dockerfile": dockerfile},
			setup: big("compose.yaml", "services:\n  web:\n    build: .\n    image: nginx:1.27\n    command: '", '$', 7<<20, "'\n"), code: 1,
			want: []string{"compose.yaml:5:1: error CP000 the file holds more than 200000 $ signs: not loaded"}},
		{name: "a 100 KB command word", files: map[string]string{"Dockerfile": dockerfile},
			setup: big("compose.yaml", "services:\n  web:\n    build: .\n    image: nginx:1.27\n    command: ", 'x', 100<<10, "\n"), code: 1,
			want: []string{"compose.yaml:5:14: error CP000 services.web.command is a 102335-byte string: not loaded"}},

		// NUL bytes, invalid UTF-8, BOMs, UTF-16, CRLF.
		{name: "NUL bytes in every file", files: map[string]string{
			"compose.yaml": "services:\n  web:\n    build: .\n    image: \"nginx\x00:1.27\"\n",
			"Dockerfile":   "FROM python\x00:3.12\nUSER app\n", ".env": "A=\x00\nB\x00=1\n", ".dockerignore": "\x00\n"},
			code: 1, want: []string{"compose.yaml:4:18: error CP000 invalid YAML: control characters are not allowed", ".env:2:1: error EN000"}},
		{name: "invalid UTF-8 in every file", files: map[string]string{
			"compose.yaml": "services:\n  web:\n    build: .\n    image: nginx:1.27\n    environment:\n      A: \"\xff\xfe\xc3\"\n",
			"Dockerfile":   "FROM python:3.12\nUSER app\nRUN echo \xff\xc3\x28\n", ".env": "A=\xff\xfe\n\xc3\x28=1\n", ".dockerignore": "\xff\n"},
			code: 1, want: []string{"compose.yaml:", "invalid"}},
		{name: "UTF-8 BOMs", files: map[string]string{
			"compose.yaml": "\ufeffservices:\n  web:\n    build: .\n    image: nginx:1.27\n",
			"Dockerfile":   "\ufeffFROM python:3.12\nUSER app\n", ".env": "\ufeffA=1\n", ".dockerignore": "\ufeff.git\n"},
			code: 0},
		// The YAML parser reads UTF-16 with a BOM, as compose does.
		{name: "UTF-16 compose file", files: map[string]string{"compose.yaml": utf16(compose), "Dockerfile": dockerfile},
			code: 0},
		{name: "UTF-16 .env and Dockerfile", files: map[string]string{"compose.yaml": compose, "Dockerfile": utf16(dockerfile), ".env": utf16("A=1\n")},
			code: 1, want: []string{"Dockerfile:1:1: error DF000", ".env:1:1: error EN000"}},
		{name: "CRLF everywhere", files: map[string]string{
			"compose.yaml": strings.ReplaceAll(compose+"    environment:\n      A: ${A}\n", "\n", "\r\n"),
			"Dockerfile":   "FROM python:3.12\r\nRUN pip install \\\r\n  flask\r\nUSER app\r\n", ".env": "A=1\r\n", ".dockerignore": ".git\r\n"},
			code: 1, want: []string{".env:1:4: warning EN004", "Dockerfile:2:5: info DF004"}},
		{name: "CR only line ends", files: map[string]string{
			"compose.yaml": strings.ReplaceAll(compose, "\n", "\r"), "Dockerfile": "FROM python:3.12\rUSER app\r", ".env": "A=1\rB=2\r"},
			code: 1, want: []string{"Dockerfile:1:1: error DF000", ".env:1:4: warning EN004"}},

		// Huge numbers where compose wants ports.
		{name: "huge port numbers", files: map[string]string{"Dockerfile": dockerfile, "compose.yaml": "services:\n  web:\n    build: .\n    image: nginx:1.27\n    ports:\n" +
			"      - \"1e400:80\"\n      - \"18446744073709551616:80\"\n      - \"1-99999999999999999999:80\"\n      - 99999999999999999999999999999\n"},
			code: 1, want: []string{"compose.yaml:6:"}},
		{name: "huge long-syntax ports", files: map[string]string{"Dockerfile": dockerfile, "compose.yaml": "services:\n  web:\n    build: .\n    image: nginx:1.27\n    ports:\n" +
			"      - {target: 18446744073709551616, published: \"1e300\"}\n"},
			code: 1, want: []string{"compose.yaml:6:"}},
		{name: "every port in one range", files: map[string]string{"Dockerfile": dockerfile, "compose.yaml": "services:\n  web:\n    build: .\n    image: nginx:1.27\n    ports:\n" +
			"      - \"1-65535:1-65535\"\n      - \"0.0.0.0:1-65535:1-65535/udp\"\n"},
			code: 1, want: []string{"compose.yaml:6:9: error CP000 the services publish 131070 ports once their ranges are expanded: not loaded"}},

		// Symbolic link loops.
		{name: "symlink loops", files: map[string]string{"compose.yaml": compose},
			setup: link("Dockerfile", "Dockerfile2", "Dockerfile2", "Dockerfile", ".env", ".env", ".dockerignore", ".dockerignore", "self", "."),
			code:  1, want: []string{"Dockerfile:1:1: error DF000 cannot read Dockerfile: too many levels of symbolic links",
				"envdoctor: .env: too many levels of symbolic links"}},
		{name: "compose file link loop", files: map[string]string{"Dockerfile": dockerfile},
			setup: link("compose.yaml", "compose.yaml"), code: 1,
			want: []string{"compose.yaml:1:1: error CP000 cannot read compose file: too many levels of symbolic links"}},
		{name: "build context link loop", files: map[string]string{"compose.yaml": "services:\n  web:\n    build: ctx\n    image: nginx:1.27\n"},
			setup: link("ctx", "ctx"), code: 1, want: []string{"ctx/Dockerfile"}},

		// Named pipes where files belong: never opened for reading (a read
		// would block until someone writes).
		{name: "named pipe Dockerfile", files: map[string]string{"compose.yaml": compose}, setup: fifo("Dockerfile"), code: 1,
			want: []string{"Dockerfile:1:1: error DF000 cannot read Dockerfile: a named pipe, not a regular file: not read"}},
		{name: "named pipe .env", files: map[string]string{"compose.yaml": compose + "    environment:\n      A: ${A:-x}\n", "Dockerfile": dockerfile}, setup: fifo(".env"), code: 0,
			want: []string{"envdoctor: .env: a named pipe, not a regular file: not read: its variables were not used"}},
		{name: "named pipe compose file", files: map[string]string{"Dockerfile": dockerfile}, setup: fifo("compose.yaml"), code: 1,
			want: []string{"compose.yaml:1:1: error CP000 cannot read compose file: a named pipe, not a regular file: not read"}},
		{name: "named pipe override file", files: map[string]string{"compose.yaml": compose, "Dockerfile": dockerfile}, setup: fifo("compose.override.yaml"), code: 1,
			want: []string{"compose.override.yaml:1:1: error CP000 cannot read compose file: a named pipe"}},
		{name: "named pipe -f file", files: map[string]string{"Dockerfile": dockerfile}, setup: fifo("pipe.yaml"), args: []string{"-f", "pipe.yaml"}, code: 1,
			want: []string{"pipe.yaml:1:1: error CP000 cannot read compose file: a named pipe"}},
		{name: "named pipe .dockerignore", files: map[string]string{"compose.yaml": compose, "Dockerfile": dockerfile}, setup: fifo(".dockerignore"), code: 0,
			want: []string{"envdoctor: .dockerignore: a named pipe, not a regular file: not read"}},
		{name: "named pipe env_file", files: map[string]string{"compose.yaml": compose + "    env_file: app.env\n", "Dockerfile": dockerfile}, setup: fifo("app.env"), code: 0,
			want: []string{`envdoctor: env_file app.env of service "web": a named pipe, not a regular file: not read`}},
		{name: "named pipe label_file", files: map[string]string{"compose.yaml": compose + "    label_file: app.labels\n", "Dockerfile": dockerfile}, setup: fifo("app.labels"), code: 0,
			want: []string{`envdoctor: label_file app.labels of service "web": a named pipe, not a regular file: not read`}},
		{name: "named pipe include", files: map[string]string{"compose.yaml": "include:\n  - other.yaml\n" + compose, "Dockerfile": dockerfile}, setup: fifo("other.yaml"), code: 1,
			want: []string{"compose.yaml:2:5: error CP000 include: cannot read other.yaml: a named pipe, not a regular file: not read"}},
		{name: "named pipe include .env", files: map[string]string{"compose.yaml": "include:\n  - sub/compose.yaml\n" + compose, "Dockerfile": dockerfile,
			"sub/compose.yaml": "services:\n  api:\n    image: nginx:1.27\n"}, setup: fifo("sub/.env"), code: 1,
			want: []string{"CP000", "sub/.env: a named pipe, not a regular file: not read"}},
		{name: "named pipe extends file", files: map[string]string{"compose.yaml": "services:\n  web:\n    build: .\n    extends:\n      file: base.yaml\n      service: b\n", "Dockerfile": dockerfile},
			setup: fifo("base.yaml"), code: 1,
			want: []string{"compose.yaml:5:13: error CP000 extends: cannot read base.yaml: a named pipe, not a regular file: not read"}},
		{name: "named pipe config file", files: map[string]string{"compose.yaml": compose, "Dockerfile": dockerfile}, setup: fifo(".envdoctor.yaml"), code: 2,
			want: []string{".envdoctor.yaml: a named pipe, not a regular file: not read"}},
		{name: "named pipe application files", files: map[string]string{"compose.yaml": compose, "Dockerfile": dockerfile},
			setup: fifo("manage.py", "package.json", "requirements.txt", "app.py"), code: 0},

		// Unreadable files. envdoctor runs as root here, where chmod 000
		// does not stop a read: a directory where a file belongs stands in
		// (TestHostileUnreadable covers chmod 000 when not root).
		{name: "directory named Dockerfile", files: map[string]string{"compose.yaml": compose}, setup: mkdirs("Dockerfile"), code: 1,
			want: []string{"Dockerfile:1:1: error DF000 cannot read Dockerfile: a directory, not a regular file: not read"}},
		{name: "directory named .env", files: map[string]string{"compose.yaml": compose, "Dockerfile": dockerfile}, setup: mkdirs(".env", ".dockerignore"), code: 0},
		{name: "directory as env_file", files: map[string]string{"compose.yaml": compose + "    env_file: conf\n", "Dockerfile": dockerfile}, setup: mkdirs("conf"), code: 1,
			want: []string{`compose.yaml:5:15: error CP012 env_file "conf" of service "web" is a directory`}},
		// Then it is not a compose file: the Dockerfile alone is linted.
		{name: "directory named compose.yaml", files: map[string]string{"Dockerfile": "FROM python\n"}, setup: mkdirs("compose.yaml"), code: 1,
			want: []string{"Dockerfile:1:6: warning DF005"}},

		// Includes and extends that loop.
		{name: "include of itself", files: map[string]string{"compose.yaml": "include:\n  - compose.yaml\n" + compose, "Dockerfile": dockerfile}, code: 1,
			want: []string{"compose.yaml:2:5: error CP000 include cycle: compose.yaml includes compose.yaml"}},
		{name: "include of itself by another path", files: map[string]string{"compose.yaml": "include:\n  - ./sub/../compose.yaml\n" + compose, "Dockerfile": dockerfile, "sub/x": ""}, code: 1,
			want: []string{"compose.yaml:2:5: error CP000 include cycle"}},
		{name: "extends of itself", files: map[string]string{"compose.yaml": "services:\n  web:\n    build: .\n    extends: web\n", "Dockerfile": dockerfile}, code: 1,
			want: []string{"compose.yaml:", "CP000"}},

		// Devices and files outside the project: never read.
		{name: "env_file /dev/zero", files: map[string]string{"compose.yaml": compose + "    env_file: /dev/zero\n", "Dockerfile": dockerfile}, code: 0,
			want: []string{`envdoctor: env_file /dev/zero of service "web": outside the project`}},
		{name: "label_file /dev/zero", files: map[string]string{"compose.yaml": compose + "    label_file: /dev/zero\n", "Dockerfile": dockerfile}, code: 0,
			want: []string{`envdoctor: label_file /dev/zero of service "web": outside the project`}},
		{name: "env_file in the project linking to /dev/zero", files: map[string]string{"compose.yaml": compose + "    env_file: zero.env\n", "Dockerfile": dockerfile},
			setup: link("zero.env", "/dev/zero"), code: 0,
			want: []string{`envdoctor: env_file zero.env of service "web": a symbolic link to /dev/zero, outside the project: not read`}},
		{name: "env_file /etc/passwd", files: map[string]string{"compose.yaml": compose + "    env_file: /etc/passwd\n", "Dockerfile": dockerfile}, code: 0,
			want: []string{`envdoctor: env_file /etc/passwd of service "web": outside the project`}},
		{name: "env_file ../../etc/passwd", files: map[string]string{"Dockerfile": dockerfile},
			setup: func(t *testing.T, dir string) {
				writeFiles(t, dir, map[string]string{"compose.yaml": compose + "    env_file: " + upTo(dir, "/etc/passwd") + "\n"})
			}, code: 0, want: []string{`envdoctor: env_file /etc/passwd of service "web": outside the project`}},
		{name: "Dockerfile linking to /etc/passwd", files: map[string]string{"compose.yaml": compose}, setup: link("Dockerfile", "/etc/passwd"), code: 1,
			want: []string{"Dockerfile:1:1: error DF000 cannot read Dockerfile: a symbolic link to /etc/passwd, outside the project: not read"}},
		{name: "build.dockerfile /etc/passwd", files: map[string]string{"compose.yaml": "services:\n  web:\n    build:\n      context: .\n      dockerfile: /etc/passwd\n"}, code: 1,
			want: []string{"DF000 cannot read Dockerfile: outside the project"}},
		{name: ".env linking to /etc/passwd", files: map[string]string{"compose.yaml": compose, "Dockerfile": dockerfile}, setup: link(".env", "/etc/passwd"), code: 0,
			want: []string{"envdoctor: .env: a symbolic link to /etc/passwd, outside the project: not read: its variables were not used"}},
		{name: "compose file linking to /etc/passwd", files: map[string]string{"Dockerfile": dockerfile}, setup: link("compose.yaml", "/etc/passwd"), code: 1,
			want: []string{"compose.yaml:1:1: error CP000 cannot read compose file: a symbolic link to /etc/passwd, outside the project: not read"}},
		{name: "include /etc/passwd", files: map[string]string{"compose.yaml": "include:\n  - /etc/passwd\n" + compose, "Dockerfile": dockerfile}, code: 1,
			want: []string{"compose.yaml:2:5: error CP000 include: cannot read ", "outside the project"}},
		{name: "extends file /etc/passwd", files: map[string]string{"compose.yaml": "services:\n  web:\n    build: .\n    extends:\n      file: /etc/passwd\n      service: root\n", "Dockerfile": dockerfile}, code: 1,
			want: []string{"compose.yaml:5:13: error CP000 extends: cannot read ", "outside the project"}},
		{name: ".dockerignore and config linking out", files: map[string]string{"compose.yaml": compose, "Dockerfile": dockerfile},
			setup: link(".dockerignore", "/etc/passwd", ".envdoctor.yaml", "/etc/passwd", "manage.py", "/etc/passwd"), code: 2,
			want: []string{".envdoctor.yaml: a symbolic link to /etc/passwd, outside the project: not read"}},
		{name: "COMPOSE_FILE in .env naming /etc/passwd", files: map[string]string{".env": "COMPOSE_FILE=/etc/passwd\n", "Dockerfile": dockerfile}, code: 2,
			want: []string{"COMPOSE_FILE (from .env) names /etc/passwd, outside the project: not read"}},
		{name: "build context outside", files: map[string]string{"compose.yaml": "services:\n  web:\n    build: /etc\n    image: nginx:1.27\n"}, code: 1,
			want: []string{"DF000"}},
		{name: "every hostile file at once", files: map[string]string{"compose.yaml": compose + "    env_file: [/dev/zero, a.env, /etc/passwd]\n    label_file: [/dev/urandom]\n"},
			setup: both(fifo("a.env", ".dockerignore"), link("Dockerfile", "/etc/shadow", ".env", "/dev/zero")), code: 1,
			want: []string{"DF000", "/dev/zero", "a.env", "/dev/urandom"}},
	}
}

func TestHostileSuite(t *testing.T) {
	for _, tc := range hostileSuite() {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			before := snapshot(t, dir)
			out, errOut, code := runBounded(t, dir, append([]string{"lint", "--no-color"}, tc.args...)...)
			all := out + errOut
			// Every rule runs, the build-context ones included. A case that
			// expects a clean run may also get findings (exit 1) from rules
			// about the hostile file itself (BC000, BC007) or about the
			// context (BC001: no .dockerignore): what matters is a clear
			// answer, never exit 2 or a hang.
			if code != tc.code && (tc.code != ExitOK || code != ExitFindings) {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			if strings.Contains(all, passwdLine) || strings.Contains(all, "internal error") || strings.Contains(all, "ED000") {
				t.Errorf("a file outside the project was read, or a rule failed")
			}
			if after := snapshot(t, dir); !slices.Equal(before, after) {
				t.Errorf("lint changed the project:\nbefore %q\nafter  %q", before, after)
			}
			for _, line := range strings.Split(all, "\n") {
				if len(line) > 1600 {
					t.Errorf("a %d-byte output line: %.200s", len(line), line)
					break
				}
			}
			if t.Failed() {
				t.Logf("stdout:\n%.1500s\nstderr:\n%.1000s", out, errOut)
			}
		})
	}
}

// TestHostileUnreadable: a file the user cannot read (chmod 000) is an
// error naming the file, not a crash. Root reads everything: skipped then.
func TestHostileUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, which reads a file whatever its mode (the suite's directory cases stand in)")
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"compose.yaml": "services:\n  web:\n    build: .\n    env_file: app.env\n", "Dockerfile": "FROM python\n", ".env": "A=1\n", "app.env": "B=1\n"})
	for _, f := range []string{"Dockerfile", ".env", "app.env"} {
		if err := os.Chmod(filepath.Join(dir, f), 0); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := runBounded(t, dir, "lint")
	if code != ExitFindings || !strings.Contains(out, "cannot read Dockerfile: permission denied") || !strings.Contains(errOut, ".env: permission denied") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// TestHostileOutputFile: -o writes the named file and nothing else, and a
// lint without -o writes nothing.
func TestHostileOutputFile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"compose.yaml": "services:\n  web:\n    build: .\n", "Dockerfile": "FROM python\n"})
	outDir := t.TempDir()
	before := snapshot(t, dir)
	_, errOut, code := runBounded(t, dir, "lint", "--format", "sarif", "-o", filepath.Join(outDir, "r.sarif"))
	if code == ExitError {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if after := snapshot(t, dir); !slices.Equal(before, after) {
		t.Errorf("lint -o changed the project:\nbefore %q\nafter  %q", before, after)
	}
	if got := snapshot(t, outDir); len(got) != 2 || !strings.HasPrefix(got[1], "r.sarif ") {
		t.Errorf("output directory holds %q", got)
	}
}

// runBounded runs envdoctor in-process with the hostile-input bounds: it
// fails the test when the run does not end within hostileDeadline (a hang)
// or when the heap in use grows more than hostileHeapBound above where it
// started.
func runBounded(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, total0 := ms.HeapInuse, ms.TotalAlloc
	var peak uint64
	var mu sync.Mutex
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			mu.Lock()
			peak = max(peak, m.HeapInuse)
			mu.Unlock()
			select {
			case <-stopSampling:
				return
			case <-tick.C:
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), hostileDeadline)
	defer cancel()
	type result struct {
		out, err string
		code     int
	}
	done := make(chan result, 1)
	// BuildKit's lexer prints "<input>:1:7: invalid character NUL" to
	// os.Stderr; cli.Main sends that to the null device, so does this.
	if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		saved := os.Stderr
		os.Stderr = null
		defer func() { os.Stderr = saved; null.Close() }()
	}
	go func() {
		var out, errb bytes.Buffer
		c := Run(ctx, args, Env{
			Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Getwd:      func() (string, error) { return abs, nil },
			IsTerminal: func(io.Writer) bool { return false },
		})
		done <- result{out.String(), errb.String(), c}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		close(stopSampling)
		t.Fatalf("envdoctor %s did not end within %v: it hangs", strings.Join(args, " "), hostileDeadline)
	}
	close(stopSampling)
	<-sampled
	runtime.ReadMemStats(&ms)
	mu.Lock()
	grew := int64(max(peak, ms.HeapInuse)) - int64(base)
	mu.Unlock()
	t.Logf("heap in use grew by at most %d MiB; %d MiB allocated in all", max(grew, 0)>>20, (ms.TotalAlloc-total0)>>20)
	if grew > hostileHeapBound {
		t.Errorf("the heap in use grew by %d MiB (bound %d MiB)", grew>>20, hostileHeapBound>>20)
	}
	if r.code != ExitOK && r.code != ExitFindings && r.code != ExitError {
		t.Errorf("exit code %d", r.code)
	}
	return r.out, r.err, r.code
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
}

// upTo is target written relative to dir ("../../etc/passwd").
func upTo(dir, target string) string {
	rel, err := filepath.Rel(dir, target)
	if err != nil {
		return target
	}
	return filepath.ToSlash(rel)
}

// snapshot lists every entry under dir (links not followed) with its kind,
// size and modification time.
func snapshot(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil //nolint:nilerr // a link loop or unreadable entry is listed as it is
		}
		info, err := d.Info()
		if err != nil {
			return nil //nolint:nilerr // listed without details
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, fmt.Sprintf("%s %v %d %d", rel, info.Mode(), info.Size(), info.ModTime().UnixNano()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHostileBinaryRSS runs the built envdoctor binary on the heaviest
// hostile cases under /usr/bin/time and checks its peak resident set size
// (the whole process: heap, stacks, the binary itself) against
// hostileHeapBound. Skipped with -short or without /usr/bin/time.
func TestHostileBinaryRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		t.Skip("no /usr/bin/time")
	}
	bin := filepath.Join(t.TempDir(), "envdoctor")
	build := exec.Command("go", "build", "-o", bin, "github.com/envdoctor/envdoctor/cmd/envdoctor")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	heavy := map[string]bool{
		"100 MB single-line Dockerfile": true, "100 MB single-line compose file": true, "100 MB single-line .env": true,
		"7 MB single-line Dockerfile": true, "7 MB single-line compose value": true, "7 MB single-line .env value": true,
		"7 MB of $ in a compose file": true, "every port in one range": true, "env_file /dev/zero": true, "named pipe env_file": true,
	}
	for _, tc := range hostileSuite() {
		if !heavy[tc.name] {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tc.files)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			ctx, cancel := context.WithTimeout(context.Background(), hostileDeadline)
			defer cancel()
			rss := filepath.Join(t.TempDir(), "rss")
			cmd := exec.CommandContext(ctx, "/usr/bin/time", "-o", rss, "-f", "%M", bin, "lint", "--no-color", dir)
			cmd.Env = append(os.Environ(), "NO_COLOR=1")
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("did not end within %v: it hangs", hostileDeadline)
			}
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				t.Fatal(err)
			}
			if code := cmd.ProcessState.ExitCode(); code != tc.code && (tc.code != ExitOK || code != ExitFindings) {
				t.Errorf("exit %d, want %d\n%.1000s", code, tc.code, out)
			}
			data, err := os.ReadFile(rss)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Fields(string(data)) // "Command exited with non-zero status 1" first
			kb, err := strconv.Atoi(lines[len(lines)-1])
			if err != nil {
				t.Fatalf("/usr/bin/time wrote %q", data)
			}
			t.Logf("peak RSS %d MiB", kb>>10)
			if kb<<10 > hostileHeapBound {
				t.Errorf("peak RSS %d MiB (bound %d MiB)", kb>>10, hostileHeapBound>>20)
			}
		})
	}
}
