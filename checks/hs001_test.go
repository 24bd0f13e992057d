package checks

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// writeProject writes files (root-relative path → content) into a new
// project directory "shop" and loads it.
func writeProject(t *testing.T, files map[string]string) *project.Project {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shop")
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := project.Load(context.Background(), dir, project.Options{Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// diskEnv is a Linux machine whose files are the real ones (the project in
// a temporary directory) and nothing else.
func diskEnv() *Env {
	env := fakeEnv(nil, nil)
	env.ReadFile = os.ReadFile
	env.Stat = os.Stat
	env.ReadDir = os.ReadDir
	return env
}

// locatedResult prints findings with their places and related places.
func locatedResult(r *Result) string {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s %s: %s\n", rng(f.Range), f.RuleID, f.Message)
		for _, rel := range f.Related {
			fmt.Fprintf(&b, "  related %s: %s\n", rng(rel.Range), rel.Message)
		}
		if f.Fix != nil {
			fmt.Fprintf(&b, "  fix: %s\n", f.Fix.Message)
			for _, e := range f.Fix.Edits {
				safety := "unsafe"
				if f.Fix.Safe {
					safety = "safe"
				}
				fmt.Fprintf(&b, "  edit (%s): %s %q\n", safety, rng(e.Range), e.NewText)
			}
		}
	}
	return b.String()
}

func rng(r finding.Range) string {
	if r.File == "" {
		return "-"
	}
	return fmt.Sprintf("%s:%d:%d-%d:%d", r.File, r.Start.Line, r.Start.Col, r.End.Line, r.End.Col)
}

const (
	crlfSh      = "#!/bin/sh\r\nset -e\r\nexec \"$@\"\r\n"
	lfSh        = "#!/bin/sh\nset -e\nexec \"$@\"\n"
	crlfBody    = "#!/bin/sh\nset -e\r\napt-get update\r\n"
	crlfShebang = "#!/bin/bash\r\nset -e\nexec \"$@\"\n"
)

func TestHS001(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the located output; none: quiet
	}{
		{
			name: "compose entrypoint from a bind mount",
			files: map[string]string{
				"compose.yaml":  "services:\n  web:\n    image: python:3.12\n    working_dir: /app\n    volumes:\n      - .:/app\n    entrypoint: ./entrypoint.sh\n",
				"entrypoint.sh": crlfSh,
			},
			want: []string{
				"entrypoint.sh:1:1-1:10 HS001: script entrypoint.sh has Windows (CRLF) line endings, its #! line included: the kernel looks for the interpreter \"/bin/sh\\r\", which does not exist, so running it fails with \"exec ./entrypoint.sh: no such file or directory\" or \"/bin/sh^M: bad interpreter\"",
				"related compose.yaml:7:17-7:32: run as the entrypoint of service \"web\"",
				"related compose.yaml:6:9-6:10: bind-mounted into service \"web\" here",
				"fix: convert it to LF: `sed -i 's/\\r$//' entrypoint.sh` (or `dos2unix entrypoint.sh`); keep it LF in git: add the line `*.sh text eol=lf` to .gitattributes, then `git add --renormalize .`\n" +
					"  edit (safe): entrypoint.sh:1:10-1:11 \"\"\n  edit (safe): entrypoint.sh:2:7-2:8 \"\"\n  edit (safe): entrypoint.sh:3:10-3:11 \"\"\n",
			},
		},
		{
			name: "Dockerfile ENTRYPOINT copied from the context",
			files: map[string]string{
				"compose.yaml":          "services:\n  web:\n    build: .\n",
				"Dockerfile":            "FROM alpine:3.20\nCOPY docker/entrypoint.sh /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\n",
				"docker/entrypoint.sh":  crlfSh,
				"docker/unused-crlf.sh": crlfSh,
			},
			want: []string{
				"docker/entrypoint.sh:1:1-1:10 HS001: script docker/entrypoint.sh has Windows (CRLF) line endings, its #! line included",
				"related Dockerfile:3:1-3:30: run as the image's ENTRYPOINT",
				"related Dockerfile:2:1-2:41: copied into the image here",
				"then rebuild the image (`docker compose build`)",
			},
		},
		{
			name: "shell-form CMD in the WORKDIR after COPY . .",
			files: map[string]string{
				"Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ./start.sh && echo done\n",
				"start.sh":   crlfSh,
			},
			want: []string{"start.sh:1:1-1:10 HS001: script start.sh", "related Dockerfile:4:1-4:28: run as the image's CMD", "related Dockerfile:3:1-3:9: copied into the image here"},
		},
		{
			name: "a RUN executes a copied script whose body is CRLF",
			files: map[string]string{
				"Dockerfile":         "FROM debian:12\nCOPY scripts/install.sh /tmp/\nRUN sh /tmp/install.sh\n",
				"scripts/install.sh": crlfBody,
			},
			want: []string{
				"scripts/install.sh:2:1-2:7 HS001: script scripts/install.sh has Windows (CRLF) line endings on 2 of its 3 lines: the shell reads every command with a trailing carriage return",
				"related Dockerfile:3:1-3:23: run by this RUN",
				// The #! line is LF: a CR may be meant, the conversion is
				// not safe.
				"  edit (unsafe): scripts/install.sh:2:7-2:8 \"\"\n  edit (unsafe): scripts/install.sh:3:15-3:16 \"\"\n",
			},
		},
		{
			name: "only the #! line is CRLF",
			files: map[string]string{
				"compose.yaml": "services:\n  web:\n    image: alpine:3.20\n    volumes:\n      - ./bin:/opt/bin:ro\n    command: [\"/opt/bin/run\"]\n",
				"bin/run":      crlfShebang,
			},
			want: []string{
				"bin/run:1:1-1:12 HS001: script bin/run has Windows (CRLF) line endings, its #! line included: the kernel looks for the interpreter \"/bin/bash\\r\"",
				"related compose.yaml:6:14-6:30: run as the command of service \"web\"",
				"add the line `/bin/run text eol=lf` to .gitattributes",
			},
		},
		{
			name: "bare name found in PATH, and a wrapper",
			files: map[string]string{
				"Dockerfile":           "FROM node:22\nCOPY docker-entrypoint.sh /usr/local/bin/\nENTRYPOINT [\"tini\", \"--\", \"docker-entrypoint.sh\"]\n",
				"docker-entrypoint.sh": crlfSh,
			},
			want: []string{"docker-entrypoint.sh:1:1-1:10 HS001: script docker-entrypoint.sh"},
		},
		{
			name: "bash -c in a compose command",
			files: map[string]string{
				"compose.yaml":    "services:\n  app:\n    image: python:3.12\n    working_dir: /src\n    volumes:\n      - ./:/src\n    command: bash -c \"./wait-for.sh db:5432 && python app.py\"\n",
				"wait-for.sh":     crlfBody,
				"app.py":          "print('hi')\r\n",
				"unrelated.sh":    crlfSh,
				"requirements.in": "flask\r\n",
			},
			want: []string{"wait-for.sh:2:1-2:7 HS001: script wait-for.sh has Windows (CRLF) line endings on 2 of its 3 lines"},
		},
		{
			name: "a python script with a CRLF #! line",
			files: map[string]string{
				"Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY manage.py .\nENTRYPOINT [\"./manage.py\", \"runserver\"]\n",
				"manage.py":  "#!/usr/bin/env python3\r\nimport sys\r\n",
			},
			want: []string{"manage.py:1:1-1:23 HS001: script manage.py has Windows (CRLF) line endings, its #! line included: env looks for the program \"python3\\r\", which does not exist, so running it fails with \"/usr/bin/env: 'python3\\r': No such file or directory\""},
		},
		{
			name: "multi-stage build: the target stage inherits the copy",
			files: map[string]string{
				"compose.yaml": "services:\n  web:\n    build:\n      context: .\n      target: dev\n",
				"Dockerfile":   "FROM alpine:3.20 AS base\nCOPY *.sh /usr/local/bin/\nFROM base AS dev\nCMD [\"start.sh\"]\nFROM base AS prod\nCMD [\"/usr/local/bin/other\"]\n",
				"start.sh":     crlfSh,
			},
			want: []string{"start.sh:1:1-1:10 HS001: script start.sh", "related Dockerfile:4:1-4:17: run as the image's CMD", "related Dockerfile:2:1-2:26: copied into the image here"},
		},
		{
			name: "a conversion before the copy does not count",
			files: map[string]string{
				"Dockerfile": "FROM alpine:3.20\nRUN dos2unix /x.sh || true\nCOPY x.sh /x.sh\nENTRYPOINT [\"/x.sh\"]\n",
				"x.sh":       crlfSh,
			},
			want: []string{"x.sh:1:1-1:10 HS001: script x.sh"},
		},
		{
			name: "no working_dir: the bind-mount target is the guess",
			files: map[string]string{
				"compose.yaml": "services:\n  job:\n    image: alpine:3.20\n    volumes:\n      - ${SRC:-.}:/srv\n    command: [\"sh\", \"./run.sh\"]\n",
				"run.sh":       crlfBody,
			},
			want: []string{"run.sh:2:1-2:7 HS001: script run.sh has Windows (CRLF) line endings on 2 of its 3 lines", "related compose.yaml:5:9-5:18: bind-mounted into service \"job\" here"},
		},
		{
			name: "a bind mount hides the image's copy",
			files: map[string]string{
				"compose.yaml":         "services:\n  web:\n    build: .\n    volumes:\n      - ./docker:/app\n    entrypoint: /app/entrypoint.sh\n",
				"Dockerfile":           "FROM alpine:3.20\nCOPY entrypoint.sh /app/entrypoint.sh\n",
				"entrypoint.sh":        lfSh,
				"docker/entrypoint.sh": crlfSh,
			},
			want: []string{"docker/entrypoint.sh:1:1-1:10 HS001: script docker/entrypoint.sh", "related compose.yaml:6:17-6:35: run as the entrypoint of service \"web\""},
		},
		{
			name: "quiet: LF script",
			files: map[string]string{
				"compose.yaml":  "services:\n  web:\n    image: python:3.12\n    working_dir: /app\n    volumes:\n      - .:/app\n    entrypoint: ./entrypoint.sh\n",
				"entrypoint.sh": lfSh,
			},
		},
		{
			name: "quiet: the Dockerfile converts it after the copy",
			files: map[string]string{
				"Dockerfile":    "FROM alpine:3.20\nCOPY entrypoint.sh /entrypoint.sh\nRUN sed -i 's/\\r$//' /entrypoint.sh && chmod +x /entrypoint.sh\nENTRYPOINT [\"/entrypoint.sh\"]\n",
				"entrypoint.sh": crlfSh,
			},
		},
		{
			name: "quiet: dos2unix on the directory with find",
			files: map[string]string{
				"Dockerfile":         "FROM alpine:3.20\nCOPY scripts/ /opt/scripts/\nRUN find /opt/scripts -type f -exec dos2unix {} +\nRUN /opt/scripts/setup.sh\n",
				"scripts/setup.sh":   crlfSh,
				"scripts/.gitignore": "",
			},
		},
		{
			name: "quiet: a python script with a LF #! line and CRLF body",
			files: map[string]string{
				"Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY manage.py .\nENTRYPOINT [\"./manage.py\"]\n",
				"manage.py":  "#!/usr/bin/env python3\nimport sys\r\nprint(sys.argv)\r\n",
			},
		},
		{
			name: "quiet: chmod names the script but does not run it; the python program is not a script",
			files: map[string]string{
				"Dockerfile": "FROM python:3.12\nCOPY run.sh /run.sh\nRUN chmod +x /run.sh\nCMD [\"python\", \"app.py\"]\n",
				"run.sh":     crlfSh,
				"app.py":     "print(1)\r\n",
			},
		},
		{
			name: "quiet: a binary",
			files: map[string]string{
				"Dockerfile": "FROM scratch\nCOPY server /server\nENTRYPOINT [\"/server\"]\n",
				"server":     "\x7fELF\x00\x00\r\n\r\n",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeProject(t, tt.files)
			r := runCheck2(t, crlfScript(), diskEnv(), p)
			got := locatedResult(r)
			if len(tt.want) == 0 {
				if got != "" || r.Crashed != "" || r.Skipped != "" {
					t.Errorf("want quiet, got:\n%s%s%s", got, r.Crashed, r.Skipped)
				}
				return
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in:\n%s", w, got)
				}
			}
			if n := len(r.Findings); n != 1 {
				t.Errorf("%d findings, want 1:\n%s", n, got)
			}
			if f := r.Findings[0]; f.Severity != finding.SeverityError {
				t.Errorf("severity %v", f.Severity)
			}
		})
	}
}

