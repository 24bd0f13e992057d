package project

import (
	"bytes"
	"path/filepath"
	"strconv"

	"github.com/compose-spec/compose-go/v2/dotenv"

	"github.com/envdoctor/envdoctor/internal/safefs"
)

// discoveryEnvironment is the environment docker compose finds its files
// with: the shell, plus COMPOSE_FILE and COMPOSE_PATH_SEPARATOR from the
// env files (--env-file, or the .env of the directory it runs in), which
// compose reads before it looks for compose files (cmd/compose
// toProjectOptions: WithEnvFiles, WithDotEnv, then WithConfigFileEnv). The
// shell wins, as everywhere.
func discoveryEnvironment(shell map[string]string, opt Options) map[string]string {
	var files []string
	reader := safefs.Reader{Max: opt.MaxFileSize} // --env-file: the user named them
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
			reader = safefs.ForProject(dir, opt.MaxFileSize)
		}
	}
	if len(files) == 0 {
		return shell
	}
	vals, err := envFromFiles(reader, shell, files)
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

// envFromFiles is compose-go's dotenv.GetEnvFromFile with the files read
// through safefs: each file's values may refer to the shell and to the
// files before it; later files win. Only COMPOSE_FILE and
// COMPOSE_PATH_SEPARATOR are wanted here, and interpolation never makes a
// key: when no file holds "COMPOSE_", nothing is parsed (the loader parses
// the files again for their values; a huge .env is not parsed twice).
func envFromFiles(r safefs.Reader, shell map[string]string, files []string) (map[string]string, error) {
	datas := make([][]byte, len(files))
	wanted := false
	for i, f := range files {
		data, err := r.ReadFile(f)
		if err != nil {
			return nil, err
		}
		datas[i] = data
		wanted = wanted || bytes.Contains(data, []byte("COMPOSE_"))
	}
	out := map[string]string{}
	if !wanted {
		return out, nil
	}
	for _, data := range datas {
		var vals map[string]string
		var err error
		quietly(func() {
			vals, err = dotenv.ParseWithLookup(bytes.NewReader(data), func(k string) (string, bool) {
				if v, ok := shell[k]; ok {
					return v, true
				}
				v, ok := out[k]
				return v, ok
			})
		})
		if err != nil {
			return nil, err
		}
		for k, v := range vals {
			out[k] = v
		}
	}
	return out, nil
}
