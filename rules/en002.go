package rules

import (
	"fmt"
	"path"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// composeOwnVariables are the variables docker compose (v2, and v1 where
// noted) reads from .env for itself, not for interpolation: a .env key with
// one of these names is used even when no compose file mentions it.
// Sources: https://docs.docker.com/compose/how-tos/environment-variables/envvars/
// (COMPOSE_*), the Docker CLI variables compose inherits
// (https://docs.docker.com/reference/cli/docker/#environment-variables), and
// compose v1's docs for the v1-only ones (COMPOSE_API_VERSION,
// COMPOSE_HTTP_TIMEOUT, COMPOSE_TLS_VERSION, COMPOSE_DOCKER_CLI_BUILD,
// COMPOSE_INTERACTIVE_NO_CLI). Checked 2026-11-26.
var composeOwnVariables = map[string]bool{
	"COMPOSE_PROJECT_NAME": true, "COMPOSE_FILE": true, "COMPOSE_PROFILES": true,
	"COMPOSE_CONVERT_WINDOWS_PATHS": true, "COMPOSE_PATH_SEPARATOR": true,
	"COMPOSE_IGNORE_ORPHANS": true, "COMPOSE_REMOVE_ORPHANS": true,
	"COMPOSE_PARALLEL_LIMIT": true, "COMPOSE_ANSI": true, "COMPOSE_STATUS_STDOUT": true,
	"COMPOSE_ENV_FILES": true, "COMPOSE_DISABLE_ENV_FILE": true, "COMPOSE_MENU": true,
	"COMPOSE_EXPERIMENTAL": true, "COMPOSE_PROGRESS": true, "COMPOSE_BAKE": true,
	"COMPOSE_API_VERSION": true, "COMPOSE_HTTP_TIMEOUT": true, "COMPOSE_TLS_VERSION": true,
	"COMPOSE_DOCKER_CLI_BUILD": true, "COMPOSE_INTERACTIVE_NO_CLI": true,
	"DOCKER_HOST": true, "DOCKER_CONTEXT": true, "DOCKER_CERT_PATH": true,
	"DOCKER_TLS_VERIFY": true, "DOCKER_TLS": true, "DOCKER_CONFIG": true, "DOCKER_API_VERSION": true,
	"DOCKER_DEFAULT_PLATFORM": true, "DOCKER_BUILDKIT": true, "BUILDKIT_PROGRESS": true,
	"BUILDX_BUILDER": true,
}

// unusedVariable is EN002: a .env (or --env-file) key that nothing uses.
// Compose reads .env only to substitute ${VAR} in the compose files; its
// keys do not reach containers by themselves. A key no compose file
// mentions is dead, or, as in the tutorial, meant for a container that
// never gets it.
func unusedVariable() *Rule {
	return &Rule{
		ID:       "EN002",
		Name:     "unused-variable",
		Title:    "Env file key is not used by any compose file",
		Severity: finding.SeverityInfo,
		Since:    "0.1.0",
		Run: func(p *Pass) {
			c := p.Project.Compose
			if c == nil || !allReferencesVisible(c) {
				return
			}
			used := usedVariables(p.Project)
			for _, ef := range interpolationEnvFiles(p.Project) {
				if len(ef.Services) > 0 {
					continue // also an env_file: every key reaches a container
				}
				for _, e := range lastEntries(ef) {
					if used[e.Key] || composeOwnVariables[strings.ToUpper(e.Key)] {
						continue
					}
					reportUnused(p, ef, e)
				}
			}
		},
	}
}

func reportUnused(p *Pass, ef *project.EnvFile, e project.EnvEntry) {
	files := composeFileList(p.Project.Compose)
	f := finding.Finding{
		Range: e.KeyRange,
		Message: fmt.Sprintf("%s is set in %s but nothing uses it: no compose file interpolates ${%s} (%s), and no service reads %s with env_file, so it reaches no container",
			e.Key, ef.Path, e.Key, files, ef.Path),
		Fix: &finding.Fix{Message: fmt.Sprintf(
			"use it where it is meant, for example `environment: [%s=${%s}]` under the service that needs it, or delete the line; .env only feeds ${...} in the compose file", e.Key, e.Key)},
	}
	if u, ok := similarUnset(p.Project.Compose, e.Key); ok {
		f.Related = append(f.Related, finding.Related{Range: u.Range,
			Message: fmt.Sprintf("compose interpolates ${%s}, which is not set: %s looks meant for it", u.Name, e.Key)})
		f.Fix.Message = fmt.Sprintf("rename %s to %s in %s (line %d): the compose file reads ${%s}", e.Key, u.Name, ef.Path, e.Line, u.Name)
	}
	p.Report(f)
}

// similarUnset finds an unset variable the key was probably meant for: the
// tutorial's .env sets USER where the compose file wants POSTGRES_USER.
func similarUnset(c *project.Compose, key string) (project.UnsetVariable, bool) {
	for _, u := range c.Unset {
		ef := &project.EnvFile{Entries: []project.EnvEntry{{Key: key}}}
		if _, ok := similarKey(ef, u.Name); ok {
			return u, true
		}
	}
	return project.UnsetVariable{}, false
}

func composeFileList(c *project.Compose) string {
	names := make([]string, 0, len(c.Files))
	for _, cf := range c.Files {
		names = append(names, cf.Path)
	}
	if len(names) > 3 {
		names = append(names[:3], fmt.Sprintf("%d more", len(c.Files)-3))
	}
	return "searched " + strings.Join(names, ", ")
}

// allReferencesVisible reports whether every compose file compose reads is
// in the index: a file that did not parse, a remote include or an extends
// of a file outside the index may hold references envdoctor cannot see.
func allReferencesVisible(c *project.Compose) bool {
	indexed := map[string]bool{}
	for _, cf := range c.Files {
		if cf.Root == nil {
			return false
		}
		indexed[cf.Path] = true
	}
	for _, cf := range c.Files {
		includes, _ := cf.Lookup("include")
		if includes != nil && includes.Kind == yaml.SequenceNode {
			for _, item := range includes.Content {
				for _, p := range includePaths(item) {
					if project.IsRemoteResource(p) {
						return false
					}
				}
			}
		}
		services, _ := cf.Lookup("services")
		for _, kv := range project.MappingPairs(services) {
			for _, skv := range project.MappingPairs(kv[1]) {
				if skv[0].Value != "extends" {
					continue
				}
				for _, ekv := range project.MappingPairs(skv[1]) {
					if ekv[0].Value == "file" && ekv[1].Kind == yaml.ScalarNode {
						file := ekv[1].Value
						if strings.Contains(file, "$") || !indexed[path.Join(path.Dir(cf.Path), file)] {
							return false
						}
					}
				}
			}
		}
	}
	return true
}

// includePaths lists the paths of one include entry (short or long syntax).
func includePaths(item *yaml.Node) []string {
	switch item.Kind {
	case yaml.ScalarNode:
		return []string{item.Value}
	case yaml.MappingNode:
		for _, kv := range project.MappingPairs(item) {
			if kv[0].Value != "path" {
				continue
			}
			if kv[1].Kind == yaml.ScalarNode {
				return []string{kv[1].Value}
			}
			var out []string
			for _, p := range kv[1].Content {
				out = append(out, p.Value)
			}
			return out
		}
	}
	return nil
}

// usedVariables is every variable name the project reads from its
// interpolation environment: ${VAR} and $VAR in compose files (defaults
// included), environment and build args entries without a value (compose
// takes those from the environment), secrets and configs with
// `environment:`, and references in env file values.
func usedVariables(p *project.Project) map[string]bool {
	used := map[string]bool{}
	addRefs := func(refs []project.VarRef) {
		var add func(rs []project.VarRef)
		add = func(rs []project.VarRef) {
			for _, r := range rs {
				used[r.Name] = true
				add(r.Nested)
			}
		}
		add(refs)
	}
	for _, cf := range p.Compose.Files {
		project.WalkScalars(cf.Root, func(n *yaml.Node) {
			if strings.Contains(n.Value, "$") {
				addRefs(project.ScanVarRefs(n.Value))
			}
		})
		services, _ := cf.Lookup("services")
		for _, kv := range project.MappingPairs(services) {
			for _, skv := range project.MappingPairs(kv[1]) {
				switch skv[0].Value {
				case "environment":
					addValueless(used, skv[1])
				case "build":
					for _, bkv := range project.MappingPairs(skv[1]) {
						if bkv[0].Value == "args" {
							addValueless(used, bkv[1])
						}
					}
				}
			}
		}
		for _, section := range []string{"secrets", "configs"} {
			top, _ := cf.Lookup(section)
			for _, kv := range project.MappingPairs(top) {
				for _, skv := range project.MappingPairs(kv[1]) {
					if skv[0].Value == "environment" && skv[1].Kind == yaml.ScalarNode {
						used[skv[1].Value] = true
					}
				}
			}
		}
	}
	for _, ef := range composeReadEnvFiles(p) {
		for _, e := range ef.Entries {
			if raw := rawValue(ef, e); raw != "" && raw[0] != '\'' {
				addRefs(project.ScanVarRefs(raw))
			}
		}
	}
	return used
}

// addValueless records the keys of environment or build args entries that
// have no value (`- KEY`, or `KEY:` with nothing after it): compose takes
// their values from the environment, .env included.
func addValueless(used map[string]bool, n *yaml.Node) {
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for _, item := range n.Content {
			if item.Kind == yaml.ScalarNode && !strings.Contains(item.Value, "=") {
				used[strings.TrimSpace(item.Value)] = true
			}
		}
	case yaml.MappingNode:
		for _, kv := range project.MappingPairs(n) {
			if kv[1].Kind == yaml.ScalarNode && kv[1].Tag == "!!null" {
				used[kv[0].Value] = true
			}
		}
	}
}
