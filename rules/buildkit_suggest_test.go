package rules

import (
	"math/rand/v2"
	"testing"
)

// The indexed suggest gives bkSuggest's answer (BuildKit's
// suggest.Search) on environments large enough to use the index, with
// names from a small alphabet so that near misses abound.
func TestSuggestIndexMatchesSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	name := func() string {
		n := 1 + rng.IntN(6)
		b := make([]rune, n)
		for i := range b {
			b[i] = []rune("ABé_1")[rng.IntN(5)]
		}
		return string(b)
	}
	for round := 0; round < 20; round++ {
		e := newBKEnv()
		for size := bkNearIndexMin + rng.IntN(200); len(e.keys) < size; {
			e.set(name(), "v")
		}
		for q := 0; q < 300; q++ {
			v := name()
			if got, want := e.suggest(v), bkSuggest(v, e.Keys()); got != want {
				t.Fatalf("suggest(%q) = %q, search over %d keys = %q", v, got, len(e.keys), want)
			}
			if q%50 == 0 {
				e.set(name(), "v") // the index follows new keys
			}
		}
	}
}
