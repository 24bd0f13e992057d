package composeschema

import (
	"math"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/schema"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

func TestGroupDigitsIsTheEnglishPrinter(t *testing.T) {
	p := message.NewPrinter(language.English)
	for _, n := range []int{0, 7, 999, 1000, 12345, 999999, 1000000, 1234567890} {
		if got, want := groupDigits(n), p.Sprintf("%d", n); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestMessages(t *testing.T) {
	for _, c := range []struct {
		doc  map[string]any
		want string
	}{
		{map[string]any{"services": map[string]any{"web": map[string]any{"image": 1.0}}}, "services.web.image must be a string"},
		{map[string]any{"services": map[string]any{"web": map[string]any{"image": "a", "unknown_key": 1.0}}}, "services.web.unknown_key false schema"},
		{map[string]any{"bogus": 1.0}, " additional properties 'bogus' not allowed"},
		// oneOf [string, integer ≤ 1000]: both branches fail as deep; the first wins.
		{map[string]any{"services": map[string]any{"web": map[string]any{"oom_score_adj": 5000.0}}}, "services.web.oom_score_adj must be a string"},
		{map[string]any{"services": map[string]any{"web": map[string]any{"volumes": []any{map[string]any{"type": "tmpfs", "target": "/t", "tmpfs": map[string]any{"size": -1.0}}}}}}, "services.web.volumes.0.tmpfs.size must be greater than or equal to 0"},
		{map[string]any{"services": map[string]any{"web": map[string]any{"pull_policy": "it's"}}}, `services.web.pull_policy 'it\'s' does not match pattern '^(always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+)$'`},
		{map[string]any{"services": map[string]any{"web": map[string]any{"ports": []any{true}}}}, "services.web.ports.0 must be a number"},
		{map[string]any{"services": map[string]any{"web": map[string]any{"ports": []any{map[string]any{"target": 1.0, "x": 1.0}}}}}, "services.web.ports.0 additional properties 'x' not allowed"},
		{map[string]any{"services": map[string]any{"web": map[string]any{"ulimits": map[string]any{"nofile": map[string]any{"soft": 1.0}}}}}, "services.web.ulimits.nofile must be a integer or string"},
		{map[string]any{"services": map[string]any{"web": map[string]any{"depends_on": map[string]any{"db": map[string]any{"condition": "x"}}}}}, "services.web.depends_on.db.condition value must be one of 'service_started', 'service_healthy', 'service_completed_successfully'"},
		{map[string]any{"services": map[string]any{"web": map[string]any{"cap_add": []any{"A", "A"}}}}, "services.web.cap_add items at 0 and 1 are equal"},
	} {
		errs := Validate(c.doc)
		if len(errs) == 0 {
			t.Errorf("%v: valid, want %q", c.doc, c.want)
			continue
		}
		if got := errs[0].Error(); got != c.want {
			t.Errorf("%v: got %q, want %q", c.doc, got, c.want)
		}
		if cg := schema.Validate(c.doc); cg == nil || cg.Error() != c.want {
			t.Errorf("%v: compose-go says %v, want %q", c.doc, cg, c.want)
		}
	}
}

func TestModelJSONCannotEncode(t *testing.T) {
	_, err := ValidateModel(map[string]any{"services": map[string]any{"web": map[string]any{"cpus": math.Inf(1)}}})
	if err == nil || !strings.Contains(err.Error(), "unsupported value") {
		t.Fatalf("got %v, want json's unsupported value error", err)
	}
}

func BenchmarkValidateValid(b *testing.B) {
	doc := map[string]any{"services": map[string]any{
		"web": map[string]any{"image": "nginx", "ports": []any{"80:80"}, "environment": map[string]any{"A": "1"}},
		"db":  map[string]any{"image": "postgres", "volumes": []any{"db:/var/lib/postgresql/data"}, "restart": "always"},
	}, "volumes": map[string]any{"db": nil}}
	b.ReportAllocs()
	for b.Loop() {
		if Validate(doc) != nil {
			b.Fatal("invalid")
		}
	}
}
