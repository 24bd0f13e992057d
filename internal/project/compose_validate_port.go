package project

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/dotenv"
	composeloader "github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/override"
	"github.com/compose-spec/compose-go/v2/paths"
	"github.com/compose-spec/compose-go/v2/tree"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"
)

// This file mirrors the unexported steps of compose-go v2.16.2's loader that
// the validation phase (compose_validate.go) needs, each under the name of
// its original. Where the original returns an error, the mirror returns
// errStop: the load that follows reports the original's error.

// localLoader is loader.localResourceLoader.
type localLoader struct{ workingDir string }

func (l localLoader) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(l.workingDir, p)
}

// dir is localResourceLoader.Dir.
func (l localLoader) dir(original string) string {
	p := l.abs(original)
	if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
		p = l.abs(filepath.Dir(original))
	}
	rel, err := filepath.Rel(l.workingDir, p)
	if err != nil {
		return p
	}
	return rel
}

// resolve is what the resource loaders make of a path: remote ones refuse.
func (o validationOptions) resolve(ctx context.Context, p string) (local, dir string, err error) {
	if o.remote.Accept(p) {
		if _, err := o.remote.Load(ctx, p); err != nil {
			return "", "", errStop
		}
	}
	return o.local.abs(p), o.local.dir(p), nil
}

// maxNodeVisits is loader.defaultMaxNodeVisits.
const maxNodeVisits = 100_000

// resetPaths is loader.ResetProcessor: the paths a document marks !reset or
// !override, which are removed from what the files before it set.
type resetPaths struct {
	paths    []tree.Path
	visits   int
	resolved map[*yaml.Node]resetCache
	active   map[*yaml.Node]bool
	// plain is set by resolve when the document has no alias, no merge key
	// and no !reset or !override tag (decodeDocument).
	plain bool
}

type resetCache struct {
	node *yaml.Node
	rel  []tree.Path
}

