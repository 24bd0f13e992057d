package rules

import (
	"strings"

	"github.com/envdoctor/envdoctor/internal/shellcmd"
)

// depInstall is a command that installs a project's dependencies (or
// builds it, fetching them): pip install -r, npm ci, go build...
type depInstall struct {
	eco string // ecosystem: pip, pipenv, poetry, uv, pdm, npm, yarn, pnpm, bun, go, bundler, composer, cargo, maven, gradle
	cmd *shellcmd.Command
	// uv is true for `uv pip ...` (its cache is uv's, not pip's).
	uv bool
	// files are the files the command names (pip -r/-c, uv pip sync).
	files []shellcmd.Word
	// global: it installs named tools or packages and reads no file of the
	// project (npm install -g x, pip install gunicorn).
	global bool
	// needsSources: it cannot run with only the manifests (pip install .,
	// go build, poetry install without --no-root).
	needsSources bool
	// prefetch is a command that fetches the same dependencies from the
	// manifests alone, for one that needs the sources ("" when there is
	// none that is reliable: cargo, gradle, pip install .).
	prefetch string
}

// ecoManifests are, per ecosystem, the files the install reads (in the
// order they are written in a COPY), and the one that must exist for the
// ecosystem to be the one in use. From each tool's documentation.
var ecoManifests = map[string]struct {
	files   []string
	primary []string
}{
	"pipenv":   {[]string{"Pipfile", "Pipfile.lock"}, []string{"Pipfile"}},
	"poetry":   {[]string{"pyproject.toml", "poetry.lock", "poetry.toml"}, []string{"pyproject.toml"}},
	"uv":       {[]string{"pyproject.toml", "uv.lock", ".python-version"}, []string{"pyproject.toml"}},
	"pdm":      {[]string{"pyproject.toml", "pdm.lock"}, []string{"pyproject.toml"}},
	"npm":      {[]string{"package.json", "package-lock.json", "npm-shrinkwrap.json", ".npmrc"}, []string{"package.json"}},
	"yarn":     {[]string{"package.json", "yarn.lock", ".yarnrc", ".yarnrc.yml", ".npmrc", ".yarn/"}, []string{"package.json"}},
	"pnpm":     {[]string{"package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc"}, []string{"package.json", "pnpm-lock.yaml"}},
	"bun":      {[]string{"package.json", "bun.lock", "bun.lockb"}, []string{"package.json"}},
	"go":       {[]string{"go.mod", "go.sum", "go.work", "go.work.sum"}, []string{"go.mod"}},
	"bundler":  {[]string{"Gemfile", "Gemfile.lock", "gems.rb", "gems.locked", ".ruby-version"}, []string{"Gemfile", "gems.rb"}},
	"composer": {[]string{"composer.json", "composer.lock"}, []string{"composer.json"}},
	"cargo":    {[]string{"Cargo.toml", "Cargo.lock"}, []string{"Cargo.toml"}},
	"maven":    {[]string{"pom.xml", "mvnw", ".mvn/"}, []string{"pom.xml"}},
	"gradle": {[]string{"build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts", "gradle.properties", "gradlew", "gradle/"},
		[]string{"build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts"}},
}

// npmInstallVerbs are npm's install commands and their aliases (npm
// docs, npm-install and npm-ci).
var npmInstallVerbs = []string{"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal",
	"isntall", "add", "ci", "clean-install", "ic", "install-clean", "isntall-clean", "install-ci-test", "cit"}

