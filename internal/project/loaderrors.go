package project

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// envFileErrorRe is compose-go's error for an env file it cannot parse.
var envFileErrorRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`failed to read (\S+): line (\d+): (.*)`) })

// refineComposeError turns the compose-go errors that name no line into a
// finding at the entry the user must edit: a file that an include or an
// extends names and that cannot be read, an include cycle, an extends
// cycle. ok is false for the other errors (composeError handles them).
func (l *loader) refineComposeError(err error) (SyntaxError, bool) {
	var pe *fs.PathError
	msg := err.Error()
	for _, cf := range l.p.Compose.Files {
		if top := topNode(cf); top != nil && top.Kind != yaml.MappingNode {
			return SyntaxError{Range: NodeRange(cf.Source, top),
				Message: fmt.Sprintf("the file must be a mapping (services:, networks:, volumes:...), not %s", kindName(top))}, true
		}
	}
	if m := envFileErrorRe().FindStringSubmatch(msg); m != nil {
		// An included project's .env that compose-go cannot parse.
		if src := l.p.Sources[l.relMaybe(m[1])]; src != nil {
			line, _ := strconv.Atoi(m[2])
			return SyntaxError{Range: src.LineRange(line), Message: fmt.Sprintf("cannot read %s (line %s): %s: docker compose stops here", src.Path, m[2], m[3])}, true
		}
	}
	if errors.As(err, &pe) && filepath.IsAbs(pe.Path) {
		return l.unreadableReference(pe), true
	}
	if i := strings.Index(msg, "include cycle detected:"); i >= 0 {
		return l.includeCycle(msg[i:]), true
	}
	if i := strings.Index(msg, "Circular reference:"); i >= 0 {
		return l.extendsCycle(msg[i:]), true
	}
	return SyntaxError{}, false
}

// unreadableReference locates the include or extends entry naming a file
// that cannot be read.
func (l *loader) unreadableReference(pe *fs.PathError) SyntaxError {
	rel := l.display(pe.Path)
	reason := pe.Err.Error()
	for _, cf := range l.parsedComposeFiles() {
		dir := filepath.Dir(filepath.Join(l.root, filepath.FromSlash(cf.file.Path)))
		for _, ref := range fileReferences(cf.file) {
			if absPath(dir, ref.node.Value) == filepath.Clean(pe.Path) {
				return SyntaxError{
					Range:   NodeRange(cf.file.Source, ref.node),
					Message: fmt.Sprintf("%s: cannot read %s: %s", ref.key, rel, reason),
				}
			}
		}
	}
	return SyntaxError{Range: firstFileRange(l.p.Compose.Files), Message: fmt.Sprintf("cannot read %s: %s", rel, reason)}
}

// includeCycle renders compose-go's "include cycle detected:\n<file>\n
// include <file>..." on one line, at the include entry that closes it.
func (l *loader) includeCycle(msg string) SyntaxError {
	var chain []string
	for _, line := range strings.Split(msg, "\n")[1:] {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "include "))
		if line != "" {
			chain = append(chain, l.relMaybe(line))
		}
	}
	text := "include cycle: " + strings.Join(chain, ", which includes ")
	if len(chain) > 1 {
		text = "include cycle: " + chain[0] + " includes " + strings.Join(chain[1:], ", which includes ")
	}
	r := firstFileRange(l.p.Compose.Files)
	if len(chain) >= 2 {
		from, to := chain[len(chain)-2], chain[len(chain)-1]
		for _, cf := range l.parsedComposeFiles() {
			if cf.file.Path != from && filepath.Base(cf.file.Path) != filepath.Base(from) {
				continue
			}
			dir := filepath.Dir(filepath.Join(l.root, filepath.FromSlash(cf.file.Path)))
			for _, ref := range fileReferences(cf.file) {
				if ref.key == "include" && filepath.Base(absPath(dir, ref.node.Value)) == filepath.Base(to) {
					r = NodeRange(cf.file.Source, ref.node)
				}
			}
		}
	}
	return SyntaxError{Range: r, Message: text}
}

