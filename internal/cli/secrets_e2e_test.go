package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/secrets"
)

// The fake secrets are assembled at run time from pieces, so the
// repository holds no token-shaped string.

const (
	alnum  = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	hexLow = "0123456789abcdef"
	upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b64    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// seq returns n characters of set from offset off, stepping by 7.
func seq(set string, n, off int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(set[(i*7+3+off)%len(set)])
	}
	return b.String()
}

func cat(parts ...string) string { return strings.Join(parts, "") }

// plantedSecret is one fake secret of one detector's kind. value is what
// must never appear in an output; text is how it is written (the value
// itself, or a URL or connection string around it).
type plantedSecret struct {
	kind, value string
	// multiline secrets (private keys) are written by each file type in
	// its own way.
	multiline bool
}

func fakePEM(kind string, off int) string {
	var body strings.Builder
	for i := 0; i < 5; i++ {
		body.WriteString(seq(b64, 64, off+i) + "\n")
	}
	return cat("-----", "BEGIN ", kind, "-----\n", body.String(), "-----", "END ", kind, "-----")
}

// plantedSecrets makes one secret of every kind the detectors know; off
// makes each file's secrets different.
func plantedSecrets(off int) []plantedSecret {
	enc := base64.RawURLEncoding.EncodeToString
	return []plantedSecret{
		{kind: "aws-access-key-id", value: cat("AK", "IA", seq(upper, 16, off))},
		{kind: "aws-secret-access-key", value: seq(b64, 40, off)},
		{kind: "gcp-api-key", value: cat("AI", "za", seq(alnum, 35, off))},
		{kind: "azure-storage-key", value: seq(b64, 86, off) + "=="},
		{kind: "github-pat", value: cat("gh", "p_", seq(alnum, 36, off))},
		{kind: "github-oauth", value: cat("gh", "o_", seq(alnum, 36, off+1))},
		{kind: "github-s2s", value: cat("gh", "s_", seq(alnum, 36, off+2))},
		{kind: "github-fine-grained", value: cat("github", "_pat_", seq(alnum, 22, off), "_", seq(alnum, 59, off+5))},
		{kind: "gitlab", value: cat("gl", "pat-", seq(alnum, 20, off))},
		{kind: "slack-token", value: cat("xo", "xb-", "1234567890", "-", "9876543210", "-", seq(alnum, 24, off))},
		{kind: "slack-webhook", value: cat("hooks.slack", ".com/services/T", seq(upper, 8, off), "/B", seq(upper, 9, off), "/", seq(alnum, 24, off))},
		{kind: "stripe", value: cat("sk", "_live_", seq(alnum, 24, off))},
		{kind: "twilio", value: cat("S", "K", seq(hexLow, 32, off))},
		{kind: "sendgrid", value: cat("S", "G.", seq(alnum, 22, off), ".", seq(alnum, 43, off))},
		{kind: "mailgun", value: cat("ke", "y-", seq(hexLow, 32, off+3))},
		{kind: "npm", value: cat("np", "m_", seq(alnum, 36, off))},
		{kind: "pypi", value: cat("pypi-AgEIcHlwaS5vcmc", seq(alnum, 60, off))},
		{kind: "dockerhub", value: cat("dckr", "_pat_", seq(alnum, 27, off))},
		{kind: "heroku", value: cat("HRKU-", "AA", seq(alnum, 58, off))},
		{kind: "jwt", value: cat(enc([]byte(`{"alg":"HS256","typ":"JWT"}`)), ".", enc([]byte(fmt.Sprintf(`{"sub":"fake-user-%04d","name":"Not A Real Token"}`, off))), ".", seq(alnum, 43, off))},
		{kind: "database-url-password", value: "Pw" + seq(alnum, 14, off)},
		{kind: "secret-assignment", value: "Ak" + seq(alnum, 30, off+4)},
		{kind: "private-key", value: fakePEM("RSA PRIVATE KEY", off), multiline: true},
		{kind: "openssh-key", value: fakePEM("OPENSSH PRIVATE KEY", off+2), multiline: true},
	}
}

// keyFor names the variable a secret is assigned to: the name some
// detectors need (AWS secret, Azure key, the generic assignment).
func keyFor(s plantedSecret, i int) string {
	switch s.kind {
	case "aws-secret-access-key":
		return "aws_secret_access_key"
	case "secret-assignment":
		return "service_api_key"
	}
	return fmt.Sprintf("value_%02d", i)
}

