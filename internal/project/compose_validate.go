package project

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/consts"
	interp "github.com/compose-spec/compose-go/v2/interpolation"
	composeloader "github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/override"
	"github.com/compose-spec/compose-go/v2/paths"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/transform"
	"github.com/compose-spec/compose-go/v2/tree"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/compose-spec/compose-go/v2/validation"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/composeschema"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/safefs"
)

// The model is loaded with compose-go's validation off: compose-go compiles
// the Compose Specification's JSON schema once per process, which costs
// 10-17 ms, more than all the rest of a lint. validateCompose runs that
// validation phase before the load instead, the way compose-go v2.16.2's
// loader does it (loader/loader.go load, loadYamlModel, loadYamlFile;
// loader/include.go ApplyInclude; loader/extends.go ApplyExtends): every
// file of the merge chain (and of each include) is decoded, interpolated,
// merged with the files before it, and the merged model is checked against
// the schema by internal/composeschema; after the last file, the defaults
// are applied and compose-go's own model checks (validation.Validate) run.
// The first problem is located in the file being merged, at the exact node.
//
// Where compose-go would stop for another reason on the way (bad
// interpolation, an include or extends it cannot resolve, a merge
// conflict), the validation phase stops quietly: the load that follows
// reports that error itself, exactly as before. compose-go functions are
// reused wherever they are exported; the unexported steps are mirrored in
// compose_validate_port.go, each naming its original.

// errStop ends the validation phase where compose-go would stop with an
// error other than a validation error; the load reports it.
var errStop = errors.New("compose-go stops here")

// invalid is the validation error compose-go would stop with.
type invalid struct{ SyntaxError }

func (e *invalid) Error() string { return e.Message }

// composeValidation is one run of the validation phase.
type composeValidation struct {
	l          *loader
	ctx        context.Context
	substitute func(string, template.Mapping) (string, error)
	typeCast   map[tree.Path]interp.Cast
	// includes are the top-level includes met, as compose-go's listener
	// reports them, for the index when compose-go does not run.
	includes []includeRef
}

// validationOptions is what a loadYamlModel call of compose-go is given.
type validationOptions struct {
	lookup func(string) (string, bool)
	remote composeloader.ResourceLoader
	local  localLoader
	skip   bool // extends bases: no include, extends or validation
	// listen: the files are the project's own, whose includes compose-go
	// reports to its listeners.
	listen bool
	// imported: the model goes into an include's parent, paths and
	// environment resolved (the top-level model is not used further).
	imported bool
}

// validated is what a successful validation phase leaves: the merged,
// canonical model compose-go's loadYamlModel builds before it resolves
// paths, with the environment and project name it was interpolated with
// (see finishModel).
type validated struct {
	dict map[string]any
	name string
	// included: a file includes others.
	included bool
}

// validateCompose runs the validation phase on the files compose-go is
// about to load; it returns the error compose-go would stop with, or nil
// (valid, or another error the load will report). When the files are valid
// it also returns the merged model (nil when compose-go would stop).
func (l *loader) validateCompose(ctx context.Context, files []string, env map[string]string, rec *unsetRecorder) (*SyntaxError, *validated) {
	v := &composeValidation{l: l, ctx: ctx, substitute: rec.substitute}
	details := &types.ConfigDetails{WorkingDir: l.root, Environment: types.Mapping{}}
	for k, val := range env {
		details.Environment[k] = val
	}
	// ToOptions holds compose-go's type casts for interpolated values,
	// pruned as for the load (castprune.go): the result is the same.
	v.typeCast = l.prunedCasts(composeloader.ToOptions(details, nil).Interpolate.TypeCastMapping)

	name, ok := v.projectName(files, details)
	if !ok {
		return nil, nil
	}
	details.Environment[consts.ComposeProjectName] = name
	opts := validationOptions{
		lookup: details.LookupEnv,
		remote: remoteRefusingLoader{},
		local:  localLoader{workingDir: l.root},
		listen: true,
	}
	dict, err := v.loadModel(files, l.root, details.Environment, opts, nil)
	var bad *invalid
	var refused *refusedFile
	switch {
	case errors.As(err, &bad):
		l.includes = v.includes
		return &bad.SyntaxError, nil
	case errors.As(err, &refused):
		// compose-go would read it (and block, or read outside the
		// project): it does not run.
		l.includes = v.includes
		return l.refusedError(refused), nil
	case err != nil, len(dict) == 0:
		return nil, nil // compose-go reports it ("empty compose file")
	case name == "":
		l.includes = v.includes
		e := l.composeError(errors.New("project name must not be empty"))
		return &e, nil
	}
	return nil, &validated{dict: dict, name: name, included: len(v.includes) > 0}
}