// extendsCycle renders compose-go's multi-line "circular reference:" on one
// line, at the first service's extends: that the project's files hold.
func (l *loader) extendsCycle(msg string) SyntaxError {
	var steps []string
	var first string
	for _, line := range strings.Split(msg, "\n")[1:] {
		line = strings.TrimSpace(strings.ReplaceAll(line, l.root+string(filepath.Separator), ""))
		if line == "" {
			continue
		}
		if first == "" {
			first, _, _ = strings.Cut(strings.TrimPrefix(line, "extends "), " ")
		}
		steps = append(steps, line)
	}
	r := firstFileRange(l.p.Compose.Files)
	for _, cf := range l.p.Compose.Files {
		if v, _ := cf.Lookup("services", first, "extends"); v != nil {
			r = NodeRange(cf.Source, v)
			break
		}
	}
	return SyntaxError{Range: r, Message: "extends cycle: " + strings.Join(steps, ", ")}
}

// firstFileRange is the start of the first compose file, where an error
// that cannot be located goes.
func firstFileRange(files []*ComposeFile) finding.Range {
	if len(files) == 0 {
		return rangeOfFile("")
	}
	return rangeOfFile(files[0].Path)
}

// relMaybe makes an absolute path root-relative; compose-go's messages
// mix both.
func (l *loader) relMaybe(p string) string {
	if filepath.IsAbs(p) {
		return l.rel(p)
	}
	return filepath.ToSlash(p)
}

type parsedFile struct{ file *ComposeFile }

// parsedComposeFiles are the compose files indexed so far, plus the
// included files compose-go reported before it failed (read and parsed
// here, since indexIncludes runs after the model).
func (l *loader) parsedComposeFiles() []parsedFile {
	var out []parsedFile
	seen := map[string]bool{}
	for _, cf := range l.p.Compose.Files {
		if cf.Root != nil {
			out = append(out, parsedFile{cf})
			seen[cf.Path] = true
		}
	}
	for _, inc := range l.includes {
		for _, p := range inc.paths {
			if IsRemoteResource(p) {
				continue
			}
			abs := absPath(inc.workingDir, p)
			if seen[l.rel(abs)] {
				continue
			}
			seen[l.rel(abs)] = true
			src, err := l.readSource(abs)
			if err != nil {
				continue
			}
			if root, perr := parseYAML(src); perr == nil {
				out = append(out, parsedFile{&ComposeFile{Path: src.Path, Source: src, Root: root}})
			}
		}
	}
	return out
}

// fileRef is a scalar naming another file: an include path or an
// extends: file.
type fileRef struct {
	key  string // "include" or "extends"
	node *yaml.Node
}

// fileReferences lists the include paths and extends files of a compose
// file.
func fileReferences(cf *ComposeFile) []fileRef {
	var out []fileRef
	if inc, _ := cf.Lookup("include"); inc != nil && resolveAlias(inc).Kind == yaml.SequenceNode {
		for _, item := range resolveAlias(inc).Content {
			item = resolveAlias(item)
			switch {
			case item == nil:
			case item.Kind == yaml.ScalarNode:
				out = append(out, fileRef{"include", item})
			case item.Kind == yaml.MappingNode:
				for _, kv := range MappingPairs(item) {
					if kv[0].Value != "path" {
						continue
					}
					p := resolveAlias(kv[1])
					if p.Kind == yaml.ScalarNode {
						out = append(out, fileRef{"include", p})
					}
					if p.Kind == yaml.SequenceNode {
						for _, s := range p.Content {
							if s = resolveAlias(s); s != nil && s.Kind == yaml.ScalarNode {
								out = append(out, fileRef{"include", s})
							}
						}
					}
				}
			}
		}
	}
	services, _ := cf.Lookup("services")
	for _, kv := range MappingPairs(services) {
		for _, f := range MappingPairs(kv[1]) {
			if f[0].Value != "extends" {
				continue
			}
			for _, e := range MappingPairs(f[1]) {
				if e[0].Value == "file" && resolveAlias(e[1]).Kind == yaml.ScalarNode {
					out = append(out, fileRef{"extends", resolveAlias(e[1])})
				}
			}
		}
	}
	return out
}

// topNode is the content of a compose file's document, or nil.
func topNode(cf *ComposeFile) *yaml.Node {
	if cf.Root == nil || cf.Root.Kind != yaml.DocumentNode || len(cf.Root.Content) == 0 {
		return nil
	}
	return cf.Root.Content[0]
}

func kindName(n *yaml.Node) string {
	switch resolveAlias(n).Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a single value"
	}
	return "this"
}
