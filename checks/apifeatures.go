package checks

import (
	"slices"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// apiFeature is a compose file feature that needs a minimum Engine API
// version. Sources, per entry: docker/compose pkg/compose/convert.go,
// create.go and api_versions.go (the checks compose makes itself and their
// error texts), and moby's docs/api/version-history.md (the API version
// that added the field). The Engine release is the first one speaking that
// API version.
type apiFeature struct {
	Path []string
	// Values, when set, restrict the match to these scalar values (for
	// `type: image`, `recursive: readonly`).
	Values []string
	// MinPerService, when above 1, reports only services where the path
	// matches at least that many times (a MAC address on several networks).
	MinPerService int
	API           string // minimum Engine API version
	Engine        string // first Docker Engine release with it
	// Effect says what happens on an older engine.
	Effect string
}

// apiFeatures is the table, newest requirement last.
var apiFeatures = []apiFeature{
	{Path: []string{"services", "*", "gpus"}, API: "1.40", Engine: "19.03",
		Effect: "the engine ignores device requests, so the container gets no GPU"},
	{Path: []string{"services", "*", "deploy", "resources", "reservations", "devices"}, API: "1.40", Engine: "19.03",
		Effect: "the engine ignores device requests, so the container gets no GPU"},
	{Path: []string{"services", "*", "volumes", "[]", "bind", "recursive"}, Values: []string{"disabled"}, API: "1.40", Engine: "19.03",
		Effect: "the engine ignores it and mounts recursively"},
	{Path: []string{"services", "*", "platform"}, API: "1.41", Engine: "20.10",
		Effect: "the engine ignores the platform when it creates the container"},
	{Path: []string{"services", "*", "cgroup"}, API: "1.41", Engine: "20.10",
		Effect: "the engine ignores it and uses its default cgroup namespace"},
	{Path: []string{"services", "*", "annotations"}, API: "1.43", Engine: "24.0",
		Effect: "the engine ignores the annotations"},
	{Path: []string{"services", "*", "healthcheck", "start_interval"}, API: "1.44", Engine: "25.0",
		Effect: "`docker compose up` fails with \"can't set healthcheck.start_interval as feature require Docker Engine v25 or later\""},
	{Path: []string{"services", "*", "networks", "*", "mac_address"}, MinPerService: 2, API: "1.44", Engine: "25.0",
		Effect: "`docker compose up` fails with \"a MAC address is specified for multiple networks ..., but this feature requires Docker Engine 1.44 or later\""},
	{Path: []string{"services", "*", "volumes", "[]", "bind", "recursive"}, Values: []string{"readonly", "writable"}, API: "1.44", Engine: "25.0",
		Effect: "the engine ignores it, so the mount's submounts stay as they are"},
	{Path: []string{"services", "*", "volumes", "[]", "volume", "subpath"}, API: "1.45", Engine: "26.0",
		Effect: "the engine ignores it and mounts the whole volume"},
	{Path: []string{"services", "*", "volumes", "[]", "type"}, Values: []string{"image"}, API: "1.48", Engine: "28.0",
		Effect: "`docker compose up` fails: image mounts need Docker Engine v28"},
	{Path: []string{"services", "*", "networks", "*", "gw_priority"}, API: "1.48", Engine: "28.0",
		Effect: "the engine ignores it, so the default route may go through another network"},
	{Path: []string{"services", "*", "networks", "*", "interface_name"}, API: "1.49", Engine: "28.1",
		Effect: "`docker compose up` fails with \"interface_name requires Docker Engine v28.1 or later\""},
}

// apiFeatureUse is one place the project uses a feature.
type apiFeatureUse struct {
	Feature apiFeature
	Where   string // services.web.healthcheck.start_interval
	Range   finding.Range
}

// apiFeatureUses finds every use of the table's features in the project's
// compose files.
func apiFeatureUses(proj *project.Project) []apiFeatureUse {
	if proj == nil || proj.Compose == nil {
		return nil
	}
	var out []apiFeatureUse
	for _, f := range apiFeatures {
		for _, cf := range proj.Compose.Files {
			perService := map[string][]yamlMatch{}
			var order []string
			for _, m := range matchPath(cf, f.Path...) {
				if len(f.Values) > 0 && !slices.Contains(f.Values, scalarValue(m.value)) {
					continue
				}
				svc := ""
				if len(m.wild) > 0 {
					svc = m.wild[0]
				}
				if _, ok := perService[svc]; !ok {
					order = append(order, svc)
				}
				perService[svc] = append(perService[svc], m)
			}
			for _, svc := range order {
				ms := perService[svc]
				if f.MinPerService > 1 && len(ms) < f.MinPerService {
					continue
				}
				for _, m := range ms {
					out = append(out, apiFeatureUse{Feature: f, Where: concretePath(f.Path, m.wild), Range: m.keyRange()})
				}
			}
		}
	}
	return out
}
