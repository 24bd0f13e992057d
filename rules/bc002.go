package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/internal/secrets"
)

// secretsInContext is BC002: a file that holds secrets is sent with the
// build context. When a whole-context COPY or ADD of the final image puts
// it in the image, anyone who can pull the image can read it (deleting it
// in a later RUN does not remove it from the layer): an error. Otherwise
// the builder (maybe a remote one) still receives it, and the next
// `COPY . .` ships it: a warning.
func secretsInContext() *Rule {
	return &Rule{
		ID:       "BC002",
		Name:     "secrets-in-context",
		Title:    "Secret file sent with the build context",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Fixable:  true,
		Security: true,
		Run: func(p *Pass) {
			for _, ctx := range p.Project.Contexts {
				for _, f := range contextSecretFindings(p.Project, ctx) {
					p.Report(f)
				}
			}
		},
	}
}

// contextSecret is one file of a context that holds secrets.
type contextSecret struct {
	rel  string // context path
	kind string // what it is, by name or content
}

// contextSecrets lists the sent files of a context that hold secrets: by
// their name (secretFileKind), or because the detectors find a provider
// token or a private key in them. Third-party package directories are
// left out. Found once per context (a warmup reads the files ahead);
// callers must not change it.
func contextSecrets(p *project.Project, ctx *project.BuildContext) []contextSecret {
	return projectFact(p, "contextSecrets", ctx, func() []contextSecret { return listContextSecrets(p, ctx) })
}

func listContextSecrets(p *project.Project, ctx *project.BuildContext) []contextSecret {
	files := contextListing(ctx)
	if files == nil {
		return nil
	}
	var out []contextSecret
	var scan, rels []string
	for _, f := range files.Files {
		if !f.Regular() || f.Excluded || inDependencyDir(f.Path) {
			continue
		}
		if kind := secretFileKind(f.Path); kind != "" {
			out = append(out, contextSecret{rel: f.Path, kind: kind})
			continue
		}
		scan = append(scan, rootPath(ctx, f.Path))
		rels = append(rels, f.Path)
	}
	for i, sf := range p.ScanSecrets(scan) {
		if kind := formatSecrets(sf.Secrets); kind != "" {
			out = append(out, contextSecret{rel: rels[i], kind: kind})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rel < out[j].rel })
	return out
}

// formatSecrets describes the secrets found by their format (not the
// generic secret-named assignments): "a file with a GitHub personal access
// token", or "".
func formatSecrets(found []project.FoundSecret) string {
	var descs []string
	for _, s := range found {
		if s.ID == secrets.GenericID || contains(descs, s.Description) {
			continue
		}
		descs = append(descs, s.Description)
	}
	if len(descs) == 0 {
		return ""
	}
	if len(descs) > 2 {
		descs = append(descs[:2], "more")
	}
	return "a file with " + withArticle(strings.Join(descs, ", "))
}

func withArticle(s string) string {
	if s != "" && strings.ContainsRune("aeiouAEIOU", rune(s[0])) || strings.HasPrefix(s, "npm ") {
		return "an " + s
	}
	return "a " + s
}

func contextSecretFindings(p *project.Project, ctx *project.BuildContext) []finding.Finding {
	copies := contextCopies(ctx.Dockerfile)
	found := contextSecrets(p, ctx)
	out := make([]finding.Finding, 0, len(found))
	for _, cs := range found {
		file := rootPath(ctx, cs.rel)
		fileRange := finding.Range{File: file, Start: finding.Pos{Line: 1, Col: 1}, End: finding.Pos{Line: 1, Col: 1}}
		name := printablePath(cs.rel)
		fix := &finding.Fix{
			Message: fmt.Sprintf("add %s to %s and give the values to the container at run time (compose env_file: or secrets:, docker run --env-file); a build step that needs one mounts it: RUN --mount=type=secret", name, ignorePath(ctx)),
			Edits:   ignoreEdits(p, ctx, []string{ignoreLine(cs.rel)}),
		}
		cc, copied := imageCopy(copies, cs.rel)
		var f finding.Finding
		switch {
		case copied && cc.whole && cc.final:
			f = finding.Finding{Range: cc.rng, Fix: fix,
				Message: fmt.Sprintf("`%s` puts %s (%s) into the image: anyone who can pull the image reads it, and deleting it in a later RUN leaves it in the layer", cc.text, name, cs.kind)}
			f.Related = append(f.Related, finding.Related{Range: fileRange, Message: fmt.Sprintf("%s is in %s", name, contextLabel(ctx))})
		case copied && cc.final:
			f = finding.Finding{Range: fileRange, Severity: finding.SeverityWarning, Fix: fix,
				Message: fmt.Sprintf("%s (%s) is sent with %s, and `%s` copies it into the image by name", name, cs.kind, contextLabel(ctx), cc.text)}
			f.Related = append(f.Related, finding.Related{Range: cc.rng, Message: "this instruction copies it"})
		case copied:
			f = finding.Finding{Range: fileRange, Severity: finding.SeverityWarning, Fix: fix,
				Message: fmt.Sprintf("%s (%s) is sent with %s, and `%s` copies it into stage %q: not the final image, but its layers stay in the build cache", name, cs.kind, contextLabel(ctx), cc.text, cc.stage)}
			f.Related = append(f.Related, finding.Related{Range: cc.rng, Message: "this instruction copies it"})
		default:
			f = finding.Finding{Range: fileRange, Severity: finding.SeverityWarning, Fix: fix,
				Message: fmt.Sprintf("%s (%s) is sent with %s: no COPY puts it in the image today, but the builder (a CI runner or a remote builder) receives it, and a later `COPY . .` would ship it", name, cs.kind, contextLabel(ctx))}
		}
		out = append(out, f)
	}
	return out
}

// ignoreLine is the .dockerignore line that matches exactly the context
// path rel (every pattern starts at the context root): wildcard
// characters are escaped, and a leading "#" or "!" too.
func ignoreLine(rel string) string {
	var b strings.Builder
	for i, r := range rel {
		if strings.ContainsRune(`*?[]\`, r) || i == 0 && (r == '#' || r == '!') {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
