package rules

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// copySource is one local source of a COPY or ADD instruction, as BuildKit
// resolves it in the build context (DF014, DF015).
type copySource struct {
	instr string // "COPY" or "ADD"
	// raw is the source as written; path is it expanded (ARG/ENV) and
	// cleaned to the context listing's form.
	raw, path string
	wildcard  bool
	// word is the source's word in the instruction when it could be
	// matched, for exact ranges and edits; rng is its span (or the
	// instruction's).
	word  *project.InstructionWord
	rng   finding.Range
	loc   []parser.Range
	isDir bool // written with a trailing "/"
}

// copySourcesKey memoises the copy sources of a Dockerfile (DF014 and
// DF015 both read them).
type copySourcesKey struct{}

// copySources calls fn for each local source of the COPY and ADD
// instructions of d: not --from (a stage or an image), not a URL or git
// source, not a heredoc, not the whole context ("."), and only when its
// variables expand to known values.
func copySources(d *project.Dockerfile, fn func(copySource)) {
	for _, cs := range copySourceList(d) {
		fn(cs)
	}
}

// copySourceList is what copySources visits, found once per Dockerfile;
// callers must not change it.
func copySourceList(d *project.Dockerfile) []copySource {
	if d == nil {
		return nil
	}
	all, _ := d.Derived(copySourcesKey{}, func() any { return listCopySources(d) }).([]copySource)
	return all
}

// walkLocalCopies calls fn for each COPY (not --from) and ADD of d, stage
// by stage, with its sources as written and the stage's expander at it:
// the instructions that read the build context.
func walkLocalCopies(d *project.Dockerfile, fn func(si int, cmd instructions.Command, instr string, sources []string, expand project.Expander)) {
	for si := range d.Stages {
		d.WalkStage(si, func(_ int, cmd instructions.Command, expand project.Expander) {
			switch c := cmd.(type) {
			case *instructions.CopyCommand:
				if c.From == "" {
					fn(si, cmd, "COPY", c.SourcePaths, expand)
				}
			case *instructions.AddCommand:
				fn(si, cmd, "ADD", c.SourcePaths, expand)
			}
		})
	}
}

func listCopySources(d *project.Dockerfile) []copySource {
	var out []copySource
	walkLocalCopies(d, func(_ int, cmd instructions.Command, instr string, sources []string, expand project.Expander) {
		words := sourceWords(d, cmd.Location(), len(sources))
		for i, raw := range sources {
			if isRemoteSource(raw) {
				continue
			}
			expanded, ok := expand(raw)
			if !ok || expanded == "" || isRemoteSource(expanded) {
				continue
			}
			cs := copySource{instr: instr, raw: raw, path: project.CleanContextPath(expanded),
				wildcard: project.HasGlobMeta(expanded), loc: cmd.Location(),
				isDir: strings.HasSuffix(expanded, "/")}
			if cs.path == "." {
				continue
			}
			if words != nil {
				cs.word = &words[i]
				cs.rng = words[i].Range
			} else {
				cs.rng = d.InstructionRange(cmd.Location())
			}
			out = append(out, cs)
		}
	})
	return out
}

// sourceWords are the words of the instruction's sources (the arguments
// but the last, heredoc markers left out), or nil when they cannot be
// matched one to one with BuildKit's sources.
func sourceWords(d *project.Dockerfile, loc []parser.Range, n int) []project.InstructionWord {
	in := d.Instruction(loc)
	if in == nil || len(in.Args) < 2 {
		return nil
	}
	var out []project.InstructionWord
	for _, w := range in.Args[:len(in.Args)-1] {
		if !in.JSON && parser.MustParseHeredoc(w.Text) != nil {
			continue
		}
		out = append(out, w)
	}
	if len(out) != n {
		return nil
	}
	return out
}

// isRemoteSource reports sources that are not in the context: URLs (ADD
// fetches them) and git addresses.
func isRemoteSource(s string) bool {
	return strings.Contains(s, "://") || strings.HasPrefix(s, "git@")
}

// contextName names a build context in messages.
func contextName(ctx *project.BuildContext) string {
	if ctx.Dir == "." {
		return "the build context (the project directory)"
	}
	return "the build context " + ctx.Dir
}