// resolve is ResetProcessor.UnmarshalYAML before the decoding: the
// document without its !reset nodes, paths recorded. A document with no
// such tags is returned as is (the project's tree is never changed).
func (r *resetPaths) resolve(doc *yaml.Node) (*yaml.Node, error) {
	if doc == nil {
		return nil, nil
	}
	// A tree without aliases is scanned without remembering the nodes seen
	// (each is reached once); plain is that tree without merge keys.
	tagged, count, aliased, merged := false, 0, false, false
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || tagged || aliased {
			return
		}
		count++
		switch {
		case n.Tag == "!reset" || n.Tag == "!override":
			tagged = true
			return
		case n.Kind == yaml.AliasNode:
			aliased = true
			return
		case n.Kind == yaml.ScalarNode && n.Value == "<<":
			merged = true
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(doc)
	if aliased {
		tagged, count = false, 0
		seen := map[*yaml.Node]bool{}
		var scan func(n *yaml.Node)
		scan = func(n *yaml.Node) {
			if n == nil || seen[n] || tagged {
				return
			}
			seen[n] = true
			count++
			if n.Tag == "!reset" || n.Tag == "!override" {
				tagged = true
				return
			}
			scan(n.Alias)
			for _, c := range n.Content {
				scan(c)
			}
		}
		scan(doc)
	}
	if !tagged {
		r.plain = !aliased && !merged
		if count > maxNodeVisits {
			return nil, errStop
		}
		return doc, nil
	}
	r.resolved = map[*yaml.Node]resetCache{}
	r.active = map[*yaml.Node]bool{}
	resolved, err := r.resolveReset(cloneNode(doc, map[*yaml.Node]*yaml.Node{}), tree.NewPath())
	if err != nil {
		return nil, err
	}
	r.addAliasPaths()
	return resolved, nil
}

// cloneNode copies a node tree, aliases pointing into the copy.
func cloneNode(n *yaml.Node, done map[*yaml.Node]*yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if c, ok := done[n]; ok {
		return c
	}
	c := *n
	done[n] = &c
	c.Alias = cloneNode(n.Alias, done)
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, e := range n.Content {
		c.Content[i] = cloneNode(e, done)
	}
	return &c
}

// resolveReset is ResetProcessor.resolveReset.
func (r *resetPaths) resolveReset(n *yaml.Node, path tree.Path) (*yaml.Node, error) {
	r.visits++
	if r.visits > maxNodeVisits {
		return nil, errStop
	}
	if s := string(path); strings.Contains(s, ".<<") {
		path = tree.NewPath(strings.Replace(s, ".<<", "", 1))
	}
	switch n.Tag {
	case "!reset":
		r.paths = append(r.paths, path)
		return nil, nil
	case "!override":
		r.paths = append(r.paths, path)
		return n, nil
	}
	if n.Kind == yaml.AliasNode {
		target := n.Alias
		if target == nil || r.active[target] {
			return nil, errStop // compose-go: "cycle detected"
		}
		switch target.Tag {
		case "!reset":
			r.paths = append(r.paths, path)
			return nil, nil
		case "!override":
			r.paths = append(r.paths, path)
			return target, nil
		}
		return r.cachedResolve(target, path)
	}
	if n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode {
		return r.cachedResolve(n, path)
	}
	return n, nil
}

// cachedResolve is ResetProcessor.cachedResolve: a node reached again (an
// alias) replays the paths it recorded, relative to where it is reached.
func (r *resetPaths) cachedResolve(n *yaml.Node, path tree.Path) (*yaml.Node, error) {
	if c, ok := r.resolved[n]; ok {
		for _, rel := range c.rel {
			r.paths = append(r.paths, joinTreePath(path, rel))
		}
		return c.node, nil
	}
	start := len(r.paths)
	r.active[n] = true
	resolved, err := r.resolveContainer(n, path)
	delete(r.active, n)
	if err != nil {
		return nil, err
	}
	var rel []tree.Path
	for _, p := range r.paths[start:] {
		sub, ok := subTreePath(p, path)
		if !ok {
			return nil, errStop
		}
		rel = append(rel, sub)
	}
	r.resolved[n] = resetCache{node: resolved, rel: rel}
	return resolved, nil
}

// resolveContainer is ResetProcessor.resolveContainer.
func (r *resetPaths) resolveContainer(n *yaml.Node, path tree.Path) (*yaml.Node, error) {
	switch n.Kind {
	case yaml.SequenceNode:
		var nodes []*yaml.Node
		for i, c := range n.Content {
			resolved, err := r.resolveReset(c, path.Next(strconv.Itoa(i)))
			if err != nil {
				return nil, err
			}
			if resolved == nil {
				continue
			}
			if c.Kind == yaml.AliasNode {
				nodes = append(nodes, c)
			} else {
				nodes = append(nodes, resolved)
			}
		}
		n.Content = nodes
	case yaml.MappingNode:
		keys := map[string]bool{}
		var nodes []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, c := n.Content[i], n.Content[i+1]
			if keys[k.Value] {
				return nil, errStop // "mapping key already defined"
			}
			keys[k.Value] = true
			resolved, err := r.resolveReset(c, path.Next(k.Value))
			if err != nil {
				return nil, err
			}
			if resolved == nil {
				continue
			}
			if c.Kind == yaml.AliasNode && k.Value != "<<" {
				nodes = append(nodes, k, c)
			} else {
				nodes = append(nodes, k, resolved)
			}
		}
		n.Content = nodes
	}
	return n, nil
}

func subTreePath(full, base tree.Path) (tree.Path, bool) {
	if base == "" {
		return full, true
	}
	if full == base {
		return "", true
	}
	rest, ok := strings.CutPrefix(string(full), string(base)+".")
	return tree.Path(rest), ok
}

func joinTreePath(base, rel tree.Path) tree.Path {
	switch {
	case rel == "":
		return base
	case base == "":
		return rel
	}
	return tree.Path(string(base) + "." + string(rel))
}

// addAliasPaths is ResetProcessor.addAliasPaths.
func (r *resetPaths) addAliasPaths() {
	for _, p := range r.paths {
		if resolved := resolveAliasPath(p); resolved != p {
			r.paths = append(r.paths, resolved)
		}
	}
}

// apply is ResetProcessor.Apply: what the paths name is removed.
func (r *resetPaths) apply(target any) {
	if r == nil || len(r.paths) == 0 {
		return
	}
	r.applyNullOverrides(target, tree.NewPath())
}

