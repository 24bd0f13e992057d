package eol

import (
	"strings"

	"github.com/distribution/reference"
)

// Newest returns the newest version of an official image's product that
// is still supported on the day the table was checked, written as a tag
// of that image ("3.14" for python, "13" for debian), with the product's
// display name: a version to pin a floating reference (python,
// python:latest) to. The tag of image, if any, is ignored. ok is false for
// an image that is not official or not in the table, for a deprecated
// image (openjdk: its replacement is another image), and when every
// version in the table has ended.
func (t *Table) Newest(image string) (product, tag string, ok bool) {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil || reference.Domain(named) != "docker.io" {
		return "", "", false
	}
	name, official := strings.CutPrefix(reference.Path(named), "library/")
	p := t.byImage[name]
	if !official || p == nil || p.Replacement != "" {
		return "", "", false
	}
	var best *cycle
	for _, c := range p.Cycles {
		if t.ended(c) {
			continue
		}
		if best == nil || compareParts(c.parts, best.parts) > 0 {
			best = c
		}
	}
	if best == nil {
		return "", "", false
	}
	return p.Name, best.Cycle, true
}
