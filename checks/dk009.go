package checks

import (
	"context"
	"fmt"
	"time"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// imagesToPull is DK009: images of the project that the engine does not
// have yet: service images (image: without build:) and the base images of
// its Dockerfiles. The first `docker compose up` pulls them, which needs
// the network and takes time. Only the local engine is asked; no registry.
func imagesToPull() *Check {
	return &Check{
		ID:       "DK009",
		Name:     "images-to-pull",
		Title:    "Images the first run will pull",
		Section:  SectionEngine,
		Severity: finding.SeverityInfo,
		Since:    "0.1.0",
		Timeout:  EngineTimeout + 2*time.Second,
		Run: func(ctx context.Context, p *Probe) {
			images := projectImages(p.Project)
			if len(images) == 0 {
				p.Skip("the project names no image to pull")
				return
			}
			e, ok := upEngine(ctx, p)
			if !ok {
				return
			}
			var missing []projectImage
			services, bases := false, false
			for _, im := range images {
				_, present, err := inspectImage(ctx, e.Client, im.Ref)
				if err != nil {
					p.Skip("the engine did not answer about %s: %s", im.Ref, why(kindOf(err), err))
					return
				}
				if present {
					continue
				}
				missing = append(missing, im)
				if im.Service != "" {
					services = true
				} else {
					bases = true
				}
			}
			if len(missing) == 0 {
				p.Detail("all %d images of the project are present", len(images))
				return
			}
			related := make([]finding.Related, 0, len(missing))
			for _, im := range missing {
				related = append(related, finding.Related{Range: im.Range, Message: fmt.Sprintf("%s (%s) is not present", im.Ref, im.Origin())})
			}
			what := "1 image is"
			if len(missing) > 1 {
				what = fmt.Sprintf("%d images are", len(missing))
			}
			var fix string
			switch {
			case services && bases:
				fix = "`docker compose pull` fetches the service images and `docker compose build --pull` the base images; run them while you are online"
			case services:
				fix = "`docker compose pull` fetches them now, while you are online"
			default:
				fix = "`docker compose build --pull` fetches the base images and builds, while you are online"
			}
			p.Report(finding.Finding{
				Message: fmt.Sprintf("%s not on this machine yet, so the first `docker compose up` downloads them (it needs the network and takes a while): %s", what, imageNames(missing, 10)),
				Related: related,
				Fix:     &finding.Fix{Message: fix},
			})
		},
	}
}