func TestHS001DetailsSkipsAndWindowsFix(t *testing.T) {
	p := writeProject(t, map[string]string{
		"compose.yaml":  "services:\n  web:\n    image: python:3.12\n    working_dir: /app\n    volumes:\n      - .:/app\n    entrypoint: ./entrypoint.sh\n",
		"entrypoint.sh": lfSh,
	})
	r := runCheck2(t, crlfScript(), diskEnv(), p)
	if !r.OK() || len(r.Details) != 1 || r.Details[0] != "1 script checked for CRLF line endings" {
		t.Errorf("LF script: %+v", r)
	}

	if r := runCheck2(t, crlfScript(), diskEnv(), nil); r.Skipped != "no project here" {
		t.Errorf("no project: %+v", r)
	}
	env := diskEnv()
	env.ReadFile = nil
	if r := runCheck2(t, crlfScript(), env, p); r.Skipped != "cannot read files here" {
		t.Errorf("no ReadFile: %+v", r)
	}

	// A file too large to be a script is not read; an unreadable one is
	// skipped.
	if err := os.WriteFile(filepath.Join(p.Root, "entrypoint.sh"), []byte(crlfSh+strings.Repeat("#\r\n", maxScriptSize)), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCheck2(t, crlfScript(), diskEnv(), p); !r.OK() || len(r.Details) != 0 {
		t.Errorf("huge file: %+v", r)
	}
	env = diskEnv()
	env.Stat = nil
	env.ReadFile = func(string) ([]byte, error) { return nil, os.ErrPermission }
	if r := runCheck2(t, crlfScript(), env, p); !r.OK() {
		t.Errorf("unreadable: %+v", r)
	}

	if err := os.WriteFile(filepath.Join(p.Root, "entrypoint.sh"), []byte(crlfSh), 0o644); err != nil {
		t.Fatal(err)
	}
	env = diskEnv()
	env.GOOS = "windows"
	got := locatedResult(runCheck2(t, crlfScript(), env, p))
	if !strings.Contains(got, "Set-Content -NoNewline entrypoint.sh") || strings.Contains(got, "sed -i") {
		t.Errorf("windows fix:\n%s", got)
	}
}

func TestScriptRefs(t *testing.T) {
	tests := []struct {
		argv  []string
		shell bool
		want  string
	}{
		{[]string{"./run.sh"}, false, "./run.sh"},
		{[]string{"python", "app.py"}, false, ""},
		{[]string{"sh", "-e", "start.sh"}, false, "start.sh(sh)"},
		{[]string{"/bin/bash", "-o", "pipefail", "-c", "source ./env.sh; exec /app/run"}, false, "./env.sh(sh) /app/run"},
		{[]string{"FOO=1 BAR=2 ./run.sh --flag; . /etc/profile.d/x.sh"}, true, "./run.sh /etc/profile.d/x.sh(sh)"},
		{[]string{"env", "-i", "A=1", "/start"}, false, "/start"},
		{[]string{"sh", "-c"}, false, ""},
		{[]string{"$CMD", "x.sh"}, true, ""},
		{[]string{"if [ -f x ]; then"}, true, ""},
		{[]string{"bash", "--", "go.sh"}, false, "go.sh(sh)"},
		{[]string{`bash "$DIR/run.sh"; sh 'a b.sh'; "./c.sh"`}, true, "a b.sh(sh) ./c.sh"},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range commandRefs(tt.argv, tt.shell) {
			w := r.Word
			if r.ViaShell {
				w += "(sh)"
			}
			got = append(got, w)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%q: got %q, want %q", tt.argv, strings.Join(got, " "), tt.want)
		}
	}
	norm := normalisedPaths(`dos2unix -q a.sh b.sh && sed -i -e 's/\r$//' c.sh && sed -i 's/\r//' d.sh && sed -i 's/x/y/' e.sh`)
	if strings.Join(norm, " ") != "a.sh b.sh c.sh d.sh" {
		t.Errorf("normalised: %q", norm)
	}
	if got := scanCRLFOK("\x00\r\n"); got {
		t.Error("binary scanned")
	}
}

func scanCRLFOK(s string) bool {
	_, ok := scanCRLF([]byte(s))
	return ok
}

// TestHS001Edits: the edits of a project file come with the content they
// were computed from; a script from outside the project gets none; the
// FilesEnv that fix uses is enough to find it.
func TestHS001Edits(t *testing.T) {
	p := writeProject(t, map[string]string{
		"compose.yaml":  "services:\n  web:\n    image: python:3.12\n    working_dir: /app\n    volumes:\n      - .:/app\n      - ../shared:/shared\n    entrypoint: ./entrypoint.sh\n    command: /shared/run.sh\n",
		"entrypoint.sh": crlfSh,
	})
	shared := filepath.Join(filepath.Dir(p.Root), "shared")
	if err := os.MkdirAll(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shared, "run.sh"), []byte(crlfSh), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCheck2(t, crlfScript(), FilesEnv("linux"), p)
	if len(r.Findings) != 2 {
		t.Fatalf("want 2 findings:\n%s", locatedResult(r))
	}
	for _, f := range r.Findings {
		switch f.Range.File {
		case "entrypoint.sh":
			if len(f.Fix.Edits) != 3 || !f.Fix.Safe {
				t.Errorf("entrypoint.sh: %+v", f.Fix)
			}
		case "../shared/run.sh":
			if len(f.Fix.Edits) != 0 {
				t.Errorf("a script outside the project has edits: %+v", f.Fix)
			}
			if !strings.Contains(f.Fix.Message, "add the line `*.sh text eol=lf`") {
				t.Errorf("fix: %s", f.Fix.Message)
			}
		default:
			t.Errorf("unexpected finding in %s", f.Range.File)
		}
	}
	if len(r.Sources) != 1 || string(r.Sources["entrypoint.sh"]) != crlfSh {
		t.Errorf("sources: %q", r.Sources)
	}
	// A lone CR is turned into a line break: unsafe.
	if err := os.WriteFile(filepath.Join(p.Root, "entrypoint.sh"), []byte("#!/bin/sh\r\necho a\rb\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := locatedResult(runCheck2(t, crlfScript(), FilesEnv("linux"), p))
	if !strings.Contains(got, "edit (unsafe): entrypoint.sh:2:7-2:8 \"\\n\"") {
		t.Errorf("lone CR:\n%s", got)
	}
}
