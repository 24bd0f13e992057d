package eol

import (
	"strings"
	"testing"
	"time"
)

func TestTableIsValid(t *testing.T) {
	tab, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := time.Parse(time.DateOnly, tab.Checked); err != nil {
		t.Fatal(err)
	}
	for _, p := range tab.products {
		if !strings.HasPrefix(p.Source, "https://") {
			t.Errorf("%s: source %q is not a URL", p.Name, p.Source)
		}
		if tab.oldestSupported(p) == nil && p.Fallback == "" && p.Replacement == "" {
			t.Errorf("%s: no supported version, no fallback advice and no replacement", p.Name)
		}
	}
}

func TestCheck(t *testing.T) {
	tab := MustLoad()
	cases := []struct {
		image string
		want  string // findings rendered by render, "" for none
	}{
		// The tutorial.
		{"postgres:10", "PostgreSQL 10 2022-11-10 oldest 15 -> postgres:15"},
		{"python:3.6", "Python 3.6 2021-12-23 oldest 3.11 -> python:3.11"},
		// Official spellings.
		{"docker.io/library/python:3.6", "Python 3.6 2021-12-23 oldest 3.11 -> python:3.11"},
		{"library/python:3.6.15-slim", "Python 3.6 2021-12-23 oldest 3.11 -> python:3.11-slim"},
		{"index.docker.io/library/node:10-alpine", "Node.js 10 2021-04-30 oldest 22 (jod) -> node:22-alpine"},
		// Not official, or not in the table.
		{"bitnami/postgresql:10", ""},
		{"ghcr.io/library/python:3.6", ""},
		{"myregistry:5000/python:3.6", ""},
		{"traefik:1.7", ""},
		// Floating and unversioned tags.
		{"python:latest", ""},
		{"python", ""},
		{"node:lts", ""},
		{"nginx:stable", ""},
		{"python@sha256:0000000000000000000000000000000000000000000000000000000000000000", ""},
		{"python:3.6@sha256:0000000000000000000000000000000000000000000000000000000000000000", "Python 3.6 2021-12-23 oldest 3.11 -> python:3.11"},
		{"python:2", "Python 2.7 2020-01-01 oldest 3.11 -> python:3.11"},
		{"python:3", ""},
		{"postgres:9", "PostgreSQL 9.6 2021-11-11 oldest 15 -> postgres:15"},
		{"mysql:8", ""},
		{"mysql:9", ""},
		{"mysql:9.9", ""},
		// Supported versions.
		{"postgres:16.4", ""},
		{"python:3.12-slim", ""},
		{"node:22-bookworm-slim", ""},
		{"redis:7.2", ""},
		{"redis:6.0-alpine", "Redis 6.0 2022-05-31 oldest 6.2 -> redis:6.2-alpine"},
		{"redis:4.0", "Redis 4.0 by 2022-04-27 oldest 6.2 -> redis:6.2"},
		// Variants.
		{"python:3.12-slim-buster", "Debian 10 (buster) 2024-06-30 oldest 12 (bookworm) -> python:3.12-slim-bookworm [variant]"},
		// Both ended: each suggestion moves both, so either fix is complete.
		{"python:3.9-slim-buster", "Python 3.9 2025-10-31 oldest 3.11 -> python:3.11-slim-bookworm; Debian 10 (buster) 2024-06-30 oldest 12 (bookworm) -> python:3.11-slim-bookworm [variant]"},
		{"node:lts-bullseye", "Debian 11 (bullseye) 2026-08-31 oldest 12 (bookworm) -> node:lts-bookworm [variant]"},
		{"golang:1.25-alpine3.18", "Go 1.25 around 2026-08-18 oldest 1.26 -> golang:1.26-alpine3.22; Alpine Linux 3.18 2025-05-09 oldest 3.22 -> golang:1.26-alpine3.22 [variant]"},
		{"ruby:3.3-jammy", ""},
		{"eclipse-temurin:17-jdk-focal", "Ubuntu 20.04 (focal) 2025-05-29 oldest 22.04 (jammy) -> eclipse-temurin:17-jdk-jammy [variant]"},
		// Distributions by codename or number.
		{"debian:buster", "Debian 10 (buster) 2024-06-30 oldest 12 (bookworm) -> debian:bookworm"},
		{"debian:stretch-slim", "Debian 9 (stretch) 2022-06-30 oldest 12 (bookworm) -> debian:bookworm-slim"},
		{"debian:10.13", "Debian 10 2024-06-30 oldest 12 (bookworm) -> debian:12"},
		{"debian:bookworm", ""},
		{"ubuntu:xenial", "Ubuntu 16.04 (xenial) 2021-04-30 oldest 22.04 (jammy) -> ubuntu:jammy"},
		{"ubuntu:bionic-20230530", "Ubuntu 18.04 (bionic) 2023-05-31 oldest 22.04 (jammy) -> ubuntu:jammy-20230530"},
		{"ubuntu:18.04", "Ubuntu 18.04 2023-05-31 oldest 22.04 (jammy) -> ubuntu:22.04"},
		{"alpine:3.12", "Alpine Linux 3.12 2022-05-01 oldest 3.22 -> alpine:3.22"},
		{"alpine:3.22", ""},
		{"node:erbium", "Node.js 12 (erbium) 2022-04-30 oldest 22 (jod) -> node:jod"},
		// Java.
		{"openjdk:8-jdk-alpine", "OpenJDK image 8 2022-08-03 -> eclipse-temurin:8"},
		{"openjdk:11", "OpenJDK image 11 2022-08-03 -> eclipse-temurin:11"},
		{"eclipse-temurin:8u392-b08-jdk", ""},
		{"eclipse-temurin:19", "Eclipse Temurin (Java) 19 2023-03-31 oldest 8 -> eclipse-temurin:8"},
		{"nginx:1.21-alpine", "nginx 1.21 2022-06-21 fallback"},
		{"mongo:4.4", "MongoDB 4.4 2024-02-29 oldest 8.0 -> mongo:8.0"},
		{"mongo:5", "MongoDB 5.0 2024-10-31 oldest 8.0 -> mongo:8.0"},
		{"mariadb:10", ""},
		{"mariadb:10.5", "MariaDB 10.5 2025-06-24 oldest 10.11 -> mariadb:10.11"},
		{"php:7.4-fpm-alpine", "PHP 7.4 2022-11-28 oldest 8.2 -> php:8.2-fpm-alpine"},
		// Garbage never panics.
		{"", ""}, {":::", ""}, {"python:", ""}, {"python:-", ""}, {"python:3..6", ""}, {"python:99999999999999999999", ""},
	}
	for _, c := range cases {
		if got := render(tab.Check(c.image)); got != c.want {
			t.Errorf("Check(%q)\n got: %s\nwant: %s", c.image, got, c.want)
		}
	}
}

