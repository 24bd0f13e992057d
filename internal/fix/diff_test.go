package fix

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// applyUnified applies a one-file unified diff to old, checking every
// context and removed line: the test's own reader of what Unified writes.
func applyUnified(t *testing.T, old, diff string) string {
	t.Helper()
	a := splitLines(old)
	lines := strings.SplitAfter(diff, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "--- ") || !strings.HasPrefix(lines[1], "+++ ") {
		t.Fatalf("bad header:\n%s", diff)
	}
	var out []string
	ai := 0
	for i := 2; i < len(lines) && lines[i] != ""; {
		h := lines[i]
		var as, al, bs, bl int
		if _, err := fmt.Sscanf(h, "@@ -%s +%s @@", new(string), new(string)); err != nil {
			t.Fatalf("bad hunk header %q", h)
		}
		f := strings.Fields(h)
		as, al = parseSpan(t, f[1][1:])
		bs, bl = parseSpan(t, f[2][1:])
		_ = bs
		start := as - 1
		if al == 0 {
			start = as
		}
		for ai < start {
			out = append(out, a[ai])
			ai++
		}
		i++
		gotA, gotB := 0, 0
		for i < len(lines) && lines[i] != "" && !strings.HasPrefix(lines[i], "@@") {
			l := lines[i]
			text := l[1:]
			if i+1 < len(lines) && strings.HasPrefix(lines[i+1], "\\ No newline") {
				text = strings.TrimSuffix(text, "\n")
				i++
			}
			switch l[0] {
			case ' ':
				if a[ai] != text {
					t.Fatalf("context %q, old has %q", text, a[ai])
				}
				out = append(out, text)
				ai++
				gotA++
				gotB++
			case '-':
				if a[ai] != text {
					t.Fatalf("removed %q, old has %q", text, a[ai])
				}
				ai++
				gotA++
			case '+':
				out = append(out, text)
				gotB++
			default:
				t.Fatalf("bad line %q", l)
			}
			i++
		}
		if gotA != al || gotB != bl {
			t.Fatalf("hunk %q has %d/%d lines", h, gotA, gotB)
		}
	}
	out = append(out, a[ai:]...)
	return strings.Join(out, "")
}

func parseSpan(t *testing.T, s string) (start, n int) {
	t.Helper()
	n = 1
	if a, b, ok := strings.Cut(s, ","); ok {
		s = a
		var err error
		if n, err = strconv.Atoi(b); err != nil {
			t.Fatal(err)
		}
	}
	start, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return start, n
}

// lcs is the length of the longest common subsequence of lines: a minimal
// diff removes len(a)-lcs and adds len(b)-lcs lines.
func lcs(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			switch {
			case a[i-1] == b[j-1]:
				cur[j] = prev[j-1] + 1
			case prev[j] > cur[j-1]:
				cur[j] = prev[j]
			default:
				cur[j] = cur[j-1]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func randomText(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "line %d\n", r.Intn(6))
	}
	s := b.String()
	if r.Intn(4) == 0 && s != "" {
		s = strings.TrimSuffix(s, "\n")
	}
	return s
}

func TestUnifiedRandom(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 2000; i++ {
		old := randomText(r, r.Intn(30))
		cur := randomText(r, r.Intn(30))
		d := Unified("f", Content{Data: []byte(old), Exists: true}, []byte(cur))
		if old == cur {
			if d != "" {
				t.Fatalf("no change, diff %q", d)
			}
			continue
		}
		if got := applyUnified(t, old, d); got != cur {
			t.Fatalf("case %d: applying the diff gives %q, want %q\n%s", i, got, cur, d)
		}
		minimal := len(splitLines(old)) + len(splitLines(cur)) - 2*lcs(splitLines(old), splitLines(cur))
		changed := 0
		for _, l := range strings.Split(d, "\n") {
			if (strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "--- ")) || (strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++ ")) {
				changed++
			}
		}
		if changed != minimal {
			t.Fatalf("case %d: %d changed lines, minimal is %d\n%s", i, changed, minimal, d)
		}
	}
}

// TestUnifiedLikeDiff compares with GNU diff -u where it is installed.
func TestUnifiedLikeDiff(t *testing.T) {
	if _, err := exec.LookPath("diff"); err != nil {
		t.Skip("no diff")
	}
	old := "version: '2.1'\nservices:\n  postgres:\n    image: postgres:10\n    ports:\n      - \"5432:5432\"\n  app:\n    build: .\n    depends_on:\n      - postgres\n    x: 1\n    y: 2\n    z: 3\n    w: 4\n    v: 5\n    u: 6\n    t: 7\n    end: true\n"
	cur := "services:\n  postgres:\n    image: postgres:10\n    healthcheck:\n      test: pg_isready\n    ports:\n      - \"127.0.0.1:5432:5432\"\n  app:\n    build: .\n    depends_on:\n      postgres:\n        condition: service_healthy\n    x: 1\n    y: 2\n    z: 3\n    w: 4\n    v: 5\n    u: 6\n    t: 7\n    end: false"
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.WriteFile(a, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte(cur), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command("diff", "-u", "--label", "a/compose.yaml", "--label", "b/compose.yaml", a, b).Output()
	got := Unified("compose.yaml", Content{Data: []byte(old), Exists: true}, []byte(cur))
	if got != string(out) {
		t.Errorf("got\n%s\nGNU diff -u says\n%s", got, out)
	}
}

func TestUnifiedNewFile(t *testing.T) {
	got := Unified(".dockerignore", Content{}, []byte(".git\n.env\n"))
	want := "--- /dev/null\n+++ b/.dockerignore\n@@ -0,0 +1,2 @@\n+.git\n+.env\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if d := Diff([]*Change{{File: "x", Old: Content{}, New: []byte("a\n")}}, "proj"); !strings.Contains(d, "+++ b/proj/x\n") {
		t.Errorf("prefix: %q", d)
	}
}

// A file rewritten top to bottom (CRLF to LF) past the Myers bound is still
// a correct diff.
func TestUnifiedLargeRewrite(t *testing.T) {
	var crlf, lf strings.Builder
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&crlf, "echo %d\r\n", i)
		fmt.Fprintf(&lf, "echo %d\n", i)
	}
	d := Unified("run.sh", Content{Data: []byte(crlf.String()), Exists: true}, []byte(lf.String()))
	if got := applyUnified(t, crlf.String(), d); got != lf.String() {
		t.Error("large rewrite does not apply")
	}
}
