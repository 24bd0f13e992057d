package checks

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/lineend"
	"github.com/envdoctor/envdoctor/internal/project"
)

// maxScriptSize bounds the files HS001 reads: a script is small, a larger
// file named like one is not read.
const maxScriptSize = 1 << 20

// crlfScript is HS001: a script that a container runs (a service's
// entrypoint or command, an image's ENTRYPOINT or CMD) or that a build runs
// (a COPYed script a RUN executes) has Windows line endings. Its #! line
// then names the interpreter "/bin/sh\r", which does not exist: the
// container fails with "exec ./entrypoint.sh: no such file or directory"
// or "/bin/sh^M: bad interpreter"; a shell reading it fails on every line
// with "$'\r': command not found". The files are read through the Env,
// relative to the project and the build contexts.
func crlfScript() *Check {
	return &Check{
		ID:       "HS001",
		Name:     "crlf-script",
		Title:    "A script a container or a build runs has Windows (CRLF) line endings",
		Section:  SectionFiles,
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		FileFix:  true,
		Run: func(ctx context.Context, p *Probe) {
			if p.Project == nil {
				p.Skip("no project here")
				return
			}
			if p.Env.ReadFile == nil {
				p.Skip("cannot read files here")
				return
			}
			s := &scriptScan{p: p, root: p.Project.Root, files: map[string]*scriptFile{}, stages: map[*project.Dockerfile][]*stageFiles{}}
			s.dockerfiles(ctx)
			s.services(ctx)
			s.report()
		},
	}
}

// scriptScan collects the scripts of a project with the places that run
// them.
type scriptScan struct {
	p      *Probe
	root   string
	files  map[string]*scriptFile // by absolute path
	stages map[*project.Dockerfile][]*stageFiles
}

type scriptFile struct {
	abs  string
	data []byte
	ok   bool
	uses []scriptUse
}

// scriptUse is one place that runs a script.
type scriptUse struct {
	Word     string // as the command names it
	ViaShell bool
	Image    bool // copied into an image (a rebuild is needed)
	Related  []finding.Related
}

// read returns the content of a file, once.
func (s *scriptScan) read(abs string) (*scriptFile, bool) {
	if f, ok := s.files[abs]; ok {
		return f, f.ok
	}
	f := &scriptFile{abs: abs}
	s.files[abs] = f
	if s.p.Env.Stat != nil {
		fi, err := s.p.Env.Stat(abs)
		if err != nil || fi.IsDir() || fi.Size() > maxScriptSize {
			return f, false
		}
	}
	data, err := s.p.Env.ReadFile(abs)
	if err != nil || len(data) > maxScriptSize {
		return f, false
	}
	f.data, f.ok = data, true
	return f, true
}

func (s *scriptScan) use(abs string, u scriptUse) bool {
	f, ok := s.read(abs)
	if !ok {
		return false
	}
	for _, old := range f.uses {
		if slices.Equal(old.Related, u.Related) {
			return true
		}
	}
	f.uses = append(f.uses, u)
	return true
}

func (s *scriptScan) stagesOf(d *project.Dockerfile) []*stageFiles {
	if st, ok := s.stages[d]; ok {
		return st
	}
	st := dockerfileStages(d)
	s.stages[d] = st
	return st
}

func (s *scriptScan) contextDir(d *project.Dockerfile) (string, bool) {
	if d.Context == nil || d.Context.Remote != "" || len(d.Stages) == 0 {
		return "", false
	}
	return filepath.Join(s.root, filepath.FromSlash(d.Context.Dir)), true
}

