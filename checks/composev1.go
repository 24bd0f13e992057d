package checks

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// v1Gap is a compose file feature that Compose v1 lacks. Source: each entry
// was checked by running `docker-compose config` of docker-compose 1.29.2
// (v1's last release, Debian 12's package) on a file using it, on
// 2026-11-26; V1Error is what it printed, with {1}, {2} standing for what the
// wildcards of Path matched and {key} for the last key. Features v1 accepts
// (profiles, depends_on conditions, service_completed_successfully,
// pull_policy, platform, deploy.resources.reservations.devices, file-based
// secrets and configs, extends with file, mapping extra_hosts) are not
// listed.
type v1Gap struct {
	Path    []string
	V1Error string
}

const (
	v1TopError     = "'{key}' does not match any of the regexes: '^x-'"
	v1ServiceError = "Unsupported config option for services.{1}: '{key}'"
)

// v1Gaps is the table, in the order findings are reported.
var v1Gaps = []v1Gap{
	{[]string{"include"}, v1TopError},
	{[]string{"name"}, v1TopError},
	{[]string{"models"}, v1TopError},
	{[]string{"services", "*", "develop"}, v1ServiceError},
	{[]string{"services", "*", "attach"}, v1ServiceError},
	{[]string{"services", "*", "gpus"}, v1ServiceError},
	{[]string{"services", "*", "post_start"}, v1ServiceError},
	{[]string{"services", "*", "pre_stop"}, v1ServiceError},
	{[]string{"services", "*", "label_file"}, v1ServiceError},
	{[]string{"services", "*", "cgroup"}, v1ServiceError},
	{[]string{"services", "*", "annotations"}, v1ServiceError},
	{[]string{"services", "*", "use_api_socket"}, v1ServiceError},
	{[]string{"services", "*", "provider"}, v1ServiceError},
	{[]string{"services", "*", "models"}, v1ServiceError},
	{[]string{"services", "*", "healthcheck", "start_interval"}, "services.{1}.healthcheck value '{key}' does not match any of the regexes: '^x-'"},
	{[]string{"services", "*", "depends_on", "*", "required"}, "services.{1}.depends_on contains unsupported option: '{key}'"},
	{[]string{"services", "*", "depends_on", "*", "restart"}, "services.{1}.depends_on contains unsupported option: '{key}'"},
	{[]string{"services", "*", "build", "additional_contexts"}, "services.{1}.build contains unsupported option: '{key}'"},
	{[]string{"services", "*", "build", "ssh"}, "services.{1}.build contains unsupported option: '{key}'"},
	{[]string{"services", "*", "build", "secrets"}, "services.{1}.build contains unsupported option: '{key}'"},
	{[]string{"services", "*", "build", "tags"}, "services.{1}.build contains unsupported option: '{key}'"},
	{[]string{"services", "*", "build", "platforms"}, "services.{1}.build contains unsupported option: '{key}'"},
	{[]string{"services", "*", "build", "dockerfile_inline"}, "services.{1}.build contains unsupported option: '{key}'"},
	{[]string{"services", "*", "build", "cache_to"}, "services.{1}.build contains unsupported option: '{key}'"},
	{[]string{"services", "*", "build", "privileged"}, "services.{1}.build contains unsupported option: '{key}'"},
	{[]string{"services", "*", "build", "no_cache"}, "services.{1}.build contains unsupported option: '{key}'"},
	{[]string{"services", "*", "build", "pull"}, "services.{1}.build contains unsupported option: '{key}'"},
	{[]string{"services", "*", "build", "entitlements"}, "services.{1}.build contains unsupported option: '{key}'"},
	{[]string{"services", "*", "ports", "[]", "name"}, "services.{1}.ports contains unsupported option: '{key}'"},
	{[]string{"services", "*", "ports", "[]", "app_protocol"}, "services.{1}.ports contains unsupported option: '{key}'"},
	{[]string{"services", "*", "volumes", "[]", "bind", "create_host_path"}, "services.{1}.volumes contains unsupported option: '{key}'"},
	{[]string{"services", "*", "volumes", "[]", "bind", "recursive"}, "services.{1}.volumes contains unsupported option: '{key}'"},
	{[]string{"services", "*", "volumes", "[]", "volume", "subpath"}, "services.{1}.volumes contains unsupported option: '{key}'"},
	{[]string{"services", "*", "networks", "*", "gw_priority"}, "services.{1}.networks.{2} contains unsupported option: '{key}'"},
	{[]string{"services", "*", "networks", "*", "interface_name"}, "services.{1}.networks.{2} contains unsupported option: '{key}'"},
	{[]string{"services", "*", "networks", "*", "mac_address"}, "services.{1}.networks.{2} contains unsupported option: '{key}'"},
	{[]string{"services", "*", "env_file", "[]"}, "services.{1}.env_file contains {...}, which is an invalid type, it should be a string"},
	{[]string{"secrets", "*", "environment"}, "secrets.{1} value '{key}' does not match any of the regexes: '^x-'"},
	{[]string{"configs", "*", "content"}, "configs.{1} value '{key}' does not match any of the regexes: '^x-'"},
	{[]string{"configs", "*", "environment"}, "configs.{1} value '{key}' does not match any of the regexes: '^x-'"},
	{[]string{"networks", "*", "enable_ipv4"}, "networks.{1} value '{key}' does not match any of the regexes: '^x-'"},
}

// v1Tags are the YAML tags of the Compose Specification that v1's YAML
// loader rejects ("could not determine a constructor for the tag").
var v1Tags = []string{"!reset", "!override"}

