package rules

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// committedSecret is SE001: a secret (a provider token, a private key, a
// password in a database URL, a random value of a secret-named key) in a
// file git tracks, or that is not git-ignored. A committed secret is read
// by everyone with a clone and stays in the history after it is deleted:
// it must be rotated. The value is never printed: at most the public
// prefix of its format (ghp_, AKIA) and its length.
//
// Files scanned: every file envdoctor loaded (compose, env files,
// Dockerfiles, .dockerignore, .gitignore), every file of a build context
// that a COPY or ADD puts in an image, and the configuration files git
// tracks; third-party package directories (node_modules, vendor,
// site-packages, virtual environments) are left out, as gitleaks leaves
// them out: their test fixtures are not the project's secrets.
func committedSecret() *Rule {
	return &Rule{
		ID:       "SE001",
		Name:     "committed-secret",
		Title:    "Secret committed to the repository",
		Severity: finding.SeverityError,
		Since:    "0.1.0",
		Security: true,
		Run: func(p *Pass) {
			targets := secretScanTargets(p.Project)
			paths := make([]string, 0, len(targets))
			for _, t := range targets {
				paths = append(paths, t.path)
			}
			scanned := p.Project.ScanSecrets(paths)
			var withSecrets []string
			for _, sf := range scanned {
				if len(sf.Secrets) > 0 {
					withSecrets = append(withSecrets, sf.Path)
				}
			}
			git := p.Project.Git
			git.CheckIgnored(withSecrets)
			for i, sf := range scanned {
				for _, s := range sf.Secrets {
					if f, ok := committedFinding(git, targets[i], s); ok {
						p.Report(f)
					}
				}
			}
		},
	}
}

// scanTarget is a file SE001 scans, with how it reaches an image.
type scanTarget struct {
	path string // root-relative
	// image is the copy that puts it in a final image, when one does.
	image *contextCopy
}

// secretScanTargets lists the files SE001 scans, each once, sorted.
func secretScanTargets(p *project.Project) []scanTarget {
	byPath := map[string]*scanTarget{}
	add := func(rel string, cc *contextCopy) {
		t := byPath[rel]
		if t == nil {
			t = &scanTarget{path: rel}
			byPath[rel] = t
		}
		if cc != nil && t.image == nil {
			t.image = cc
		}
	}
	for rel := range p.Sources {
		if !strings.HasPrefix(rel, "../") {
			add(rel, nil)
		}
	}
	for _, ctx := range p.Contexts {
		files := contextListing(ctx) // no sizes needed: the scan reads what it scans
		if files == nil {
			continue
		}
		copies := contextCopies(ctx.Dockerfile)
		if len(copies) == 0 {
			continue
		}
		for _, f := range files.Files {
			if !f.Regular() || f.Excluded || inDependencyDir(f.Path) {
				continue
			}
			if cc, ok := imageCopy(copies, f.Path); ok {
				var img *contextCopy
				if cc.final {
					img = &cc
				}
				add(rootPath(ctx, f.Path), img)
			}
		}
	}
	for _, rel := range p.Git.TrackedFiles() {
		if isConfigFile(rel) && !inDependencyDir(rel) {
			add(rel, nil)
		}
	}
	out := make([]scanTarget, 0, len(byPath))
	for _, t := range byPath {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// configExts and configNames are the configuration files SE001 reads among
// the files git tracks (source code is read only when a build copies it
// into an image).
var (
	configExts = map[string]bool{
		".env": true, ".yml": true, ".yaml": true, ".json": true, ".ini": true, ".properties": true, ".toml": true,
		".conf": true, ".cfg": true, ".cnf": true, ".xml": true, ".tf": true, ".tfvars": true, ".hcl": true,
		".pem": true, ".key": true, ".config": true, ".plist": true, ".npmrc": true, ".pypirc": true,
	}
	configNames = map[string]bool{
		".npmrc": true, ".pypirc": true, ".netrc": true, ".git-credentials": true, ".pgpass": true, ".htpasswd": true,
		".yarnrc": true, ".yarnrc.yml": true, ".gemrc": true, "credentials": true, "settings.py": true, "config.py": true,
		"id_rsa": true, "id_ed25519": true, "id_ecdsa": true, "id_dsa": true, ".s3cfg": true, ".boto": true,
	}
)

// isConfigFile reports configuration and credentials files by name.
func isConfigFile(p string) bool {
	base := strings.ToLower(path.Base(p))
	return configExts[path.Ext(base)] || configNames[base] || strings.HasPrefix(base, ".env") ||
		project.IsDockerfileName(base) || secretFileKind(p) != ""
}

// committedFinding reports one secret by its git status: tracked, or not
// ignored, is an error; ignored and untracked is reported (as a warning)
// only when a build copies the file into an image; without git, a
// warning says what could not be checked.
func committedFinding(git *project.Git, t scanTarget, s project.FoundSecret) (finding.Finding, bool) {
	what := matchPhrase(s.Match)
	if s.Key != "" {
		what = fmt.Sprintf("%s (%s)", what, s.Key)
	}
	f := finding.Finding{Range: s.Range}
	inImage := ""
	if t.image != nil {
		inImage = fmt.Sprintf("; `%s` also copies it into the image", t.image.text)
	}
	rotate := "revoke it and issue a new one at its provider (it stays in the git history), then keep the value out of the file: read it from the environment (compose ${VAR} with the value in an untracked .env) or a secrets manager"
	keepOut := "keep the value out of the file (read it from the environment or a secrets manager), or add " + t.path + " to .gitignore"
	tracked, known := git.Tracked(t.path)
	if strings.HasPrefix(t.path, "../") {
		known = false // a context outside the project: not in its repository
	}
	ignored := false
	if known && !tracked {
		ignored, _ = git.Ignored(t.path) // a tracked file is reported whether ignored or not
	}
	switch {
	case known && tracked:
		f.Message = fmt.Sprintf("%s in %s, a file git tracks: everyone with a clone can use it, and deleting it leaves it in the history%s", what, t.path, inImage)
		f.Fix = &finding.Fix{Message: rotate}
	case known && !ignored:
		f.Message = fmt.Sprintf("%s in %s, which is not git-ignored: the next `git add .` commits it%s", what, t.path, inImage)
		f.Fix = &finding.Fix{Message: keepOut}
	case known && t.image != nil && !inDependencyDir(t.path):
		f.Severity = finding.SeverityWarning
		f.Message = fmt.Sprintf("%s in %s: git ignores the file, but `%s` copies it into the image, where anyone who pulls it reads it", what, t.path, t.image.text)
		f.Fix = &finding.Fix{Message: fmt.Sprintf("add %s to .dockerignore and give the value to the container at run time", t.path)}
	case known:
		return f, false
	default:
		f.Severity = finding.SeverityWarning
		why := git.Why()
		if git.Available() {
			why = "it is outside the project's repository"
		}
		f.Message = fmt.Sprintf("%s in %s; whether git tracks the file could not be checked (%s)%s", what, t.path, why, inImage)
		f.Fix = &finding.Fix{Message: keepOut}
	}
	return f, true
}
