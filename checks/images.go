package checks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/distribution/reference"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// maxProjectImages bounds how many images one run asks the engine about.
const maxProjectImages = 64

// projectImage is an image the project runs or builds on.
type projectImage struct {
	// Ref is the reference as written (after interpolation and ARG
	// expansion): "postgres:16".
	Ref string
	// Range is where the project names it (the image: value, or the
	// FROM's image word).
	Range finding.Range
	// Service is the compose service that runs it; "" for a base image.
	Service string
	// Platform is the service's platform: or the FROM's --platform, ""
	// when none is declared.
	Platform string
}

// Origin says where the image comes from, for messages.
func (im projectImage) Origin() string {
	if im.Service != "" {
		return fmt.Sprintf("service %q", im.Service)
	}
	return "FROM in " + im.Range.File
}

// projectImages lists the images `docker compose up` pulls (services with
// image: and no build:) and the base images of the project's Dockerfiles
// (FROM, with ARG defaults expanded as DF005 does; scratch and earlier
// stages skipped), each once, in project order.
func projectImages(proj *project.Project) []projectImage {
	if proj == nil {
		return nil
	}
	var out []projectImage
	seen := map[string]bool{}
	add := func(im projectImage) {
		named, err := reference.ParseNormalizedNamed(im.Ref)
		if err != nil {
			return // an invalid reference is the loader's and the engine's to report
		}
		key := reference.TagNameOnly(named).String()
		if seen[key] || len(out) >= maxProjectImages {
			return
		}
		seen[key] = true
		out = append(out, im)
	}
	for _, im := range serviceImages(proj.Compose) {
		add(im)
	}
	for _, d := range proj.Dockerfiles {
		stages := map[string]bool{}
		for _, st := range d.Stages {
			image, ok := d.ExpandFromImage(st)
			name := strings.ToLower(st.Name)
			if ok && !strings.EqualFold(image, "scratch") && !stages[strings.ToLower(image)] {
				r, found := d.ArgRange(st.Location, 0)
				if !found {
					r = d.InstructionRange(st.Location)
				}
				add(projectImage{Ref: image, Range: r, Platform: st.Platform})
			}
			if name != "" {
				stages[name] = true
			}
		}
	}
	return out
}

// serviceImages are the images of the enabled services that are pulled,
// not built, located at their image: key in the last file that sets it.
func serviceImages(c *project.Compose) []projectImage {
	if c == nil {
		return nil
	}
	type yamlImage struct {
		value    string
		rng      finding.Range
		hasBuild bool
	}
	located := map[string]*yamlImage{}
	var order []string
	for _, cf := range c.Files {
		for _, m := range matchPath(cf, "services", "*") {
			name := m.wild[0]
			y := located[name]
			if y == nil {
				y = &yamlImage{}
				located[name] = y
				order = append(order, name)
			}
			for _, kv := range project.MappingPairs(m.value) {
				switch kv[0].Value {
				case "image":
					y.value, y.rng = scalarValue(kv[1]), project.NodeRange(cf.Source, kv[1])
				case "build":
					y.hasBuild = true
				}
			}
		}
	}
	var out []projectImage
	if c.Model != nil {
		names := make([]string, 0, len(c.Model.Services))
		for n := range c.Model.Services {
			names = append(names, n)
		}
		sort.SliceStable(names, func(i, j int) bool { return indexOf(order, names[i]) < indexOf(order, names[j]) })
		for _, n := range names {
			s := c.Model.Services[n]
			if s.Image == "" || s.Build != nil {
				continue
			}
			im := projectImage{Ref: s.Image, Service: n, Platform: s.Platform}
			if y := located[n]; y != nil {
				im.Range = y.rng
			}
			out = append(out, im)
		}
		return out
	}
	// No model (the files did not load): the literal image: values.
	for _, n := range order {
		y := located[n]
		if y.value == "" || y.hasBuild || strings.Contains(y.value, "$") {
			continue
		}
		out = append(out, projectImage{Ref: y.value, Range: y.rng, Service: n})
	}
	return out
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return len(list)
}

// inspectImage asks the engine about a local image; present is false when
// the engine does not have it (404).
// Each call is bounded by EngineTimeout.
func inspectImage(ctx context.Context, c *dockerengine.Client, ref string) (img dockerengine.ImageInspect, present bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, EngineTimeout)
	defer cancel()
	err = c.Get(ctx, "/images/"+ref+"/json", nil, &img)
	var e *dockerengine.Error
	switch {
	case errors.As(err, &e) && e.Kind == dockerengine.KindHTTP && e.Status == http.StatusNotFound:
		return img, false, nil
	case err != nil:
		return img, false, err
	}
	return img, true, nil
}

// normalizeArch maps the kernel's machine names (/info Architecture) to
// the Go/OCI names images use.
func normalizeArch(a string) string {
	switch a = strings.ToLower(a); a {
	case "x86_64", "x86-64", "x64":
		return "amd64"
	case "aarch64", "armv8", "armv8l":
		return "arm64"
	case "armv7l", "armv7", "armv6l", "armhf":
		return "arm"
	case "i386", "i486", "i586", "i686", "x86":
		return "386"
	}
	return a
}
