package project

import (
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"
)

// lintBuildsWithoutModel records the builds of a project compose-go could
// not load: from the YAML index, or, when no build can be read there (a
// file that is not YAML), the Dockerfiles found under the root.
func (l *loader) lintBuildsWithoutModel(c *Compose) {
	if builds := l.yamlBuilds(c); len(builds) > 0 {
		l.loadBuildsOf(c, builds)
		return
	}
	l.findStandaloneDockerfiles()
}

// yamlBuilds reads the services' build: sections from the YAML index, for
// a project compose-go could not load (a schema error, a cycle, an alias
// bomb): their Dockerfiles and contexts are linted all the same. Values
// are interpolated with the file's environment; a later file's build
// replaces an earlier one's, field by field.
func (l *loader) yamlBuilds(c *Compose) map[string]types.ServiceConfig {
	out := map[string]types.ServiceConfig{}
	for _, cf := range c.Files {
		services, _ := cf.Lookup("services")
		env := c.Environment
		if cf.Env != nil {
			env = cf.Env
		}
		base := l.root
		if cf.Included {
			base = filepath.Dir(filepath.Join(l.root, filepath.FromSlash(cf.Path)))
		}
		for _, kv := range MappingPairs(services) {
			name := kv[0].Value
			var build *yaml.Node
			for _, f := range MappingPairs(kv[1]) {
				if f[0].Value == "build" {
					build = resolveAlias(f[1])
				}
			}
			if build == nil {
				continue
			}
			svc := out[name]
			svc.Name = name
			if svc.Build == nil {
				svc.Build = &types.BuildConfig{Context: base}
			}
			yamlBuild(svc.Build, build, base, env)
			out[name] = svc
		}
	}
	return out
}

func yamlBuild(b *types.BuildConfig, n *yaml.Node, base string, env map[string]string) {
	str := func(n *yaml.Node) string {
		n = resolveAlias(n)
		if n == nil || n.Kind != yaml.ScalarNode {
			return ""
		}
		return interpolateValue(n.Value, env)
	}
	if n.Kind == yaml.ScalarNode {
		b.Context = contextPath(base, str(n))
		return
	}
	for _, kv := range MappingPairs(n) {
		switch kv[0].Value {
		case "context":
			b.Context = contextPath(base, str(kv[1]))
		case "dockerfile":
			b.Dockerfile = str(kv[1])
		case "dockerfile_inline":
			b.DockerfileInline = str(kv[1])
		case "target":
			b.Target = str(kv[1])
		case "args":
			if b.Args == nil {
				b.Args = types.MappingWithEquals{}
			}
			v := resolveAlias(kv[1])
			if v == nil {
				continue
			}
			switch v.Kind {
			case yaml.MappingNode:
				for _, a := range MappingPairs(v) {
					val := str(a[1])
					b.Args[a[0].Value] = &val
				}
			case yaml.SequenceNode:
				for _, item := range v.Content {
					k, val, ok := strings.Cut(str(item), "=")
					if ok {
						b.Args[k] = &val
					} else {
						b.Args[k] = nil
					}
				}
			}
		}
	}
}

func contextPath(base, ctx string) string {
	if ctx == "" {
		ctx = "."
	}
	if IsRemoteResource(ctx) {
		return ctx
	}
	return absPath(base, ctx)
}

// interpolateValue substitutes ${VAR} references with env, leaving the
// value as written when it cannot be substituted.
func interpolateValue(s string, env map[string]string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	rec := &unsetRecorder{}
	v, err := rec.substitute(s, func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	})
	if err != nil {
		return s
	}
	return v
}
