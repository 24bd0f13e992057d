package project

import (
	"fmt"
	"io/fs"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/envdoctor/envdoctor/internal/safefs"
)

// compose-go reads some files itself: the compose files an include or an
// extends names, the .env and env_file of an include, and the env_file and
// label_file of every service. envdoctor never lets it read a file that
// safefs refuses (outside the project, a named pipe or a device, too
// large): the validation phase, which visits the same files first, stops
// at such a file with a located error (refusedFile), and the service files
// are resolved without them (resolveServiceFiles).

// refusedFile is a file of the merge chain the validation phase would not
// read: compose-go must not load the project.
type refusedFile struct {
	path string // absolute
	err  error
}

func (e *refusedFile) Error() string { return e.err.Error() }

// refusedError locates a refused file at the include or extends entry that
// names it.
func (l *loader) refusedError(r *refusedFile) *SyntaxError {
	se := l.unreadableReference(&fs.PathError{Op: "read", Path: r.path, Err: r.err})
	se.Fix = safefs.FixOf(r.err)
	return &se
}

// guardFile returns a refusedFile when safefs would not read abs.
func (l *loader) guardFile(abs string) error {
	if err := l.checkFile(abs); safefs.IsRefused(err) {
		return &refusedFile{path: abs, err: err}
	}
	return nil
}

// resolveServiceFiles is compose-go's WithServicesEnvironmentResolved and
// WithServicesLabelsResolved (which read the env_file and label_file of
// every service and pre_start hook) without the files safefs refuses: those
// are left out of the resolution, said in Project.Unread, and kept in the
// model's lists for the rules.
func (l *loader) resolveServiceFiles(model *types.Project) *types.Project {
	safe := *model
	safe.Services = make(types.Services, len(model.Services))
	filtered := false
	for name, svc := range model.Services {
		f := l.safeSpec(&svc.ContainerSpec, name)
		hooks := make([]types.PreStartHook, len(svc.PreStart))
		copy(hooks, svc.PreStart)
		for i := range hooks {
			f = l.safeSpec(&hooks[i].ContainerSpec, name) || f
		}
		svc.PreStart = hooks
		safe.Services[name] = svc
		filtered = filtered || f
	}
	out := &safe
	if resolved, err := out.WithServicesEnvironmentResolved(false); err == nil {
		out = resolved
	}
	if resolved, err := out.WithServicesLabelsResolved(false); err == nil {
		out = resolved
	}
	if !filtered {
		return out
	}
	for name, orig := range model.Services {
		svc, ok := out.Services[name]
		if !ok {
			continue
		}
		svc.EnvFiles, svc.LabelFiles = orig.EnvFiles, orig.LabelFiles
		for i := range svc.PreStart {
			if i < len(orig.PreStart) {
				svc.PreStart[i].EnvFiles, svc.PreStart[i].LabelFiles = orig.PreStart[i].EnvFiles, orig.PreStart[i].LabelFiles
			}
		}
		out.Services[name] = svc
	}
	return out
}

// safeSpec drops from a copy of spec's env_file and label_file lists the
// files safefs refuses; it reports whether it dropped any. (A missing file
// is kept: compose-go says whether it is required.)
func (l *loader) safeSpec(spec *types.ContainerSpec, service string) bool {
	dropped := false
	var envFiles []types.EnvFile
	for _, e := range spec.EnvFiles {
		if l.guardFile(e.Path) != nil {
			dropped = true
			continue
		}
		envFiles = append(envFiles, e)
	}
	var labelFiles []string
	for _, f := range spec.LabelFiles {
		if err := l.checkFile(f); safefs.IsRefused(err) {
			dropped = true
			l.unread(fmt.Sprintf("label_file %s of service %q", l.display(f), service), err)
			continue
		}
		labelFiles = append(labelFiles, f)
	}
	spec.EnvFiles, spec.LabelFiles = envFiles, labelFiles
	return dropped
}
