package project

import (
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

func TestWalkStage(t *testing.T) {
	src := `ARG BASE=alpine:3.20
ARG GLOBAL=g1
FROM $BASE AS build
ARG GLOBAL
ARG LOCAL=l-$GLOBAL
ARG NODEFAULT
ENV APP=/app DIR=$LOCAL
COPY $APP/$DIR $NODEFAULT $HOME ${TARGETARCH} ${GLOBAL:-x} /dst/
ARG APP=ignored
COPY $APP $FROMARGS /dst/
FROM build AS final
COPY $APP $LOCAL /dst/
`
	d := ParseDockerfile("Dockerfile", NewSource("Dockerfile", []byte(src)))
	if d.ParseError != nil {
		t.Fatal(d.ParseError.Message)
	}
	v := "from-compose"
	d.BuildArgs = map[string]*string{"FROMARGS": &v}
	type res struct {
		out string
		ok  bool
	}
	var got [][]res
	for si := range d.Stages {
		d.WalkStage(si, func(ci int, cmd instructions.Command, expand Expander) {
			c, ok := cmd.(*instructions.CopyCommand)
			if !ok {
				return
			}
			var rs []res
			for _, s := range c.SourcePaths {
				out, ok := expand(s)
				rs = append(rs, res{out, ok})
			}
			got = append(got, rs)
		})
	}
	want := [][]res{
		{{"/app/l-g1", true}, {"", false}, {"", false}, {"", false}, {"g1", true}},
		{{"/app", true}, {"", false}}, // build args apply only to declared ARGs
		{{"/app", true}, {"", false}}, // ENV carries over from the parent stage, ARG does not
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("COPY %d source %d = %+v, want %+v", i, j, got[i][j], want[i][j])
			}
		}
	}
	d.WalkStage(-1, nil)
	d.WalkStage(9, nil)
}
