// Package eol knows which versions of the official Docker images (python,
// node, postgres, debian...) are past their end of life. The dates are data
// (eol.json, embedded), with the day they were last checked; every decision
// compares against that day, never the clock, so a result only changes when
// the table does.
package eol

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/distribution/reference"
)

//go:embed eol.json
var tableJSON []byte

// Table is the parsed end-of-life table.
type Table struct {
	// Checked is the day the dates were last checked (YYYY-MM-DD): a
	// version is end of life when its date is on or before it.
	Checked  string
	products []*product
	byImage  map[string]*product
}

type product struct {
	Name        string            `json:"name"`
	Images      []string          `json:"images"`
	Source      string            `json:"source"`
	Note        string            `json:"note"`
	Replacement string            `json:"replacement"`
	Fallback    string            `json:"fallback"`
	Codenames   map[string]string `json:"codenames"`
	Cycles      []*cycle          `json:"cycles"`
}

type cycle struct {
	Cycle  string `json:"cycle"`
	EOL    string `json:"eol"`
	Approx bool   `json:"approx"`
	By     bool   `json:"by"`
	parts  []int
}

// Load parses the embedded table, once per process: the table is never
// changed after parse, and CP018 and DF006 both ask for it (parsing its
// JSON took a tenth of the example project's whole lint).
func Load() (*Table, error) {
	return loadOnce()
}

var loadOnce = sync.OnceValues(func() (*Table, error) { return parse(tableJSON) })

// MustLoad is Load for callers that cannot go on without the table (its
// validity is checked by the package's tests).
func MustLoad() *Table {
	t, err := Load()
	if err != nil {
		panic(err)
	}
	return t
}

func parse(data []byte) (*Table, error) {
	var raw struct {
		Checked  string     `json:"checked"`
		Products []*product `json:"products"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("eol table: %w", err)
	}
	if _, err := time.Parse(time.DateOnly, raw.Checked); err != nil {
		return nil, fmt.Errorf("eol table: checked: %w", err)
	}
	t := &Table{Checked: raw.Checked, products: raw.Products, byImage: map[string]*product{}}
	for _, p := range raw.Products {
		if p.Source == "" || len(p.Images) == 0 || len(p.Cycles) == 0 {
			return nil, fmt.Errorf("eol table: product %q needs images, a source and cycles", p.Name)
		}
		for _, img := range p.Images {
			t.byImage[img] = p
		}
		seen := map[string]bool{}
		for _, c := range p.Cycles {
			parts, ok := versionParts(c.Cycle)
			if !ok || seen[c.Cycle] {
				return nil, fmt.Errorf("eol table: %s: bad or repeated cycle %q", p.Name, c.Cycle)
			}
			seen[c.Cycle] = true
			c.parts = parts
			if c.EOL != "" {
				if _, err := time.Parse(time.DateOnly, c.EOL); err != nil {
					return nil, fmt.Errorf("eol table: %s %s: %w", p.Name, c.Cycle, err)
				}
			}
		}
		for name, v := range p.Codenames {
			if p.find(v) == nil {
				return nil, fmt.Errorf("eol table: %s: codename %s names unknown cycle %s", p.Name, name, v)
			}
		}
	}
	return t, nil
}

// Finding is one end-of-life version found in an image reference.
type Finding struct {
	// Product is the product's display name ("PostgreSQL", "Debian").
	Product string
	// Version is the release cycle ("3.6", "10"); Codename is its name
	// when the tag used one ("buster").
	Version  string
	Codename string
	// EOL is the day support ended; Approx says it is known to within
	// days, By that support had ended by then.
	EOL    string
	Approx bool
	By     bool
	// Variant is true when the finding is about the base distribution of
	// a variant tag (python:3.12-slim-buster is built on Debian 10).
	Variant bool
	// Oldest is the oldest version still supported on the checked day (""
	// when the table has none), with its end date ("" when none is known).
	Oldest, OldestCodename, OldestEOL string
	// Suggested is the same reference moved to the oldest supported
	// version (or to the product's replacement image), or "".
	Suggested string
	// Fallback advises what to use when the table knows no supported
	// version.
	Fallback string
	// Note is product-specific upgrade advice (a database's data
	// directory...), or "".
	Note string
	// Source cites where the dates come from.
	Source string
}

// When renders the end date with its precision: "2021-12-23", "around
// 2026-08-18" or "by 2022-04-27".
func (f Finding) When() string {
	switch {
	case f.Approx:
		return "around " + f.EOL
	case f.By:
		return "by " + f.EOL
	}
	return f.EOL
}

// Check reports the end-of-life versions in an image reference: the
// product version of an official image (python:3.6), and the distribution
// of a variant tag (python:3.12-slim-buster). Only official images count
// (python, library/python, docker.io/library/python); a reference without a
// tag, with only a digest, with a floating tag (latest, lts, stable) or
// with a version the table does not know yields nothing.
func (t *Table) Check(image string) []Finding {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil || reference.Domain(named) != "docker.io" {
		return nil
	}
	path := reference.Path(named)
	if !strings.HasPrefix(path, "library/") {
		return nil
	}
	name := strings.TrimPrefix(path, "library/")
	p := t.byImage[name]
	tagged, ok := named.(reference.Tagged)
	if p == nil || !ok {
		return nil
	}
	tag := tagged.Tag()
	var out []Finding
	version, rest := splitVersion(tag)
	codename := ""
	if version == "" {
		rest = tag
		// debian:buster-slim, node:erbium-alpine, ubuntu:jammy-20240111
		word, after, found := strings.Cut(tag, "-")
		if v, ok := p.Codenames[strings.ToLower(word)]; ok {
			version, codename, rest = v, strings.ToLower(word), ""
			if found {
				rest = "-" + after
			}
		}
	}
	if version != "" {
		if c := t.eolCycle(p, version); c != nil {
			f := t.finding(p, c, codename)
			f.Suggested = t.suggest(p, name, codename, rest, f)
			out = append(out, f)
		}
	}
	if vf, word, with, ok := t.variant(name, tag, rest); ok {
		if len(out) == 1 && out[0].Suggested != "" && vf.Suggested != "" {
			// Both the version and the distribution have ended: each
			// suggestion moves both, so that either fix is complete
			// (python:3.9-slim-buster -> python:3.11-slim-bookworm).
			both := out[0].Suggested
			if n, t, found := strings.Cut(both, ":"); found {
				both = n + ":" + replaceWord(t, word, with)
			}
			out[0].Suggested, vf.Suggested = both, both
		}
		out = append(out, vf)
	}
	return out
}

// splitVersion splits "3.6.15-slim-buster" into "3.6.15" and
// "-slim-buster"; "8u392-b08-jdk" into "8" and "u392-b08-jdk".
func splitVersion(tag string) (version, rest string) {
	m := leadingVersion().FindString(tag)
	return m, tag[len(m):]
}

var leadingVersion = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^v?\d+(?:\.\d+)*`) })