// projectName is the name compose-go gives the project (cli's
// withNamePrecedenceLoad, then loader.projectName); false when compose-go
// fails before loading.
func (v *composeValidation) projectName(files []string, details *types.ConfigDetails) (string, bool) {
	l := v.l
	explicit := l.opt.ProjectName
	if explicit == "" {
		explicit = details.Environment[consts.ComposeProjectName]
	}
	if explicit != "" {
		return explicit, composeloader.NormalizeProjectName(explicit) == explicit
	}
	var fromYAML string
	named := false
	for _, f := range files {
		src, err := l.readSource(f)
		if err != nil {
			return "", false
		}
		docs, err := documents(l, src)
		if err != nil {
			return "", false // cli's prepare fails
		}
		for i, doc := range docs {
			var n struct {
				Name string `yaml:"name"`
			}
			if doc != nil && doc.Decode(&n) != nil {
				if i == 0 {
					return "", false // cli's prepare fails
				}
				break
			}
			if i == 0 {
				named = named || n.Name != ""
			}
			if n.Name != "" {
				fromYAML = n.Name
			}
		}
	}
	name := ""
	if !named {
		name = composeloader.NormalizeProjectName(filepath.Base(l.root))
	}
	m, err := interp.Interpolate(map[string]any{"name": fromYAML}, v.interpolation(details.LookupEnv))
	if err != nil {
		return "", false
	}
	s, _ := m["name"].(string)
	if s = composeloader.NormalizeProjectName(s); s != "" {
		name = s
	}
	return name, true
}

func (v *composeValidation) interpolation(lookup func(string) (string, bool)) interp.Options {
	return interp.Options{Substitute: v.substitute, LookupValue: lookup, TypeCastMapping: v.typeCast}
}

// loadModel is loadYamlModel: the files merged in order, then the defaults
// and the model checks.
func (v *composeValidation) loadModel(files []string, workingDir string, env types.Mapping, opts validationOptions, included []string) (map[string]any, error) {
	dict := map[string]any{}
	tracker := &extendsTracker{}
	for _, f := range files {
		var err error
		dict, _, err = v.loadFile(f, workingDir, env, opts, tracker, dict, included)
		if err != nil {
			return nil, err
		}
	}
	split := v.l.serviceSplit()
	dict, err := split.apply(dict, func(m map[string]any) (map[string]any, error) {
		return walkPruned(m, defaultPatterns(), transform.SetDefaultValues)
	})
	if err != nil {
		return nil, errStop
	}
	_, err = split.apply(dict, func(m map[string]any) (map[string]any, error) {
		return walkPruned(m, checkPatterns, func(m map[string]any) (map[string]any, error) { return m, validation.Validate(m) })
	})
	if err != nil {
		return nil, &invalid{v.l.composeError(err)}
	}
	if opts.imported {
		if paths.ResolveRelativePaths(dict, workingDir, opts.remotes()) != nil {
			return nil, errStop
		}
		composeloader.ResolveEnvironment(dict, env)
	}
	return dict, nil
}

func (o validationOptions) remotes() []paths.RemoteResource {
	return []paths.RemoteResource{o.remote.Accept}
}

