package project

import (
	"path/filepath"
	"strconv"

	"github.com/compose-spec/compose-go/v2/dotenv"
)

// discoveryEnvironment is the environment docker compose finds its files
// with: the shell, plus COMPOSE_FILE and COMPOSE_PATH_SEPARATOR from the
// env files (--env-file, or the .env of the directory it runs in), which
// compose reads before it looks for compose files (cmd/compose
// toProjectOptions: WithEnvFiles, WithDotEnv, then WithConfigFileEnv). The
// shell wins, as everywhere.
func discoveryEnvironment(shell map[string]string, opt Options) map[string]string {
	var files []string
	if len(opt.EnvFiles) > 0 {
		for _, f := range opt.EnvFiles {
			files = append(files, absPath(opt.WorkingDir, f))
		}
	} else {
		if v, err := strconv.ParseBool(shell["COMPOSE_DISABLE_ENV_FILE"]); err == nil && v {
			return shell
		}
		dir := opt.WorkingDir
		if opt.ProjectDirectory != "" {
			dir = absPath(opt.WorkingDir, opt.ProjectDirectory)
		}
		if p := filepath.Join(dir, ".env"); isRegularFile(p) {
			files = append(files, p)
		}
	}
	if len(files) == 0 {
		return shell
	}
	var vals map[string]string
	var err error
	quietly(func() { vals, err = dotenv.GetEnvFromFile(shell, files) })
	if err != nil {
		return shell // the interpolation env files report it
	}
	env := shell
	for _, k := range []string{"COMPOSE_FILE", "COMPOSE_PATH_SEPARATOR"} {
		v, ok := vals[k]
		if _, inShell := shell[k]; !ok || inShell {
			continue
		}
		if len(env) == len(shell) {
			env = make(map[string]string, len(shell)+2)
			for sk, sv := range shell {
				env[sk] = sv
			}
		}
		env[k] = v
	}
	return env
}
