package checks

import (
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/format"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// Helpers of the file probes (HS001, HS003, HS004) that join compose-go's
// model (what docker compose runs) with the YAML nodes of the compose files
// (where the user wrote it).

// activeServices are the services docker compose starts (the active
// profiles), sorted by name.
func activeServices(c *project.Compose) []types.ServiceConfig {
	if c == nil || c.Model == nil {
		return nil
	}
	out := make([]types.ServiceConfig, 0, len(c.Model.Services))
	for _, name := range slices.Sorted(maps.Keys(c.Model.Services)) {
		svc := c.Model.Services[name]
		if svc.Name == "" {
			svc.Name = name
		}
		out = append(out, svc)
	}
	return out
}

// serviceKey finds the last compose file that sets key in service name (an
// override file wins), with the value node; ok is false when no file
// writes it (the value comes from the image, or extends).
func serviceKey(c *project.Compose, name, key string) (cf *project.ComposeFile, v *yaml.Node, ok bool) {
	for i := len(c.Files) - 1; i >= 0; i-- {
		f := c.Files[i]
		if v, _ := f.Lookup("services", name, key); v != nil {
			return f, v, true
		}
	}
	return nil, nil, false
}

// serviceRange is the place of a service's name in the first file that
// declares it, for findings about a service with no better place.
func serviceRange(c *project.Compose, name string) finding.Range {
	for _, f := range c.Files {
		services, _ := f.Lookup("services")
		for _, kv := range project.MappingPairs(services) {
			if kv[0].Value == name {
				return project.NodeRange(f.Source, kv[0])
			}
		}
	}
	if len(c.Files) > 0 {
		return finding.Range{File: c.Files[0].Path}
	}
	return finding.Range{}
}

// mount is one volume of a service as docker compose mounts it, with the
// place of its entry.
type mount struct {
	Service string
	// Type is "bind", "volume" (named, or anonymous when Source is ""),
	// "tmpfs"...
	Type string
	// Source is the absolute host path of a bind mount, or the volume's
	// key under the top-level volumes:.
	Source string
	// Written is the source as written in the file (interpolated), e.g.
	// "./data".
	Written string
	Target  string
	// Range is the source's span in the entry (the whole entry when it
	// cannot be told apart, the service name when no entry is found).
	Range finding.Range
}

// serviceMounts lists the volumes of the active services in service order.
func serviceMounts(c *project.Compose) []mount {
	var out []mount
	for _, svc := range activeServices(c) {
		for _, m := range svc.Volumes {
			mt := mount{Service: svc.Name, Type: m.Type, Source: m.Source, Written: m.Source, Target: path.Clean(m.Target)}
			if m.Target == "" {
				continue
			}
			if r, written, ok := locateVolume(c, svc.Name, mt.Target); ok {
				mt.Range = r
				if written != "" {
					mt.Written = written
				}
			} else {
				mt.Range = serviceRange(c, svc.Name)
			}
			if mt.Type == types.VolumeTypeBind {
				mt.Source = filepath.Clean(m.Source)
			}
			out = append(out, mt)
		}
	}
	return out
}

// locateVolume finds the entry of service name's volumes that mounts
// target, in the last file that has one: the span of its source and the
// source as written.
func locateVolume(c *project.Compose, name, target string) (finding.Range, string, bool) {
	for i := len(c.Files) - 1; i >= 0; i-- {
		f := c.Files[i]
		seq, _ := f.Lookup("services", name, "volumes")
		seq = deref(seq)
		if seq == nil || seq.Kind != yaml.SequenceNode {
			continue
		}
		env := c.Environment
		if f.Env != nil {
			env = f.Env
		}
		for _, item := range seq.Content {
			item = deref(item)
			if item == nil {
				continue
			}
			switch item.Kind {
			case yaml.ScalarNode:
				parsed, err := format.ParseVolume(substitute(item.Value, env))
				if err != nil || path.Clean(parsed.Target) != target {
					continue
				}
				return shortSourceRange(f.Source, item), parsed.Source, true
			case yaml.MappingNode:
				var src, tgt *yaml.Node
				for _, kv := range project.MappingPairs(item) {
					switch kv[0].Value {
					case "source":
						src = deref(kv[1])
					case "target":
						tgt = deref(kv[1])
					}
				}
				if tgt == nil || path.Clean(substitute(tgt.Value, env)) != target {
					continue
				}
				if src == nil {
					return project.NodeRange(f.Source, item), "", true
				}
				return project.NodeRange(f.Source, src), substitute(src.Value, env), true
			}
		}
	}
	return finding.Range{}, "", false
}

// shortSourceRange is the span of the source part of a short volume entry
// ("./data:/var/lib/x"), when it is written on one line as is; else the
// whole entry.
func shortSourceRange(src *project.Source, item *yaml.Node) finding.Range {
	whole := project.NodeRange(src, item)
	raw, err := format.ParseVolume(item.Value)
	if err != nil || raw.Source == "" || !strings.HasPrefix(item.Value, raw.Source) || src == nil {
		return whole
	}
	col := whole.Start.Col
	if item.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		col++
	}
	line := src.Line(whole.Start.Line)
	if col-1 > len(line) || !strings.HasPrefix(line[col-1:], raw.Source) {
		return whole
	}
	return finding.Range{File: whole.File, Start: finding.Pos{Line: whole.Start.Line, Col: col},
		End: finding.Pos{Line: whole.Start.Line, Col: col + len(raw.Source)}}
}

// substitute interpolates a compose scalar as compose does; a value
// compose would reject is returned as written.
func substitute(s string, env map[string]string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	out, err := template.Substitute(s, func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	})
	if err != nil {
		return s
	}
	return out
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	return n
}

// insideRoot reports whether the absolute host path abs is the project
// root or inside it.
func insideRoot(root, abs string) bool {
	rel, err := filepath.Rel(root, abs)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
