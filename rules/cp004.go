package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// dependsOnNotReady is CP004: depends_on a database, cache, broker or
// search server without waiting for it to be healthy. Plain depends_on
// (condition: service_started) only waits for the container to start;
// the server accepts connections seconds later, so the dependent's first
// connections fail. With condition: service_healthy but no healthcheck on
// the target, docker compose up fails instead.
func dependsOnNotReady() *Rule {
	return &Rule{
		ID:       "CP004",
		Name:     "depends-on-not-ready",
		Title:    "Depends on a stateful service without waiting for it to be healthy",
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Fixable:  true,
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil || c.Model == nil {
				return
			}
			services := modelServices(c)
			healthEditDone := map[string]bool{}
			listEditDone := map[*yaml.Node]bool{}
			for _, e := range dependsOnEntries(c) {
				svc, ok := services[e.svc.name]
				if !ok {
					continue
				}
				target, ok := services[e.target]
				if !ok || e.target == e.svc.name || target.Build != nil || target.Image == "" {
					continue
				}
				dep, ok := svc.DependsOn[e.target]
				if !ok {
					continue
				}
				img, tag, ok := lookupStateful(target.Image)
				if !ok {
					continue
				}
				hasCheck := hasHealthcheck(target.HealthCheck)
				var msg string
				switch {
				case dep.Condition == types.ServiceConditionHealthy && hasCheck:
					continue
				case dep.Condition == types.ServiceConditionHealthy:
					none := "has no healthcheck"
					if target.HealthCheck != nil && (target.HealthCheck.Disable || len(target.HealthCheck.Test) > 0) {
						none = "has its healthcheck disabled"
					}
					msg = fmt.Sprintf("service %q waits for %q to be healthy, but %q (image %s) %s: docker compose up fails (the container has no healthcheck configured)",
						e.svc.name, e.target, e.target, target.Image, none)
				case dep.Condition == types.ServiceConditionStarted || dep.Condition == "":
					msg = fmt.Sprintf("service %q depends on %q (image %s) without waiting for it to be ready: depends_on only waits for the container to start, and %s accepts connections some seconds later, so the first connections of %q fail",
						e.svc.name, e.target, target.Image, img.Kind, e.svc.name)
					if r := restartWorkaround(svc.Restart); r != "" {
						msg += fmt.Sprintf("; its restart: %s only retries until %s answers (and hides real crashes)", r, e.target)
					}
				default:
					continue // service_completed_successfully: a one-shot job, not readiness
				}
				rec := img.recipe(tag, setVars(target.Environment))
				f := finding.Finding{Range: e.rng, Message: msg, Fix: &finding.Fix{}}
				var steps []string
				// Edits only when the whole fix can be written: waiting for
				// health without a healthcheck would make compose fail.
				editable := hasCheck || canAddHealthcheck(c, e.target)
				if !hasCheck {
					give := "give %q a healthcheck: %s"
					if target.HealthCheck != nil {
						give = "replace the healthcheck of %q with: %s"
					}
					steps = append(steps, fmt.Sprintf(give, e.target, flowHealthcheck(img, rec)))
					if editable && !healthEditDone[e.target] {
						edit, _ := healthcheckEdit(c, e.target, img, rec)
						f.Fix.Edits = append(f.Fix.Edits, edit)
						healthEditDone[e.target] = true
					}
				}
				if dep.Condition != types.ServiceConditionHealthy {
					long := fmt.Sprintf("depends_on: {%s: {condition: service_healthy}}", e.target)
					if e.short && len(seqItems(e.list)) > 1 {
						long += " (write the other entries as <name>: {condition: service_started})"
					}
					steps = append(steps, fmt.Sprintf("in %q use the long syntax %s", e.svc.name, long))
					if editable {
						if edits, healthy, ok := conditionEdits(c, services, e, listEditDone); ok {
							f.Fix.Edits = append(f.Fix.Edits, edits...)
							// A rewritten list makes every stateful entry
							// wait for health: each target needs a check.
							for _, t := range healthy {
								ts := services[t]
								if hasHealthcheck(ts.HealthCheck) || healthEditDone[t] {
									continue
								}
								timg, ttag, _ := lookupStateful(ts.Image)
								if edit, ok := healthcheckEdit(c, t, timg, timg.recipe(ttag, setVars(ts.Environment))); ok {
									f.Fix.Edits = append(f.Fix.Edits, edit)
									healthEditDone[t] = true
								}
							}
						}
					}
				}
				f.Fix.Message = strings.Join(steps, "; then ")
				p.Report(f)
			}
		},
	}
}

