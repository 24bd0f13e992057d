package checks

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// windowsContainersMode is DK007: the engine runs Windows containers (Docker
// Desktop switched to "Windows containers") while the project's images are
// Linux images, so nothing can be pulled or built.
func windowsContainersMode() *Check {
	return &Check{
		ID:       "DK007",
		Name:     "windows-containers-mode",
		Title:    "The engine runs Windows containers but the project needs Linux images",
		Section:  SectionEngine,
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Timeout:  EngineTimeout + time.Second,
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
			osType := e.Info.OSType
			if osType == "" {
				osType = e.Ping.OSType
			}
			if !strings.EqualFold(osType, "windows") {
				return
			}
			var linux []projectImage
			for _, im := range images {
				if windowsImage(ctx, e, im) {
					p.Detail("the project uses Windows images (%s)", im.Ref)
					return
				}
				linux = append(linux, im)
			}
			related := make([]finding.Related, 0, len(linux))
			for _, im := range linux {
				related = append(related, finding.Related{Range: im.Range, Message: fmt.Sprintf("%s (%s) is a Linux image", im.Ref, im.Origin())})
			}
			p.Report(finding.Finding{
				Message: fmt.Sprintf("the engine runs Windows containers (Docker Desktop is in \"Windows containers\" mode), but the project's images are Linux images (%s): pulls fail with \"no matching manifest for windows/amd64\" and builds with \"image operating system \\\"linux\\\" cannot be used on this platform\"",
					imageNames(linux, 5)),
				Related: related,
				Fix:     &finding.Fix{Message: "switch Docker Desktop to Linux containers: right-click the whale icon in the taskbar > \"Switch to Linux containers...\", or run `& \"$Env:ProgramFiles\\Docker\\Docker\\DockerCli.exe\" -SwitchLinuxEngine`"},
			})
		},
	}
}

// windowsImage is true for an image meant for Windows containers: a
// platform: windows/..., a local image whose OS is windows, or a name of
// Microsoft's Windows base images (mcr.microsoft.com/windows/...,
// nanoserver, servercore, ltsc tags).
func windowsImage(ctx context.Context, e *Engine, im projectImage) bool {
	if strings.HasPrefix(strings.ToLower(im.Platform), "windows") {
		return true
	}
	ref := strings.ToLower(im.Ref)
	for _, marker := range []string{"mcr.microsoft.com/windows", "nanoserver", "servercore", "ltsc20"} {
		if strings.Contains(ref, marker) {
			return true
		}
	}
	if img, present, err := inspectImage(ctx, e.Client, im.Ref); err == nil && present {
		return strings.EqualFold(img.Os, "windows")
	}
	return false
}

// imageNames lists at most n references, then how many more.
func imageNames(images []projectImage, n int) string {
	var names []string
	for i, im := range images {
		if i == n {
			names = append(names, fmt.Sprintf("and %d more", len(images)-n))
			break
		}
		names = append(names, im.Ref)
	}
	return strings.Join(names, ", ")
}
