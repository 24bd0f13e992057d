package project

import (
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// ContainerScripts are the project's scripts that a container runs as its
// entrypoint or command (/docker-entrypoint.sh, ./scripts/start.sh): the
// bind rules read what a script does with its arguments (exec "$@") to
// know which command the container ends up running. Like AppFiles they are
// kept apart from Sources.
type ContainerScripts struct {
	// files maps a root-relative path to the file's content.
	files map[string]string
}

// Lookup returns the content of the root-relative file rel when it was
// read.
func (s *ContainerScripts) Lookup(rel string) (string, bool) {
	if s == nil {
		return "", false
	}
	v, ok := s.files[rel]
	return v, ok
}

// Bounds of what loadContainerScripts reads: the first words of each
// command, and a number of files.
const (
	scriptWordsPerCommand = 4
	maxContainerScripts   = 64
)

// loadContainerScripts reads the scripts the containers of the project
// may run: the words among the first of every service's entrypoint and
// command and every stage's ENTRYPOINT and CMD (exec form) that look like
// a script, traced to a project file through each service's bind mounts
// and each image's COPY/ADD (ContainerFiles.Locate). Reads are small and go
// through safefs like the application files.
func (l *loader) loadContainerScripts() {
	s := &ContainerScripts{files: map[string]string{}}
	l.p.ContainerScripts = s
	words := map[string]bool{}
	add := func(argv []string) {
		for i, w := range argv {
			if i >= scriptWordsPerCommand {
				break
			}
			if looksLikeScriptWord(w) {
				words[w] = true
			}
		}
	}
	var containers []*ContainerFiles
	if c := l.p.Compose; c != nil && c.Model != nil {
		names := make([]string, 0, len(c.Model.Services))
		for name, svc := range c.Model.Services {
			names = append(names, name)
			add(svc.Entrypoint)
			add(svc.Command)
		}
		sort.Strings(names)
		for _, name := range names {
			if cf := l.p.ServiceContainerFiles(name); cf != nil {
				containers = append(containers, cf)
			}
		}
	}
	for _, d := range l.p.Dockerfiles {
		if d.ParseError != nil {
			continue
		}
		for si, st := range d.Stages {
			for _, cmd := range st.Commands {
				switch c := cmd.(type) {
				case *instructions.EntrypointCommand:
					if !c.PrependShell {
						add(c.CmdLine)
					}
				case *instructions.CmdCommand:
					if !c.PrependShell {
						add(c.CmdLine)
					}
				}
			}
			if cf := ImageContainerFiles(d, si); cf != nil {
				containers = append(containers, cf)
			}
		}
	}
	if len(words) == 0 {
		return
	}
	sorted := make([]string, 0, len(words))
	for w := range words {
		sorted = append(sorted, w)
	}
	sort.Strings(sorted)
	tried := map[string]bool{}
	for _, cf := range containers {
		for _, w := range sorted {
			for _, viaShell := range []bool{false, true} {
				for _, rel := range cf.Locate(w, viaShell) {
					if tried[rel] || len(tried) >= maxContainerScripts {
						continue
					}
					tried[rel] = true
					if data, ok := l.readSmallFile(filepath.Join(l.root, filepath.FromSlash(rel))); ok {
						s.files[rel] = data
					}
				}
			}
		}
	}
}

// looksLikeScriptWord reports whether a command word may name a script of
// the project: a path, or a name with a shell extension.
func looksLikeScriptWord(w string) bool {
	if w == "" || strings.HasPrefix(w, "-") || strings.ContainsAny(w, "$=") {
		return false
	}
	if strings.Contains(w, "/") {
		return true
	}
	switch strings.ToLower(path.Ext(w)) {
	case ".sh", ".bash", ".ksh", ".zsh", ".ash":
		return true
	}
	return false
}