// dependsOnEntry is one depends_on entry of a service in one file: the
// last file that names the target (an override's entry wins).
type dependsOnEntry struct {
	svc    serviceNode
	target string
	node   *yaml.Node // the name: a short-syntax item or a long-syntax key
	value  *yaml.Node // the long syntax's mapping, or nil
	list   *yaml.Node // the depends_on node
	short  bool
	rng    finding.Range
}

func dependsOnEntries(c *project.Compose) []dependsOnEntry {
	last := map[[2]string]dependsOnEntry{}
	for _, s := range serviceNodes(c) {
		v := deref(mapValue(s.node, "depends_on"))
		if v == nil {
			continue
		}
		add := func(e dependsOnEntry) {
			e.svc, e.list = s, v
			e.rng = project.NodeRange(s.file.Source, e.node)
			last[[2]string{s.name, e.target}] = e
		}
		switch v.Kind {
		case yaml.SequenceNode:
			for _, item := range seqItems(v) {
				if item.Kind == yaml.ScalarNode {
					add(dependsOnEntry{target: interpolate(c, s.file, item.Value), node: item, short: true})
				}
			}
		case yaml.MappingNode:
			for _, kv := range project.MappingPairs(v) {
				add(dependsOnEntry{target: kv[0].Value, node: kv[0], value: deref(kv[1])})
			}
		}
	}
	out := make([]dependsOnEntry, 0, len(last))
	for _, e := range last {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].svc.name != out[j].svc.name {
			return out[i].svc.name < out[j].svc.name
		}
		return out[i].target < out[j].target
	})
	return out
}

func hasHealthcheck(h *types.HealthCheckConfig) bool {
	if h == nil || h.Disable || len(h.Test) == 0 {
		return false
	}
	return h.Test[0] != "NONE"
}

// restartWorkaround names a restart policy that restarts a service whose
// first connection failed.
func restartWorkaround(policy string) string {
	switch {
	case policy == types.RestartPolicyAlways, policy == types.RestartPolicyUnlessStopped,
		strings.HasPrefix(policy, types.RestartPolicyOnFailure):
		return policy
	}
	return ""
}

// setVars are the variables an environment declares (with a value, or
// empty because a ${VAR} is not set yet: CP001 says so, and the test is
// written for the file as it is meant to be).
func setVars(env types.MappingWithEquals) map[string]bool {
	out := map[string]bool{}
	for k := range env {
		out[k] = true
	}
	return out
}

func flowHealthcheck(img *statefulImage, rec healthRecipe) string {
	s := fmt.Sprintf("healthcheck: {test: %s, interval: %s, timeout: %s, retries: %s", flowTest(rec.Test), healthInterval, healthTimeout, healthRetries)
	if img.StartPeriod != "" {
		s += ", start_period: " + img.StartPeriod
	}
	return s + "}"
}

// canAddHealthcheck reports whether healthcheckEdit can write one for the
// service.
func canAddHealthcheck(c *project.Compose, service string) bool {
	_, _, ok := healthcheckPlace(c, service)
	return ok
}

// healthcheckPlace is where a healthcheck is inserted: before the first key
// of the service, in the last file that defines its image; ok is false when
// the service already has a healthcheck key anywhere (disabled, or without
// a test: the user decides) or is written in flow style.
func healthcheckPlace(c *project.Compose, target string) (file *project.ComposeFile, first *yaml.Node, ok bool) {
	def, ok := lastDefinition(c, "image")[target]
	if !ok {
		return nil, nil, false
	}
	var svc *yaml.Node
	for _, s := range serviceNodesOf(c, target) {
		if mapValue(s.node, "healthcheck") != nil {
			return nil, nil, false
		}
		if s.file == def.file {
			svc = s.node
		}
	}
	if svc == nil || svc.Kind != yaml.MappingNode || svc.Style&yaml.FlowStyle != 0 || len(svc.Content) == 0 {
		return nil, nil, false
	}
	return def.file, svc.Content[0], true
}

// healthcheckEdit inserts the recipe's healthcheck block at healthcheckPlace.
func healthcheckEdit(c *project.Compose, target string, img *statefulImage, rec healthRecipe) (finding.Edit, bool) {
	file, first, ok := healthcheckPlace(c, target)
	if !ok {
		return finding.Edit{}, false
	}
	indent := strings.Repeat(" ", first.Column-1)
	var b strings.Builder
	fmt.Fprintf(&b, "%shealthcheck:\n", indent)
	fmt.Fprintf(&b, "%s  test: %s\n", indent, flowTest(rec.Test))
	fmt.Fprintf(&b, "%s  interval: %s\n", indent, healthInterval)
	fmt.Fprintf(&b, "%s  timeout: %s\n", indent, healthTimeout)
	fmt.Fprintf(&b, "%s  retries: %s\n", indent, healthRetries)
	if img.StartPeriod != "" {
		fmt.Fprintf(&b, "%s  start_period: %s\n", indent, img.StartPeriod)
	}
	at := finding.Pos{Line: first.Line, Col: 1}
	return finding.Edit{Range: finding.Range{File: file.Path, Start: at, End: at}, NewText: b.String()}, true
}

