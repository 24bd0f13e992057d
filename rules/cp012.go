package rules

import (
	"fmt"
	"path/filepath"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// envFileMissing is CP012: a service's env_file that does not exist (or is
// a directory). docker compose refuses to start the whole project, unless
// the long syntax marks the file `required: false`.
func envFileMissing() *Rule {
	return &Rule{
		ID:       "CP012",
		Name:     "env-file-missing",
		Title:    "Service env_file does not exist",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil || c.Model == nil {
				return
			}
			services := modelServices(c)
			for _, s := range serviceNodes(c) {
				svc, ok := services[s.name]
				if !ok {
					continue
				}
				for _, ref := range envFileRefs(c, s) {
					abs := filepath.Join(fileBaseDir(p.Project, s.file), filepath.FromSlash(ref.path))
					if filepath.IsAbs(ref.path) {
						abs = filepath.Clean(ref.path)
					}
					required, found := false, false
					for _, e := range svc.EnvFiles {
						if filepath.Clean(e.Path) == abs {
							found, required = true, bool(e.Required)
						}
					}
					if !found || !required {
						continue // replaced by an override, or optional
					}
					info, ok := c.PathFact(abs)
					if !ok {
						continue
					}
					_, disabled := c.Model.DisabledServices[s.name]
					if f, bad := envFileFinding(p.Project, s, ref, info, disabled); bad {
						p.Report(f)
					}
				}
			}
		},
	}
}

// envFileRef is one env_file path as written in a service.
type envFileRef struct {
	path string // interpolated
	node *yaml.Node
}

// envFileRefs lists the env_file paths of a service node in every syntax:
// a string, a list of strings, a list of {path, required, format}.
func envFileRefs(c *project.Compose, s serviceNode) []envFileRef {
	v := deref(mapValue(s.node, "env_file"))
	if v == nil {
		return nil
	}
	var out []envFileRef
	add := func(n *yaml.Node) {
		if n = deref(n); n != nil && n.Kind == yaml.ScalarNode && n.Value != "" {
			out = append(out, envFileRef{path: interpolate(c, s.file, n.Value), node: n})
		}
	}
	switch v.Kind {
	case yaml.ScalarNode:
		add(v)
	case yaml.SequenceNode:
		for _, item := range seqItems(v) {
			if item.Kind == yaml.MappingNode {
				add(mapValue(item, "path"))
			} else {
				add(item)
			}
		}
	}
	return out
}

func envFileFinding(p *project.Project, s serviceNode, ref envFileRef, info project.PathInfo, disabled bool) (finding.Finding, bool) {
	rng := project.NodeRange(s.file.Source, ref.node)
	optional := fmt.Sprintf("env_file: [{path: %s, required: false}]", ref.path)
	refuses := "docker compose refuses to start the project"
	if disabled {
		refuses = "docker compose refuses to start the project once a profile of this service is enabled"
	}
	name := fmt.Sprintf("%q", ref.path)
	if ref.node.Value != ref.path {
		name = fmt.Sprintf("%q (%s)", ref.node.Value, ref.path)
	}
	switch {
	case info.IsDir:
		return finding.Finding{
			Range:   rng,
			Message: fmt.Sprintf("env_file %s of service %q is a directory: %s", name, s.name, refuses),
			Fix:     &finding.Fix{Message: "name the env file inside it, or correct the path"},
		}, true
	case info.Exists:
		return finding.Finding{}, false
	case info.Err != "":
		return finding.Finding{
			Range:   rng,
			Message: fmt.Sprintf("env_file %s of service %q cannot be read (%s): %s", name, s.name, info.Err, refuses),
			Fix:     &finding.Fix{Message: fmt.Sprintf("make %s readable by your user (ls -l %s shows its owner and mode)", ref.path, ref.path)},
		}, true
	}
	msg := fmt.Sprintf("env_file %s of service %q does not exist: %s (env file not found)", name, s.name, refuses)
	fix := &finding.Fix{Message: fmt.Sprintf("create %s with the KEY=value lines the service needs (often by copying an example file), correct the path, or make it optional with the long syntax: %s", ref.path, optional)}
	if info.CaseVariant != "" {
		written := writtenLike(ref.path, project.RelPath(fileBaseDir(p, s.file), info.CaseVariant))
		msg += fmt.Sprintf("; %q exists, with different letter case (file names are case-sensitive on Linux)", written)
		fix = &finding.Fix{Message: fmt.Sprintf("write the path as it is on disk: %s", written)}
		if r, exact := scalarSpan(s.file.Source, ref.node, ref.node.Value, 0, len(ref.node.Value)); exact && ref.node.Value == ref.path {
			// Safe: on Linux the path as written fails; the one on disk is
			// the only file it can have meant.
			fix.Edits, fix.Safe = []finding.Edit{{Range: r, NewText: written}}, true
		}
	}
	return finding.Finding{Range: rng, Message: msg, Fix: fix}, true
}
