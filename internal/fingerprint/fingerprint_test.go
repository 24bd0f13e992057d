package fingerprint

import (
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

func TestNormalizeMessage(t *testing.T) {
	cases := map[string]string{
		`key "DEBUG" is set twice, line 4 wins`:   `key "DEBUG" is set twice, line # wins`,
		"lines 3-5 repeat line 2":                 "lines # repeat line #",
		"lines 3 and 7, Line 12":                  "lines #, Line #",
		`port "5432:5432" is published twice`:     `port "5432:5432" is published twice`,
		"deadline 30s; pipeline 2 of 3; online 4": "deadline 30s; pipeline 2 of 3; online 4",
		"sends all of it (7 files, 9.1 KB), .env": "sends all of it (#, #), .env",
		"context above 100 MiB (12000 files)":     "context above # (#)",
	}
	for in, want := range cases {
		if got := NormalizeMessage(in); got != want {
			t.Errorf("NormalizeMessage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOf(t *testing.T) {
	ref := Of("CP013", "compose.yml", `image "redis" has no tag`, "    image: redis")
	if len(ref) != 64 {
		t.Fatalf("hash %q", ref)
	}
	if Of("CP013", "compose.yml", `image "redis" has no tag`, "\timage: redis  ") != ref {
		t.Error("indentation changed the fingerprint")
	}
	for name, other := range map[string]string{
		"rule":    Of("CP006", "compose.yml", `image "redis" has no tag`, "    image: redis"),
		"file":    Of("CP013", "compose.override.yml", `image "redis" has no tag`, "    image: redis"),
		"message": Of("CP013", "compose.yml", `image "valkey" has no tag`, "    image: redis"),
		"line":    Of("CP013", "compose.yml", `image "redis" has no tag`, "    image: redis # cache"),
		// The parts are separated: moving text from one to the next counts.
		"boundary": Of("CP01", "3compose.yml", `image "redis" has no tag`, "    image: redis"),
	} {
		if other == ref {
			t.Errorf("a different %s kept the fingerprint", name)
		}
	}
	if Of("EN001", ".env", `key "A" is set twice, line 4 wins`, "A=1") != Of("EN001", ".env", `key "A" is set twice, line 9 wins`, "A=1") {
		t.Error("a line number in the message changed the fingerprint")
	}
}

func TestFinding(t *testing.T) {
	f := finding.Finding{RuleID: "CP001", Message: "m", Range: finding.Range{File: "a.yml", Start: finding.Pos{Line: 2, Col: 3}}}
	lines := func(file string, n int) (string, bool) {
		if file == "a.yml" && n == 2 {
			return "  x: ${A}", true
		}
		return "", false
	}
	if got, want := Finding(f, "", lines), Of("CP001", "a.yml", "m", "x: ${A}"); got != want {
		t.Errorf("Finding = %s, want %s", got, want)
	}
	if got, want := Finding(f, "sub/a.yml", lines), Of("CP001", "sub/a.yml", "m", "x: ${A}"); got != want {
		t.Errorf("Finding with a file name = %s, want %s", got, want)
	}
	if got, want := Finding(f, "", nil), Of("CP001", "a.yml", "m", ""); got != want {
		t.Errorf("Finding without lines = %s, want %s", got, want)
	}
	noFile := finding.Finding{RuleID: "DK001", Message: "engine down"}
	if got, want := Finding(noFile, "", lines), Of("DK001", "", "engine down", ""); got != want {
		t.Errorf("no file: %s, want %s", got, want)
	}
	c := Counter{}
	if a, b, x := c.Next("h"), c.Next("h"), c.Next("g"); a != "h:1" || b != "h:2" || x != "g:1" {
		t.Errorf("Counter: %s %s %s", a, b, x)
	}
}
