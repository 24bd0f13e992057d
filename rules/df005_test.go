package rules_test

import (
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

func TestDF005(t *testing.T) {
	const noTag = "has no tag: every build may pull a different version"
	tests := []struct {
		name string
		text string
		args map[string]*string
		want []string // "l:c-l:c message" (file and rule left out)
	}{
		{"no tag", "FROM python\n", nil, []string{`1:6-1:12 base image "python" ` + noTag}},
		{"latest", "FROM node:latest AS build\n", nil, []string{`1:6-1:17 base image "node:latest" uses the floating "latest" tag`}},
		{"tagged", "FROM python:3.12-slim\n", nil, nil},
		{"LATEST is a real tag", "FROM node:LATEST\n", nil, nil},
		{"digest", "FROM python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", nil, nil},
		{"tag and digest", "FROM python:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", nil, nil},
		{"scratch", "FROM scratch\nFROM SCRATCH\n", nil, nil},
		{"earlier stage", "FROM golang:1.22 AS Build\nFROM build\nFROM BUILD AS again\n", nil, nil},
		{"later stage name is an image", "FROM app\nFROM alpine:3.20 AS app\n", nil, []string{`1:6-1:9 base image "app" ` + noTag}},
		{"registry port is not a tag", "FROM localhost:5000/app\nFROM localhost:5000/app:1.0\n", nil, []string{`1:6-1:24 base image "localhost:5000/app" ` + noTag}},
		{"fully qualified", "FROM docker.io/library/python\n", nil, []string{`1:6-1:30 base image "docker.io/library/python" ` + noTag}},
		{"invalid reference", "FROM Python\n", nil, nil},
		{"platform flag", "FROM --platform=$BUILDPLATFORM golang AS b\n", nil, []string{`1:32-1:38 base image "golang" ` + noTag}},
		{"ARG default", "ARG BASE=node\nFROM ${BASE}\n", nil, []string{`2:6-2:13 base image "node" (from "${BASE}") ` + noTag}},
		{"ARG default pinned", "ARG PY=3.6\nFROM python:${PY}\n", nil, nil},
		{"build arg overrides to latest", "ARG PY=3.6\nFROM python:${PY}\n", map[string]*string{"PY": dfStrPtr("latest")},
			[]string{`2:6-2:18 base image "python:latest" (from "python:${PY}") uses the floating "latest" tag`}},
		{"build arg pins", "ARG BASE=node\nFROM $BASE\n", map[string]*string{"BASE": dfStrPtr("node:22")}, nil},
		{"build arg without value", "ARG BASE=node\nFROM $BASE\n", map[string]*string{"BASE": nil}, nil},
		{"ARG without default", "ARG BASE\nFROM $BASE\n", nil, nil},
		{"platform variable", "FROM tool-$TARGETARCH\n", nil, nil},
		{"quoted", "FROM \"python\"\n", nil, []string{`1:6-1:14 base image "python" ` + noTag}},
		{"continuation", "FROM \\\n  python \\\n  AS app\n", nil, []string{`2:3-2:9 base image "python" ` + noTag}},
		{"parse error", "FROM python\nFORM x\n", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runDF(t, "DF005", map[string]string{"Dockerfile": tt.text}, func(d *project.Dockerfile) { d.BuildArgs = tt.args })
			var short []string
			for _, g := range got {
				g = strings.TrimPrefix(g, "Dockerfile:")
				g, _, _ = strings.Cut(g, " | ")
				short = append(short, strings.Replace(g, ": DF005 warning: ", " ", 1))
			}
			if strings.Join(short, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(short, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestDF005Fix(t *testing.T) {
	got := runDF(t, "DF005", map[string]string{"Dockerfile": "FROM localhost:5000/app:latest\n"}, nil)
	want := "Dockerfile:1:6-1:31: DF005 warning: base image \"localhost:5000/app:latest\" uses the floating \"latest\" tag" +
		" | pin a version tag, for example FROM localhost:5000/app:<version>, or a digest (FROM localhost:5000/app@sha256:<digest>)"
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// Two builds of one Dockerfile report a finding once.
func TestDF005SharedDockerfile(t *testing.T) {
	rule, _ := rules.Lookup(rules.All(), "DF005")
	src := project.NewSource("Dockerfile", []byte("FROM python\n"))
	p := &project.Project{Dockerfiles: []*project.Dockerfile{
		project.ParseDockerfile("Dockerfile", src),
		project.ParseDockerfile("Dockerfile", src),
	}}
	got := rules.Run(p, []*rules.Rule{rule})
	if len(got) != 1 || got[0].Severity != finding.SeverityWarning || got[0].RuleID != "DF005" {
		t.Errorf("got %+v", got)
	}
}

func dfStrPtr(s string) *string { return &s }