func (r *resetPaths) applyNullOverrides(target any, path tree.Path) {
	switch v := target.(type) {
	case map[string]any:
	keys:
		for k, e := range v {
			next := path.Next(k)
			for _, pattern := range r.paths {
				if next.Matches(pattern) {
					delete(v, k)
					continue keys
				}
			}
			r.applyNullOverrides(e, next)
		}
	case []any:
	items:
		for i, e := range v {
			next := path.Next(fmt.Sprintf("[%d]", i))
			for _, pattern := range r.paths {
				if next.Matches(pattern) {
					continue items
				}
			}
			r.applyNullOverrides(e, next)
		}
	}
}

// stringKeyed is loader.convertToStringKeysRecursive: nil for a mapping
// with a key that is not a string.
func stringKeyed(value any) any {
	switch v := value.(type) {
	case map[string]any:
		for k, e := range v {
			c := stringKeyed(e)
			if c == nil && e != nil {
				return nil
			}
			v[k] = c
		}
		return v
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			s, ok := k.(string)
			c := stringKeyed(e)
			if !ok || (c == nil && e != nil) {
				return nil
			}
			out[s] = c
		}
		return out
	case []any:
		var out []any // an empty list becomes a nil one, as in compose-go
		for _, e := range v {
			c := stringKeyed(e)
			if c == nil && e != nil {
				return nil
			}
			out = append(out, c)
		}
		return out
	}
	return value
}

// fixEmptyNotNull is loader.fixEmptyNotNull.
func fixEmptyNotNull(value any) any {
	switch v := value.(type) {
	case []any:
		if v == nil {
			return []any{}
		}
		for i, e := range v {
			v[i] = fixEmptyNotNull(e)
		}
	case map[string]any:
		for k, e := range v {
			v[k] = fixEmptyNotNull(e)
		}
	}
	return value
}

// extensionAlias is loader.extensionAlias: an attribute once used as an x-
// extension before the specification adopted it.
type extensionAlias struct {
	parent   tree.Path
	from, to string
}

// extensionAliases is loader.extensionAliases.
var extensionAliases = []extensionAlias{
	{parent: "services.*", from: "x-develop", to: "develop"},
	{parent: "services.*.develop.watch.[]", from: "x-initialSync", to: "initial_sync"},
}

func aliasParents() *tree.Matcher {
	parents := make([]tree.Path, len(extensionAliases))
	for i, a := range extensionAliases {
		parents[i] = a.parent
	}
	return tree.NewMatcher(parents...)
}

// promoteAliases is loader.promoteAliases.
func promoteAliases(value any, p tree.Path) error {
	return promoteAliasesIn(value, p, aliasParents())
}

