package rules

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// remoteInclude is CP017: a top-level include of a git repository, an OCI
// artifact or a URL. envdoctor never touches the network, so the services
// it brings were not checked, while docker compose fetches it on each run.
func remoteInclude() *Rule {
	return &Rule{
		ID:       "CP017",
		Name:     "remote-include",
		Title:    "Remote include is not checked",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil {
				return
			}
			for _, cf := range c.Files {
				inc, _ := cf.Lookup("include")
				for _, item := range seqItems(inc) {
					var paths []*yaml.Node
					switch item.Kind {
					case yaml.ScalarNode:
						paths = append(paths, item)
					case yaml.MappingNode:
						pv := deref(mapValue(item, "path"))
						if pv != nil && pv.Kind == yaml.SequenceNode {
							paths = append(paths, seqItems(pv)...)
						} else if pv != nil {
							paths = append(paths, pv)
						}
					}
					for _, n := range paths {
						if n.Kind != yaml.ScalarNode {
							continue
						}
						ref := interpolate(c, cf, n.Value)
						if !project.IsRemoteResource(ref) {
							continue
						}
						kind, pin := remoteKind(ref)
						name := fmt.Sprintf("%q", ref)
						if ref != n.Value {
							name = fmt.Sprintf("%q (%s)", n.Value, ref)
						}
						msg := fmt.Sprintf("include %s is %s: envdoctor never fetches it, so the services it defines were not checked; docker compose fetches it when it runs", name, kind)
						fix := "to have it checked, commit a copy and include it by path; or keep it and say why: # envdoctor:ignore CP017 -- <reason>"
						if pin != "" {
							msg += "; " + pin
							fix = "pin it (" + pinExample(ref) + "); " + fix
						}
						p.Report(finding.Finding{
							Range:   project.NodeRange(cf.Source, n),
							Message: msg,
							Fix:     &finding.Fix{Message: fix},
						})
					}
				}
			}
		},
	}
}

// remoteKind names what a remote include is and, when it floats, what it
// follows.
func remoteKind(ref string) (kind, floating string) {
	lower := strings.ToLower(ref)
	switch {
	case strings.HasPrefix(lower, "oci://"):
		rest := ref[len("oci://"):]
		last := rest[strings.LastIndex(rest, "/")+1:]
		if !strings.Contains(last, ":") && !strings.Contains(rest, "@") {
			return "an OCI artifact", "without a tag it follows :latest"
		}
		if strings.HasSuffix(last, ":latest") {
			return "an OCI artifact", "the latest tag moves"
		}
		return "an OCI artifact", ""
	case strings.HasPrefix(lower, "git@"), strings.HasPrefix(lower, "git://"), strings.HasPrefix(lower, "ssh://"),
		strings.HasPrefix(lower, "github.com/"), strings.Contains(lower, ".git#"), strings.HasSuffix(lower, ".git"):
		if !strings.Contains(ref, "#") {
			return "a git repository", "without a #ref it follows the default branch"
		}
		return "a git repository", ""
	}
	return "a remote URL", ""
}

func pinExample(ref string) string {
	if strings.HasPrefix(strings.ToLower(ref), "oci://") {
		return "oci://<registry>/<name>:<version>, or @sha256:<digest>"
	}
	return ref + "#<tag or commit>"
}
