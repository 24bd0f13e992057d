package checks

import (
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/envdoctor/envdoctor/internal/project"
)

// What a Dockerfile stage puts where: the files it copies from the build
// context, so a script the image runs (/entrypoint.sh) is traced back to
// the file of the project it came from.

// imageCommand is a CMD, ENTRYPOINT or RUN as written.
type imageCommand struct {
	Keyword string // "CMD", "ENTRYPOINT", "RUN"
	Argv    []string
	Shell   bool // shell form: Argv[0] is the script sh -c runs
	Loc     []parser.Range
	// Workdir is the WORKDIR in effect; Copies are the copies made
	// before it (the stage's and its parents').
	Workdir string
	Copies  []project.ImageCopy
	seq     int
}

// stageFiles is what a stage has built when its last instruction ran.
type stageFiles struct {
	Workdir    string
	Copies     []project.ImageCopy
	Entrypoint *imageCommand
	Cmd        *imageCommand
	Runs       []imageCommand
	// normalised are the container paths (or globs, or directories) a
	// RUN converted to LF, with when.
	normalised []normalised
	seq        int
}

type normalised struct {
	path string
	seq  int
}

// dockerfileStages computes the files of every stage of d, following
// FROM <earlier stage>.
func dockerfileStages(d *project.Dockerfile) []*stageFiles {
	out := make([]*stageFiles, len(d.Stages))
	for si, st := range d.Stages {
		s := &stageFiles{Workdir: "/"}
		if base, ok := d.ExpandMetaArgs(st.BaseName); ok {
			for pi := si - 1; pi >= 0; pi-- {
				if d.Stages[pi].Name != "" && strings.EqualFold(d.Stages[pi].Name, base) {
					s = out[pi].inherit()
					break
				}
			}
		}
		d.WalkStage(si, func(_ int, cmd instructions.Command, expand project.Expander) {
			s.apply(cmd, expand)
		})
		out[si] = s
	}
	return out
}

func (s *stageFiles) inherit() *stageFiles {
	c := &stageFiles{Workdir: s.Workdir, Entrypoint: s.Entrypoint, Cmd: s.Cmd, seq: s.seq}
	c.Copies = append([]project.ImageCopy(nil), s.Copies...)
	c.normalised = append([]normalised(nil), s.normalised...)
	return c
}

func (s *stageFiles) apply(cmd instructions.Command, expand project.Expander) {
	s.seq++
	switch c := cmd.(type) {
	case *instructions.WorkdirCommand:
		if wd, ok := expand(c.Path); ok {
			s.Workdir = project.ContainerAbs(s.Workdir, wd)
		}
	case *instructions.CopyCommand:
		if c.From == "" && len(c.SourceContents) == 0 {
			if cp, ok := project.NewImageCopy(s.Workdir, c.SourcePaths, c.DestPath, c.Location(), expand, s.seq); ok {
				s.Copies = append(s.Copies, cp)
			}
		}
	case *instructions.AddCommand:
		if len(c.SourceContents) == 0 {
			if cp, ok := project.NewImageCopy(s.Workdir, c.SourcePaths, c.DestPath, c.Location(), expand, s.seq); ok {
				s.Copies = append(s.Copies, cp)
			}
		}
	case *instructions.EntrypointCommand:
		s.Entrypoint = s.command("ENTRYPOINT", c.ShellDependantCmdLine, c.Location())
	case *instructions.CmdCommand:
		s.Cmd = s.command("CMD", c.ShellDependantCmdLine, c.Location())
	case *instructions.RunCommand:
		rc := s.command("RUN", c.ShellDependantCmdLine, c.Location())
		s.Runs = append(s.Runs, *rc)
		if rc.Shell && len(rc.Argv) == 1 {
			for _, n := range normalisedPaths(rc.Argv[0]) {
				s.normalised = append(s.normalised, normalised{path: s.abs(n), seq: s.seq})
			}
		}
	}
}

func (s *stageFiles) command(keyword string, cl instructions.ShellDependantCmdLine, loc []parser.Range) *imageCommand {
	return &imageCommand{Keyword: keyword, Argv: cl.CmdLine, Shell: cl.PrependShell, Loc: loc,
		Workdir: s.Workdir, Copies: append([]project.ImageCopy(nil), s.Copies...), seq: s.seq}
}

func (s *stageFiles) abs(p string) string {
	return project.ContainerAbs(s.Workdir, p)
}

// normalisedBetween reports whether a RUN after the copy (and not after
// until) converted p to LF.
func (s *stageFiles) normalisedBetween(p string, copySeq, until int) bool {
	for _, n := range s.normalised {
		if n.seq <= copySeq || n.seq > until {
			continue
		}
		if _, ok := project.UnderDir(p, n.path); ok {
			return true
		}
		if m, _ := path.Match(n.path, p); m {
			return true
		}
	}
	return false
}

// builtStage is the stage a build produces: the target, else the last.
func builtStage(d *project.Dockerfile) (int, bool) {
	return project.BuiltStage(d, d.Target)
}
