package project

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// PathInfo is what the loader found on disk at a path a compose file names
// (a bind-mount source, an env_file), so rules can say it is missing
// without touching the disk themselves.
type PathInfo struct {
	// Exists is true when the path exists (symbolic links followed, as the
	// engine and compose follow them).
	Exists bool
	// IsDir is true for an existing directory.
	IsDir bool
	// CaseVariant is, for a path that does not exist, an existing path that
	// differs from it only in letter case (absolute), or "".
	CaseVariant string
	// Err is why the path could not be examined when it is not simply
	// missing (permission denied), or "".
	Err string
}

// maxPathFacts bounds how many paths the loader examines.
const maxPathFacts = 4096

// PathFact returns what the loader found at an absolute path as compose-go
// resolved it (a service volume's Source, an env_file's Path); ok is false
// when the loader did not look at it.
func (c *Compose) PathFact(abs string) (info PathInfo, ok bool) {
	if c == nil || c.Paths == nil {
		return PathInfo{}, false
	}
	info, ok = c.Paths[filepath.Clean(abs)]
	return info, ok
}

// RelPath is abs relative to root, slash-separated, as finding paths are
// written ("../x" for a path outside the root).
func RelPath(root, abs string) string {
	r, err := filepath.Rel(root, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(r)
}

// statServicePaths records the existence facts of every bind-mount source
// and env_file of every service, profile-disabled ones included.
func (l *loader) statServicePaths(c *Compose) {
	if c.Model == nil {
		return
	}
	c.Paths = map[string]PathInfo{}
	// The paths in order (the first maxPathFacts are examined), then
	// examined on all CPUs.
	var paths []string
	seen := map[string]bool{}
	look := func(p string) {
		if p == "" || !filepath.IsAbs(p) || len(paths) >= maxPathFacts {
			return
		}
		p = filepath.Clean(p)
		if !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	for _, services := range []types.Services{c.Model.Services, c.Model.DisabledServices} {
		for _, name := range slices.Sorted(maps.Keys(services)) {
			svc := services[name]
			for _, v := range svc.Volumes {
				if v.Type == types.VolumeTypeBind {
					look(v.Source)
				}
			}
			for _, e := range svc.EnvFiles {
				look(e.Path)
			}
		}
	}
	infos := make([]PathInfo, len(paths))
	forEach(len(paths), func(i int) { infos[i] = statPath(paths[i]) })
	for i, p := range paths {
		c.Paths[p] = infos[i]
	}
}

// statPath examines one absolute path.
func statPath(p string) PathInfo {
	fi, err := os.Stat(p)
	switch {
	case err == nil:
		return PathInfo{Exists: true, IsDir: fi.IsDir()}
	case errors.Is(err, fs.ErrNotExist):
		return PathInfo{CaseVariant: caseVariant(p)}
	default:
		return PathInfo{Err: unwrapPathError(err).Error()}
	}
}

// caseVariant finds an existing path that matches p when letter case is
// ignored, one directory listing per path element; "" when there is none.
// A directory holding several names that differ only in case makes the
// answer the first one listed.
func caseVariant(p string) string {
	vol := filepath.VolumeName(p)
	rest := strings.TrimPrefix(p[len(vol):], string(filepath.Separator))
	cur := vol + string(filepath.Separator)
	changed := false
	for _, elem := range strings.Split(rest, string(filepath.Separator)) {
		if elem == "" {
			continue
		}
		next := filepath.Join(cur, elem)
		if _, err := os.Lstat(next); err == nil {
			cur = next
			continue
		}
		entries, err := os.ReadDir(cur)
		if err != nil {
			return ""
		}
		found := ""
		for _, e := range entries {
			if strings.EqualFold(e.Name(), elem) {
				found = e.Name()
				break
			}
		}
		if found == "" {
			return ""
		}
		cur = filepath.Join(cur, found)
		changed = true
	}
	if !changed {
		return ""
	}
	if _, err := os.Stat(cur); err != nil {
		return ""
	}
	return cur
}