// conditionEdits makes a depends_on entry wait for health: it rewrites a
// short-syntax list as the long syntax (once per list, every stateful
// entry waiting for health), or sets the condition of a long-syntax entry.
func conditionEdits(c *project.Compose, services map[string]types.ServiceConfig, e dependsOnEntry, done map[*yaml.Node]bool) (edits []finding.Edit, healthy []string, ok bool) {
	src := e.svc.file.Source
	if !e.short {
		if e.value == nil || e.value.Kind != yaml.MappingNode || e.value.Style&yaml.FlowStyle != 0 {
			return nil, nil, false
		}
		// The schema requires condition in the long syntax.
		cond := deref(mapValue(e.value, "condition"))
		if cond == nil || cond.Kind != yaml.ScalarNode {
			return nil, nil, false
		}
		return []finding.Edit{{Range: project.NodeRange(src, cond), NewText: types.ServiceConditionHealthy}}, nil, true
	}
	if done[e.list] {
		return nil, nil, false // the first finding of this list rewrites it whole
	}
	items := seqItems(e.list)
	if len(items) == 0 {
		return nil, nil, false
	}
	condition := func(name string) string {
		if t, ok := services[name]; ok && t.Build == nil && name != e.svc.name {
			_, _, stateful := lookupStateful(t.Image)
			if stateful && (hasHealthcheck(t.HealthCheck) || canAddHealthcheck(c, name)) {
				healthy = append(healthy, name)
				return types.ServiceConditionHealthy
			}
		}
		return types.ServiceConditionStarted
	}
	if e.list.Style&yaml.FlowStyle != 0 {
		// [db, cache] on one line becomes the flow mapping
		// {db: {condition: service_healthy}, cache: {...}}.
		rng := project.NodeRange(src, e.list)
		text := src.Line(e.list.Line)
		if rng.Start.Line != rng.End.Line || rng.End.Col-1 > len(text) || rng.Start.Col < 1 {
			return nil, nil, false
		}
		if span := text[rng.Start.Col-1 : rng.End.Col-1]; !strings.HasPrefix(span, "[") || !strings.HasSuffix(span, "]") {
			return nil, nil, false
		}
		var parts []string
		for _, item := range items {
			if item.Kind != yaml.ScalarNode || item.Style != 0 || item.Line != e.list.Line || !isPlainName(item.Value) {
				return nil, nil, false
			}
			parts = append(parts, fmt.Sprintf("%s: {condition: %s}", item.Value, condition(item.Value)))
		}
		done[e.list] = true
		return []finding.Edit{{Range: rng, NewText: "{" + strings.Join(parts, ", ") + "}"}}, healthy, true
	}
	// The list must be a plain block list ("- name" lines, nothing else)
	// indented under its key, so the mapping can take its place.
	firstLine, lastLine := items[0].Line, items[len(items)-1].Line
	dashCol := items[0].Column - 2
	if dashCol < 1 || lastLine-firstLine+1 != len(items) {
		return nil, nil, false
	}
	keyCol := 0
	for _, kv := range project.MappingPairs(e.svc.node) {
		if kv[0].Value == "depends_on" {
			keyCol = kv[0].Column
		}
	}
	if dashCol <= keyCol {
		return nil, nil, false
	}
	for i, item := range items {
		line := src.Line(item.Line)
		if item.Kind != yaml.ScalarNode || item.Style != 0 || item.Column-2 != dashCol || strings.Contains(line, "#") ||
			dashCol-1 > len(line) || !strings.HasPrefix(line[dashCol-1:], "- ") || i > 0 && item.Line != items[i-1].Line+1 {
			return nil, nil, false
		}
	}
	indent := strings.Repeat(" ", dashCol-1)
	var b strings.Builder
	for i, item := range items {
		cond := condition(item.Value)
		if i > 0 {
			b.WriteString(indent)
		}
		fmt.Fprintf(&b, "%s:\n%s  condition: %s", item.Value, indent, cond)
		if i < len(items)-1 {
			b.WriteString("\n")
		}
	}
	done[e.list] = true
	end := project.NodeRange(src, items[len(items)-1]).End
	rng := finding.Range{File: src.Path, Start: finding.Pos{Line: firstLine, Col: dashCol}, End: end}
	return []finding.Edit{{Range: rng, NewText: b.String()}}, healthy, true
}

// isPlainName reports whether a service name can be written as a plain
// YAML key in a flow mapping (letters, digits, '.', '_' and '-', as the
// compose schema allows for service names).
func isPlainName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
		default:
			return false
		}
	}
	return true
}
