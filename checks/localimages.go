package checks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/distribution/reference"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
	"github.com/envdoctor/envdoctor/internal/project"
)

// LocalImagesTimeout bounds LocalImages as a whole: the first contact
// (EngineTimeout) and the inspections after it.
const LocalImagesTimeout = 5 * time.Second

// LocalImages asks the engine about images the project names, for envdoctor
// fix (CP013 pins the tag of the image you run): GET /images/{name}/json
// for each reference, nothing else after the first contact. It never pulls
// and reaches nothing but the resolved engine endpoint. At most
// maxProjectImages references are asked about; an invalid one is not sent.
// A hung engine costs at most LocalImagesTimeout: after a failure that is
// not about one image (a timeout, a broken connection), the engine is not
// asked again.
func LocalImages(ctx context.Context, facts *Facts, refs []string) *project.LocalImages {
	ctx, cancel := context.WithTimeout(ctx, LocalImagesTimeout)
	defer cancel()
	out := &project.LocalImages{Images: map[string]project.LocalImage{}}
	e := facts.Engine(ctx)
	if !e.Up() {
		out.Unavailable = engineDownWords(e)
		return out
	}
	for i, ref := range refs {
		if i >= maxProjectImages {
			break
		}
		if _, ok := out.Images[ref]; ok {
			continue
		}
		if _, err := reference.ParseNormalizedNamed(ref); err != nil {
			out.Images[ref] = project.LocalImage{Err: "not a valid image reference"}
			continue
		}
		img, present, err := inspectImage(ctx, e.Client, ref)
		if err != nil {
			if dockerengine.KindOf(err) != dockerengine.KindHTTP {
				out.Unavailable = fmt.Sprintf("the Docker engine at %s stopped answering (%s)", e.Endpoint.Host, dockerengine.KindOf(err))
				return out
			}
			var de *dockerengine.Error
			errors.As(err, &de)
			out.Images[ref] = project.LocalImage{Err: fmt.Sprintf("the engine answered HTTP %d", de.Status)}
			continue
		}
		out.Images[ref] = project.LocalImage{Present: present, ID: img.ID, RepoTags: img.RepoTags, RepoDigests: img.RepoDigests}
	}
	return out
}

// engineDownWords says why the engine could not be asked, in a few words.
func engineDownWords(e *Engine) string {
	switch {
	case e.EndpointErr != nil:
		return fmt.Sprintf("no Docker engine endpoint could be chosen: %v", e.EndpointErr)
	case e.Err != nil:
		return fmt.Sprintf("no Docker engine answers at %s: %s", e.Endpoint.Host, dockerengine.KindOf(e.Err))
	}
	return fmt.Sprintf("no Docker engine answers at %s", e.Endpoint.Host)
}
