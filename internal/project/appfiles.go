package project

import (
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// AppFiles are small files of the application itself that decide how its
// development server listens (which framework manage.py belongs to, a
// vite.config.ts that sets server.host, mkdocs.yml's dev_addr). They are
// read from each local build context and each bind-mounted directory, and
// kept apart from Sources: rules about files (secrets, git) do not see
// them, only the bind rules (internal/binddefaults decides what they mean).
type AppFiles struct {
	// files maps "dir/name" (root-relative) to the file's content.
	files map[string]string
	// Dirs are the directories that were looked in, sorted.
	Dirs []string
}

// AppFileNames are the files read from each application directory (paths
// relative to it). internal/binddefaults' tests check that every file its
// table asks about is listed here.
func AppFileNames() []string {
	return []string{
		"manage.py", ".flaskenv", ".env", "gunicorn.conf.py", "config/puma.rb",
		"vite.config.js", "vite.config.mjs", "vite.config.cjs", "vite.config.ts", "vite.config.mts", "vite.config.cts",
		"angular.json", "mkdocs.yml", "mkdocs.yaml", "package.json",
	}
}

// maxAppFile caps what is read of one application file.
const maxAppFile = 256 << 10

// Lookup returns the file name (relative to the application directory dir,
// root-relative) when it was read.
func (a *AppFiles) Lookup(dir, name string) (string, bool) {
	if a == nil {
		return "", false
	}
	s, ok := a.files[path.Join(dir, name)]
	return s, ok
}

// loadAppFiles reads AppFileNames from every local build context and every
// bind-mounted directory inside the project.
func (l *loader) loadAppFiles() {
	a := &AppFiles{files: map[string]string{}}
	l.p.AppFiles = a
	dirs := map[string]bool{}
	for _, c := range l.p.Contexts {
		if c.Remote == "" && !strings.HasPrefix(c.Dir, "../") && c.Dir != ".." {
			dirs[c.Dir] = true
		}
	}
	if c := l.p.Compose; c != nil && c.Model != nil {
		for _, svc := range c.Model.Services {
			for _, v := range svc.Volumes {
				if v.Type != "bind" || v.Source == "" {
					continue
				}
				rel := l.rel(absPath(l.root, v.Source))
				if rel == ".." || strings.HasPrefix(rel, "../") || filepath.IsAbs(rel) || dirs[rel] {
					continue
				}
				abs := filepath.Join(l.root, filepath.FromSlash(rel))
				// statServicePaths has looked at the sources compose-go
				// resolved (to absolute paths).
				info, ok := c.PathFact(abs)
				if !ok {
					info = statPath(abs)
				}
				if info.Exists && info.IsDir {
					dirs[rel] = true
				}
			}
		}
	}
	for d := range dirs {
		a.Dirs = append(a.Dirs, d)
	}
	sort.Strings(a.Dirs)
	// Each directory is read on its own (in parallel), its files then
	// recorded in order. Its listing is kept for loadManifests.
	type appFile struct{ key, data string }
	found := make([][]appFile, len(a.Dirs))
	listings := make([]*dirListing, len(a.Dirs))
	forEachWith(len(a.Dirs), newDirBatch, func(b *dirBatch, i int) {
		d := a.Dirs[i]
		dir := filepath.Join(l.root, filepath.FromSlash(d))
		present := listDir(dir, b)
		listings[i] = present
		for _, name := range AppFileNames() {
			if present != nil && !present.mayHold(name) {
				continue
			}
			p := filepath.Join(dir, filepath.FromSlash(name))
			if data, ok := l.readSmallFile(p); ok {
				found[i] = append(found[i], appFile{path.Join(d, name), data})
			}
		}
	})
	if l.listings == nil {
		l.listings = map[string]*dirListing{}
	}
	for i, files := range found {
		for _, f := range files {
			a.files[f.key] = f.data
		}
		l.listings[a.Dirs[i]] = listings[i]
	}
}

// mayHold reports whether the relative path rel may name a file of the
// directory: its first element is an entry, up to case (a case-insensitive
// file system finds it; stat decides).
func (d *dirListing) mayHold(rel string) bool {
	first, _, _ := strings.Cut(rel, "/")
	return d.hasLower(strings.ToLower(first))
}

// readSmallFile reads a regular file of the project of at most maxAppFile
// bytes (through safefs: not a link out of the project, not a pipe).
func (l *loader) readSmallFile(p string) (string, bool) {
	r := l.files
	r.Max = maxAppFile
	b, err := r.ReadFile(p)
	if err != nil {
		return "", false
	}
	return string(b), true
}
