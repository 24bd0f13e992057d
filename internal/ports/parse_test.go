package ports

import (
	"fmt"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

func TestParseShort(t *testing.T) {
	tests := []struct {
		in   string
		want string // HostIP|HostPort|ContainerPort|Protocol, or "error: <substring>"
	}{
		{"5432", "||5432|tcp"},
		{"5432:5432", "|5432|5432|tcp"},
		{"5000:5000", "|5000|5000|tcp"},
		{"127.0.0.1:8080:80", "127.0.0.1|8080|80|tcp"},
		{"0.0.0.0:5432:5432", "0.0.0.0|5432|5432|tcp"},
		{"8000-8010:8000-8010", "|8000-8010|8000-8010|tcp"},
		{"8000-8010:80", "|8000-8010|80|tcp"},
		{"[::1]:80:80", "::1|80|80|tcp"},
		{"[::]:80:80", "::|80|80|tcp"},
		{"53:53/udp", "|53|53|udp"},
		{"53:53/UDP", "|53|53|udp"},
		{"9999/sctp", "||9999|sctp"},
		{"3000-3005", "||3000-3005|tcp"},
		{"127.0.0.1::5432", "127.0.0.1||5432|tcp"},
		{":5432", "||5432|tcp"},
		{"5432/", "||5432|tcp"},
		{"0:80", "||80|tcp"}, // host port 0: the engine picks one
		{"65535:65535", "|65535|65535|tcp"},
		{"::1:80:80", "error: in brackets"},
		{"99999999999:5432", "error: host port 99999999999 is out of range"},
		{"5432:99999999999", "error: container port 99999999999 is out of range"},
		{"65536:80", "error: out of range"},
		{"-1:80", "error: negative"},
		{"-1", "error: negative"},
		{"abc", "error: not a number"},
		{"80:abc", "error: not a number"},
		{"", "error: empty port"},
		{"80:", "error: no container port"},
		{"8000-8010:8000-8005", "error: different sizes"},
		{"8010-8000:80", "error: ends before it starts"},
		{"80/http", "error: unknown protocol"},
		{"1.2.3:80:80", "error: not an IP address"},
		{"localhost:80:80", "error: not an IP address"},
		{" 80", "error: not a number"},
		{strings.Repeat("9", 5000), "error: out of range"},
		{strings.Repeat(":", 1000), "error"},
		{strings.Repeat("-", 1000), "error"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.30q", tt.in), func(t *testing.T) {
			spec, err := ParseShort(tt.in)
			got := ""
			if err != nil {
				got = "error: " + err.Error()
			} else {
				got = fmt.Sprintf("%s|%s|%s|%s", spec.HostIP, spec.HostPort, spec.ContainerPort, spec.Protocol)
			}
			if strings.HasPrefix(tt.want, "error") {
				if !strings.HasPrefix(got, "error") || !strings.Contains(got, strings.TrimPrefix(strings.TrimPrefix(tt.want, "error"), ": ")) {
					t.Errorf("ParseShort(%q) = %s, want %s", tt.in, got, tt.want)
				}
				return
			}
			if got != tt.want {
				t.Errorf("ParseShort(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

// TestParseShortAgreesWithCompose: for every input, ParseShort accepts what
// compose-go accepts and expands it into exactly compose-go's entries.
func TestParseShortAgreesWithCompose(t *testing.T) {
	inputs := []string{
		"5432", "5432:5432", "127.0.0.1:8080:80", "8000-8010:8000-8010", "8000-8010:80",
		"[::1]:80:80", "53:53/udp", "3000-3005", "127.0.0.1::5432", "0:80", ":5432",
		"::1:80:80", "99999999999:5432", "-1:80", "abc", "80:", "8000-8010:8000-8005",
		"80/http", "1.2.3:80:80", "5432/", "5432/udp/x", "80-90-100:80-90", "0.0.0.0:1-3:4-6/sctp",
	}
	for _, in := range inputs {
		spec, err := ParseShort(in)
		want, werr := types.ParsePortConfig(in)
		if (err != nil) != (werr != nil) {
			t.Errorf("%q: ParseShort error %v, compose-go error %v", in, err, werr)
			continue
		}
		if err != nil {
			continue
		}
		var got []string
		for _, p := range spec.Expand() {
			got = append(got, fmt.Sprintf("%s|%s|%d|%s", p.HostIP, p.HostPort, p.ContainerPort, p.Protocol))
		}
		var exp []string
		for _, p := range want {
			exp = append(exp, fmt.Sprintf("%s|%s|%d|%s", p.HostIP, p.Published, p.Target, p.Protocol))
		}
		if strings.Join(got, " ") != strings.Join(exp, " ") {
			t.Errorf("%q: expands to %v, compose-go to %v", in, got, exp)
		}
	}
}

func TestRange(t *testing.T) {
	a, b := Range{8000, 8010}, Range{8010, 8020}
	if !a.Overlaps(b) || !b.Overlaps(a) {
		t.Error("8000-8010 and 8010-8020 overlap")
	}
	if a.Overlaps(Range{8011, 8011}) || a.Overlaps(Range{}) {
		t.Error("no overlap expected")
	}
	if a.Len() != 11 || (Range{}).Len() != 0 || a.String() != "8000-8010" || (Range{5, 5}).String() != "5" {
		t.Error("Len/String")
	}
	for ip, want := range map[string]bool{"": true, "0.0.0.0": true, "::": true, "[::]": true, "127.0.0.1": false, "::1": false, "garbage": false} {
		if IsUnspecified(ip) != want {
			t.Errorf("IsUnspecified(%q) != %v", ip, want)
		}
	}
}

func FuzzParseShort(f *testing.F) {
	for _, s := range []string{"5432", "127.0.0.1:8080:80/udp", "[::1]:1-2:3-4", "::", "-", "9999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := ParseShort(s)
		want, werr := types.ParsePortConfig(s)
		if (err == nil) != (werr == nil) {
			t.Fatalf("%q: ParseShort error %v, compose-go error %v", s, err, werr)
		}
		if err != nil {
			return
		}
		got := spec.Expand()
		if len(got) != len(want) {
			t.Fatalf("%q: %d entries, compose-go %d", s, len(got), len(want))
		}
		for i, p := range got {
			w := want[i]
			if p.HostIP != w.HostIP || p.HostPort != w.Published || p.ContainerPort != int(w.Target) || p.Protocol != w.Protocol {
				t.Fatalf("%q: entry %d = %+v, compose-go %+v", s, i, p, w)
			}
		}
	})
}

func TestSplitText(t *testing.T) {
	tests := map[string]string{
		"5432":                       "1|||5432",
		"5432:5432":                  "2||5432|5432",
		"127.0.0.1:5432:5432/tcp":    "3|127.0.0.1|5432|5432/tcp",
		"[::]:80:80":                 "3|[::]|80|80",
		"${PORTS}":                   "1|||${PORTS}",
		"${HOST:-0.0.0.0}:${P:-1}:2": "3|${HOST:-0.0.0.0}|${P:-1}|2",
		"$${X}:1":                    "2||$${X}|1",
		"127.0.0.1::5432":            "3|127.0.0.1||5432",
		"::1:80:80":                  "bad",
		"${X:80":                     "bad",
		"1:[::1]:80":                 "bad",
		"[::1:80:80":                 "bad",
	}
	for in, want := range tests {
		l, ok := SplitText(in)
		got := "bad"
		if ok {
			got = fmt.Sprintf("%d|%s|%s|%s", l.Parts, in[l.HostIP.Start:l.HostIP.End], in[l.HostPort.Start:l.HostPort.End], in[l.Container.Start:l.Container.End])
		}
		if got != want {
			t.Errorf("SplitText(%q) = %s, want %s", in, got, want)
		}
	}
}