// dockerfiles records the scripts each image runs: its ENTRYPOINT and CMD
// (the built stage's), and those its RUNs execute (every stage).
func (s *scriptScan) dockerfiles(ctx context.Context) {
	for _, d := range s.p.Project.Dockerfiles {
		if ctx.Err() != nil {
			return
		}
		ctxDir, ok := s.contextDir(d)
		if !ok {
			continue
		}
		stages := s.stagesOf(d)
		for _, st := range stages {
			for i := range st.Runs {
				s.imageCommand(d, ctxDir, st, &st.Runs[i], st.Runs[i].seq, "run by this RUN")
			}
		}
		if bi, ok := builtStage(d); ok {
			st := stages[bi]
			if st.Entrypoint != nil {
				s.imageCommand(d, ctxDir, st, st.Entrypoint, math.MaxInt, "run as the image's ENTRYPOINT")
			}
			if st.Cmd != nil {
				s.imageCommand(d, ctxDir, st, st.Cmd, math.MaxInt, "run as the image's CMD")
			}
		}
	}
}

func commandRefs(argv []string, shell bool) []scriptRef {
	if shell {
		return scriptRefsOfShell(strings.Join(argv, " "))
	}
	return scriptRefsOfArgv(argv)
}

func (s *scriptScan) imageCommand(d *project.Dockerfile, ctxDir string, st *stageFiles, cmd *imageCommand, until int, why string) {
	for _, ref := range commandRefs(cmd.Argv, cmd.Shell) {
		for _, p := range project.ContainerPaths(ref.Word, ref.ViaShell, []string{cmd.Workdir}, nil) {
			if s.fromImage(d, ctxDir, st, cmd.Copies, p, until, ref, finding.Related{Range: d.InstructionRange(cmd.Loc), Message: why}) {
				break
			}
		}
	}
}

// fromImage traces container path p to the context file a copy put there
// and records its use; true when p is accounted for (found, or converted
// to LF by a RUN).
func (s *scriptScan) fromImage(d *project.Dockerfile, ctxDir string, st *stageFiles, copies []project.ImageCopy, p string, until int, ref scriptRef, runAt finding.Related) bool {
	for _, cand := range project.ContextCandidates(copies, p) {
		if st.normalisedBetween(p, cand.Copy.Seq, until) {
			return true
		}
		abs := filepath.Join(ctxDir, filepath.FromSlash(cand.Path))
		copied := finding.Related{Range: d.InstructionRange(cand.Copy.Loc), Message: "copied into the image here"}
		if s.use(abs, scriptUse{Word: ref.Word, ViaShell: ref.ViaShell, Image: true, Related: []finding.Related{runAt, copied}}) {
			return true
		}
	}
	return false
}

// services records the scripts the services' entrypoint and command run:
// from a bind mount of the project, else from the image the service
// builds.
func (s *scriptScan) services(ctx context.Context) {
	c := s.p.Project.Compose
	if c == nil || c.Model == nil {
		return
	}
	mounts := map[string][]mount{}
	for _, m := range serviceMounts(c) {
		if m.Type == types.VolumeTypeBind {
			mounts[m.Service] = append(mounts[m.Service], m)
		}
	}
	for _, svc := range activeServices(c) {
		if ctx.Err() != nil {
			return
		}
		var built *project.Dockerfile
		var st *stageFiles
		for _, d := range s.p.Project.Dockerfiles {
			if slices.Contains(d.Services, svc.Name) {
				if bi, ok := builtStage(d); ok {
					built, st = d, s.stagesOf(d)[bi]
				}
				break
			}
		}
		workdirs := []string{svc.WorkingDir}
		switch {
		case svc.WorkingDir != "":
		case st != nil:
			workdirs = []string{st.Workdir}
		default:
			// Unknown (the image's WORKDIR): the bind-mounted directories
			// are the likely ones.
			workdirs = workdirs[:0]
			for _, m := range mounts[svc.Name] {
				workdirs = append(workdirs, m.Target)
			}
			workdirs = append(workdirs, "/")
		}
		for _, part := range []struct {
			key  string
			argv types.ShellCommand
		}{{"entrypoint", svc.Entrypoint}, {"command", svc.Command}} {
			if len(part.argv) == 0 {
				continue
			}
			at := finding.Related{Range: serviceRange(c, svc.Name), Message: fmt.Sprintf("run as the %s of service %q", part.key, svc.Name)}
			if cf, v, ok := serviceKey(c, svc.Name, part.key); ok {
				at.Range = project.NodeRange(cf.Source, v)
			}
			for _, ref := range scriptRefsOfArgv(part.argv) {
				for _, p := range project.ContainerPaths(ref.Word, ref.ViaShell, workdirs, nil) {
					if s.serviceFile(svc.Name, mounts[svc.Name], built, st, p, ref, at) {
						break
					}
				}
			}
		}
	}
}

