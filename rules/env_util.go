package rules

import (
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// composeReadEnvFiles are the env files docker compose itself reads: .env,
// --env-file files and service env_file files (not the examples).
func composeReadEnvFiles(p *project.Project) []*project.EnvFile {
	var out []*project.EnvFile
	for _, ef := range p.EnvFiles {
		if ef.Role != project.RoleExample && ef.Source != nil {
			out = append(out, ef)
		}
	}
	return out
}

// entryLinesRange spans the whole lines of an entry (a quoted value may
// run over several), line break included: deleting it removes the entry.
func entryLinesRange(ef *project.EnvFile, e project.EnvEntry) finding.Range {
	end := e.ValueRange.End
	if end.Line < e.Line {
		end = e.KeyRange.End
	}
	r := finding.Range{File: ef.Path, Start: finding.Pos{Line: e.Line, Col: 1}}
	if end.Line < ef.Source.LineCount() {
		r.End = finding.Pos{Line: end.Line + 1, Col: 1}
	} else {
		r.End = ef.Source.Pos(len(ef.Source.Data))
	}
	return r
}

// fileStart is the empty range at the start of a file, for related
// locations that point at a file rather than a line.
func fileStart(path string) finding.Range {
	return finding.Range{File: path, Start: finding.Pos{Line: 1, Col: 1}, End: finding.Pos{Line: 1, Col: 1}}
}
