package rules

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// volumeDataInContext is BC004: the bind-mount source a service writes its
// data to lies inside a build context (the tutorial's ./postgres-data).
// After the first `docker compose up` every build sends the database's
// files; once they belong to the container's user (postgres runs as uid
// 999, files mode 0700) the build fails with "permission denied", and a
// `COPY .` copies whatever it can read into the image.
func volumeDataInContext() *Rule {
	return &Rule{
		ID:       "BC004",
		Name:     "volume-data-in-context",
		Title:    "Bind-mounted data directory inside a build context",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			for _, ctx := range p.Project.Contexts {
				for _, dm := range dataMountsIn(p.Project, ctx) {
					p.Report(dataMountFinding(p.Project, ctx, dm))
				}
			}
		},
	}
}

// dataMount is a service's data bind mount inside a build context.
type dataMount struct {
	v volumeItem
	// rel is the mount source relative to the context.
	rel string
	// why says what makes it a data directory.
	why string
	// pattern is the .dockerignore line that keeps it out.
	pattern string
}

// dataMountsIn lists the writable bind mounts of data directories whose
// source lies strictly inside the context and is still sent by it.
func dataMountsIn(p *project.Project, ctx *project.BuildContext) []dataMount {
	files := ctx.Files()
	if files == nil || p.Compose == nil {
		return nil
	}
	services := modelServices(p.Compose)
	ctxAbs := filepath.Join(p.Root, filepath.FromSlash(ctx.Dir))
	copies := contextCopies(ctx.Dockerfile)
	var out []dataMount
	seen := map[string]bool{}
	for _, b := range bindMountsUnder(p, ctxAbs) {
		v, rel := b.volumeItem, b.rel
		if v.mount.ReadOnly {
			continue
		}
		why, ok := dataDirReason(services[v.svc.name].Image, v.target, rel)
		if !ok || !sentEntry(files, rel) || seen[v.svc.name+"\x00"+rel] {
			continue
		}
		seen[v.svc.name+"\x00"+rel] = true
		out = append(out, dataMount{v: v, rel: rel, why: why, pattern: dataIgnorePattern(files, copies, rel)})
	}
	return out
}

// dataTargets are container directories where server images keep their
// data (the images' documentation on Docker Hub).
var dataTargets = []string{
	"/var/lib/", "/data", "/bitnami", "/usr/share/elasticsearch/data", "/usr/share/opensearch/data",
	"/var/opt/mssql", "/prometheus", "/var/lib/grafana", "/opt/couchdb/data", "/var/jenkins_home",
}

// dataWords are words of a directory name that say it holds data.
var dataWords = map[string]bool{
	"data": true, "db": true, "pgdata": true, "mysql": true, "mariadb": true, "postgres": true, "postgresql": true,
	"mongo": true, "mongodb": true, "redis": true, "volume": true, "volumes": true, "storage": true, "uploads": true,
	"minio": true, "elasticsearch": true, "esdata": true, "backups": true, "dumps": true, "sqlite": true,
}

// dataDirReason tells whether a bind mount holds a service's data: a
// stateful image (postgres, mysql...), a data directory target, or a
// source named like one.
func dataDirReason(image, target, rel string) (string, bool) {
	if image != "" {
		if s, _, ok := lookupStateful(image); ok {
			return fmt.Sprintf("the %s data of image %s", s.Kind, image), true
		}
	}
	for _, t := range dataTargets {
		if strings.HasSuffix(t, "/") && strings.HasPrefix(target, t) || target == t || strings.HasPrefix(target, t+"/") {
			return "the data the container writes to " + target, true
		}
	}
	for _, part := range strings.Split(rel, "/") {
		for _, w := range strings.FieldsFunc(strings.ToLower(part), func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			if dataWords[w] {
				return "the data the container writes to " + target, true
			}
		}
	}
	return "", false
}

// dataIgnorePattern is the .dockerignore line for a data mount: its
// top-level directory when that holds nothing but the mount (or does not
// exist yet: compose creates the whole path) and nothing is copied from
// it, else the mount's own path.
func dataIgnorePattern(files *project.ContextFiles, copies []contextCopy, rel string) string {
	top, _, nested := strings.Cut(rel, "/")
	if !nested {
		return rel
	}
	for _, e := range files.Under(top) {
		if e.Path != rel && !strings.HasPrefix(e.Path, rel+"/") && !strings.HasPrefix(rel, e.Path+"/") {
			return rel
		}
	}
	for _, cc := range copies {
		for _, s := range cc.sources {
			if s == top || strings.HasPrefix(s, top+"/") {
				return rel
			}
		}
	}
	return top
}

func dataMountFinding(p *project.Project, ctx *project.BuildContext, dm dataMount) finding.Finding {
	files := ctx.Files()
	state := "once docker compose creates it (on the first up), "
	if e, ok := files.Lookup(dm.rel); ok {
		state = ""
		if e.Dir {
			if st := files.SentDirs()[dm.rel]; st != nil && st.Files > 0 {
				state = fmt.Sprintf("it holds %s now: ", countBytes(st.Files, st.Bytes))
			}
		}
	}
	msg := fmt.Sprintf("bind-mount source %q of service %q is inside %s: %s%s is sent with every build",
		dm.v.source, dm.v.svc.name, contextLabel(ctx), state, dm.why)
	if cc, ok := imageCopy(contextCopies(ctx.Dockerfile), dm.rel); ok && cc.final {
		msg += fmt.Sprintf(" and `%s` copies it into the image", cc.text)
	}
	msg += ", and once the container's user owns those files docker build fails with permission denied"
	f := finding.Finding{Range: dm.v.sourceRange, Message: msg}
	f.Related = append(f.Related, finding.Related{Range: contextRange(p, ctx),
		Message: fmt.Sprintf("%s is defined here", contextLabel(ctx))})
	f.Fix = &finding.Fix{
		Message: fmt.Sprintf("add %s to %s (or keep the data out of the context: a named volume, e.g. %s-data:%s)",
			dm.pattern, ignorePath(ctx), volumeBaseName(dm.v.svc.name), dm.v.target),
		Edits: ignoreEdits(p, ctx, []string{dm.pattern}),
	}
	return f
}

func volumeBaseName(s string) string {
	return strings.Trim(path.Base(s), "./")
}

// countBytes writes "12 files, 3.4 MB".
func countBytes(files int, bytes int64) string {
	noun := "files"
	if files == 1 {
		noun = "file"
	}
	return fmt.Sprintf("%s %s, %s", commaInt(int64(files)), noun, project.HumanBytes(bytes))
}

// commaInt writes an integer with thousands separators: 12,345.
func commaInt(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + commaInt(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
