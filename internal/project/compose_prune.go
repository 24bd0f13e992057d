package project

import (
	"reflect"
	"strings"

	"github.com/compose-spec/compose-go/v2/transform"
	"github.com/compose-spec/compose-go/v2/tree"
)

// compose-go's model walks (transform.Canonical, SetDefaultValues,
// validation.Validate, paths.ResolveRelativePaths) visit every value of the
// model and match its path against each pattern of their table with
// tree.Path.Matches, which splits both paths into new slices on every call:
// on a large project that is a third of the load. A service attribute that
// no pattern can reach (environment, labels, image, healthcheck...) is
// visited for nothing, value by value. walkPruned gives a walk the model
// with those attributes left out of each service and job, then puts back
// what the walk made of the others: the result is the walk's own, because
// a walk only changes the values its patterns match.
//
// The pattern tables are compose-go v2.16.2's. DefaultValues is exported
// and read as it is; the others are unexported and mirrored here from
// their source (each names its file). A pattern that reaches a service as a
// whole ("services.*") prevents any pruning, except Canonical's
// transformService, which only walks the service's attributes like any
// mapping (transform/services.go). A test loads the Compose Specification's
// full example and every project under testdata both ways.

// canonicalPatterns are transform/canonical.go's transformers, without
// "services.*" and "jobs.*" (transformService) and "services.*.build" and
// "jobs.*.build" (transformBuild, which walks a mapping like any other and
// only changes a string, never pruned: the build's keys that no pattern
// reaches, context, args..., are left out too).
var canonicalPatterns = func() []tree.Path {
	var out []tree.Path
	for _, prefix := range []string{"services.*", "jobs.*", "services.*.pre_start.*"} {
		for _, p := range []string{"env_file", "label_file", "gpus", "networks", "models", "volumes.*", "dns", "devices.*", "secrets.*", "configs.*", "ulimits.*"} {
			out = append(out, tree.Path(prefix+"."+p))
		}
	}
	for _, prefix := range []string{"services", "jobs"} {
		for _, p := range []string{"build.secrets.*", "build.provenance", "build.sbom", "build.additional_contexts", "depends_on", "extends", "ports", "build.ssh", "build.ulimits.*"} {
			out = append(out, tree.Path(prefix+".*."+p))
		}
	}
	return append(out, "jobs.*.triggers.schedule.*", "services.*.develop.watch.*.ignore", "services.*.develop.watch.*.include",
		"volumes.*", "networks.*", "secrets.*", "configs.*", "include.*")
}()

// checkPatterns are validation/validation.go's checks.
var checkPatterns = []tree.Path{
	"volumes.*", "configs.*", "secrets.*", "services.*.ports.*", "services.*.develop.watch.*.path",
	"services.*.deploy.resources.reservations.devices.*", "services.*.gpus.*",
}

// resolvePatterns are paths/resolve.go's resolvers.
var resolvePatterns = []tree.Path{
	"services.*.build.context", "services.*.build.additional_contexts.*", "services.*.build.ssh.*",
	"services.*.env_file.*.path", "services.*.label_file.*", "services.*.extends.file",
	"services.*.develop.watch.*.path", "services.*.volumes.*",
	"jobs.*.build.context", "jobs.*.build.additional_contexts.*", "jobs.*.build.ssh.*",
	"jobs.*.env_file.*.path", "jobs.*.label_file.*", "jobs.*.extends.file", "jobs.*.volumes.*",
	"services.*.pre_start.*.env_file.*.path", "services.*.pre_start.*.label_file.*", "services.*.pre_start.*.volumes.*",
	"configs.*.file", "secrets.*.file", "include.path", "include.project_directory", "include.env_file", "volumes.*",
}

// defaultPatterns are transform.DefaultValues' paths.
func defaultPatterns() []tree.Path {
	out := make([]tree.Path, 0, len(transform.DefaultValues))
	for p := range transform.DefaultValues {
		out = append(out, p)
	}
	return out
}

// containerKeys are the top-level keys whose entries are containers.
var containerKeys = []string{"services", "jobs"}