func (s *scriptScan) serviceFile(service string, mounts []mount, built *project.Dockerfile, st *stageFiles, p string, ref scriptRef, at finding.Related) bool {
	// The deepest bind mount holding p hides the image's files there.
	best, bestRel := -1, ""
	for i, m := range mounts {
		if rel, ok := project.UnderDir(p, m.Target); ok && (best < 0 || len(m.Target) > len(mounts[best].Target)) {
			best, bestRel = i, rel
		}
	}
	if best >= 0 {
		m := mounts[best]
		abs := filepath.Join(m.Source, filepath.FromSlash(bestRel))
		mounted := finding.Related{Range: m.Range, Message: fmt.Sprintf("bind-mounted into service %q here", service)}
		return s.use(abs, scriptUse{Word: ref.Word, ViaShell: ref.ViaShell, Related: []finding.Related{at, mounted}})
	}
	if built == nil {
		return false
	}
	ctxDir, ok := s.contextDir(built)
	if !ok {
		return false
	}
	return s.fromImage(built, ctxDir, st, st.Copies, p, math.MaxInt, ref, at)
}

// crlfFacts is what HS001 learns from a script's bytes.
type crlfFacts struct {
	shebang   bool // starts with #!
	shebangCR bool // and that line ends in \r
	// interpreter is the #! line's program ("/bin/sh"), or the program
	// /usr/bin/env looks for (viaEnv).
	interpreter string
	viaEnv      bool
	crlfLines   int
	lines       int
	// firstLine is the first line ending in \r\n (1-based), text its
	// content without the \r.
	firstLine int
	text      string
}

func scanCRLF(data []byte) (crlfFacts, bool) {
	var f crlfFacts
	if bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0 {
		return f, false // a binary
	}
	f.shebang = bytes.HasPrefix(data, []byte("#!"))
	n := 0
	for len(data) > 0 {
		n++
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		cr := bytes.HasSuffix(line, []byte("\r"))
		if n == 1 && f.shebang {
			fields := strings.Fields(strings.TrimSuffix(string(line[2:]), "\r"))
			if len(fields) > 0 {
				f.interpreter = fields[0]
				if path.Base(f.interpreter) == "env" && len(fields) > 1 {
					f.interpreter, f.viaEnv = fields[1], true
				}
			}
			f.shebangCR = cr
		}
		if cr {
			f.crlfLines++
			if f.firstLine == 0 {
				f.firstLine, f.text = n, string(line[:len(line)-1])
			}
		}
	}
	f.lines = n
	return f, true
}

func (f crlfFacts) shellScript() bool {
	return shells[path.Base(f.interpreter)] && f.interpreter != "."
}