func render(fs []Finding) string {
	var parts []string
	for _, f := range fs {
		s := f.Product + " " + f.Version
		if f.Codename != "" {
			s += " (" + f.Codename + ")"
		}
		s += " " + f.When()
		if f.Oldest != "" {
			s += " oldest " + f.Oldest
			if f.OldestCodename != "" {
				s += " (" + f.OldestCodename + ")"
			}
		}
		if f.Suggested != "" {
			s += " -> " + f.Suggested
		} else if f.Fallback != "" {
			s += " fallback"
		}
		if f.Variant {
			s += " [variant]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// TestDecisionUsesCheckedDate: the decision depends on the table's date,
// not the clock.
func TestDecisionUsesCheckedDate(t *testing.T) {
	tab := MustLoad()
	early := *tab
	early.Checked = "2020-01-01"
	if got := early.Check("python:3.6"); len(got) != 0 {
		t.Errorf("python 3.6 was supported on 2020-01-01: %s", render(got))
	}
	if got := early.Check("python:2.7"); len(got) != 1 {
		t.Errorf("python 2.7 ended on 2020-01-01: got %s", render(got))
	}
}

func TestParseRejectsBadTables(t *testing.T) {
	for _, bad := range []string{
		`{`,
		`{"checked": "yesterday", "products": []}`,
		`{"checked": "2026-01-01", "products": [{"name": "x", "images": ["x"], "source": "https://x", "cycles": [{"cycle": "1.a", "eol": ""}]}]}`,
		`{"checked": "2026-01-01", "products": [{"name": "x", "images": ["x"], "source": "https://x", "cycles": [{"cycle": "1", "eol": "2020-13-01"}]}]}`,
		`{"checked": "2026-01-01", "products": [{"name": "x", "images": ["x"], "source": "https://x", "cycles": [{"cycle": "1", "eol": ""}, {"cycle": "1", "eol": ""}]}]}`,
		`{"checked": "2026-01-01", "products": [{"name": "x", "images": ["x"], "source": "https://x", "codenames": {"a": "2"}, "cycles": [{"cycle": "1", "eol": ""}]}]}`,
		`{"checked": "2026-01-01", "products": [{"name": "x", "images": ["x"], "cycles": [{"cycle": "1", "eol": ""}]}]}`,
	} {
		if _, err := parse([]byte(bad)); err == nil {
			t.Errorf("parse(%s) accepted a bad table", bad)
		}
	}
}

// FuzzCheck: no reference makes Check panic, and every finding is dated.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"python:3.6", "python:3.9-slim-buster", "debian:buster-slim", "node:erbium", "openjdk:8u392-b08", "postgres:9", "golang:1.25-alpine3.18"} {
		f.Add(s)
	}
	tab := MustLoad()
	f.Fuzz(func(t *testing.T, image string) {
		for _, fd := range tab.Check(image) {
			if fd.EOL == "" || fd.EOL > tab.Checked {
				t.Errorf("%q: finding without a past end date: %+v", image, fd)
			}
		}
	})
}

func TestNewest(t *testing.T) {
	tab := MustLoad()
	for _, c := range []struct{ image, want string }{
		{"python", "Python 3.14"},
		{"python:latest", "Python 3.14"},
		{"docker.io/library/node", "Node.js 26"},
		{"postgres@sha256:0000000000000000000000000000000000000000000000000000000000000000", "PostgreSQL 18"},
		{"mysql", "MySQL 8.4"},         // the 9.x innovation releases in the table have ended
		{"debian", "Debian 13"},        // a number, not a codename
		{"ubuntu", "Ubuntu 24.04"},     // 24.10 has ended
		{"nginx", ""},                  // every version in the table has ended
		{"openjdk", ""},                // deprecated: eclipse-temurin replaces it
		{"bitnami/postgresql", ""},     // not official
		{"ghcr.io/library/python", ""}, // not Docker Hub
		{"traefik", ""},                // not in the table
		{"", ""}, {":::", ""},
	} {
		product, tag, ok := tab.Newest(c.image)
		got := ""
		if ok {
			got = product + " " + tag
		}
		if got != c.want {
			t.Errorf("Newest(%q) = %q, want %q", c.image, got, c.want)
		}
	}
}