// loadFile is loadYamlFile: each YAML document of the file is decoded,
// interpolated, given its includes and extends, merged into dict and, unless
// opts.skip, validated.
func (v *composeValidation) loadFile(file, workingDir string, env types.Mapping, opts validationOptions, tracker *extendsTracker, dict map[string]any, included []string) (map[string]any, *resetPaths, error) {
	src, err := v.l.readSource(file)
	if err != nil {
		if safefs.IsRefused(err) {
			return nil, nil, &refusedFile{path: file, err: err}
		}
		return nil, nil, errStop
	}
	if bad := dollarError(&ComposeFile{Path: src.Path, Source: src}); bad != nil {
		return nil, nil, &invalid{*bad} // an included or extended file
	}
	docs, err := documents(v.l, src)
	if err != nil {
		return nil, nil, errStop
	}
	var reset *resetPaths
	split := v.l.serviceSplit()
	for _, doc := range docs {
		reset = &resetPaths{}
		resolved, err := reset.resolve(doc)
		if err != nil {
			return nil, nil, errStop
		}
		var raw any
		if resolved != nil {
			if raw, err = v.l.decodeDocument(resolved, reset.plain); err != nil {
				return nil, nil, errStop
			}
		}
		cfg, ok := stringKeyed(raw).(map[string]any)
		if !ok || cfg == nil {
			return nil, nil, errStop // non-string key, or not a mapping
		}
		if cfg, err = split.apply(cfg, func(m map[string]any) (map[string]any, error) {
			return interp.Interpolate(m, v.interpolation(opts.lookup))
		}); err != nil {
			return nil, nil, errStop
		}
		fixEmptyNotNull(cfg)
		if promoteAliases(cfg, tree.NewPath()) != nil {
			return nil, nil, errStop
		}
		if !opts.skip {
			included = append(included, file)
			err := v.applyInclude(workingDir, env, cfg, opts, included, reset)
			if err == nil {
				reset.apply(dict)
				err = v.applyExtends(file, cfg, opts, tracker, reset)
			}
			var shape *shapeError
			if errors.As(err, &shape) {
				cf := &ComposeFile{Path: src.Path, Source: src, Root: doc}
				return nil, nil, &invalid{SyntaxError{Range: nodeOrFile(src, locate(cf, shape.path, false)), Message: shape.Error()}}
			}
			if err != nil {
				return nil, nil, err
			}
		} else {
			reset.apply(dict)
		}
		if dict, err = override.Merge(dict, cfg); err != nil {
			return nil, nil, errStop
		}
		if dict, err = split.apply(dict, override.EnforceUnicity); err != nil {
			return nil, nil, errStop
		}
		if !opts.skip {
			if err := v.validateSchema(file, src, doc, dict); err != nil {
				return nil, nil, err
			}
			delete(dict, "version")
		}
		// Before compose-go expands the port ranges and splits the
		// commands into words (limits.go).
		cf := &ComposeFile{Path: src.Path, Source: src, Root: doc}
		if bad := portsError(dict, cf); bad != nil {
			return nil, nil, &invalid{*bad}
		}
		if bad := commandError(dict, cf); bad != nil {
			return nil, nil, &invalid{*bad}
		}
		if dict, err = split.apply(dict, func(m map[string]any) (map[string]any, error) {
			return walkPruned(m, canonicalPatterns, func(m map[string]any) (map[string]any, error) { return transform.Canonical(m, false) })
		}); err != nil {
			return nil, nil, errStop
		}
		if dict, err = split.apply(dict, omitEmpty); err != nil {
			return nil, nil, errStop
		}
		if dict, err = split.apply(dict, override.EnforceUnicity); err != nil {
			return nil, nil, errStop
		}
	}
	return dict, reset, nil
}

// omitEmpty is compose-go's OmitEmpty as a step of serviceSplit.apply.
func omitEmpty(m map[string]any) (map[string]any, error) { return composeloader.OmitEmpty(m), nil }

