package rules

import (
	"path"
	"strings"

	"github.com/envdoctor/envdoctor/internal/project"
)

// The .dockerignore BC001 proposes: blocks of patterns by ecosystem, each
// written for .dockerignore's semantics (a pattern matches from the
// context root; "**/" matches at any depth). Gathered from Docker's
// "Dockerfile reference: .dockerignore file", GitHub's gitignore templates
// (Python, Node, Go, Java, Ruby, Composer, Rust, VisualStudio) and the
// official images' docs; build outputs and data directories are added
// only when the context has them.

// ignoreBlock is a commented group of patterns.
type ignoreBlock struct {
	comment  string
	patterns []string
}

// ecosystem is a language toolchain recognised by its manifest files.
type ecosystem struct {
	name    string
	markers []string // base names (or "*.ext") at the top of the context
	block   ignoreBlock
	// outputs are build-output directories, proposed when present.
	outputs []string
}

// alwaysIgnore are proposed for every context: version control, secrets
// and local environments, editor and OS files.
var alwaysIgnore = []ignoreBlock{
	{"version control", []string{".git", ".hg", ".svn"}},
	{"secrets and local settings: pass them at run time, never in the image", []string{".env", ".env.*", "!.env.example", "**/*.pem", "**/*.key", "**/id_rsa*", "**/id_ed25519*"}},
	{"editors and OS", []string{".idea", ".vscode", "**/.DS_Store", "**/*.swp"}},
}

var ecosystems = []ecosystem{
	{
		name:    "python",
		markers: []string{"requirements.txt", "pyproject.toml", "Pipfile", "setup.py", "setup.cfg", "poetry.lock", "uv.lock", "manage.py", "*.py"},
		block:   ignoreBlock{"python", []string{"**/__pycache__", "**/*.py[cod]", ".venv", "venv", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox", "**/*.egg-info", ".coverage", "htmlcov"}},
		outputs: []string{"dist", "build"},
	},
	{
		name:    "node",
		markers: []string{"package.json"},
		block:   ignoreBlock{"node", []string{"**/node_modules", "npm-debug.log*", "yarn-debug.log*", "yarn-error.log*", ".npm", ".yarn/cache", "coverage"}},
		outputs: []string{"dist", "build", ".next", ".nuxt", ".svelte-kit", ".turbo", ".parcel-cache", "out"},
	},
	{
		name:    "go",
		markers: []string{"go.mod"},
		block:   ignoreBlock{"go", []string{"**/*.test", "coverage.out"}},
		outputs: []string{"bin"},
	},
	{
		name:    "java",
		markers: []string{"pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle", "gradlew", "mvnw"},
		block:   ignoreBlock{"java", []string{".gradle", "**/*.class"}},
		outputs: []string{"target", "build", "out"},
	},
	{
		name:    "ruby",
		markers: []string{"Gemfile"},
		block:   ignoreBlock{"ruby", []string{".bundle", "vendor/bundle", "log", "tmp"}},
	},
	{
		name:    "php",
		markers: []string{"composer.json"},
		block:   ignoreBlock{"php", []string{"vendor"}},
	},
	{
		name:    "rust",
		markers: []string{"Cargo.toml"},
		block:   ignoreBlock{"rust", nil},
		outputs: []string{"target"},
	},
	{
		name:    ".NET",
		markers: []string{"*.csproj", "*.fsproj", "*.sln"},
		block:   ignoreBlock{".NET", []string{"**/bin", "**/obj"}},
	},
}

// templatePatterns is every pattern the template can propose: BC006 never
// calls them unused (a defensive .env line is right even before .env
// exists).
func templatePatterns() map[string]bool {
	m := map[string]bool{}
	add := func(b ignoreBlock) {
		for _, p := range b.patterns {
			m[strings.TrimPrefix(p, "!")] = true
		}
	}
	for _, b := range alwaysIgnore {
		add(b)
	}
	for _, e := range ecosystems {
		add(e.block)
		for _, o := range e.outputs {
			m[o] = true
		}
	}
	return m
}

// detectEcosystems finds the ecosystems of a context by the manifests at
// its top level.
func detectEcosystems(files *project.ContextFiles) []ecosystem {
	var out []ecosystem
	for _, e := range ecosystems {
		for _, m := range e.markers {
			if hasTopLevel(files, m) {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

func hasTopLevel(files *project.ContextFiles, name string) bool {
	if strings.HasPrefix(name, "*") {
		return len(files.Glob(name)) > 0
	}
	_, ok := files.Lookup(name)
	return ok
}

// proposeDockerignore writes the .dockerignore for a context: the common
// blocks, the blocks of its ecosystems, its build outputs and bind-mounted
// data directories, minus any pattern that would exclude something the
// Dockerfile copies by name (which would break the build). It returns the
// file's text and the patterns, in order.
func proposeDockerignore(p *project.Project, ctx *project.BuildContext) (string, []string) {
	files := ctx.Files()
	copies := contextCopies(ctx.Dockerfile)
	blocks := append([]ignoreBlock(nil), alwaysIgnore...)
	var outputs []string
	for _, e := range detectEcosystems(files) {
		if len(e.block.patterns) > 0 {
			blocks = append(blocks, e.block)
		}
		for _, o := range e.outputs {
			if e, ok := files.Lookup(o); ok && e.Dir && !contains(outputs, o) {
				outputs = append(outputs, o)
			}
		}
	}
	if len(outputs) > 0 {
		blocks = append(blocks, ignoreBlock{"build outputs: the image builds its own", outputs})
	}
	var data []string
	for _, dm := range dataMountsIn(p, ctx) {
		if !contains(data, dm.pattern) {
			data = append(data, dm.pattern)
		}
	}
	if len(data) > 0 {
		blocks = append(blocks, ignoreBlock{"data directories of bind mounts (docker compose volumes)", data})
	}

	var b strings.Builder
	b.WriteString("# Written by envdoctor (BC001): what the build does not need.\n")
	b.WriteString("# Syntax: https://docs.docker.com/build/concepts/context/#dockerignore-files\n")
	var kept []string
	for _, blk := range blocks {
		var lines []string
		for _, pat := range blk.patterns {
			if !strings.HasPrefix(pat, "!") && excludesCopied(pat, copies) {
				continue
			}
			if pat == "!.env.example" && !contains(lines, ".env.*") {
				continue
			}
			lines = append(lines, pat)
		}
		if len(lines) == 0 {
			continue
		}
		b.WriteString("\n# " + blk.comment + "\n")
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
		kept = append(kept, lines...)
	}
	return b.String(), kept
}

// excludesCopied reports whether pattern would exclude a source that a
// COPY or ADD names (not the whole context), or one of its parents.
func excludesCopied(pattern string, copies []contextCopy) bool {
	ig := project.ParseDockerignore(project.NewSource(".dockerignore", []byte(pattern+"\n")))
	for _, cc := range copies {
		for _, s := range cc.sources {
			if s == "." || s == "*" {
				continue
			}
			if project.HasGlobMeta(s) {
				s = path.Dir(s)
				if s == "." {
					continue
				}
			}
			if ex, _ := ig.Excluded(s); ex {
				return true
			}
		}
	}
	return false
}