// inlineValue is the text that holds the secret on one line.
func inlineValue(s plantedSecret) string {
	switch s.kind {
	case "azure-storage-key":
		return "DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=" + s.value + ";EndpointSuffix=core.windows.net"
	case "database-url-password":
		return "postgres://app:" + s.value + "@db:5432/app"
	case "slack-webhook":
		return "https://" + s.value
	}
	return s.value
}

// plantedFile is one file of the planted project, with the line of each
// secret (1-based).
type plantedFile struct {
	path    string
	text    string
	lines   map[string]int // kind -> line
	secrets []plantedSecret
}

// writer builds a file line by line, recording where each secret starts.
type writer struct {
	b     strings.Builder
	line  int
	lines map[string]int
}

func newWriter() *writer { return &writer{line: 1, lines: map[string]int{}} }

func (w *writer) add(s string) {
	w.b.WriteString(s)
	w.b.WriteByte('\n')
	w.line += strings.Count(s, "\n") + 1
}

func (w *writer) secret(kind, s string) {
	w.lines[kind] = w.line
	w.add(s)
}

// plantProject writes a project whose every file type holds every kind of
// secret, and returns its files.
func plantProject(t *testing.T, dir string) []plantedFile {
	t.Helper()
	var files []plantedFile
	write := func(path string, off int, build func(w *writer, ss []plantedSecret)) {
		ss := plantedSecrets(off)
		w := newWriter()
		build(w, ss)
		files = append(files, plantedFile{path: path, text: w.b.String(), lines: w.lines, secrets: ss})
		abs := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, []byte(w.b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	keyValue := func(sep, quote string, pemStyle func(w *writer, key string, s plantedSecret)) func(w *writer, ss []plantedSecret) {
		return func(w *writer, ss []plantedSecret) {
			for i, s := range ss {
				if s.multiline {
					pemStyle(w, keyFor(s, i), s)
					continue
				}
				w.secret(s.kind, keyFor(s, i)+sep+quote+inlineValue(s)+quote)
			}
		}
	}
	// .env: compose's own file, read for interpolation.
	write(".env", 1, keyValue("=", "", func(w *writer, key string, s plantedSecret) {
		w.lines[s.kind] = w.line
		w.add(strings.ToUpper(key) + `="` + strings.ReplaceAll(s.value, "\n", `\n`) + `"`)
	}))
	// compose.yaml: environment entries, keys as block scalars.
	write("compose.yaml", 2, func(w *writer, ss []plantedSecret) {
		w.add("services:\n  app:\n    build: .\n    environment:")
		for i, s := range ss {
			if s.multiline {
				w.add("      " + strings.ToUpper(keyFor(s, i)) + ": |")
				w.secret(s.kind, "        "+strings.ReplaceAll(s.value, "\n", "\n        "))
				continue
			}
			w.secret(s.kind, "      "+strings.ToUpper(keyFor(s, i))+": \""+inlineValue(s)+"\"")
		}
	})
	// Dockerfile: ENV lines, keys written by a heredoc.
	write("Dockerfile", 3, func(w *writer, ss []plantedSecret) {
		w.add("FROM python:3.12-slim\nWORKDIR /app")
		for i, s := range ss {
			if s.multiline {
				w.add(fmt.Sprintf("COPY <<EOF /keys/%d.pem", i))
				w.secret(s.kind, s.value)
				w.add("EOF")
				continue
			}
			w.secret(s.kind, "ENV "+strings.ToUpper(keyFor(s, i))+"=\""+inlineValue(s)+"\"")
		}
		w.add("COPY . /app\nCMD [\"python\", \"src/app.py\"]")
	})
	pemAsINI := func(w *writer, key string, s plantedSecret) {
		w.lines[s.kind] = w.line
		w.add(key + " = " + strings.ReplaceAll(s.value, "\n", "\n  "))
	}
	write(".npmrc", 4, keyValue("=", "", pemAsINI))
	write(".pypirc", 5, func(w *writer, ss []plantedSecret) {
		w.add("[pypi]\nusername = __token__")
		keyValue(" = ", "", pemAsINI)(w, ss)
	})
	write("config/settings.ini", 6, func(w *writer, ss []plantedSecret) {
		w.add("[app]")
		keyValue(" = ", "", pemAsINI)(w, ss)
	})
	write("config/app.properties", 7, keyValue("=", "", func(w *writer, key string, s plantedSecret) {
		w.lines[s.kind] = w.line
		w.add(key + "=" + strings.ReplaceAll(s.value, "\n", "\\n\\\n"))
	}))
	write("config/config.yaml", 8, func(w *writer, ss []plantedSecret) {
		for i, s := range ss {
			if s.multiline {
				w.add(keyFor(s, i) + ": |")
				w.secret(s.kind, "  "+strings.ReplaceAll(s.value, "\n", "\n  "))
				continue
			}
			w.secret(s.kind, keyFor(s, i)+": \""+inlineValue(s)+"\"")
		}
	})
	write("config/config.json", 9, func(w *writer, ss []plantedSecret) {
		w.add("{")
		for i, s := range ss {
			w.secret(s.kind, fmt.Sprintf("  %q: %q,", keyFor(s, i), inlineValue(s)))
		}
		// A Google Cloud service-account key, the JSON way.
		w.secret("gcp-service-account", fmt.Sprintf(`  "sa": {"type": "service_account", "project_id": "demo", "private_key": %q, "client_email": "x@demo.iam"},`, fakePEM("PRIVATE KEY", 11)+"\n"))
		w.add(`  "end": true` + "\n}")
	})
	write("src/app.py", 10, keyValue(" = ", `"`, func(w *writer, key string, s plantedSecret) {
		w.add(key + ` = """`)
		w.secret(s.kind, s.value)
		w.add(`"""`)
	}))
	write("src/app.js", 12, func(w *writer, ss []plantedSecret) {
		for i, s := range ss {
			if s.multiline {
				w.add("const " + keyFor(s, i) + " = `")
				w.secret(s.kind, s.value)
				w.add("`;")
				continue
			}
			w.secret(s.kind, "const "+keyFor(s, i)+" = \""+inlineValue(s)+"\";")
		}
	})
	if err := os.WriteFile(filepath.Join(dir, "src", "requirements.txt"), []byte("flask\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return files
}

// secretValues is every planted value, and its tail without the public
// 4-character prefix (a leak of all but the prefix is a leak too).
func secretValues(files []plantedFile) []string {
	var out []string
	for _, f := range files {
		for _, s := range f.secrets {
			for _, line := range strings.Split(s.value, "\n") {
				if strings.HasPrefix(line, "-----") {
					continue // the BEGIN/END lines are not secret
				}
				out = append(out, line, line[4:])
			}
		}
	}
	return out
}

// TestRedaction plants every kind of secret the detectors know in every
// file type, runs every output format (and -v, the doctor, the context
// command) in-process, and checks that no output holds a secret value, and
// that SE001 finds each planted secret where it was planted.
func TestRedaction(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "planted")
	files := plantProject(t, dir)
	values := secretValues(files)

	runs := [][]string{
		{"lint", "--format", "text"},
		{"lint", "--format", "text", "-v"},
		{"lint", "--format", "json", "-v"},
		{"lint", "--format", "sarif", "-v"},
		{"lint", "--format", "github", "-v"},
		{"lint", "--format", "text", "-q"},
		{"doctor", "-v"},
		{"doctor", "--format", "json"},
		{"context", "--explain", ".env", "--explain", "config/config.json"},
		{"explain", "SE001"},
		{"fix", "--diff"},
		{"fix", "--unsafe", "--diff"},
	}
	var jsonOut string
	for _, args := range runs {
		stdout, stderr, code := run(t, dir, tutorialShell, args...)
		if code == ExitError {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
		for _, v := range values {
			for name, out := range map[string]string{"stdout": stdout, "stderr": stderr} {
				if strings.Contains(out, v) {
					i := strings.Index(out, v)
					t.Errorf("%v: %s holds a secret value %.8s…: …%s…", args, name, v, out[max(0, i-80):min(len(out), i+len(v)+20)])
				}
			}
		}
		if args[0] == "lint" && args[2] == "json" {
			jsonOut = stdout
		}
	}

	// Every planted secret is found by SE001, at its line.
	var rep struct {
		Findings []struct {
			Rule, File string
			Line       int
		}
	}
	if err := json.Unmarshal([]byte(jsonOut), &rep); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, f := range rep.Findings {
		if f.Rule == "SE001" {
			found[fmt.Sprintf("%s:%d", f.File, f.Line)] = true
		}
	}
	for _, f := range files {
		for kind, line := range f.lines {
			if !found[fmt.Sprintf("%s:%d", f.path, line)] {
				t.Errorf("SE001 missed the %s secret in %s (line %d)", kind, f.path, line)
			}
		}
	}
}

// TestFixNeverShowsSecrets: `fix --diff` of an EN004 line-ending fix
// rewrites every line of a .env, and `fix` prints the findings that
// remain with excerpts; neither shows a value.
func TestFixNeverShowsSecrets(t *testing.T) {
	dir := t.TempDir()
	var env strings.Builder
	var values []string
	for i, s := range plantedSecrets(3) {
		line := fmt.Sprintf("%s=%s", keyFor(s, i), s.value)
		// The kinds the detectors know on such a line (some need the
		// context of their own file format: TestRedaction has those).
		if s.multiline || len(secrets.Scan([]byte(line))) == 0 {
			continue
		}
		env.WriteString(line + "\r\n")
		values = append(values, s.value)
	}
	if len(values) < 10 {
		t.Fatalf("only %d planted secrets are known on a .env line", len(values))
	}
	password := "s3cr3t-" + seq(alnum, 18, 5)
	fmt.Fprintf(&env, "DB_PASS=%s\r\n", password)
	values = append(values, password)
	files := map[string]string{
		".env":         env.String(),
		"compose.yaml": "services:\n  db:\n    image: postgres:16.4\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASS}\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"fix", "--unsafe", "--diff"}, {"fix", "--unsafe"}, {"fix"}} {
		stdout, stderr, code := run(t, dir, tutorialShell, args...)
		if code == ExitError {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
		if args[len(args)-1] == "--diff" && !strings.Contains(stdout, "+++ b/.env") {
			t.Errorf("%v: the diff does not show the .env line-ending fix:\n%s", args, stdout)
		}
		for _, v := range values {
			for name, out := range map[string]string{"stdout": stdout, "stderr": stderr} {
				if i := strings.Index(out, v); i >= 0 {
					t.Errorf("%v: %s holds a secret value %.8s…: …%s…", args, name, v, out[max(0, i-80):min(len(out), i+len(v)+20)])
				}
			}
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, ".env"))
	if err != nil || strings.Contains(string(data), "\r") || !strings.Contains(string(data), password) {
		t.Errorf("fix --unsafe did not convert .env to LF, keeping its values: %q, %v", data, err)
	}
}

// gitRepo makes dir a git repository and adds paths.
func gitRepo(t *testing.T, dir string, add ...string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	for _, args := range [][]string{{"init", "-q"}, append([]string{"add", "--"}, add...)} {
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.email=t@example.com", "-c", "user.name=t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

// TestTutorialContextAndSecrets is the acceptance on the
// tutorial's project, made a git repository that tracks .env: BC001 with
// the context's size, BC002 for .env sent into the image by COPY . /app,
// BC004 for ./postgres-data, and SE002 for the tracked .env.
func TestTutorialContextAndSecrets(t *testing.T) {
	dir := copyProject(t, "../../testdata/projects/flask-postgres")
	gitRepo(t, dir, ".")
	out, stderr, code := runWithGit(t, dir, tutorialShell, "lint", "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Findings []struct {
			Rule, File, Message, Severity string
			Line                          int
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	want := map[string]func(file, msg, sev string, line int) bool{
		"BC001": func(file, msg, sev string, line int) bool {
			return file == "docker-compose.yml" && line == 16 && strings.Contains(msg, "has no .dockerignore: every build sends all of it to the builder (") &&
				strings.Contains(msg, " files, ") && strings.Contains(msg, ".git (") && strings.Contains(msg, ".env")
		},
		"BC003": func(file, msg, sev string, line int) bool {
			return file == "docker-compose.yml" && line == 16 && strings.Contains(msg, "sends .git (")
		},
		"BC002": func(file, msg, sev string, line int) bool {
			return file == "Dockerfile" && line == 6 && sev == "error" && strings.Contains(msg, "`COPY . /app` puts .env")
		},
		"BC004": func(file, msg, sev string, line int) bool {
			return file == "docker-compose.yml" && line == 11 && strings.Contains(msg, `"./postgres-data/postgres" of service "postgres"`) && strings.Contains(msg, `service "app"`)
		},
		"SE002": func(file, msg, sev string, line int) bool {
			return file == ".env" && line == 2 && sev == "error" && strings.Contains(msg, ".env is tracked by git") && strings.Contains(msg, "PASSWORD")
		},
	}
	for _, f := range rep.Findings {
		if check, ok := want[f.Rule]; ok && check(f.File, f.Message, f.Severity, f.Line) {
			delete(want, f.Rule)
		}
	}
	for id := range want {
		t.Errorf("no %s finding as expected:\n%s", id, out)
	}
	if strings.Contains(out, "PASSWORD=password") {
		t.Error("the .env password is printed")
	}
}

func runWithGit(t *testing.T, dir string, environ []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb strings.Builder
	code = Run(t.Context(), args, Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Environ:    environ,
		Getwd:      func() (string, error) { return dir, nil },
		IsTerminal: func(io.Writer) bool { return false },
		Git:        project.ExecGit,
	})
	return out.String(), errb.String(), code
}