// documents are the YAML documents of a compose file; the first is the
// node tree already parsed when the file is a compose file of the project.
func documents(l *loader, src *Source) ([]*yaml.Node, error) {
	data := src.Data
	multi := bytes.Contains(data, []byte("\n---")) || bytes.Contains(data, []byte("\n..."))
	if !multi {
		for _, cf := range l.p.Compose.Files {
			if cf.Source == src && cf.Root != nil {
				if len(cf.Root.Content) == 0 {
					return nil, nil
				}
				return []*yaml.Node{cf.Root.Content[0]}, nil
			}
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(doc.Content) > 0 {
			docs = append(docs, doc.Content[0])
		} else {
			docs = append(docs, nil)
		}
	}
}

// validateSchema is compose-go's schema.Validate of the merged model,
// located in the file being merged.
func (v *composeValidation) validateSchema(file string, src *Source, doc *yaml.Node, dict map[string]any) error {
	// A large model's services are checked in chunks at once (each
	// service's schema is its own); where that finds a violation, the
	// whole model is checked again, so that the violation reported is
	// the one the whole check finds first.
	if _, err := v.l.serviceSplit().apply(dict, func(m map[string]any) (map[string]any, error) {
		if errs, err := composeschema.ValidateModel(m); err != nil || len(errs) > 0 {
			return nil, errSchemaChunk
		}
		return map[string]any{}, nil
	}); err == nil {
		return nil
	}
	errs, err := composeschema.ValidateModel(dict)
	if err != nil {
		return &invalid{v.l.composeError(fmt.Errorf("validating %s: %w", file, err))}
	}
	if len(errs) == 0 {
		return nil
	}
	return &invalid{schemaError(src, doc, errs[0])}
}

// errSchemaChunk stops a chunked schema check at its first violation.
var errSchemaChunk = errors.New("schema violation in a chunk of services")

// schemaError words a schema violation as compose-go does, an unknown key
// as "unknown key", and puts it on the offending node of the file: the
// value, the unknown key, or the mapping that lacks a key.
func schemaError(src *Source, doc *yaml.Node, e *composeschema.Error) SyntaxError {
	cf := &ComposeFile{Path: src.Path, Source: src, Root: doc}
	msg := strings.TrimSpace(e.Error())
	var at *yaml.Node
	switch e.Kind {
	case composeschema.KindFalse:
		at = locate(cf, e.Path, true)
		if len(e.Path) > 0 {
			msg = unknownKeys(e.Path[:len(e.Path)-1], e.Path[len(e.Path)-1:])
		}
	case composeschema.KindAdditional:
		obj, _ := cf.Lookup(e.Path...)
		names := e.Names
		if obj != nil {
			var inDoc []string
			for _, kv := range MappingPairs(obj) {
				if slices.Contains(e.Names, kv[0].Value) && !slices.Contains(inDoc, kv[0].Value) {
					if at == nil {
						at = kv[0]
					}
					inDoc = append(inDoc, kv[0].Value)
				}
			}
			if len(inDoc) == len(names) {
				names = inDoc
			}
		}
		if at == nil {
			at = locate(cf, e.Path, true)
		}
		msg = unknownKeys(e.Path, names)
	case composeschema.KindRequired:
		at = locate(cf, e.Path, true)
	default:
		at = locate(cf, e.Path, false)
	}
	return SyntaxError{Range: nodeOrFile(src, at), Message: msg}
}

func nodeOrFile(src *Source, at *yaml.Node) finding.Range {
	if at == nil {
		return rangeOfFile(src.Path)
	}
	return NodeRange(src, at)
}

// locate finds the node at path in the file: the value, or with key the
// key that holds it. A path the file does not hold is an attribute it sets
// under the x- extension it was before (compose-go renames those), or a
// value from another file: then the deepest part of the path it holds.
func locate(cf *ComposeFile, path []string, key bool) *yaml.Node {
	pick := func(v, k *yaml.Node) *yaml.Node {
		if key && k != nil {
			return k
		}
		return v
	}
	if at := pick(cf.Lookup(path...)); at != nil {
		return at
	}
	if aliased := extensionPath(path); aliased != nil {
		if at := pick(cf.Lookup(aliased...)); at != nil {
			return at
		}
	}
	for n := len(path) - 1; n > 0; n-- {
		if v, k := cf.Lookup(path[:n]...); v != nil {
			if k != nil {
				return k
			}
			return v
		}
	}
	return nil
}

// shapeError is a value compose-go v2.16.2 crashes on before it validates
// (a type assertion that panics); the validation phase reports it the way
// the schema would have.
type shapeError struct {
	path []string
	want string
}

func (e *shapeError) Error() string { return strings.Join(e.path, ".") + " must be a " + e.want }

// extensionPath is path with the attributes compose-go promotes from x-
// extensions (extensionAliases) under their extension name, or nil.
func extensionPath(path []string) []string {
	var out []string
	for _, a := range extensionAliases {
		parent := a.parent.Parts()
		if len(path) <= len(parent) || path[len(parent)] != a.to {
			continue
		}
		prefix := make([]string, len(parent))
		for i, part := range path[:len(parent)] {
			prefix[i] = part
			if _, err := strconv.Atoi(part); err == nil {
				prefix[i] = tree.PathMatchList
			}
		}
		if !tree.NewPath(prefix...).Matches(a.parent) {
			continue
		}
		if out == nil {
			out = slices.Clone(path)
		}
		out[len(parent)] = a.from
	}
	return out
}

// unknownKeys words keys the Compose Specification does not have.
func unknownKeys(parent, names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = strconv.Quote(n)
	}
	what := "unknown key "
	if len(names) > 1 {
		what = "unknown keys "
	}
	msg := what + strings.Join(quoted, ", ") + " (not in the Compose Specification)"
	if len(parent) > 0 {
		msg = strings.Join(parent, ".") + ": " + msg
	}
	return msg
}