func (s *scriptScan) report() {
	abs := make([]string, 0, len(s.files))
	for a, f := range s.files {
		if f.ok && len(f.uses) > 0 {
			abs = append(abs, a)
		}
	}
	sort.Strings(abs)
	checked := 0
	for _, a := range abs {
		f := s.files[a]
		facts, ok := scanCRLF(f.data)
		if !ok {
			continue
		}
		checked++
		viaShell, image := false, false
		for _, u := range f.uses {
			viaShell = viaShell || u.ViaShell
			image = image || u.Image
		}
		shell := facts.shellScript() || shellExtension(a) || viaShell
		if !facts.shebangCR && (!shell || facts.crlfLines == 0) {
			continue
		}
		rel := project.RelPath(s.root, a)
		fd := finding.Finding{
			Range:   lineRange(rel, facts.firstLine, facts.text),
			Message: crlfMessage(rel, f.uses[0].Word, facts),
			Fix:     &finding.Fix{Message: crlfFix(s.p.Env, rel, image)},
		}
		if filepath.IsLocal(filepath.FromSlash(rel)) {
			// Only a file of the project is rewritten: a bind mount may
			// bring a script from anywhere on the machine.
			crs := lineend.Find(f.data)
			fd.Fix.Edits = lineend.ToLF(rel, crs)
			fd.Fix.Safe = wholeFileCRLF(f.data, crs)
			s.p.Source(rel, f.data)
		}
		for _, u := range f.uses {
			for _, r := range u.Related {
				if !slices.Contains(fd.Related, r) {
					fd.Related = append(fd.Related, r)
				}
			}
		}
		s.p.Report(fd)
	}
	if checked > 0 {
		s.p.Detail("%d %s checked for CRLF line endings", checked, plural(checked, "script", "scripts"))
	}
}

// wholeFileCRLF reports whether every line of data ends in CRLF (the last
// one may have no line ending) and no CR is lone: the whole file was saved
// with Windows line endings, by an editor or a git checkout, and converting
// it to LF only removes what breaks it. When some lines are LF or a CR is
// lone, a CR may be data the script means (a heredoc writing a CRLF file):
// the conversion is then unsafe.
func wholeFileCRLF(data []byte, crs []lineend.CR) bool {
	crlf, lone := lineend.Count(crs)
	return lone == 0 && crlf == bytes.Count(data, []byte("\n"))
}

func lineRange(file string, line int, text string) finding.Range {
	end := len(text) + 1
	if end == 1 {
		end = 2 // the \r of an empty line
	}
	return finding.Range{File: file, Start: finding.Pos{Line: line, Col: 1}, End: finding.Pos{Line: line, Col: end}}
}

func crlfMessage(rel, word string, f crlfFacts) string {
	if f.shebangCR && f.viaEnv {
		return fmt.Sprintf("script %s has Windows (CRLF) line endings, its #! line included: env looks for the program %q, which does not exist, so running it fails with \"/usr/bin/env: '%s\\r': No such file or directory\"",
			rel, f.interpreter+"\r", f.interpreter)
	}
	if f.shebangCR {
		return fmt.Sprintf("script %s has Windows (CRLF) line endings, its #! line included: the kernel looks for the interpreter %q, which does not exist, so running it fails with \"exec %s: no such file or directory\" or \"%s^M: bad interpreter\"",
			rel, f.interpreter+"\r", word, f.interpreter)
	}
	return fmt.Sprintf("script %s has Windows (CRLF) line endings on %d of its %d lines: the shell reads every command with a trailing carriage return and fails with \"$'\\r': command not found\" or works on names ending in \\r",
		rel, f.crlfLines, f.lines)
}

func crlfFix(env *Env, rel string, image bool) string {
	convert := fmt.Sprintf("convert it to LF: `sed -i 's/\\r$//' %s` (or `dos2unix %s`)", rel, rel)
	if env.GOOS == "windows" {
		convert = fmt.Sprintf("convert it to LF: `((Get-Content -Raw %s) -replace \"`r`n\", \"`n\") | Set-Content -NoNewline %s` in PowerShell (or choose LF in your editor's status bar)", rel, rel)
	}
	fix := convert + fmt.Sprintf("; keep it LF in git: add the line `%s text eol=lf` to .gitattributes, then `git add --renormalize .`", lineend.GitattributesPattern(rel))
	if image {
		fix += "; then rebuild the image (`docker compose build`)"
	}
	return fix
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
