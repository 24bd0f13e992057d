package project

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Where the files a container sees come from: the files a Dockerfile stage
// copies from its build context (COPY, ADD), and the project directories a
// compose service bind-mounts over them. A script a container runs
// (/docker-entrypoint.sh, ./entrypoint.sh, a bare name found in PATH) is
// traced back to the file of the project it came from. HS001 (checks) reads
// the file it finds to look at its line endings; the loader reads it for the
// bind rules (containerscripts.go).

// ImageCopy is one COPY or ADD from the build context.
type ImageCopy struct {
	// Dest is the absolute container path (WORKDIR applied); DestDir is
	// true when it names a directory (a trailing slash, several sources).
	Dest    string
	DestDir bool
	// Sources are context paths, cleaned ("." for the whole context).
	Sources []string
	Loc     []parser.Range
	// Seq orders the copy among the stage's instructions (callers' own
	// numbering).
	Seq int
}

// ContainerAbs makes p absolute in the working directory workdir.
func ContainerAbs(workdir, p string) string {
	if strings.HasPrefix(p, "/") {
		return path.Clean(p)
	}
	return path.Join("/", workdir, p)
}

// NewImageCopy is the copy of a COPY or ADD (not --from, not a heredoc)
// with sources and dest as written, expanded by expand, in workdir; false
// when its destination or every source is unknown.
func NewImageCopy(workdir string, sources []string, dest string, loc []parser.Range, expand Expander, seq int) (ImageCopy, bool) {
	d, ok := expand(dest)
	if !ok || d == "" {
		return ImageCopy{}, false
	}
	cp := ImageCopy{Dest: ContainerAbs(workdir, d), DestDir: strings.HasSuffix(d, "/") || len(sources) > 1 || d == "." || strings.HasSuffix(d, "/."), Loc: loc, Seq: seq}
	for _, src := range sources {
		if strings.Contains(src, "://") || strings.HasPrefix(src, "git@") {
			continue
		}
		e, ok := expand(src)
		if !ok || e == "" {
			continue
		}
		cp.Sources = append(cp.Sources, CleanContextPath(e))
	}
	return cp, len(cp.Sources) > 0
}

// ContextCandidate is a context file that may be a container path, and
// the copy that would have put it there.
type ContextCandidate struct {
	Path string // context-relative, slash-separated
	Copy ImageCopy
}

// ContextCandidates lists the context files that may be container path p,
// most recent copy first. Which one exists is for the caller to learn.
func ContextCandidates(copies []ImageCopy, p string) []ContextCandidate {
	var out []ContextCandidate
	for i := len(copies) - 1; i >= 0; i-- {
		c := copies[i]
		for _, src := range c.Sources {
			add := func(rel string) {
				rel = CleanContextPath(rel)
				if rel != "." && !strings.HasPrefix(rel, "../") && rel != ".." {
					out = append(out, ContextCandidate{Path: rel, Copy: c})
				}
			}
			if HasGlobMeta(src) {
				// COPY *.sh /usr/local/bin/: the file keeps its name.
				if path.Dir(p) == c.Dest {
					if m, _ := path.Match(path.Base(src), path.Base(p)); m {
						add(path.Join(path.Dir(src), path.Base(p)))
					}
				}
				continue
			}
			if !c.DestDir && p == c.Dest {
				add(src) // COPY run.sh /entrypoint.sh
			}
			if path.Join(c.Dest, path.Base(src)) == p && src != "." {
				add(src) // COPY run.sh /app/ (or to an existing directory)
			}
			if rel, ok := UnderDir(p, c.Dest); ok && rel != "." {
				add(path.Join(src, rel)) // COPY . /app, COPY scripts/ /opt/
			}
		}
	}
	return out
}

// UnderDir reports whether slash path p is dir or inside it, and p
// relative to dir.
func UnderDir(p, dir string) (rel string, ok bool) {
	p, dir = path.Clean(p), path.Clean(dir)
	switch {
	case p == dir:
		return ".", true
	case dir == "/":
		return strings.TrimPrefix(p, "/"), strings.HasPrefix(p, "/")
	case strings.HasPrefix(p, dir+"/"):
		return p[len(dir)+1:], true
	}
	return "", false
}

