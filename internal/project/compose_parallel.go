package project

import (
	"errors"
	"runtime"
	"slices"

	composeloader "github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// compose-go's model walks (the canonical forms, the defaults, the checks,
// the relative paths, the uniqueness of list entries, the empty values) and
// its decoding of the model into types.Project visit one service at a time:
// what they make of a service depends only on that service's values and
// its path. A large project's services are split into chunks that these
// steps process on every core; the rest of the model (networks, volumes,
// secrets, configs, extensions, jobs) goes through them once, beside the
// chunks. The model and validation tests load every project under testdata
// with chunks of one service and compare with compose-go's own load.

// defaultServiceChunkMin is the number of services from which the model is
// split: below it, goroutines cost more than they save (a service's walks
// take about 0.5 ms on one core).
const defaultServiceChunkMin = 64

// errChunkShape is returned when a step's output for a chunk is not shaped
// as the split expects; the caller then lets compose-go load the project
// whole.
var errChunkShape = errors.New("compose model: a chunk of services came back with another shape")

// serviceSplit splits a model's services into chunks. min is the number of
// services from which it splits (0: defaultServiceChunkMin), size the
// number of services per chunk (0: as many chunks as cores).
type serviceSplit struct {
	min, size int
}

func (l *loader) serviceSplit() serviceSplit {
	return serviceSplit{min: l.opt.serviceChunkMin, size: l.opt.serviceChunkSize}
}

// chunkSize is the number of services per chunk for n services; ok is
// false when n services are too few to split, or the process runs on one
// core (unless the tests set the split).
func (s serviceSplit) chunkSize(n int) (size int, ok bool) {
	minServices := s.min
	if minServices <= 0 {
		minServices = defaultServiceChunkMin
	}
	if n < minServices {
		return 0, false
	}
	if s.size > 0 {
		return s.size, true
	}
	procs := runtime.GOMAXPROCS(0)
	if procs < 2 && s.min <= 0 {
		return 0, false
	}
	procs = max(procs, 1)
	return (n + procs - 1) / procs, true
}

// split returns the model without its services, and the services in chunks
// of the shape {"services": {name: service...}}, by name. ok is false when
// the model is too small, runs on one core, or is not shaped as a mapping
// of mappings: the step then gets the model whole.
func (s serviceSplit) split(dict map[string]any) (rest map[string]any, chunks []map[string]any, ok bool) {
	services, isMap := dict["services"].(map[string]any)
	if !isMap {
		return nil, nil, false
	}
	size, ok := s.chunkSize(len(services))
	if !ok {
		return nil, nil, false
	}
	names := make([]string, 0, len(services))
	for name, svc := range services {
		if _, isMap := svc.(map[string]any); !isMap {
			return nil, nil, false
		}
		names = append(names, name)
	}
	slices.Sort(names)
	for chunk := range slices.Chunk(names, size) {
		m := make(map[string]any, len(chunk))
		for _, name := range chunk {
			m[name] = services[name]
		}
		chunks = append(chunks, map[string]any{"services": m})
	}
	rest = make(map[string]any, len(dict))
	for k, v := range dict {
		if k != "services" {
			rest[k] = v
		}
	}
	return rest, chunks, true
}

// apply runs step on the model: on the rest of it and on each chunk of
// services at the same time when the model splits, and puts the chunks'
// services back together. step may change the maps it is given in place,
// as compose-go's walks do; each service is in one chunk only. The error
// is the first chunk's, in the order of the names. A panic in step is
// raised again on the calling goroutine (forEachBig), where the CLI
// recovers it as it did when compose-go ran there alone.
func (s serviceSplit) apply(dict map[string]any, step func(map[string]any) (map[string]any, error)) (map[string]any, error) {
	rest, chunks, ok := s.split(dict)
	if !ok {
		return step(dict)
	}
	outs := make([]map[string]any, len(chunks))
	errs := make([]error, len(chunks))
	var out map[string]any
	var err error
	forEachBig(len(chunks)+1, func(i int) {
		if i == len(chunks) {
			out, err = step(rest)
			return
		}
		outs[i], errs[i] = step(chunks[i])
	})
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = map[string]any{}
	}
	if _, has := out["services"]; has {
		return nil, errChunkShape
	}
	merged := make(map[string]any, len(dict["services"].(map[string]any)))
	for _, o := range outs {
		for k := range o {
			if k != "services" {
				return nil, errChunkShape
			}
		}
		services, isMap := o["services"].(map[string]any)
		if o["services"] != nil && !isMap {
			return nil, errChunkShape
		}
		for name, svc := range services {
			merged[name] = svc
		}
	}
	out["services"] = merged
	return out, nil
}

// modelToProject is compose-go's ModelToProject, run on the chunks of a
// large model at the same time. It splits only with the options the
// loader uses (no service selection, no consistency check, no resource
// pruning, environment and labels resolved later), where ModelToProject
// decides for each service alone: its decoding, its profiles.
func (s serviceSplit) modelToProject(dict map[string]any, opts *composeloader.Options, details types.ConfigDetails) (*types.Project, error) {
	perService := len(opts.SelectedServices) == 0 && !opts.PruneUnnecessaryResources &&
		opts.SkipConsistencyCheck && opts.SkipResolveEnvironment && opts.SkipResolveLabels
	rest, chunks, ok := s.split(dict)
	if !perService || !ok {
		return composeloader.ModelToProject(dict, opts, details)
	}
	parts := make([]*types.Project, len(chunks))
	errs := make([]error, len(chunks))
	var project *types.Project
	var err error
	forEachBig(len(chunks)+1, func(i int) {
		if i == len(chunks) {
			project, err = composeloader.ModelToProject(rest, opts, details)
			return
		}
		parts[i], errs[i] = composeloader.ModelToProject(chunks[i], opts, details)
	})
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	if err != nil {
		return nil, err
	}
	if project.Services == nil {
		project.Services = types.Services{}
	}
	for _, part := range parts {
		for name, svc := range part.Services {
			project.Services[name] = svc
		}
		for name, svc := range part.DisabledServices {
			if project.DisabledServices == nil {
				project.DisabledServices = types.Services{}
			}
			project.DisabledServices[name] = svc
		}
	}
	return project, nil
}