// eolCycle finds the cycle a version belongs to and returns it when it is
// past its end of life. A version more precise than the cycles (3.6.15)
// belongs to its cycle (3.6); a less precise one (python:3, postgres:9)
// floats to the newest cycle under it, which is only reported when a newer
// major line exists (python:2 is 2.7; mysql:9 may be a 9.x the table does
// not list yet).
func (t *Table) eolCycle(p *product, version string) *cycle {
	parts, ok := versionParts(strings.TrimPrefix(version, "v"))
	if !ok {
		return nil
	}
	var best *cycle
	for _, c := range p.Cycles {
		if len(c.parts) <= len(parts) && equalParts(c.parts, parts[:len(c.parts)]) {
			if best == nil || len(c.parts) > len(best.parts) {
				best = c
			}
		}
	}
	if best == nil {
		// Floating: the newest cycle that starts with the version.
		var newestMajor *cycle
		for _, c := range p.Cycles {
			if len(c.parts) > len(parts) && equalParts(c.parts[:len(parts)], parts) {
				if best == nil || compareParts(c.parts, best.parts) > 0 {
					best = c
				}
			}
			if newestMajor == nil || compareParts(c.parts, newestMajor.parts) > 0 {
				newestMajor = c
			}
		}
		if best == nil || newestMajor.parts[0] <= parts[0] {
			return nil
		}
	}
	if !t.ended(best) {
		return nil
	}
	return best
}

func (t *Table) ended(c *cycle) bool {
	return c.EOL != "" && c.EOL <= t.Checked
}

func (t *Table) finding(p *product, c *cycle, codename string) Finding {
	f := Finding{
		Product: p.Name, Version: c.Cycle, Codename: codename,
		EOL: c.EOL, Approx: c.Approx, By: c.By,
		Note: p.Note, Source: p.Source, Fallback: p.Fallback,
	}
	if o := t.oldestSupported(p); o != nil {
		f.Oldest, f.OldestEOL = o.Cycle, o.EOL
		f.OldestCodename = p.codenameOf(o.Cycle)
	}
	return f
}

