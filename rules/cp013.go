package rules

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/distribution/reference"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// unpinnedImage is CP013: a service's image without a tag or with :latest.
// Each `docker compose pull` may bring a different version, and two
// developers run different databases from the same file.
//
// The rule never contacts the engine. When the caller asked it (envdoctor
// fix sets Project.LocalImages for the references ImagesToPin lists), the
// fix pins the tag of the image you run now: another tag of the same local
// image that names a version (postgres:16.4 next to postgres:latest).
func unpinnedImage() *Rule {
	return &Rule{
		ID:       "CP013",
		Name:     "unpinned-image",
		Title:    "Service image has no tag or uses latest",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			for _, u := range unpinnedImages(p.Project) {
				problem := u.problem
				if problem == "has no tag" {
					problem += ": each pull may bring a different version"
				}
				p.Report(finding.Finding{
					Range:   project.NodeRange(u.def.file.Source, u.def.node),
					Message: fmt.Sprintf("service %q: image %q %s", u.service, u.image, problem),
					Fix:     pinFix(p.Project.LocalImages, u),
				})
			}
		},
	}
}

// unpinned is a service image CP013 reports.
type unpinned struct {
	service string
	image   string // interpolated, as compose pulls it
	repo    string // the image without its :latest
	problem string
	def     serviceNode
}

// unpinnedImages are the pulled service images with no tag or :latest, by
// service name.
func unpinnedImages(proj *project.Project) []unpinned {
	c := proj.Compose
	if c == nil {
		return nil
	}
	images := lastDefinition(c, "image")
	builds := lastDefinition(c, "build")
	var out []unpinned
	for _, name := range sortedNames(images) {
		def := images[name]
		if _, built := builds[name]; built {
			continue // image: names what compose builds, it is not pulled
		}
		image := def.node.Value
		if c.Model != nil {
			if svc, ok := c.Model.Services[name]; ok {
				image = svc.Image // interpolated, as compose pulls it
			} else if svc, ok := c.Model.DisabledServices[name]; ok {
				image = svc.Image
			}
		}
		if len(project.ScanVarRefs(image)) > 0 || image == "" {
			continue // unresolved: CP001 says why
		}
		repo, problem, isUnpinned := imagePinProblem(image)
		if !isUnpinned {
			continue
		}
		out = append(out, unpinned{service: name, image: image, repo: repo, problem: problem, def: def})
	}
	return out
}

// ImagesToPin lists the image references whose local images CP013's fix
// can use (Project.LocalImages): the unpinned images of the services, as
// written in the compose file (not interpolated), once each, sorted.
func ImagesToPin(proj *project.Project) []string {
	seen := map[string]bool{}
	var out []string
	for _, u := range unpinnedImages(proj) {
		if u.def.node.Value == u.image && !seen[u.image] {
			seen[u.image] = true
			out = append(out, u.image)
		}
	}
	sort.Strings(out)
	return out
}

// pinFix is CP013's fix: advice, and the edit that pins the local image's
// version when the engine told one.
func pinFix(local *project.LocalImages, u unpinned) *finding.Fix {
	advice := fmt.Sprintf("pin the version you test with, for example image: %s:<version> (`docker image ls %s` shows what you run now), or a digest", u.repo, u.repo)
	fix := &finding.Fix{Message: advice}
	if local == nil {
		return fix // nobody asked the engine (lint)
	}
	// The value is written as compose reads it (no interpolation): the
	// tag can be edited in place.
	written := u.def.node.Value == u.image
	im, asked := local.Image(u.image)
	switch {
	case !written:
		fix.Message += "; envdoctor fix does not edit an interpolated image: value"
	case local.Unavailable != "":
		fix.Message += fmt.Sprintf("; envdoctor fix could not ask the Docker engine which version you run (%s)", local.Unavailable)
	case !asked:
	case im.Err != "":
		fix.Message += fmt.Sprintf("; envdoctor fix could not learn which version you run (%s)", im.Err)
	case !im.Present:
		fix.Message += fmt.Sprintf("; the Docker engine has no local image %s, so envdoctor fix cannot tell which version you run", u.image)
	default:
		tag := versionTag(u.image, im.RepoTags)
		if tag == "" {
			fix.Message += fmt.Sprintf("; the local image %s has no other tag that names a version (it has %s), so envdoctor fix cannot tell which version you run",
				u.image, tagList(im.RepoTags))
			return fix
		}
		edit, ok := tagEdit(u, tag)
		if !ok {
			return fix
		}
		latest := u.image
		if latest == u.repo {
			latest += ":latest"
		}
		fix.Message = fmt.Sprintf("pin the version you run now: image: %s:%s (the local %s is the same image%s); other machines then pull that version too",
			u.repo, tag, latest, shortID(im.ID))
		fix.Edits = []finding.Edit{edit}
		// Unsafe: it pins what this machine runs, but another machine
		// whose latest is newer now pulls this older version, and a tag
		// built or tagged only here does not exist in the registry.
		fix.Safe = false
	}
	return fix
}

// tagEdit is the edit that gives the image: value the tag: it replaces
// "latest", or appends ":tag" to an image without one, inside the scalar
// (quotes kept).
func tagEdit(u unpinned, tag string) (finding.Edit, bool) {
	v := u.def.node.Value
	start, end, text := len(v), len(v), ":"+tag
	if strings.HasSuffix(v, ":latest") {
		start, text = len(v)-len("latest"), tag
	}
	r, exact := scalarSpan(u.def.file.Source, u.def.node, v, start, end)
	if !exact {
		return finding.Edit{}, false
	}
	return finding.Edit{Range: r, NewText: text}, true
}

// versionTagPattern matches a tag that names a version: digits first (an
// optional "v"), dot-separated, then an optional variant ("16.4",
// "1.27.1-alpine", "v2.3"). Tags such as "bookworm", "alpine", "stable" or
// "lts" move like latest does.
var versionTagPattern = regexp.MustCompile(`^v?([0-9]+(?:\.[0-9]+)*)(?:[-_+][A-Za-z0-9][A-Za-z0-9._-]*)?$`)

// versionTag picks, among the tags of the local image that image names,
// the one of the same repository that names the most precise version
// ("16.4" over "16"; a plain version over a variant; then the first in
// order), or "".
func versionTag(image string, tags []string) string {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return ""
	}
	best, bestParts := "", 0
	for _, t := range tags {
		tn, err := reference.ParseNormalizedNamed(t)
		if err != nil || tn.Name() != named.Name() {
			continue
		}
		tagged, ok := tn.(reference.Tagged)
		if !ok {
			continue
		}
		m := versionTagPattern.FindStringSubmatch(tagged.Tag())
		if m == nil {
			continue
		}
		tag, parts := tagged.Tag(), strings.Count(m[1], ".")+1
		better := parts > bestParts ||
			(parts == bestParts && (len(tag) < len(best) || (len(tag) == len(best) && tag < best)))
		if best == "" || better {
			best, bestParts = tag, parts
		}
	}
	return best
}

func tagList(tags []string) string {
	if len(tags) == 0 {
		return "no tag"
	}
	return strings.Join(tags, ", ")
}

// shortID is ", " and an image ID as docker image ls shows it, or "".
func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if id == "" {
		return ""
	}
	return ", " + id[:min(len(id), 12)]
}
