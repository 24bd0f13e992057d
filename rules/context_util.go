package rules

import (
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// Helpers of the build-context rules (BC001-BC007, SE001): where a context
// is defined, what its Dockerfile copies into the image, and edits of its
// .dockerignore.

// contextCopy is one COPY or ADD of local files (no --from).
type contextCopy struct {
	instr string // "COPY" or "ADD"
	// sources are the expanded sources in the listing's form ("." for the
	// whole context); unknown are sources whose variables could not be
	// expanded.
	sources []string
	unknown bool
	// whole is set when a source is the whole context ("." or "*").
	whole bool
	// final is set when the instruction is in a stage the built image is
	// made of (the target or last stage, and the stages it is FROM).
	final bool
	stage string // the stage's name, or its index as "stage N"
	rng   finding.Range
	// text is the instruction as written, on one line (shortened).
	text string
}

// contextListing is what a rule that needs no sizes reads of a context:
// ctx.Listing. When a rule that needs the sizes runs too (BC001, BC003,
// BC004...; a whole lint), Files has been asked first (by the sized
// warmup on a parallel run, by BC001 on a sequential one): it lists and
// sizes in one walk, and the listing is that walk. When none does (a
// secrets-only run: SE001), the listing costs no fstatat per file.
func contextListing(ctx *project.BuildContext) *project.ContextFiles {
	return ctx.Listing()
}

// contextCopiesKey memoises contextCopies per Dockerfile.
type contextCopiesKey struct{}

// contextCopies lists the local COPY and ADD instructions of d, found once
// per Dockerfile (the BC rules all ask); callers must not change it.
func contextCopies(d *project.Dockerfile) []contextCopy {
	if d == nil {
		return nil
	}
	out, _ := d.Derived(contextCopiesKey{}, func() any { return listContextCopies(d) }).([]contextCopy)
	return out
}

func listContextCopies(d *project.Dockerfile) []contextCopy {
	inFinal := map[*instructions.Stage]bool{}
	for _, st := range finalStageChain(d) {
		inFinal[st] = true
	}
	var out []contextCopy
	walkLocalCopies(d, func(si int, cmd instructions.Command, instr string, sources []string, expand project.Expander) {
		st := &d.Stages[si]
		name := st.Name
		if name == "" {
			name = "stage " + strconv.Itoa(si)
		}
		cc := contextCopy{instr: instr, final: inFinal[st], stage: name, rng: d.InstructionRange(cmd.Location()), text: instr}
		if in := d.Instruction(cmd.Location()); in != nil {
			cc.text = shorten(strings.Join(strings.Fields(in.Text), " "), 60)
		}
		for _, raw := range sources {
			if isRemoteSource(raw) {
				continue
			}
			expanded, ok := expand(raw)
			if !ok {
				cc.unknown = true
				continue
			}
			if isRemoteSource(expanded) {
				continue
			}
			p := project.CleanContextPath(expanded)
			if p == "." || p == "*" {
				cc.whole = true
			}
			cc.sources = append(cc.sources, p)
		}
		if len(cc.sources) > 0 || cc.unknown {
			out = append(out, cc)
		}
	})
	return out
}

// copiesPath reports whether the copy sends the context path p into its
// stage: a source is p, one of its parent directories, or a wildcard that
// matches p or a parent.
func (cc contextCopy) copiesPath(p string) bool {
	if cc.whole {
		return true
	}
	for _, s := range cc.sources {
		for q := p; q != "." && q != "/"; q = path.Dir(q) {
			if q == s {
				return true
			}
			if project.HasGlobMeta(s) {
				if ok, err := path.Match(s, q); err == nil && ok {
					return true
				}
			}
		}
	}
	return false
}

// imageCopy finds how p reaches an image: the first whole-context copy in
// a final stage, else any final-stage copy of it, else any copy of it (an
// intermediate stage: build cache and layers, not the image). ok is false
// when nothing copies it.
func imageCopy(copies []contextCopy, p string) (contextCopy, bool) {
	best, found := contextCopy{}, false
	rank := func(cc contextCopy) int {
		switch {
		case cc.whole && cc.final:
			return 3
		case cc.final:
			return 2
		}
		return 1
	}
	for _, cc := range copies {
		if !cc.copiesPath(p) {
			continue
		}
		if !found || rank(cc) > rank(best) {
			best, found = cc, true
		}
	}
	return best, found
}

// rootPath turns a context path into a root-relative path.
func rootPath(ctx *project.BuildContext, p string) string {
	if ctx.Dir == "." || ctx.Dir == "" {
		return p
	}
	return path.Join(ctx.Dir, p)
}

// contextRange is where a build context is defined: the compose service's
// build (its context: value, or the build: scalar), else the first line
// of the Dockerfile.
func contextRange(p *project.Project, ctx *project.BuildContext) finding.Range {
	if p.Compose != nil && ctx.Service != "" {
		var found finding.Range
		for _, s := range serviceNodes(p.Compose) {
			if s.name != ctx.Service || s.file.Source == nil {
				continue
			}
			for _, kv := range project.MappingPairs(s.node) {
				if kv[0].Value != "build" {
					continue
				}
				v := deref(kv[1])
				switch v.Kind {
				case yaml.MappingNode:
					if c := mapValue(v, "context"); c != nil {
						found = project.NodeRange(s.file.Source, deref(c))
					} else {
						found = project.NodeRange(s.file.Source, kv[0])
					}
				default:
					found = project.NodeRange(s.file.Source, v)
				}
			}
		}
		if found.File != "" {
			return found
		}
	}
	if d := ctx.Dockerfile; d != nil && d.Source != nil && !d.Inline {
		return d.Source.LineRange(1)
	}
	if d := ctx.Dockerfile; d != nil {
		return finding.Range{File: d.Path, Start: finding.Pos{Line: 1, Col: 1}, End: finding.Pos{Line: 1, Col: 1}}
	}
	return finding.Range{}
}

// contextLabel names a context in messages: "the build context . of
// service \"app\"".
func contextLabel(ctx *project.BuildContext) string {
	s := "the build context " + ctx.Dir
	if ctx.Service != "" {
		s += " of service \"" + ctx.Service + "\""
	}
	return s
}

// ignorePath is the root-relative path of the ignore file a context uses,
// or would use once created (<context>/.dockerignore).
func ignorePath(ctx *project.BuildContext) string {
	if ctx.Dockerignore != "" {
		return ctx.Dockerignore
	}
	return rootPath(ctx, ".dockerignore")
}

// ignoreEdits appends lines to the context's ignore file. When there is
// none, there is no edit: BC001 proposes the whole file. A line that a file
// name with a line break would split cannot be written: it is left out, and
// with no line left there is no edit.
func ignoreEdits(p *project.Project, ctx *project.BuildContext, lines []string) []finding.Edit {
	var ok []string
	for _, l := range lines {
		if !strings.ContainsAny(l, "\n\r") {
			ok = append(ok, l)
		}
	}
	if len(ok) == 0 {
		return nil
	}
	if p.Sources[ignorePath(ctx)] == nil {
		// No ignore file yet: BC001's fix creates it, with these lines
		// among others. Two fixes creating one file would fight.
		return nil
	}
	return []finding.Edit{ignoreEdit(p, ctx, ok)}
}

func ignoreEdit(p *project.Project, ctx *project.BuildContext, lines []string) finding.Edit {
	text := strings.Join(lines, "\n") + "\n"
	file := ignorePath(ctx)
	if src := p.Sources[file]; src != nil {
		end := src.Pos(len(src.Data))
		if len(src.Data) > 0 && src.Data[len(src.Data)-1] != '\n' {
			text = "\n" + text
		}
		return finding.Edit{Range: finding.Range{File: file, Start: end, End: end}, NewText: text}
	}
	return newFileEdit(file, text)
}

// newFileEdit creates a file: an insertion at 1:1 of a path that does not
// exist.
func newFileEdit(file, text string) finding.Edit {
	at := finding.Pos{Line: 1, Col: 1}
	return finding.Edit{Range: finding.Range{File: file, Start: at, End: at}, NewText: text}
}

// ignoreFile parses the context's ignore file (nil when it has none).
func ignoreFile(p *project.Project, ctx *project.BuildContext) (*project.Dockerignore, *project.Source) {
	if ctx.Dockerignore == "" {
		return nil, nil
	}
	src := p.Sources[ctx.Dockerignore]
	if src == nil {
		return nil, nil
	}
	return parsedIgnore(p, src), src
}

// parsedIgnore is project.ParseDockerignore(src), parsed once per project:
// several rules read each context's ignore file, and a Dockerignore
// compiles its patterns on first use. It is safe for concurrent use;
// callers must not change it.
func parsedIgnore(p *project.Project, src *project.Source) *project.Dockerignore {
	return projectFact(p, "dockerignore", src, func() *project.Dockerignore { return project.ParseDockerignore(src) })
}

// sentEntry reports whether the context path p is sent by the build: not
// excluded by .dockerignore (as listed, or by a pruned parent).
func sentEntry(files *project.ContextFiles, p string) bool {
	if e, ok := files.Lookup(p); ok {
		return !e.Excluded
	}
	if _, ok := files.PrunedAncestor(p); ok {
		return false
	}
	if files.Ignore != nil {
		ex, _ := files.Ignore.Excluded(p)
		return !ex
	}
	return true
}

// shorten cuts s to at most n bytes (on a rune boundary), marking the cut.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