func promoteAliasesIn(value any, p tree.Path, parents *tree.Matcher) error {
	switch v := value.(type) {
	case map[string]any:
		for _, alias := range extensionAliases {
			if !p.Matches(alias.parent) {
				continue
			}
			ext, ok := v[alias.from]
			if !ok {
				continue
			}
			delete(v, alias.from)
			if v[alias.to] == nil {
				v[alias.to] = ext
				continue
			}
			merged, err := override.MergeYaml(deepClone(ext), v[alias.to], p.Next(alias.to))
			if err != nil {
				return err
			}
			v[alias.to] = merged
		}
		for key, e := range v {
			next := p.Next(key)
			if parents.Matches(next) || parents.MayContain(next) {
				if err := promoteAliasesIn(e, next, parents); err != nil {
					return err
				}
			}
		}
	case []any:
		next := p.Next(tree.PathMatchList)
		if parents.Matches(next) || parents.MayContain(next) {
			for _, e := range v {
				if err := promoteAliasesIn(e, next, parents); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// resolveAliasPath is loader.resolveAliasPath.
func resolveAliasPath(path tree.Path) tree.Path {
	parts := path.Parts()
	for _, alias := range extensionAliases {
		depth := len(alias.parent.Parts())
		if len(parts) <= depth || parts[depth] != alias.from {
			continue
		}
		normalized := make([]string, depth)
		for i, part := range parts[:depth] {
			normalized[i] = part
			if _, err := strconv.Atoi(part); err == nil {
				normalized[i] = tree.PathMatchList
			}
		}
		if tree.NewPath(normalized...).Matches(alias.parent) {
			parts[depth] = alias.to
		}
	}
	return tree.NewPath(parts...)
}

// deepClone is loader.deepClone.
func deepClone(value any) any {
	switch v := value.(type) {
	case []any:
		c := make([]any, len(v))
		for i, e := range v {
			c[i] = deepClone(e)
		}
		return c
	case map[string]any:
		c := make(map[string]any, len(v))
		for k, e := range v {
			c[k] = deepClone(e)
		}
		return c
	}
	return value
}

// applyInclude is loader.ApplyInclude: each included project is loaded (and
// validated) on its own, its resources imported into the model.
func (v *composeValidation) applyInclude(workingDir string, env types.Mapping, model map[string]any, opts validationOptions, included []string, reset *resetPaths) error {
	source := model["include"]
	if source == nil {
		return nil
	}
	entries, ok := source.([]any)
	if !ok {
		return errStop
	}
	for i, e := range entries {
		if s, ok := e.(string); ok {
			entries[i] = map[string]any{"path": s}
		}
	}
	var includes []types.IncludeConfig
	if composeloader.Transform(source, &includes) != nil {
		return errStop
	}
	for _, r := range includes {
		if opts.listen {
			v.includes = append(v.includes, includeRef{paths: r.Path, workingDir: workingDir})
		}
		var relWorkingDir string
		for i, p := range r.Path {
			local, dir, err := opts.resolve(v.ctx, p)
			if err != nil {
				return err
			}
			if i == 0 {
				switch {
				case r.ProjectDirectory == "":
					relWorkingDir = dir
					r.ProjectDirectory = filepath.Dir(local)
				case !filepath.IsAbs(r.ProjectDirectory):
					relWorkingDir = opts.local.dir(r.ProjectDirectory)
					r.ProjectDirectory = filepath.Join(workingDir, r.ProjectDirectory)
				default:
					relWorkingDir = r.ProjectDirectory
				}
				if slices.Contains(included, local) {
					return errStop // include cycle
				}
			}
			r.Path[i] = local
		}
		if len(r.EnvFile) == 0 {
			f := filepath.Join(r.ProjectDirectory, ".env")
			if fi, err := os.Stat(f); err == nil && !fi.IsDir() {
				r.EnvFile = types.StringList{f}
			}
		} else {
			var envFiles []string
			for _, f := range r.EnvFile {
				if f == "/dev/null" {
					continue
				}
				if !filepath.IsAbs(f) {
					f = filepath.Join(workingDir, f)
					fi, err := os.Stat(f)
					if err != nil || fi.IsDir() {
						return errStop
					}
				}
				envFiles = append(envFiles, f)
			}
			r.EnvFile = envFiles
		}
		for _, f := range r.EnvFile {
			if err := v.l.guardFile(absPath(workingDir, f)); err != nil {
				return err // compose-go would read it
			}
		}
		fromFiles, err := dotenv.GetEnvFromFile(env, r.EnvFile)
		if err != nil {
			return errStop
		}
		unitEnv := env.Clone().Merge(fromFiles)
		unitOpts := validationOptions{
			lookup:   func(k string) (string, bool) { s, ok := unitEnv[k]; return s, ok },
			remote:   opts.remote,
			local:    localLoader{workingDir: r.ProjectDirectory},
			imported: true,
		}
		imported, err := v.loadModel(r.Path, relWorkingDir, unitEnv, unitOpts, included)
		if err != nil {
			return err
		}
		if err := importResources(imported, model, reset); err != nil {
			return err
		}
	}
	delete(model, "include")
	return nil
}

// importResources is loader.importResources.
func importResources(source, target map[string]any, reset *resetPaths) error {
	for _, key := range []string{"services", "jobs", "volumes", "networks", "secrets", "configs", "models"} {
		from := source[key]
		if from == nil {
			continue
		}
		fromMap, ok := from.(map[string]any)
		if !ok {
			return errStop
		}
		to := map[string]any{}
		if t, ok := target[key]; ok {
			if to, ok = t.(map[string]any); !ok {
				return &shapeError{path: []string{key}, want: "mapping"}
			}
		}
		for name, a := range fromMap {
			conflict, ok := to[name]
			if !ok {
				to[name] = a
				continue
			}
			if reflect.DeepEqual(a, conflict) {
				continue
			}
			reset.apply(map[string]any{key: map[string]any{name: a}})
			merged, err := override.MergeYaml(a, conflict, tree.NewPath(key, name))
			if err != nil {
				return errStop
			}
			to[name] = merged
		}
		target[key] = to
	}
	return nil
}

// extendsTracker is loader.cycleTracker.
type extendsTracker struct{ loaded []serviceRef }

type serviceRef struct{ file, service string }

func (t *extendsTracker) add(file, service string) (*extendsTracker, error) {
	ref := serviceRef{file, service}
	if slices.Contains(t.loaded, ref) {
		return nil, errStop // "Circular reference"
	}
	return &extendsTracker{loaded: append(slices.Clone(t.loaded), ref)}, nil
}

// applyExtends is loader.ApplyExtends.
func (v *composeValidation) applyExtends(file string, dict map[string]any, opts validationOptions, tracker *extendsTracker, post *resetPaths) error {
	for _, key := range []string{"services", "jobs"} {
		a, ok := dict[key]
		if !ok {
			continue
		}
		entries, ok := a.(map[string]any)
		if !ok {
			return errStop
		}
		names := make([]string, 0, len(entries))
		for name := range entries {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			merged, err := v.applyServiceExtends(file, key, name, entries, opts, tracker, post)
			if err != nil {
				return err
			}
			entries[name] = merged
		}
		dict[key] = entries
	}
	return nil
}

// applyServiceExtends is loader.applyServiceExtends. file is the compose
// file being loaded (compose-go's ComposeFileKey), which stays the same
// down an extends chain through other files.
func (v *composeValidation) applyServiceExtends(file, key, name string, services map[string]any, opts validationOptions, tracker *extendsTracker, post *resetPaths) (any, error) {
	s := services[name]
	if s == nil {
		return nil, nil
	}
	service, ok := s.(map[string]any)
	if !ok {
		return nil, errStop
	}
	extends, ok := service["extends"]
	if !ok {
		return s, nil
	}
	filename := file
	var ref string
	var refFile any
	switch e := extends.(type) {
	case map[string]any:
		if ref, ok = e["service"].(string); !ok {
			return nil, errStop
		}
		refFile = e["file"]
	case string:
		ref = e
	}
	processor := post
	if refFile != nil {
		refPath, ok := refFile.(string)
		if !ok {
			return nil, &shapeError{path: []string{key, name, "extends", "file"}, want: "string"}
		}
		base, baseReset, err := v.extendsBase(refPath, opts, tracker)
		if err != nil {
			return nil, err
		}
		if _, ok := base[ref]; !ok {
			return nil, errStop
		}
		services, processor, filename = base, baseReset, refPath
	} else if _, ok := services[ref]; !ok {
		return nil, errStop
	}
	tracker, err := tracker.add(filename, name)
	if err != nil {
		return nil, err
	}
	base, err := v.applyServiceExtends(file, key, ref, services, opts, tracker, processor)
	if err != nil {
		return nil, err
	}
	if base == nil {
		return service, nil
	}
	source, ok := deepClone(base).(map[string]any)
	if !ok {
		return nil, errStop
	}
	post.apply(map[string]any{"services": map[string]any{name: source}})
	merged, err := override.ExtendService(source, service)
	if err != nil {
		return nil, errStop
	}
	delete(merged, "extends")
	services[name] = merged
	return merged, nil
}

// extendsBase is loader.getExtendsBaseFromFile and loadExtendsBase: the
// services of the file an extends names, loaded without validation.
func (v *composeValidation) extendsBase(refPath string, opts validationOptions, tracker *extendsTracker) (map[string]any, *resetPaths, error) {
	local, relWorkingDir, err := opts.resolve(v.ctx, refPath)
	if err != nil {
		return nil, nil, err
	}
	baseOpts := opts
	baseOpts.local = localLoader{workingDir: filepath.Dir(local)}
	baseOpts.skip = true
	source, reset, err := v.loadFile(local, relWorkingDir, nil, baseOpts, tracker, map[string]any{}, nil)
	if err != nil {
		return nil, nil, err
	}
	services, ok := source["services"].(map[string]any)
	if !ok {
		return nil, nil, errStop
	}
	if paths.ResolveRelativePaths(source, relWorkingDir, opts.remotes()) != nil {
		return nil, nil, errStop
	}
	return services, reset, nil
}
