package checks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// platformMismatch is DK010: an image of the project that is present
// locally but built for another CPU architecture than the engine's (an
// amd64-only image on Apple silicon): its containers run under emulation,
// slowly, or fail with "exec format error" where no emulator is installed.
// An image whose service or FROM declares that platform is intended.
func platformMismatch() *Check {
	return &Check{
		ID:       "DK010",
		Name:     "platform-mismatch",
		Title:    "A local image is built for another architecture than the engine's",
		Section:  SectionEngine,
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Timeout:  EngineTimeout + 2*time.Second,
		Run: func(ctx context.Context, p *Probe) {
			images := projectImages(p.Project)
			if len(images) == 0 {
				p.Skip("the project names no image")
				return
			}
			e, ok := upEngine(ctx, p)
			if !ok {
				return
			}
			engineOS, engineArch := strings.ToLower(e.Info.OSType), normalizeArch(e.Info.Architecture)
			if engineOS == "" {
				engineOS = strings.ToLower(e.Version.Os)
			}
			if engineArch == "" {
				engineArch = normalizeArch(e.Version.Arch)
			}
			if engineArch == "" {
				p.Skip("the engine did not say its architecture")
				return
			}
			checked := 0
			for _, im := range images {
				img, present, err := inspectImage(ctx, e.Client, im.Ref)
				if err != nil {
					p.Skip("the engine did not answer about %s: %s", im.Ref, why(kindOf(err), err))
					return
				}
				arch := normalizeArch(img.Architecture)
				if !present || arch == "" {
					continue
				}
				checked++
				if !strings.EqualFold(img.Os, engineOS) || arch == engineArch {
					continue // another OS is DK007's; same architecture is fine
				}
				if declared := strings.ToLower(im.Platform); declared != "" && (strings.Contains(declared, "$") || strings.HasPrefix(declared, strings.ToLower(img.Os)+"/"+arch)) {
					continue // the project asks for this platform on purpose
				}
				imgPlatform := strings.ToLower(img.Os) + "/" + arch
				if img.Variant != "" {
					imgPlatform += "/" + img.Variant
				}
				native := engineOS + "/" + engineArch
				p.Report(finding.Finding{
					Range: im.Range,
					Message: fmt.Sprintf("image %q (%s) present here is %s, but the engine runs %s: its containers run under emulation (slowly), or fail with \"exec format error\" where no emulator is installed",
						im.Ref, im.Origin(), imgPlatform, native),
					Fix: &finding.Fix{Message: platformFix(im, native, imgPlatform)},
				})
			}
			if checked > 0 && len(p.result.Findings) == 0 {
				p.Detail("the %d local images of the project match the engine's %s/%s", checked, engineOS, engineArch)
			}
		},
	}
}

func platformFix(im projectImage, native, imgPlatform string) string {
	pull := fmt.Sprintf("`docker pull --platform %s %s` fetches the native variant if the image has one (otherwise use a multi-architecture image or a newer tag)", native, im.Ref)
	if im.Service != "" {
		return fmt.Sprintf("%s; or write `platform: %s` in service %q to make the emulation explicit", pull, imgPlatform, im.Service)
	}
	return fmt.Sprintf("%s; or write `FROM --platform=%s` to make the emulation explicit", pull, imgPlatform)
}