// composeV1Gaps reports every use of a feature Compose v1 lacks in the
// project's compose files (included files excepted: v1 never reads them).
func composeV1Gaps(proj *project.Project, v1 ComposeCommand) []finding.Finding {
	if proj == nil || proj.Compose == nil {
		return nil
	}
	var out []finding.Finding
	for _, cf := range proj.Compose.Files {
		if cf.Included || cf.Root == nil || cf.Source == nil {
			continue
		}
		for _, gap := range v1Gaps {
			for _, m := range matchPath(cf, gap.Path...) {
				if gap.Path[len(gap.Path)-1] == "[]" && resolve(m.value).Kind != yaml.MappingNode {
					continue // only the long syntax of a list item is new
				}
				where := concretePath(gap.Path, m.wild)
				out = append(out, finding.Finding{
					Severity: finding.SeverityError,
					Range:    m.keyRange(),
					Message: fmt.Sprintf("`%s` is not supported by Compose v1, the only compose here (%s): it rejects the whole file with %q",
						where, v1.Label(), fillV1Error(gap, m)),
					Fix: &finding.Fix{Message: fmt.Sprintf("run the project with Compose v2 (`docker compose`), which supports it; or remove `%s` if v1 must keep working", where)},
				})
			}
		}
		out = append(out, v1TagFindings(cf, v1)...)
		out = append(out, v1InterpolationFindings(cf, v1)...)
	}
	return out
}

// concretePath writes a pattern with its wildcards filled in:
// services.web.ports[0].name.
func concretePath(pattern, wild []string) string {
	var b strings.Builder
	w := 0
	for _, seg := range pattern {
		switch seg {
		case "[]":
			if w < len(wild) {
				fmt.Fprintf(&b, "[%s]", wild[w])
				w++
			}
			continue
		case "*":
			if w < len(wild) {
				seg = wild[w]
				w++
			}
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

func fillV1Error(gap v1Gap, m yamlMatch) string {
	s := gap.V1Error
	var names []string
	for i, seg := range gap.Path {
		if w := wildIndex(gap.Path, i); seg == "*" && w < len(m.wild) {
			names = append(names, m.wild[w])
		}
	}
	for i, n := range names {
		s = strings.ReplaceAll(s, "{"+strconv.Itoa(i+1)+"}", n)
	}
	if m.key != nil {
		s = strings.ReplaceAll(s, "{key}", m.key.Value)
	}
	return s
}

// wildIndex is the index in the match's wild list of the wildcard at
// pattern position i.
func wildIndex(pattern []string, i int) int {
	n := 0
	for _, seg := range pattern[:i] {
		if seg == "*" || seg == "[]" {
			n++
		}
	}
	return n
}

// v1TagFindings reports !reset and !override tags.
func v1TagFindings(cf *project.ComposeFile, v1 ComposeCommand) []finding.Finding {
	var out []finding.Finding
	walkNodes(cf.Root, func(n *yaml.Node) {
		for _, tag := range v1Tags {
			if n.Tag != tag || n.Line == 0 {
				continue
			}
			r := finding.Range{File: cf.Path, Start: finding.Pos{Line: n.Line, Col: n.Column}, End: finding.Pos{Line: n.Line, Col: n.Column + len(tag)}}
			if !strings.HasPrefix(cf.Source.Line(n.Line)[min(n.Column-1, len(cf.Source.Line(n.Line))):], tag) {
				r = project.NodeRange(cf.Source, n)
			}
			out = append(out, finding.Finding{
				Severity: finding.SeverityError,
				Range:    r,
				Message:  fmt.Sprintf("the `%s` tag is not supported by Compose v1, the only compose here (%s): it fails to load the file with \"could not determine a constructor for the tag '%s'\"", tag, v1.Label(), tag),
				Fix:      &finding.Fix{Message: fmt.Sprintf("run the project with Compose v2 (`docker compose`), which supports it; or remove `%s` and write the merged value out if v1 must keep working", tag)},
			})
		}
	})
	return out
}

// walkNodes calls fn for every node of the tree, keys included; aliased
// subtrees are visited once, at their anchor.
func walkNodes(root *yaml.Node, fn func(*yaml.Node)) {
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 200 || n.Kind == yaml.AliasNode {
			return
		}
		fn(n)
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(root, 0)
}

// v1InterpolationFindings reports the ${VAR:+alt} modifiers v1 rejects and
// the nested ${A:-${B}} defaults v1 reads differently.
func v1InterpolationFindings(cf *project.ComposeFile, v1 ComposeCommand) []finding.Finding {
	var out []finding.Finding
	project.WalkScalars(cf.Root, func(n *yaml.Node) {
		for _, lr := range project.ScalarRefs(cf.Source, n) {
			switch {
			case lr.Ref.Op == ":+" || lr.Ref.Op == "+":
				out = append(out, finding.Finding{
					Severity: finding.SeverityError,
					Range:    lr.Range,
					Message:  fmt.Sprintf("`%s` uses the %s modifier, which Compose v1, the only compose here (%s), does not support: it fails with \"Invalid interpolation format\"", lr.Text, lr.Ref.Op, v1.Label()),
					Fix:      &finding.Fix{Message: "run the project with Compose v2 (`docker compose`), which supports it; or set the value without the modifier if v1 must keep working"},
				})
			case len(lr.Ref.Nested) > 0:
				out = append(out, finding.Finding{
					Severity: finding.SeverityWarning,
					Range:    lr.Range,
					Message:  fmt.Sprintf("`%s` nests a variable in its default: Compose v1, the only compose here (%s), ends the default at the first `}`, so the value becomes other text than with Compose v2", lr.Text, v1.Label()),
					Fix:      &finding.Fix{Message: "run the project with Compose v2 (`docker compose`), which reads nested references; or give a plain default if v1 must keep working"},
				})
			}
		}
	})
	return out
}
