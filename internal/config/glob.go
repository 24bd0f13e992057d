package config

import (
	"errors"
	"path"
	"strings"
)

// NormalizePattern checks an exclude pattern and returns it in the form
// Match expects: slash-separated, without a leading "./" or a trailing "/".
func NormalizePattern(pattern string) (string, error) {
	p := strings.TrimSpace(pattern)
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	p = strings.TrimRight(p, "/")
	switch {
	case p == "" || p == ".":
		return "", errors.New("the pattern is empty")
	case strings.HasPrefix(p, "/"):
		return "", errors.New("patterns are relative to the project root and must not start with \"/\"")
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "**" {
			continue
		}
		if _, err := path.Match(seg, ""); err != nil {
			return "", errors.New("syntax error in pattern")
		}
	}
	return p, nil
}

// Match reports whether the slash-separated root-relative path name matches
// pattern: path.Match syntax for each path segment ("*" never crosses a
// "/"), plus "**" as a whole segment, which matches zero or more segments.
func Match(pattern, name string) bool {
	return matchSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for len(pat) > 0 && pat[0] == "**" {
				pat = pat[1:]
			}
			if len(pat) == 0 {
				return true
			}
			for i := 0; i <= len(name); i++ {
				if matchSegments(pat, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, err := path.Match(pat[0], name[0]); err != nil || !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// Excluded reports whether findings in the root-relative file are dropped:
// some exclude pattern matches the file itself or one of the directories
// it is in ("vendor" excludes "vendor/app/Dockerfile"). An empty file (a
// finding about no file) is never excluded. A nil Config excludes nothing.
func (c *Config) Excluded(file string) bool {
	if c == nil || file == "" || len(c.Exclude) == 0 {
		return false
	}
	file = strings.TrimPrefix(file, "./")
	for _, pat := range c.Exclude {
		if n, err := NormalizePattern(pat); err == nil {
			pat = n
		}
		if Match(pat, file) {
			return true
		}
		for i := 0; i < len(file); i++ {
			if file[i] == '/' && Match(pat, file[:i]) {
				return true
			}
		}
	}
	return false
}
