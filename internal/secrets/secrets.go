// Package secrets finds secret values: provider tokens by their documented
// formats, private keys, passwords inside database URLs, and high-entropy
// values assigned to secret-named keys. It is shared by the rules that look
// at one assignment (DF013, CP010: CheckValue) and those that scan whole
// files of a build context (Scan).
//
// Scan is built for speed on large inputs: one Aho-Corasick pass over the
// data finds the detectors' literal keywords, and a detector's regexp runs
// only on a bounded window at a keyword hit. Every step is bounded, so the
// time is linear in the input, whatever it holds.
//
// A Match never carries the secret itself: only its place, its length and
// the public part of its format (ghp_, AKIA...), which is what Redacted
// prints.
package secrets

import (
	"bytes"
	"fmt"
	"sort"
	"sync"
	"unicode/utf8"
)

// Match is one secret found in the scanned data.
type Match struct {
	// ID names the detector (kebab-case, stable): "github-token".
	ID string
	// Description says what was found: "GitHub personal access token".
	Description string
	// Start and End are the byte span of the secret in the scanned data
	// (End exclusive). For a password inside a URL it is the password alone;
	// for a private key, the whole block.
	Start, End int
	// Key is the name the value is assigned to, when the detector found it
	// through the name (the secret-assignment detector), or "".
	Key string

	prefix string
	length int
}

// Redacted shows the match without its value: at most the 4-character
// public prefix of the token format, then its length in characters
// ("ghp_… (40 chars)", "… (12 chars)").
func (m Match) Redacted() string {
	return fmt.Sprintf("%s… (%d chars)", m.prefix, m.length)
}

// Length is the secret's length in characters.
func (m Match) Length() int { return m.length }

// engine is built once and never changed: the detector table and the
// keyword automaton over it.
type engine struct {
	detectors []*detector
	ac        *ahoCorasick
	// kwDetector maps an automaton keyword index to its detector and the
	// keyword as written (case-sensitive detectors compare it).
	kwDetector []kwRef
}

type kwRef struct {
	d       int
	keyword string
}

var theEngine = sync.OnceValue(func() *engine {
	e := &engine{detectors: detectorTable()}
	var keywords []string
	for i, d := range e.detectors {
		for _, kw := range d.keywords {
			keywords = append(keywords, kw)
			e.kwDetector = append(e.kwDetector, kwRef{d: i, keyword: kw})
		}
	}
	e.ac = newAhoCorasick(keywords)
	return e
})

// Scan finds the secrets in data (a whole file). Matches are sorted by
// position and do not overlap: where two detectors claim the same bytes, the
// more specific one (a Google service-account file over the private key
// inside it, a provider token over a generic assignment) wins.
func Scan(data []byte) []Match {
	e := theEngine()
	s := &scan{e: e, data: data, skipUntil: make([]int, len(e.detectors))}
	e.ac.scan(data, func(kw, start int) {
		ref := e.kwDetector[kw]
		d := e.detectors[ref.d]
		if start < s.skipUntil[ref.d] {
			return
		}
		if d.caseSensitive && string(data[start:start+len(ref.keyword)]) != ref.keyword {
			return
		}
		if d.custom != nil {
			s.skipUntil[ref.d] = d.custom(s, ref.d, start)
			return
		}
		s.try(ref.d, start)
	})
	return s.result()
}

// GenericID is the ID of the matches found through a secret-named key
// alone (a random-looking value of API_KEY), not through the value's format.
const GenericID = genericID

// CheckValue checks one assignment, key=value (an ENV, an ARG default, a
// compose environment entry). It reports a value that a format detector
// recognises whatever the key (a GitHub token under APP_CONFIG), and a
// random-looking value (long enough, high entropy, letters and digits)
// under a key that NameHoldsSecret. The span is relative to value. It
// reports nothing for placeholders and references (IsPlaceholder).
func CheckValue(key, value string) (Match, bool) {
	if ms := Scan([]byte(value)); len(ms) > 0 {
		best := ms[0]
		for _, m := range ms[1:] {
			if m.ID != genericID && best.ID == genericID {
				best = m
			}
		}
		return best, true
	}
	if NameHoldsSecret(key) && !IsPlaceholder(value) && looksRandom(value) {
		return newMatch(genericID, "high-entropy value of a secret-named key", 0, len(value), 0, value, key), true
	}
	return Match{}, false
}

