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
// through safefs like the application files. The containers are traced in
// parallel (forEach), the files then read in their order.
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
	// The containers: each service's, then each stage's.
	type container struct {
		service string
		d       *Dockerfile
		stage   int
	}
	var containers []container
	if c := l.p.Compose; c != nil && c.Model != nil {
		names := make([]string, 0, len(c.Model.Services))
		for name, svc := range c.Model.Services {
			names = append(names, name)
			add(svc.Entrypoint)
			add(svc.Command)
		}
		sort.Strings(names)
		for _, name := range names {
			containers = append(containers, container{service: name})
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
			containers = append(containers, container{d: d, stage: si})
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
	byService := map[string][]*BuildContext{}
	for _, bc := range l.p.Contexts {
		if bc.Service != "" {
			byService[bc.Service] = append(byService[bc.Service], bc)
		}
	}
	located := make([][]string, len(containers))
	forEach(len(containers), func(i int) {
		ct := containers[i]
		var cf *ContainerFiles
		if ct.d != nil {
			cf = ImageContainerFiles(ct.d, ct.stage)
		} else {
			cf = l.p.serviceContainerFiles(ct.service, byService[ct.service])
		}
		if cf == nil {
			return
		}
		for _, w := range sorted {
			for _, viaShell := range []bool{false, true} {
				located[i] = append(located[i], cf.Locate(w, viaShell)...)
			}
		}
	})
	tried := map[string]bool{}
	for _, rels := range located {
		for _, rel := range rels {
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