// DefaultPath is the PATH of a container whose image sets none (the
// engine's default, moby's oci.DefaultPathEnv): a command without a slash
// is searched there.
var DefaultPath = []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// ContainerPaths are the absolute container paths a script word may name:
// a path relative to the working directory (one guess per candidate
// working directory), or a bare name searched in pathDirs (DefaultPath when
// nil) when the kernel runs it; viaShell is true when a shell reads the
// file (sh x.sh), which looks in the working directory.
func ContainerPaths(word string, viaShell bool, workdirs, pathDirs []string) []string {
	switch {
	case word == "":
		return nil
	case strings.HasPrefix(word, "/"):
		return []string{path.Clean(word)}
	case !strings.Contains(word, "/") && !viaShell:
		if pathDirs == nil {
			pathDirs = DefaultPath
		}
		out := make([]string, 0, len(pathDirs))
		for _, d := range pathDirs {
			if strings.HasPrefix(d, "/") {
				out = append(out, path.Join(d, word))
			}
		}
		return out
	}
	out := make([]string, 0, len(workdirs))
	for _, wd := range workdirs {
		out = append(out, path.Join("/", wd, word))
	}
	return out
}

// ImageFiles is what a built stage holds of the build context.
type ImageFiles struct {
	// Workdir is the WORKDIR in effect ("/" when none is set).
	Workdir string
	// Copies are the copies from the context, the parent stages' first.
	Copies []ImageCopy
	// Path are the directories of the PATH the Dockerfile sets (its
	// unknown parts, such as the base image's $PATH, replaced by
	// DefaultPath), nil when it sets none.
	Path []string
}

// imageFilesKey memoises ImageFiles per stage.
type imageFilesKey struct{ stage int }

// ImageFiles computes what stage si of d holds of its build context,
// following FROM <earlier stage>; computed once, callers must not change
// it. It is nil for a stage that does not exist.
func (d *Dockerfile) ImageFiles(si int) *ImageFiles {
	if d == nil || si < 0 || si >= len(d.Stages) {
		return nil
	}
	f, _ := d.Derived(imageFilesKey{si}, func() any { return d.imageFiles(si, 0) }).(*ImageFiles)
	return f
}

func (d *Dockerfile) imageFiles(si, depth int) *ImageFiles {
	f := &ImageFiles{Workdir: "/"}
	if base, ok := d.ExpandMetaArgs(d.Stages[si].BaseName); ok && depth < 64 {
		for pi := si - 1; pi >= 0; pi-- {
			if d.Stages[pi].Name != "" && strings.EqualFold(d.Stages[pi].Name, base) {
				parent := d.imageFiles(pi, depth+1)
				f.Workdir, f.Path = parent.Workdir, parent.Path
				f.Copies = append(f.Copies, parent.Copies...)
				break
			}
		}
	}
	seq := len(f.Copies)
	d.WalkStage(si, func(_ int, cmd instructions.Command, expand Expander) {
		seq++
		switch c := cmd.(type) {
		case *instructions.WorkdirCommand:
			if wd, ok := expand(c.Path); ok {
				f.Workdir = ContainerAbs(f.Workdir, wd)
			}
		case *instructions.CopyCommand:
			if c.From == "" && len(c.SourceContents) == 0 {
				if cp, ok := NewImageCopy(f.Workdir, c.SourcePaths, c.DestPath, c.Location(), expand, seq); ok {
					f.Copies = append(f.Copies, cp)
				}
			}
		case *instructions.AddCommand:
			if len(c.SourceContents) == 0 {
				if cp, ok := NewImageCopy(f.Workdir, c.SourcePaths, c.DestPath, c.Location(), expand, seq); ok {
					f.Copies = append(f.Copies, cp)
				}
			}
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				if kv.Key == "PATH" {
					f.Path = pathDirs(kv.Value, expand)
				}
			}
		}
	})
	return f
}

// pathDirs are the directories of an ENV PATH value; a part that cannot be
// expanded (the base image's $PATH) stands for DefaultPath.
func pathDirs(value string, expand Expander) []string {
	if v, ok := expand(value); ok {
		return strings.Split(v, ":")
	}
	var out []string
	for _, part := range strings.Split(value, ":") {
		if strings.Contains(part, "$") {
			out = append(out, DefaultPath...)
			continue
		}
		out = append(out, part)
	}
	return out
}

// BindMount is a bind mount of a directory or file of the project.
type BindMount struct {
	// Target is the container path, cleaned; Source the root-relative,
	// slash-separated path of the project it mounts ("" when outside the
	// project: its files are not read).
	Target, Source string
}

// ContainerFiles says where the files of a container come from.
type ContainerFiles struct {
	// Workdirs are the candidate working directories (one when known).
	Workdirs []string
	// Path is the PATH's directories (nil: DefaultPath).
	Path []string
	// Mounts are the service's bind mounts.
	Mounts []BindMount
	// Context is the root-relative build context of the image ("" when the
	// image is not built from a local context); Copies its copies.
	Context string
	Copies  []ImageCopy
}

