package checks

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// TestLocalImages: the answers about each reference, and every fault:
// engine down, an engine that hangs on /images/ (bounded), an image the
// engine does not have, an engine error about one image, an invalid
// reference (never sent).
func TestLocalImages(t *testing.T) {
	ctx := context.Background()
	t.Run("answers", func(t *testing.T) {
		f := &fakeEngine{Images: map[string]string{
			"postgres": `{"Id":"sha256:abc","RepoTags":["postgres:16.4","postgres:latest"],"RepoDigests":["postgres@sha256:def"]}`,
		}}
		li := LocalImages(ctx, NewFacts(f.env(t)), []string{"postgres", "redis:latest", "Bad Ref"})
		if li.Unavailable != "" {
			t.Fatalf("unavailable: %s", li.Unavailable)
		}
		pg := li.Images["postgres"]
		if !pg.Present || pg.ID != "sha256:abc" || strings.Join(pg.RepoTags, ",") != "postgres:16.4,postgres:latest" || len(pg.RepoDigests) != 1 {
			t.Errorf("postgres: %+v", pg)
		}
		if r, ok := li.Images["redis:latest"]; !ok || r.Present || r.Err != "" {
			t.Errorf("unknown image: %+v %v", r, ok)
		}
		if b := li.Images["Bad Ref"]; b.Err != "not a valid image reference" {
			t.Errorf("invalid reference: %+v", b)
		}
		for _, p := range f.paths() {
			if strings.Contains(p, "Bad") || strings.Contains(p, "/create") || strings.Contains(p, "/pull") {
				t.Errorf("asked %s", p)
			}
		}
	})
	t.Run("engine down", func(t *testing.T) {
		li := LocalImages(ctx, NewFacts(fakeEnv(nil, nil)), []string{"postgres"})
		if li.Unavailable != "no Docker engine answers at unix:///var/run/docker.sock: no socket" || len(li.Images) != 0 {
			t.Errorf("%+v", li)
		}
	})
	t.Run("engine error about one image", func(t *testing.T) {
		f := &fakeEngine{ImageErr: 500}
		li := LocalImages(ctx, NewFacts(f.env(t)), []string{"postgres"})
		if li.Unavailable != "" || li.Images["postgres"].Err != "the engine answered HTTP 500" {
			t.Errorf("%+v", li)
		}
	})
	t.Run("hung engine", func(t *testing.T) {
		f := &fakeEngine{HangOn: "/images/"}
		start := time.Now()
		li := LocalImages(ctx, NewFacts(f.env(t)), []string{"postgres", "redis", "nginx"})
		if d := time.Since(start); d > EngineTimeout+time.Second {
			t.Errorf("took %s", d)
		}
		if !strings.Contains(li.Unavailable, "stopped answering (timeout)") || len(li.Images) != 0 {
			t.Errorf("%+v", li)
		}
		if n := len(f.paths()); n > 4 {
			t.Errorf("asked again after the engine hung: %v", f.paths())
		}
	})
	t.Run("caller's deadline", func(t *testing.T) {
		f := &fakeEngine{HangOn: "/version"}
		ctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		li := LocalImages(ctx, NewFacts(f.env(t)), []string{"postgres"})
		if d := time.Since(start); d > time.Second || li.Unavailable == "" {
			t.Errorf("took %s: %+v", d, li)
		}
	})
}

// TestRealLocalImages tags the test image twice, as a version and as
// latest, and finds both tags through either name.
func TestRealLocalImages(t *testing.T) {
	env, _ := realEngine(t)
	img := testImage(t)
	repo := fmt.Sprintf("envdoctor-test-localimages-%d", os.Getpid())
	for _, tag := range []string{repo + ":1.2.3", repo + ":latest"} {
		if out, err := docker("tag", img, tag); err != nil {
			t.Fatalf("docker tag: %v\n%s", err, out)
		}
		t.Cleanup(func() { _, _ = docker("rmi", tag) })
	}
	li := LocalImages(context.Background(), NewFacts(env), []string{repo, repo + ":latest", repo + "-absent"})
	if li.Unavailable != "" {
		t.Fatal(li.Unavailable)
	}
	for _, ref := range []string{repo, repo + ":latest"} {
		im := li.Images[ref]
		tags := strings.Join(im.RepoTags, " ")
		if !im.Present || !strings.Contains(tags, repo+":1.2.3") || !strings.Contains(tags, repo+":latest") {
			t.Errorf("%s: %+v", ref, im)
		}
	}
	if im := li.Images[repo+"-absent"]; im.Present || im.Err != "" {
		t.Errorf("absent: %+v", im)
	}
}
