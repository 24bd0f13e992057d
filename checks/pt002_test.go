package checks

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The netsh outputs under testdata/netsh are modelled on public outputs of
// `netsh interface ipv4 show excludedportrange protocol=tcp`, with their
// headers in English, German, French, Japanese and Chinese, in the console
// code page (CP850, CP932, GBK) and CRLF line endings as netsh writes them.
func TestParseExcludedRanges(t *testing.T) {
	want := []excludedRange{{1080, 1179, false}, {5357, 5357, false}, {49879, 49978, false}, {50000, 50059, true}, {54303, 54402, false}}
	for _, lang := range []string{"en", "de", "fr", "ja", "zh"} {
		data, err := os.ReadFile(filepath.Join("testdata", "netsh", "excludedportrange-"+lang+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		if got := parseExcludedRanges(data); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v", lang, got)
		}
	}
	for _, garbage := range []string{"", "Start Port End Port\n", "70000 70001\n", "10 5\n", "1 2 3\n", "0 10\n", "12 13 +\n"} {
		if got := parseExcludedRanges([]byte(garbage)); len(got) != 0 {
			t.Errorf("%q: got %v", garbage, got)
		}
	}
}

func TestPT002(t *testing.T) {
	netsh, err := os.ReadFile(filepath.Join("testdata", "netsh", "excludedportrange-de.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p := loadProject(t, "services:\n  db:\n    image: postgres:16\n    ports:\n      - \"127.0.0.1:54321:5432\"\n      - \"5357:5357/udp\"\n  web:\n    image: nginx:1.27\n    ports:\n      - \"8080:80\"\n      - \"50010:50010\"\n      - \"1100-1101:80-81\"\n")
	var calls []string
	env := fakeEnv(nil, nil)
	env.GOOS = "windows"
	env.Exec = func(_ context.Context, name string, args ...string) ([]byte, []byte, error) {
		calls = append(calls, name+" "+strings.Join(args, " "))
		return netsh, nil, nil
	}
	r := runCheck2(t, portExcluded(), env, p)
	got := locatedResult(r)
	for _, want := range []string{
		"compose.yaml:5:9-5:31 PT002: host port 54321 (service \"db\") is inside the range 54303-54402 that Windows reserves for Hyper-V/WinNAT (WSL 2 and Docker): `docker compose up` fails with \"Ports are not available ... An attempt was made to access a socket in a way forbidden by its access permissions\"\n" +
			"  fix: publish another host port, outside the excluded ranges (\"44321:5432\"); or, in an administrator shell, restart WinNAT so that Windows reserves other ranges: `net stop winnat` then `net start winnat`; to keep port 54321 free for good, reserve it while WinNAT is stopped: `net stop winnat`, `netsh int ipv4 add excludedportrange protocol=tcp startport=54321 numberofports=1`, `net start winnat`\n",
		"compose.yaml:12:9-12:26 PT002: host port 1100 (service \"web\") is inside the range 1080-1179",
		"(\"11100:80\")",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if len(r.Findings) != 2 {
		t.Errorf("want 2 findings (not the UDP port, 8080, or 50010 in an administered exclusion):\n%s", got)
	}
	if strings.Join(calls, "|") != "netsh interface ipv4 show excludedportrange protocol=tcp" {
		t.Errorf("calls %q", calls)
	}

	quiet := loadProject(t, "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"8080:80\"\n      - \"80\"\n")
	if r := runCheck2(t, portExcluded(), env, quiet); !r.OK() || r.Details[0] != "5 excluded TCP port ranges, none published" {
		t.Errorf("quiet: %+v", r)
	}
	calls = nil
	none := loadProject(t, "services:\n  web:\n    image: nginx:1.27\n")
	if r := runCheck2(t, portExcluded(), env, none); !r.OK() || len(calls) != 0 {
		t.Errorf("no published port: %+v, netsh run %v", r, calls)
	}

	failing := fakeEnv(nil, nil)
	failing.GOOS = "windows"
	failing.Exec = func(context.Context, string, ...string) ([]byte, []byte, error) {
		return nil, nil, errors.New("exit status 1")
	}
	for _, c := range []struct {
		env  *Env
		want string
	}{
		{fakeEnv(nil, nil), "only Windows excludes port ranges"},
		{failing, "netsh failed: exit status 1"},
		{func() *Env { e := fakeEnv(nil, nil); e.GOOS = "windows"; return e }(), "cannot run netsh here"},
	} {
		if r := runCheck2(t, portExcluded(), c.env, p); r.Skipped != c.want {
			t.Errorf("want skip %q, got %+v", c.want, r)
		}
	}
	if r := runCheck2(t, portExcluded(), env, nil); r.Skipped != "no compose file" {
		t.Errorf("no project: %+v", r)
	}
}

func TestFreeOfRanges(t *testing.T) {
	ranges := []excludedRange{{Start: 15432, End: 15432}, {Start: 6432, End: 6432}, {Start: 5433, End: 5433}}
	if got := freeOfRanges(ranges, 5432); got != 4432 {
		t.Errorf("got %d", got)
	}
	all := []excludedRange{{Start: 1, End: 65535}}
	if got := freeOfRanges(all, 5432); got != 0 {
		t.Errorf("got %d", got)
	}
}