// looksRandom is the bar a value must pass to count as a secret because of
// its key alone: at least 12 characters, letters and digits, and an entropy
// of at least 3 bits per character (a password manager's output, not a
// word).
func looksRandom(v string) bool {
	if len(v) < 12 || len(v) > 4096 {
		return false
	}
	letters, digits := false, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c <= ' ' || c == 0x7f:
			return false
		case c >= '0' && c <= '9':
			digits = true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters = true
		}
	}
	return letters && digits && entropy(v) >= 3.0
}

func newMatch(id, desc string, start, end, prefix int, secret, key string) Match {
	if prefix > 4 {
		prefix = 4
	}
	if prefix > len(secret) {
		prefix = len(secret)
	}
	return Match{ID: id, Description: desc, Start: start, End: end, Key: key,
		prefix: secret[:prefix], length: utf8.RuneCountInString(secret)}
}

type scan struct {
	e    *engine
	data []byte
	// skipUntil lets a detector ignore keyword hits inside a span it has
	// already consumed, so repeated keywords cost nothing more.
	skipUntil []int
	// saScanned is how far scanServiceAccount has looked for
	// "private_key" without finding a key.
	saScanned int
	matches   []found
}

type found struct {
	Match
	priority int
}

func (s *scan) add(d int, m Match) {
	s.matches = append(s.matches, found{Match: m, priority: d})
}

// try runs a regexp detector at a keyword hit. The regexp is anchored: it
// starts at the keyword, or up to d.back bytes before it (a URL scheme
// before "://"), and reads at most d.maxLen bytes, so each hit costs a
// bounded amount whatever the input.
func (s *scan) try(di, start int) {
	d := s.e.detectors[di]
	data := s.data
	from := start
	if d.token && start > 0 && isWordByte(data[start-1]) {
		return // inside a longer word
	}
	if d.back > 0 {
		for from > 0 && start-from < d.back && isSchemeByte(data[from-1]) {
			from--
		}
		if from == start {
			return // no word before the keyword
		}
	}
	end := min(len(data), from+d.maxLen+1)
	if d.sameLine {
		if i := bytes.IndexByte(data[start:end], '\n'); i >= 0 {
			end = start + i
		}
	}
	text := data[from:end]
	loc := d.re().FindSubmatchIndex(text)
	if loc == nil {
		return
	}
	gs, ge := loc[2*d.group], loc[2*d.group+1]
	if gs < 0 {
		return
	}
	if d.token && from+loc[1] < len(data) && isTokenByte(data[from+loc[1]]) {
		return // the token goes on: not this format
	}
	secret := text[gs:ge]
	if !d.accept(secret) {
		return
	}
	desc := d.desc
	if d.describe != nil {
		desc = d.describe(text, loc)
	}
	s.add(di, newMatch(d.id, desc, from+gs, from+ge, d.prefix, string(secret), ""))
	s.skipUntil[di] = from + ge
}

func isSchemeByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '+'
}

// isWordByte reports whether b is a letter or a digit: a token glued to one
// on its left is part of a longer word.
func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// isTokenByte reports whether b can be part of a token: a letter, a digit,
// "_" or "-".
func isTokenByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '-'
}

// result sorts the matches and drops overlaps, keeping the earlier detector
// of the table (the more specific one).
func (s *scan) result() []Match {
	if len(s.matches) == 0 {
		return nil
	}
	ms := s.matches
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].Start != ms[j].Start {
			return ms[i].Start < ms[j].Start
		}
		return ms[i].priority < ms[j].priority
	})
	kept := make([]found, 0, len(ms))
	for _, m := range ms {
		// kept holds disjoint spans sorted by start, so their ends are sorted
		// too: the ones m overlaps are a suffix.
		first := len(kept)
		for first > 0 && kept[first-1].End > m.Start {
			first--
		}
		wins := true
		for _, k := range kept[first:] {
			if k.priority <= m.priority {
				wins = false
			}
		}
		if wins {
			kept = append(kept[:first], m)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].Start < kept[j].Start })
	out := make([]Match, len(kept))
	for i, m := range kept {
		out[i] = m.Match
	}
	return out
}
