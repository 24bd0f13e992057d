package project

import (
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/consts"
	composeloader "github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/paths"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/compose-spec/compose-go/v2/utils"
)

// finishModel turns the merged model of a successful validation phase into
// compose-go's project, doing what compose-go v2.16.2's cli
// ProjectOptions.LoadProject does after the step the validation phase
// mirrors (loader/loader.go: the end of loadYamlModel, then load and
// ModelToProject), with the options cli.NewProjectOptions and prepare would
// give the loader. Before, compose-go loaded the files again from the
// start: parsing, interpolation, merges and canonical forms twice, the
// better half of a large project's load.
//
// It returns nil, and the caller lets compose-go load the project, where
// the validation phase is not known to build exactly compose-go's model:
// files that include others (compose-go's listener reports the includes)
// or a compose file a remote loader claims. A test loads every project
// under testdata and the validation cases both ways and compares the
// models.
func (l *loader) finishModel(v *validated, files []string, environment types.Mapping, loadOptions func(*composeloader.Options)) *types.Project {
	if v.included || len(v.dict) == 0 {
		return nil
	}
	details := types.ConfigDetails{WorkingDir: l.root, Environment: environment}
	for _, f := range files {
		if (remoteRefusingLoader{}).Accept(f) {
			return nil
		}
		abs, err := filepath.Abs(f)
		if err != nil {
			return nil
		}
		details.ConfigFiles = append(details.ConfigFiles, types.ConfigFile{Filename: abs})
	}
	// loader.projectName: the name goes into the environment.
	environment[consts.ComposeProjectName] = v.name

	// cli.WithDefaultProfiles.
	profiles := l.opt.Profiles
	if len(profiles) == 0 {
		for _, s := range strings.Split(environment[consts.ComposeProfiles], ",") {
			profiles = append(profiles, strings.TrimSpace(s))
		}
	}
	opts := composeloader.ToOptions(&details, []func(*composeloader.Options){
		// cli.WithResourceLoader, cli.WithDefaultProfiles,
		// cli.WithLoadOptions, then prepare's withNamePrecedenceLoad and
		// withConvertWindowsPaths (withListeners: no event is left).
		func(o *composeloader.Options) {
			o.ResourceLoaders = []composeloader.ResourceLoader{remoteRefusingLoader{}}
		},
		composeloader.WithProfiles(profiles),
		loadOptions,
		func(o *composeloader.Options) { o.SetProjectName(v.name, true) },
		func(o *composeloader.Options) {
			if o.ResolvePaths {
				o.ConvertWindowsPaths = utils.StringToBool(environment["COMPOSE_CONVERT_WINDOWS_PATHS"])
			}
		},
	})

	// loadYamlModel, after validation.Validate.
	dict := v.dict
	if opts.ResolvePaths {
		var remotes []paths.RemoteResource
		for _, r := range opts.RemoteResourceLoaders() {
			remotes = append(remotes, r.Accept)
		}
		_, err := l.serviceSplit().apply(dict, func(m map[string]any) (map[string]any, error) {
			return walkPruned(m, resolvePatterns, func(m map[string]any) (map[string]any, error) {
				return m, paths.ResolveRelativePaths(m, details.WorkingDir, remotes)
			})
		})
		if err != nil {
			return nil
		}
	}
	composeloader.ResolveEnvironment(dict, details.Environment)

	// load, after the empty and name checks (the validation phase's).
	dict["name"] = v.name
	dict, err := composeloader.Normalize(dict, details.Environment)
	if err != nil {
		return nil
	}
	project, err := l.serviceSplit().modelToProject(dict, opts, details)
	if err != nil {
		return nil
	}
	// cli's LoadProject.
	for _, cf := range details.ConfigFiles {
		project.ComposeFiles = append(project.ComposeFiles, cf.Filename)
	}
	return project
}
