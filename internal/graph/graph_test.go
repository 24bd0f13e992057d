package graph

import (
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

// The messages are CP003's (rules/cp003.go, missingFinding).
func TestMissingEdge(t *testing.T) {
	cases := map[string]Edge{
		`service "app" reaches "db" (in DATABASE_URL) without depends_on on it: compose starts both at once`:         {Kind: Missing, From: "app", To: "db", Label: "no depends_on (DATABASE_URL)"},
		`service "app" reaches "db" through its network alias "pg" (in DB_HOST of app.env) without depends_on on it`: {Kind: Missing, From: "app", To: "db", Label: "no depends_on (DB_HOST of app.env)"},
		`service "worker" links to "api" without depends_on on it: compose starts "api" first`:                       {Kind: Missing, From: "worker", To: "api", Label: "no depends_on (links)"},
		`service "b" takes volumes from "a" without depends_on on it`:                                                {Kind: Missing, From: "b", To: "a", Label: "no depends_on (volumes_from)"},
		`service "vpn-client" uses the network of "vpn" (network_mode: service:vpn) without depends_on on it`:        {Kind: Missing, From: "vpn-client", To: "vpn", Label: "no depends_on (network_mode)"},
		`service "we\"ird" reaches "d\\b" (in X) without depends_on on it`:                                           {Kind: Missing, From: `we"ird`, To: `d\b`, Label: "no depends_on (X)"},
	}
	for msg, want := range cases {
		if got, ok := missingEdge(msg); !ok || got != want {
			t.Errorf("missingEdge(%q) = %+v, %v; want %+v", msg, got, ok, want)
		}
	}
	if _, ok := missingEdge(`only "one" name`); ok {
		t.Error("a message with one name made an edge")
	}
}

func TestEscaping(t *testing.T) {
	if got := mermaidText([]string{`a "b" <c> #d |e|`, "x\ny"}); got != `a #quot;b#quot; #lt;c#gt; #35;d #124;e#124;<br/>x y` {
		t.Errorf("mermaidText = %q", got)
	}
	if got := dotString("a \"b\" \\c\nd"); got != `"a \"b\" \\c\nd"` {
		t.Errorf("dotString = %q", got)
	}
	g := &Graph{Name: `we"ird`, Services: []Service{{Name: "a.b"}, {Name: "a-b"}, {Name: "a_b"}}, Volumes: []Volume{{Name: ".", Bind: true}}}
	n := newIDs(g)
	got := []string{n.of("svc", "a.b"), n.of("svc", "a-b"), n.of("svc", "a_b"), n.of("bind", ".")}
	if strings.Join(got, " ") != "svc_a_b svc_a_b_2 svc_a_b_3 bind_root" {
		t.Errorf("ids %q", got)
	}
	if !strings.HasPrefix(DOT(g), `digraph "we\"ird" {`) {
		t.Errorf("DOT name: %s", DOT(g))
	}
}

func TestPortText(t *testing.T) {
	cases := map[string]types.ServicePortConfig{
		"5000":              {Target: 5000},
		"8080:80":           {Target: 80, Published: "8080"},
		"127.0.0.1:8080:80": {Target: 80, Published: "8080", HostIP: "127.0.0.1"},
		"[::1]:53:53/udp":   {Target: 53, Published: "53", HostIP: "::1", Protocol: "udp"},
		"9000-9001:9000":    {Target: 9000, Published: "9000-9001", Protocol: "tcp"},
	}
	for want, p := range cases {
		if got := portText(p); got != want {
			t.Errorf("portText(%+v) = %q, want %q", p, got, want)
		}
	}
}

func TestErrorSummary(t *testing.T) {
	if got := errorSummary([]string{"CP001", "DF000", "CP001"}); got != "3 errors: CP001, DF000" {
		t.Errorf("errorSummary = %q", got)
	}
	if got := errorSummary([]string{"CP001"}); got != "1 error: CP001" {
		t.Errorf("errorSummary = %q", got)
	}
	if errorSummary(nil) != "" {
		t.Error("no errors, some summary")
	}
}
