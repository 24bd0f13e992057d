package project

import (
	"bufio"
	"bytes"
	"path/filepath"
	"strings"
	"sync"

	"github.com/moby/patternmatcher"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// Dockerignore is a parsed .dockerignore (or <Dockerfile>.dockerignore),
// read exactly as the docker CLI and BuildKit read it
// (moby/patternmatcher/ignorefile.ReadAll, then patternmatcher.New), with
// the line of each pattern kept.
type Dockerignore struct {
	Path     string
	Patterns []IgnorePattern
	// Err is set when patternmatcher rejects the patterns (a lone "!", a
	// malformed [class]); the build fails on it, and Excluded then reports
	// nothing.
	Err error

	single []*patternmatcher.PatternMatcher
	// all matches with every pattern, as the engine does; mu guards it (a
	// PatternMatcher compiles lazily and is not safe for concurrent use).
	all *patternmatcher.PatternMatcher
	mu  sync.Mutex
}

// IgnorePattern is one pattern line.
type IgnorePattern struct {
	// Pattern is the pattern as ReadAll returns it: trimmed, cleaned, slash
	// separated, a leading "/" removed, the "!" of an exception kept.
	Pattern   string
	Exclusion bool // an exception ("!pattern"): re-includes what it matches
	Line      int
	// Range spans the line's text in the ignore file.
	Range finding.Range
}

// ParseDockerignore reads an ignore file's patterns. src may be nil (no
// ignore file): the result then excludes nothing.
func ParseDockerignore(src *Source) *Dockerignore {
	d := &Dockerignore{}
	if src == nil {
		return d
	}
	d.Path = src.Path
	// ignorefile.ReadAll, line by line, keeping line numbers.
	sc := bufio.NewScanner(bytes.NewReader(src.Data))
	sc.Buffer(make([]byte, 0, min(len(src.Data)+1, 64<<10)), len(src.Data)+1)
	line := 0
	var patterns []string
	for sc.Scan() {
		text := sc.Bytes()
		if line == 0 {
			text = bytes.TrimPrefix(text, utf8BOM)
		}
		line++
		pattern := string(text)
		if strings.HasPrefix(pattern, "#") {
			continue
		}
		pattern = strings.TrimSpace(pattern)
		if pattern == "" {
			continue
		}
		invert := pattern[0] == '!'
		if invert {
			pattern = strings.TrimSpace(pattern[1:])
		}
		if len(pattern) > 0 {
			pattern = filepath.ToSlash(filepath.Clean(pattern))
			if len(pattern) > 1 && pattern[0] == '/' {
				pattern = pattern[1:]
			}
		}
		if invert {
			pattern = "!" + pattern
		}
		patterns = append(patterns, pattern)
		d.Patterns = append(d.Patterns, IgnorePattern{Pattern: pattern, Exclusion: invert, Line: line, Range: src.LineRange(line)})
	}
	all, err := patternmatcher.New(patterns)
	if err != nil {
		d.Err = err
		return d
	}
	d.all = all
	for _, p := range d.Patterns {
		m, err := patternmatcher.New([]string{strings.TrimPrefix(p.Pattern, "!")})
		if err != nil {
			d.Err = err
			return d
		}
		d.single = append(d.single, m)
	}
	return d
}

// HasExclusions reports whether any pattern is an exception ("!x").
func (d *Dockerignore) HasExclusions() bool {
	for _, p := range d.Patterns {
		if p.Exclusion {
			return true
		}
	}
	return false
}

// Excluded reports whether the context path p (slash-separated, relative
// to the context) is left out of the build context, exactly as the engine
// decides it while walking the context (BuildKit's fsutil and the docker
// CLI's archiver call patternmatcher.MatchesUsingParentResults on each
// path, parents first): the last pattern that matches p or carries a
// match down from a parent decides, exceptions re-including. by is the
// pattern that excluded it.
//
// This differs from patternmatcher.MatchesOrParentMatches in one corner:
// a pattern skipped for a parent (an exception while the parent was not
// excluded) is not carried down to its children.
func (d *Dockerignore) Excluded(p string) (excluded bool, by *IgnorePattern) {
	if d == nil || d.Err != nil || len(d.single) == 0 {
		return false, nil
	}
	p = CleanContextPath(p)
	if p == "." {
		return false, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var info patternmatcher.MatchInfo
	for end := 0; end <= len(p); end++ {
		if end < len(p) && p[end] != '/' {
			continue
		}
		var err error
		excluded, info, err = d.all.MatchesUsingParentResults(p[:end], info)
		if err != nil {
			return false, nil
		}
	}
	if !excluded {
		return false, nil
	}
	// The excluding line: the last pattern (not an exception) that matches
	// p or one of its parents.
	for i := len(d.Patterns) - 1; i >= 0; i-- {
		if d.Patterns[i].Exclusion {
			continue
		}
		if m, err := d.single[i].MatchesOrParentMatches(p); err == nil && m {
			return true, &d.Patterns[i]
		}
	}
	return true, nil
}
