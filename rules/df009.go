package rules

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/project"
)

// runsAsRoot is DF009: the image that is built (the build target, or the
// last stage) runs as root: no USER in it or in the stages it builds on,
// or its last USER is root.
func runsAsRoot() *Rule {
	return &Rule{
		ID:       "DF009",
		Name:     "runs-as-root",
		Title:    "Final image runs as root",
		Severity: finding.SeverityInfo,
		Since:    "0.1.0",
		Security: true,
		Run: func(p *Pass) {
			seen := reportOnce{}
			for _, d := range p.Project.Dockerfiles {
				if f, ok := runsAsRootFinding(p, d); ok && seen.first(f) {
					p.Report(f)
				}
			}
		},
	}
}

func runsAsRootFinding(p *Pass, d *project.Dockerfile) (finding.Finding, bool) {
	chain := finalStageChain(d)
	if len(chain) == 0 || servicesSetUser(p.Project, d) {
		return finding.Finding{}, false
	}
	final := chain[len(chain)-1]
	out := finding.Finding{RuleID: p.Rule.ID, Severity: p.Rule.Severity}

	// The last USER wins, across the stages the final one builds on.
	for i := len(chain) - 1; i >= 0; i-- {
		cmds := chain[i].Commands
		for j := len(cmds) - 1; j >= 0; j-- {
			u, ok := cmds[j].(*instructions.UserCommand)
			if !ok {
				continue
			}
			if strings.Contains(u.User, "$") || !isRootUser(u.User) {
				return finding.Finding{}, false // a variable we cannot know, or not root
			}
			out.Range = bkArgRange(d, u.Location(), 0)
			out.Message = fmt.Sprintf("the last USER of the final image is %q: the container runs as root", u.User)
			out.Fix = &finding.Fix{Message: "switch to an unprivileged user after the steps that need root, for example USER app (created with useradd, or adduser -D on Alpine) or a numeric USER 10001:10001"}
			return out, true
		}
	}

	out.Range = d.InstructionRange(final.Location)
	root := chain[0]
	image, known := d.ExpandFromImage(*root)
	stage := ""
	if final.Name != "" {
		stage = fmt.Sprintf(" %q", final.Name)
	}
	switch {
	case known && image == "scratch":
		out.Message = fmt.Sprintf("the final stage%s (FROM scratch) has no USER: its program runs as root (uid 0)", stage)
		out.Fix = &finding.Fix{Message: "add USER 65534:65534 (or another non-zero uid:gid) before CMD; a scratch image has no /etc/passwd, so use numbers, and make the files it needs readable by that uid"}
	case known && nonRootImage(image):
		return finding.Finding{}, false
	default:
		out.Message = fmt.Sprintf("the final stage%s has no USER instruction: the container runs as root unless the base image sets another user", stage)
		out.Fix = &finding.Fix{Message: addUserFix(image, known)}
	}
	return out, true
}

// addUserFix says how to run as an unprivileged user on a base image: the
// user the official node image ships, adduser on Alpine (BusyBox has no
// useradd), useradd elsewhere.
func addUserFix(image string, known bool) string {
	if known {
		if named, err := reference.ParseNormalizedNamed(image); err == nil && reference.Domain(named) == "docker.io" {
			name := reference.Path(named)
			tag := ""
			if t, ok := named.(reference.Tagged); ok {
				tag = t.Tag()
			}
			switch {
			case name == "library/node":
				return "add USER node after the steps that need root: the node image has an unprivileged user node (uid 1000); give it the files it writes with COPY --chown=node:node"
			case name == "library/alpine" || strings.Contains(tag, "alpine"):
				return "create an unprivileged user and switch to it after the steps that need root: RUN adduser -D -u 10001 app, then USER app"
			}
		}
	}
	return "create an unprivileged user and switch to it after the steps that need root, for example RUN useradd --create-home --uid 10001 app (adduser -D -u 10001 app on Alpine), then USER app"
}

// finalStageChain returns the stages the built image is made of: the
// target (compose build.target) or the last stage, after the earlier
// stages it builds on (FROM <stage>), root first. It is nil when the target
// does not exist.
func finalStageChain(d *project.Dockerfile) []*instructions.Stage {
	if len(d.Stages) == 0 {
		return nil
	}
	idx := len(d.Stages) - 1
	if d.Target != "" {
		idx = -1
		for i := range d.Stages {
			if strings.EqualFold(d.Stages[i].Name, d.Target) {
				idx = i
				break
			}
		}
		if idx < 0 {
			return nil
		}
	}
	var chain []*instructions.Stage
	for idx >= 0 && len(chain) <= len(d.Stages) {
		st := &d.Stages[idx]
		chain = append([]*instructions.Stage{st}, chain...)
		base, _ := d.ExpandMetaArgs(st.BaseName)
		// As BuildKit's addState: an earlier stage named exactly like the
		// expanded base name.
		next := -1
		for i := idx - 1; i >= 0; i-- {
			if d.Stages[i].Name != "" && d.Stages[i].Name == base {
				next = i
				break
			}
		}
		idx = next
	}
	return chain
}

// isRootUser reports whether a USER value means uid 0: root or 0, with or
// without a group.
func isRootUser(u string) bool {
	name, _, _ := strings.Cut(strings.TrimSpace(u), ":")
	return name == "root" || strings.TrimLeft(name, "0") == "" && name != ""
}

// nonRootImage recognises images that are built to run as a non-root user
// by default: distroless ":nonroot" tags, "-unprivileged" and "rootless"
// variants (nginxinc/nginx-unprivileged, docker:dind-rootless) and
// Chainguard images (cgr.dev/chainguard, documented as non-root by
// default).
func nonRootImage(image string) bool {
	s := strings.ToLower(image)
	for _, marker := range []string{"nonroot", "non-root", "unprivileged", "rootless"} {
		if strings.Contains(s, marker) {
			return true
		}
	}
	return strings.HasPrefix(s, "cgr.dev/chainguard/")
}

// servicesSetUser reports whether every compose service built from d sets
// a non-root user: (which wins over the image's USER).
func servicesSetUser(p *project.Project, d *project.Dockerfile) bool {
	if len(d.Services) == 0 || p.Compose == nil || p.Compose.Model == nil {
		return false
	}
	for _, name := range d.Services {
		svc, ok := p.Compose.Model.Services[name]
		if !ok || svc.User == "" || strings.Contains(svc.User, "$") || isRootUser(svc.User) {
			return false
		}
	}
	return true
}
