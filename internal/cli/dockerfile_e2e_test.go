package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// jsonReport is the part of the JSON report these tests read.
type jsonReport struct {
	Findings []struct {
		Rule      string `json:"rule"`
		Message   string `json:"message"`
		File      string `json:"file"`
		Line      int    `json:"line"`
		Column    int    `json:"column"`
		EndLine   int    `json:"end_line"`
		EndColumn int    `json:"end_column"`
		Fix       *struct {
			Message string `json:"message"`
			Safe    bool   `json:"safe"`
		} `json:"fix"`
	} `json:"findings"`
}

func lintJSON(t *testing.T, dir string, environ []string, args ...string) jsonReport {
	t.Helper()
	out, stderr, code := run(t, dir, environ, append([]string{"lint", "--format", "json"}, args...)...)
	if code == ExitError {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep jsonReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	return rep
}

// The tutorial's Dockerfile (testdata/projects/flask-postgres) gets exactly
// the findings the Dockerfile issue names, each at its line and column:
//
//	1 FROM python:3.6
//	2 LABEL maintainer "Timothy Ko <tk2@illinois.edu>"
//	3 RUN apt-get update
//	4 RUN mkdir /app
//	5 WORKDIR /app
//	6 COPY . /app
//	7 RUN pip install --no-cache-dir -r requirements.txt
//	8 ENV FLASK_ENV="docker"
//	9 EXPOSE 5000
//
// DF001 (copy requirements.txt first), DF002, DF006 (python:3.6), DF007,
// DF009 (root), and BuildKit's LegacyKeyValueFormat (DF112) on `LABEL
// maintainer "…"`, while MaintainerDeprecated (DF107, about the MAINTAINER
// instruction) stays quiet on that LABEL.
func TestTutorialDockerfileFindings(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "projects", "flask-postgres")
	rep := lintJSON(t, dir, tutorialShell)
	type want struct {
		rule, at string
		message  []string // fragments of the message
		fix      []string // fragments of the fix message
	}
	wants := []want{
		{"DF009", "1:1-1:16", []string{"final stage has no USER", "root"}, []string{"USER app"}},
		{"DF006", "1:6-1:16", []string{`"python:3.6"`, "end of life", "2021-12-23"}, []string{"FROM python:3.11"}},
		{"DF112", "2:7-2:49", []string{`"LABEL key=value" should be used instead of legacy "LABEL key value" format`}, []string{`LABEL maintainer="Timothy Ko <tk2@illinois.edu>"`}},
		{"DF002", "3:5-3:19", []string{`"apt-get update"`, "without an install"}, []string{"apt-get install"}},
		{"DF007", "4:5-4:15", []string{`"mkdir /app"`, "WORKDIR /app on line 5"}, []string{"remove this RUN"}},
		{"DF001", "6:1-6:12", []string{"COPY . /app", "line 7", "pip install"}, []string{"COPY requirements.txt /app/, then RUN pip install --no-cache-dir -r requirements.txt, then COPY . /app"}},
	}
	var got []string
	for _, f := range rep.Findings {
		// The Dockerfile rules' findings (BC002 also anchors its finding
		// of the .env copied into the image at the COPY).
		if f.File == "Dockerfile" && strings.HasPrefix(f.Rule, "DF") {
			got = append(got, fmt.Sprintf("%s %d:%d-%d:%d", f.Rule, f.Line, f.Column, f.EndLine, f.EndColumn))
		}
	}
	var wantList []string
	for _, w := range wants {
		wantList = append(wantList, w.rule+" "+w.at)
	}
	if strings.Join(got, "\n") != strings.Join(wantList, "\n") {
		t.Fatalf("Dockerfile findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantList, "\n"))
	}
	i := 0
	for _, f := range rep.Findings {
		if f.File != "Dockerfile" || !strings.HasPrefix(f.Rule, "DF") {
			continue
		}
		w := wants[i]
		i++
		for _, frag := range w.message {
			if !strings.Contains(f.Message, frag) {
				t.Errorf("%s message %q lacks %q", f.Rule, f.Message, frag)
			}
		}
		for _, frag := range w.fix {
			if f.Fix == nil || !strings.Contains(f.Fix.Message, frag) {
				t.Errorf("%s fix %+v lacks %q", f.Rule, f.Fix, frag)
			}
		}
	}
}

// hadolint's inline ignores silence the envdoctor rules that are their
// twins, in a real run: `# hadolint ignore=DL3020` silences DF008 on the ADD
// below it, `# hadolint global ignore=DL3006` silences DF005 everywhere,
// and DL3008 (version pinning, which envdoctor does not check) silences
// nothing.
func TestLintHadolintIgnores(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"Dockerfile": "# hadolint global ignore=DL3006\n" +
			"FROM debian\n" +
			"# hadolint ignore=DL3020\n" +
			"ADD app.conf /etc/app/\n" +
			"ADD other.conf /etc/app/\n" +
			"# hadolint ignore=DL3008\n" +
			"RUN apt-get update && apt-get install -y curl\n" +
			"USER 10001\n",
		"app.conf":   "a=1\n",
		"other.conf": "b=2\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep := lintJSON(t, dir, nil)
	var got []string
	for _, f := range rep.Findings {
		if strings.HasPrefix(f.Rule, "DF") { // not BC001 (no .dockerignore)
			got = append(got, fmt.Sprintf("%s %d", f.Rule, f.Line))
		}
	}
	want := "DF008 5\nDF003 7"
	if strings.Join(got, "\n") != want {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
}