// walkPruned runs walk on dict with the service and job attributes that no
// pattern reaches left out, and returns dict with the walk's changes. When
// dict is not shaped for it (a container that is not a mapping), walk gets
// dict whole.
func walkPruned(dict map[string]any, patterns []tree.Path, walk func(map[string]any) (map[string]any, error)) (map[string]any, error) {
	view := make(map[string]any, len(dict))
	for k, v := range dict {
		view[k] = v
	}
	type pruned struct {
		orig, view map[string]any
	}
	var restore []pruned
	// nested are the attributes pruned in turn; attrs is the entry's own
	// mapping, where the walk leaves its result.
	type prunedAttr struct {
		attrs      map[string]any
		key        string
		orig, view map[string]any
	}
	var nested []prunedAttr
	for _, top := range containerKeys {
		keep, sub, ok := reachedKeys(patterns, top)
		if !ok {
			continue
		}
		containers, isMap := dict[top].(map[string]any)
		if !isMap {
			continue
		}
		viewContainers := make(map[string]any, len(containers))
		for name, c := range containers {
			attrs, isMap := c.(map[string]any)
			if !isMap {
				return walk(dict)
			}
			v := make(map[string]any, len(attrs))
			for k, a := range attrs {
				if !keep(k) {
					continue
				}
				if subKeys := sub[k]; subKeys != nil {
					if m, isMap := a.(map[string]any); isMap {
						sv := make(map[string]any, len(subKeys))
						for sk := range subKeys {
							if x, found := m[sk]; found {
								sv[sk] = x
							}
						}
						nested = append(nested, prunedAttr{attrs: attrs, key: k, orig: m, view: sv})
						a = sv
					}
				}
				v[k] = a
			}
			viewContainers[name] = v
			restore = append(restore, pruned{orig: attrs, view: v})
		}
		view[top] = viewContainers
	}
	out, err := walk(view)
	if err != nil || out == nil {
		return out, err
	}
	for _, r := range restore {
		for k, v := range r.view {
			r.orig[k] = v
		}
	}
	for _, n := range nested {
		got, isMap := n.attrs[n.key].(map[string]any)
		if !isMap {
			continue // the walk made something else of it
		}
		if reflect.ValueOf(got).UnsafePointer() == reflect.ValueOf(n.view).UnsafePointer() {
			for k, v := range got {
				n.orig[k] = v
			}
			n.attrs[n.key] = n.orig
			continue
		}
		for k, v := range n.orig { // a new mapping: give it the keys left out
			if _, kept := n.view[k]; !kept {
				got[k] = v
			}
		}
	}
	for _, top := range containerKeys {
		if _, ok := dict[top]; ok {
			out[top] = dict[top]
		}
	}
	return out, nil
}

// reachedKeys tells which attributes of the entries of top some pattern
// reaches; ok is false when a pattern reaches top or an entry as a whole
// (nothing can be left out). sub has, for an attribute that no pattern
// reaches as a whole and whose own keys are all named by the patterns
// (services.*.build.context, never services.*.build or
// services.*.build.*), the keys of that attribute some pattern reaches: a
// mapping there can be pruned in turn.
func reachedKeys(patterns []tree.Path, top string) (keep func(string) bool, sub map[string]map[string]bool, ok bool) {
	keys := map[string]bool{}
	whole := map[string]bool{}
	sub = map[string]map[string]bool{}
	all := false
	for _, p := range patterns {
		parts := strings.Split(string(p), ".")
		if parts[0] != top && parts[0] != tree.PathMatchAll {
			continue
		}
		if len(parts) < 3 {
			return nil, nil, false
		}
		if parts[2] == tree.PathMatchAll {
			all = true
		}
		keys[parts[2]] = true
		if len(parts) == 3 || parts[3] == tree.PathMatchAll {
			whole[parts[2]] = true
			continue
		}
		if sub[parts[2]] == nil {
			sub[parts[2]] = map[string]bool{}
		}
		sub[parts[2]][parts[3]] = true
	}
	if all {
		return nil, nil, false
	}
	for k := range whole {
		delete(sub, k)
	}
	return func(k string) bool { return keys[k] }, sub, true
}