// oldestSupported is the lowest cycle still supported on the checked day.
func (t *Table) oldestSupported(p *product) *cycle {
	var best *cycle
	for _, c := range p.Cycles {
		if t.ended(c) {
			continue
		}
		if best == nil || compareParts(c.parts, best.parts) < 0 {
			best = c
		}
	}
	return best
}

// suggest writes the reference moved to the oldest supported version,
// keeping the tag's variant suffix; for a product with a replacement image
// (openjdk), the replacement's tag for the same version when it is still
// supported there.
func (t *Table) suggest(p *product, name, codename, rest string, f Finding) string {
	if p.Replacement != "" {
		rp := t.byImage[p.Replacement]
		if rp == nil {
			return ""
		}
		if c := rp.find(f.Version); c != nil && !t.ended(c) {
			return p.Replacement + ":" + c.Cycle
		}
		if o := t.oldestSupported(rp); o != nil {
			return p.Replacement + ":" + o.Cycle
		}
		return ""
	}
	if f.Oldest == "" {
		return ""
	}
	newVersion := f.Oldest
	if codename != "" && f.OldestCodename != "" {
		newVersion = f.OldestCodename
	}
	if rest != "" && !strings.HasPrefix(rest, "-") {
		rest = "" // 8u392-b08-jdk: the rest belongs to the old version
	}
	return name + ":" + newVersion + rest
}

// variant reports the distribution a variant tag is built on, when that
// distribution is past its end of life: -buster, -bullseye (Debian),
// -focal, -jammy (Ubuntu), -alpine3.12 (Alpine). word is the tag's word
// naming it, and with the word of the oldest supported release ("" when
// there is none).
func (t *Table) variant(name, tag, rest string) (f Finding, word, with string, ok bool) {
	if name == "debian" || name == "ubuntu" || name == "alpine" {
		return Finding{}, "", "", false // the tag's own version, checked above
	}
	for _, word := range strings.Split(strings.ToLower(rest), "-") {
		for _, distro := range []string{"debian", "ubuntu"} {
			p := t.byImage[distro]
			if p == nil {
				continue
			}
			v, ok := p.Codenames[word]
			if !ok {
				continue
			}
			c := p.find(v)
			if c == nil || !t.ended(c) {
				return Finding{}, "", "", false
			}
			f := t.finding(p, c, word)
			f.Variant = true
			if f.OldestCodename != "" {
				f.Suggested = name + ":" + replaceWord(tag, word, f.OldestCodename)
			}
			return f, word, f.OldestCodename, true
		}
		if m := alpineVariant().FindStringSubmatch(word); m != nil {
			p := t.byImage["alpine"]
			if p == nil {
				continue
			}
			c := p.find(m[1])
			if c == nil || !t.ended(c) {
				return Finding{}, "", "", false
			}
			f := t.finding(p, c, "")
			f.Variant = true
			with := ""
			if f.Oldest != "" {
				with = "alpine" + f.Oldest
				f.Suggested = name + ":" + replaceWord(tag, word, with)
			}
			return f, word, with, true
		}
	}
	return Finding{}, "", "", false
}

var alpineVariant = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^alpine(\d+\.\d+)$`) })

// replaceWord replaces one "-"-separated word of a tag (case-insensitively).
func replaceWord(tag, word, with string) string {
	parts := strings.Split(tag, "-")
	for i, p := range parts {
		if strings.EqualFold(p, word) {
			parts[i] = with
			break
		}
	}
	return strings.Join(parts, "-")
}

func (p *product) find(v string) *cycle {
	for _, c := range p.Cycles {
		if c.Cycle == v {
			return c
		}
	}
	return nil
}

func (p *product) codenameOf(v string) string {
	best := ""
	for name, cv := range p.Codenames {
		if cv == v && (best == "" || name < best) {
			best = name
		}
	}
	return best
}

func versionParts(v string) ([]int, bool) {
	if v == "" {
		return nil, false
	}
	fields := strings.Split(v, ".")
	parts := make([]int, len(fields))
	for i, f := range fields {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return nil, false
		}
		parts[i] = n
	}
	return parts, true
}

func equalParts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func compareParts(a, b []int) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}