// commandTextWith is a command's text with extra words appended.
func commandTextWith(src string, c *shellcmd.Command, extra ...string) string {
	t := src[c.Start:c.End]
	if !strings.ContainsAny(t, `"'\`) {
		t = strings.Join(strings.Fields(t), " ")
	}
	for _, e := range extra {
		t += " " + e
	}
	return t
}

// dependencyInstall recognises a dependency install; src is the script
// text (for prefetch commands built from the command as written).
func dependencyInstall(src string, c *shellcmd.Command) (depInstall, bool) {
	di := depInstall{cmd: c}
	name := c.Name()
	sub := func(valueOpts ...string) (string, int) {
		i := operandIndex(c, 1, valueOpts...)
		if i < 0 || !c.Args[i].Static {
			return "", -1
		}
		return c.Args[i].Value, i
	}
	if pc, ok := pipCommand(c); ok {
		switch {
		case pc.sub == "install":
		case pc.uv && pc.sub == "sync":
		default:
			return di, false
		}
		di.eco, di.uv = "pip", pc.uv
		pipInstallArgs(c, pc, &di)
		return di, true
	}
	switch name {
	case "uv":
		if s, _ := sub("--directory", "--project", "--python", "-p", "--cache-dir", "--config-file"); s == "sync" {
			di.eco = "uv"
			if !c.Has("--no-install-project") && !c.Has("--only-dev") {
				di.needsSources = true
				di.prefetch = commandTextWith(src, c, "--no-install-project")
			}
			return di, true
		}
	case "pipenv":
		if s, _ := sub(); s == "install" || s == "sync" {
			di.eco = "pipenv"
			if c.Has("-e", "--editable", ".") {
				di.needsSources = true
			}
			return di, true
		}
	case "poetry":
		if s, _ := sub("-C", "--directory", "-P", "--project"); s == "install" || s == "sync" {
			di.eco = "poetry"
			if !c.Has("--no-root") && !c.Has("--only-root") {
				di.needsSources = true
				di.prefetch = commandTextWith(src, c, "--no-root")
			}
			return di, true
		}
	case "pdm":
		if s, _ := sub("-p", "--project"); s == "install" || s == "sync" {
			di.eco = "pdm"
			if !c.Has("--no-self") {
				di.needsSources = true
				di.prefetch = commandTextWith(src, c, "--no-self")
			}
			return di, true
		}
	case "npm":
		s, _ := sub("--prefix", "-C", "--workspace", "-w", "--registry", "--cache", "--loglevel", "--omit", "--include", "--userconfig")
		if !contains(npmInstallVerbs, s) {
			return di, false
		}
		di.eco = "npm"
		di.global = c.Has("-g", "--global", "--location=global")
		return di, true
	case "yarn":
		s, i := sub("--cwd", "--cache-folder", "--modules-folder", "--registry", "--network-timeout", "--mutex")
		switch {
		case s == "global":
			di.eco, di.global = "yarn", true
			return di, c.Arg(i+1) == "add"
		case s == "" && i < 0, s == "install", s == "add":
			di.eco = "yarn"
			return di, true
		}
	case "pnpm", "bun":
		s, _ := sub("-C", "--dir", "--filter", "-F", "--store-dir", "--cwd")
		if s == "install" || s == "i" || s == "add" || (name == "pnpm" && s == "fetch") {
			di.eco = name
			di.global = c.Has("-g", "--global")
			return di, true
		}
	case "go":
		s, i := sub("-C")
		switch s {
		case "mod":
			if c.Arg(i+1) == "download" {
				di.eco = "go"
				return di, true
			}
		case "build", "install", "test", "vet", "generate":
			di.eco = "go"
			di.needsSources = true
			di.prefetch = "go mod download"
			if s == "install" {
				for _, w := range c.Args[i+1:] {
					if strings.Contains(w.Value, "@") {
						di.global, di.needsSources, di.prefetch = true, false, ""
					}
				}
			}
			return di, true
		}
	case "bundle", "bundler":
		if s, i := sub("--gemfile", "--path", "--jobs", "-j", "--retry"); s == "install" || (s == "" && i < 0) {
			di.eco = "bundler"
			return di, true
		}
	case "composer", "composer.phar":
		if s, _ := sub("-d", "--working-dir"); s == "install" {
			di.eco = "composer"
			var missing []string
			for _, f := range []string{"--no-scripts", "--no-autoloader"} {
				if !c.Has(f) {
					missing = append(missing, f)
				}
			}
			if len(missing) > 0 {
				di.needsSources = true
				di.prefetch = commandTextWith(src, c, missing...)
			}
			return di, true
		}
	case "cargo":
		if s, _ := sub("--manifest-path", "-Z", "--config", "--color"); s == "build" || s == "install" || s == "fetch" || s == "test" {
			di.eco = "cargo"
			di.needsSources = true
			if s == "install" && !c.Has("--path") {
				di.global, di.needsSources = true, false
			}
			return di, true
		}
	case "mvn", "mvnw":
		di.eco = "maven"
		goals := 0
		for _, w := range c.Operands("-f", "--file", "-s", "--settings", "-pl", "--projects", "-P", "--activate-profiles", "-T", "--threads", "-rf", "--resume-from") {
			goals++
			if !strings.HasPrefix(w.Value, "dependency:") {
				di.needsSources = true
			}
		}
		if goals == 0 {
			return di, false
		}
		if di.needsSources {
			di.prefetch = c.Args[0].Value + " dependency:go-offline"
		}
		return di, true
	case "gradle", "gradlew":
		if len(c.Operands()) == 0 {
			return di, false
		}
		di.eco = "gradle"
		di.needsSources = true
		return di, true
	}
	return di, false
}

// pipInstallArgs reads the files and operands of `pip install` (or
// `uv pip sync`, whose operands are requirements files).
func pipInstallArgs(c *shellcmd.Command, pc pipCall, di *depInstall) {
	fileOpts := map[string]bool{"-r": true, "--requirement": true, "-c": true, "--constraint": true}
	packages := 0
	args := c.Args
	for i := pc.subAt + 1; i < len(args); i++ {
		w := args[i]
		v := w.Value
		switch {
		case fileOpts[v] && i+1 < len(args):
			i++
			di.files = append(di.files, args[i])
		case strings.HasPrefix(v, "--requirement=") || strings.HasPrefix(v, "--constraint="):
			_, f, _ := strings.Cut(v, "=")
			sw := w
			sw.Value = f
			sw.Start, sw.End = w.Span(len(v)-len(f), len(v))
			di.files = append(di.files, sw)
		case (v == "-e" || v == "--editable") && i+1 < len(args):
			i++
			if !isRemoteSpec(args[i].Value) {
				di.needsSources = true
			}
		case strings.HasPrefix(v, "-"):
			for _, o := range pipInstallValueOpts {
				if v == o {
					i++
					break
				}
			}
		default:
			if pc.uv && pc.sub == "sync" {
				di.files = append(di.files, w)
				continue
			}
			packages++
			if !w.Static || isLocalSpec(v) {
				di.needsSources = true
			}
		}
	}
	di.global = len(di.files) == 0 && !di.needsSources && packages > 0
}

// isLocalSpec reports whether a pip requirement names a path (., ./pkg,
// dist/x.whl) rather than a package or a URL.
func isLocalSpec(v string) bool {
	if isRemoteSpec(v) {
		return false
	}
	return v == "." || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../") || strings.HasPrefix(v, "/") ||
		strings.Contains(v, "/") || strings.HasSuffix(v, ".whl") || strings.HasSuffix(v, ".tar.gz") || strings.HasSuffix(v, ".zip")
}

func isRemoteSpec(v string) bool {
	return strings.Contains(v, "://") || strings.HasPrefix(v, "git+") || strings.Contains(v, " @ ")
}
