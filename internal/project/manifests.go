package project

import (
	"os"
	"path"
	"path/filepath"
	"sort"
)

// ManifestPatterns are the dependency manifests, lock files and package
// manager settings a Dockerfile copies before installing dependencies, as
// path.Match patterns relative to a build context. Names ending in "/" are
// directories (yarn's releases, the Gradle and Maven wrappers).
// Sources: each tool's documentation of the files it reads (pip
// requirements files, Pipenv, Poetry, uv, PDM, npm, Yarn, pnpm, Bun, Go
// modules and workspaces, Bundler, Composer, Cargo, Maven, Gradle).
var ManifestPatterns = []string{
	// Python
	"requirements*.txt", "requirements/*.txt", "constraints*.txt",
	"Pipfile", "Pipfile.lock", "pyproject.toml", "poetry.lock", "poetry.toml", "uv.lock", "pdm.lock",
	"setup.py", "setup.cfg", ".python-version",
	// JavaScript
	"package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", ".yarnrc", ".yarnrc.yml", ".yarn/",
	"pnpm-lock.yaml", "pnpm-workspace.yaml", ".npmrc", "bun.lock", "bun.lockb",
	// Go
	"go.mod", "go.sum", "go.work", "go.work.sum",
	// Ruby
	"Gemfile", "Gemfile.lock", "gems.rb", "gems.locked", ".ruby-version",
	// PHP
	"composer.json", "composer.lock",
	// Rust
	"Cargo.toml", "Cargo.lock",
	// Java
	"pom.xml", "mvnw", ".mvn/", "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts",
	"gradle.properties", "gradlew", "gradle/",
}

// maxManifestDirEntries bounds the listing of a context root (and of its
// requirements/ directory).
const maxManifestDirEntries = 20000

// loadManifests records, for each local build context, which manifest
// files exist (BuildContext.Manifests), so rules can name the exact files
// to copy first without reading the disk. A context loadAppFiles has
// listed is not listed again.
func (l *loader) loadManifests() {
	forEachWith(len(l.p.Contexts), newDirBatch, func(b *dirBatch, i int) {
		c := l.p.Contexts[i]
		if c.Remote != "" {
			return
		}
		dir := filepath.Join(l.root, filepath.FromSlash(c.Dir))
		c.Manifests = findManifestsIn(dir, l.listings[c.Dir], b)
	})
}

// findManifests lists the entries of dir (and dir/requirements) that
// match ManifestPatterns, as sorted slash paths relative to dir.
func findManifests(dir string) []string { return findManifestsIn(dir, nil, nil) }

// findManifestsIn is findManifests with dir's listing when it was read
// already (nil: read it), and a buffer for listDir.
func findManifestsIn(dir string, listing *dirListing, b *dirBatch) []string {
	if listing == nil {
		listing = listDir(dir, b)
		if listing == nil {
			return nil
		}
	}
	var found []string
	list := func(sub string, entries *dirListing) {
		for i, n := range entries.names {
			if i >= maxManifestDirEntries {
				break
			}
			name := path.Join(sub, n)
			typ := entries.types[i]
			isDir := typ.IsDir()
			if typ&os.ModeSymlink != 0 {
				fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name)))
				if err != nil {
					continue
				}
				isDir = fi.IsDir()
			}
			if isDir {
				name += "/"
			}
			if matchManifest(name) {
				found = append(found, name)
			}
		}
	}
	list(".", listing)
	// Only a context with a requirements directory (up to case, as the
	// file system may find it) has one to list.
	if listing.hasLower("requirements") {
		if req := listDir(filepath.Join(dir, "requirements"), b); req != nil {
			list("requirements", req)
		}
	}
	sort.Strings(found)
	return found
}

func matchManifest(name string) bool {
	dir := len(name) > 0 && name[len(name)-1] == '/'
	for _, p := range ManifestPatterns {
		if dir != (p[len(p)-1] == '/') {
			continue
		}
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}
