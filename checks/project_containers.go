package checks

import (
	"context"
	"encoding/json"
	"net/url"
	"sort"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
)

// projectContainers lists the containers docker compose created for the
// project (label com.docker.compose.project), one-off `run` containers
// left out, sorted by service then name. all includes stopped ones.
func projectContainers(ctx context.Context, e *Engine, name string, all bool) ([]dockerengine.Container, error) {
	filters, _ := json.Marshal(map[string][]string{"label": {dockerengine.LabelComposeProject + "=" + name}})
	q := url.Values{"filters": {string(filters)}}
	if all {
		q.Set("all", "1")
	}
	var cs []dockerengine.Container
	if err := e.Client.Get(ctx, "/containers/json", q, &cs); err != nil {
		return nil, err
	}
	out := cs[:0]
	for _, c := range cs {
		if c.Labels[dockerengine.LabelComposeProject] != name || c.Labels[dockerengine.LabelComposeOneoff] == "True" {
			continue // an engine that ignores the filter: filter here too
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		si, sj := out[i].Labels[dockerengine.LabelComposeService], out[j].Labels[dockerengine.LabelComposeService]
		if si != sj {
			return si < sj
		}
		return out[i].Name() < out[j].Name()
	})
	return out, nil
}

// engineForProject returns the engine when it is up and the project has a
// compose file, else it skips the probe with the reason.
func engineForProject(ctx context.Context, p *Probe) (*Engine, bool) {
	if p.Project == nil || p.Project.Compose == nil {
		p.Skip("no compose file")
		return nil, false
	}
	e := p.Facts.Engine(ctx)
	if !e.Up() {
		p.Skip("the Docker engine is not reachable (DK001)")
		return nil, false
	}
	return e, true
}

// containersOrSkip lists the project's containers (stopped ones too when
// all), or skips the probe saying why there are none to check.
func containersOrSkip(ctx context.Context, p *Probe, e *Engine, all bool) ([]dockerengine.Container, bool) {
	cs, err := projectContainers(ctx, e, p.Project.Name, all)
	if err != nil {
		p.Skip("cannot list the project's containers: %v", err)
		return nil, false
	}
	if len(cs) == 0 {
		p.Skip("compose project %q is not running", p.Project.Name)
		return nil, false
	}
	return cs, true
}
