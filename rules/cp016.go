package rules

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// bindSourceMissing is CP016: a relative bind-mount source that does not
// exist. Docker creates it as an empty directory (owned by root on Linux):
// the container sees nothing where it expected files, a file mount
// (./nginx.conf) becomes a directory, and the user cannot delete it without
// sudo. With bind.create_host_path: false the engine refuses to start the
// container instead.
func bindSourceMissing() *Rule {
	return &Rule{
		ID:       "CP016",
		Name:     "bind-source-missing",
		Title:    "Bind-mount source does not exist",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil || c.Model == nil {
				return
			}
			for _, v := range volumeItems(p.Project) {
				if v.typ != types.VolumeTypeBind || !isRelativeSource(v.source) {
					continue
				}
				info, ok := c.PathFact(v.mount.Source)
				if !ok || info.Exists || info.Err != "" {
					continue
				}
				p.Report(missingBindFinding(p.Project, v, info))
			}
		},
	}
}

func missingBindFinding(p *project.Project, v volumeItem, info project.PathInfo) finding.Finding {
	fileLike := looksLikeFile(v.target)
	f := finding.Finding{Range: v.sourceRange}
	if v.createHostPath {
		f.Message = fmt.Sprintf("bind-mount source %q of service %q does not exist: Docker creates it as an empty directory (owned by root on Linux)", v.source, v.svc.name)
		if fileLike {
			f.Message += fmt.Sprintf(", so the container finds a directory where it expects the file %s", v.target)
		} else {
			f.Message += fmt.Sprintf(", so the container sees an empty %s", v.target)
		}
	} else {
		f.Severity = finding.SeverityError
		f.Message = fmt.Sprintf("bind-mount source %q of service %q does not exist and bind.create_host_path is false: docker compose up fails (the engine refuses a missing bind source)", v.source, v.svc.name)
	}
	fix := fmt.Sprintf("create it (mkdir -p %s) or correct the path", v.source)
	if fileLike {
		fix = fmt.Sprintf("create the file %s (Docker would otherwise create a directory in its place) or correct the path", v.source)
	}
	if info.CaseVariant != "" {
		written := writtenLike(v.source, project.RelPath(fileBaseDir(p, v.svc.file), info.CaseVariant))
		f.Message += fmt.Sprintf("; %q exists, with different letter case (file names are case-sensitive on Linux)", written)
		fix = fmt.Sprintf("write the path as it is on disk: %s", written)
		f.Fix = &finding.Fix{Message: fix}
		if v.sourceExact {
			f.Fix.Edits = []finding.Edit{{Range: v.sourceRange, NewText: written}}
		}
		return f
	}
	f.Fix = &finding.Fix{Message: fix}
	return f
}

// writtenLike writes a root-relative path the way the user wrote the
// original: with a leading "./" when they did.
func writtenLike(original, rel string) string {
	rel = filepath.ToSlash(rel)
	if strings.HasPrefix(original, "./") && !strings.HasPrefix(rel, "../") {
		return "./" + rel
	}
	return rel
}

// looksLikeFile guesses that a container path names a file: its last
// element has an extension (nginx.conf, init.sql), or it is a well-known
// extensionless file.
func looksLikeFile(target string) bool {
	base := path.Base(target)
	switch base {
	case "Caddyfile", "Dockerfile", "Makefile", "Procfile", "hosts", "passwd", "crontab":
		return true
	}
	ext := path.Ext(base)
	// conf.d, initdb.d: directories by convention.
	return ext != "" && ext != ".d" && ext != base && len(ext) <= 6 && !strings.HasPrefix(base, ".")
}