// Locate lists the root-relative project files that the script word (as a
// command names it) may be, most likely first: a bind mount hides what the
// image has at that path; in the image, the last copy wins. The caller
// takes the first that exists.
func (cf *ContainerFiles) Locate(word string, viaShell bool) []string {
	if cf == nil {
		return nil
	}
	var out []string
	for _, p := range ContainerPaths(word, viaShell, cf.Workdirs, cf.Path) {
		best, bestRel := -1, ""
		for i, m := range cf.Mounts {
			if rel, ok := UnderDir(p, m.Target); ok && (best < 0 || len(m.Target) > len(cf.Mounts[best].Target)) {
				best, bestRel = i, rel
			}
		}
		if best >= 0 {
			if src := cf.Mounts[best].Source; src != "" {
				out = append(out, CleanContextPath(path.Join(src, bestRel)))
			}
			continue
		}
		if cf.Context == "" {
			continue
		}
		for _, c := range ContextCandidates(cf.Copies, p) {
			rel := CleanContextPath(path.Join(cf.Context, c.Path))
			if rel != ".." && !strings.HasPrefix(rel, "../") {
				out = append(out, rel)
			}
		}
	}
	return out
}

// ImageContainerFiles is where the files of a container of stage si of d
// come from, when it runs as built.
func ImageContainerFiles(d *Dockerfile, si int) *ContainerFiles {
	f := d.ImageFiles(si)
	if f == nil {
		return nil
	}
	cf := &ContainerFiles{Workdirs: []string{f.Workdir}, Path: f.Path, Copies: f.Copies}
	if d.Context != nil && d.Context.Remote == "" {
		cf.Context = d.Context.Dir
	}
	return cf
}

// ServiceContainerFiles is where the files of a container of a compose
// service come from: its bind mounts over the image it builds (the stage
// of build.target, else the last, of the Dockerfile of its last local
// context that parses); nil when the service does not exist.
func (p *Project) ServiceContainerFiles(name string) *ContainerFiles {
	return p.serviceContainerFiles(name, p.Contexts)
}

// serviceContainerFiles is ServiceContainerFiles looking for the
// service's contexts among contexts (all of the project's, or the
// service's own).
func (p *Project) serviceContainerFiles(name string, contexts []*BuildContext) *ContainerFiles {
	if p.Compose == nil || p.Compose.Model == nil {
		return nil
	}
	svc, ok := p.Compose.Model.Services[name]
	if !ok {
		return nil
	}
	var d *Dockerfile
	si := 0
	if svc.Build != nil {
		for _, bc := range contexts {
			if bc.Service != name || bc.Dockerfile == nil || bc.Dockerfile.ParseError != nil {
				continue
			}
			if i, ok := BuiltStage(bc.Dockerfile, svc.Build.Target); ok {
				d, si = bc.Dockerfile, i
			}
		}
	}
	cf := &ContainerFiles{}
	if d != nil {
		if img := ImageContainerFiles(d, si); img != nil {
			cf = img
		}
	}
	for _, v := range svc.Volumes {
		if v.Type == "bind" {
			cf.Mounts = append(cf.Mounts, p.projectBindMount(v.Source, v.Target))
		}
	}
	switch {
	case svc.WorkingDir != "":
		cf.Workdirs = []string{svc.WorkingDir}
	case d == nil:
		// The image's WORKDIR is unknown: only absolute paths and names
		// found in PATH are traced.
		cf.Workdirs = nil
	}
	return cf
}

// BuiltStage is the stage a build of d produces: target, else the last.
func BuiltStage(d *Dockerfile, target string) (int, bool) {
	if d == nil || len(d.Stages) == 0 {
		return 0, false
	}
	if target == "" {
		return len(d.Stages) - 1, true
	}
	for i, st := range d.Stages {
		if strings.EqualFold(st.Name, target) {
			return i, true
		}
	}
	return 0, false
}

// projectBindMount is the BindMount of a bind-mount source (absolute, as
// compose resolves it) onto target.
func (p *Project) projectBindMount(source, target string) BindMount {
	m := BindMount{Target: path.Clean("/" + strings.TrimPrefix(target, "/"))}
	if source == "" || !filepath.IsAbs(source) {
		return m
	}
	rel, err := filepath.Rel(p.Root, source)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return m
	}
	m.Source = filepath.ToSlash(rel)
	return m
}
