package project

import (
	"fmt"
	"os"
	"path/filepath"
)

// checkDockerignores records, for each local context whose ignore file
// could not be read, why: the file exists (as BuildKit looks for it:
// <Dockerfile>.dockerignore, then <context>/.dockerignore) but is
// unreadable, a directory or too large. The build fails on it.
func (l *loader) checkDockerignores() {
	for _, c := range l.p.Contexts {
		if c.Remote != "" || c.Dockerignore != "" {
			continue
		}
		var candidates []string
		if c.Dockerfile != nil && !c.Dockerfile.Inline {
			candidates = append(candidates, filepath.Join(l.root, filepath.FromSlash(c.Dockerfile.Path))+".dockerignore")
		}
		candidates = append(candidates, filepath.Join(l.root, filepath.FromSlash(c.Dir), ".dockerignore"))
		for _, p := range candidates {
			fi, err := os.Stat(p)
			if err != nil && os.IsNotExist(err) {
				continue
			}
			msg := ""
			switch {
			case err != nil:
				msg = unwrapPathError(err).Error()
			case fi.IsDir():
				msg = "is a directory"
			default:
				if _, err := l.readSource(p); err != nil {
					msg = err.Error()
				}
			}
			if msg == "" {
				continue
			}
			rel := l.rel(p)
			c.DockerignoreError = &SyntaxError{Range: rangeOfFile(rel), Message: fmt.Sprintf("cannot read %s: %s", rel, msg)}
			break
		}
	}
}

// loadGitignore reads the root's .gitignore, when there is one, so rules
// can propose lines to append to it.
func (l *loader) loadGitignore() {
	_, _ = l.readSource(filepath.Join(l.root, ".gitignore"))
}
