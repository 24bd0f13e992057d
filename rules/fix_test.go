package rules_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/fix"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

// TestFixes runs `fix --unsafe` with only rule <ID> on every case whose
// want.txt has an edit, on a copy of the case, and checks:
//   - the changed files equal the case's fixed/ tree (-update rewrites it);
//   - no fix is rejected, no file is left alone, nothing is still pending;
//   - a second run changes nothing (idempotence);
//   - no finding of the rule is left beyond those that had no edit;
//   - compose-go still loads the compose files to the same services, and
//     every YAML comment is still there; Dockerfiles still parse.
func TestFixes(t *testing.T) {
	all := rules.All()
	wants, _ := filepath.Glob(filepath.Join("..", "testdata", "rules", "*", "*", "want.txt"))
	n := 0
	for _, want := range wants {
		data, err := os.ReadFile(want)
		if err != nil || !strings.Contains(string(data), "  edit (") {
			continue
		}
		src := filepath.Dir(want)
		id := filepath.Base(filepath.Dir(src))
		rule, ok := rules.Lookup(all, id)
		if !ok {
			continue
		}
		n++
		t.Run(id+"/"+filepath.Base(src), func(t *testing.T) { testFixCase(t, rule, src) })
	}
	if n == 0 {
		t.Fatal("no case has edits")
	}
}

func testFixCase(t *testing.T, rule *rules.Rule, src string) {
	dir := copyCase(t, src)
	environ := readShellEnv(t, dir)
	local := readLocalImages(t, src)
	load := func() *project.Project {
		t.Helper()
		p, err := project.Load(context.Background(), dir, project.Options{Environ: environ})
		if err != nil {
			t.Fatalf("load: %v", err)
		}
		p.LocalImages = local
		return p
	}
	lint := func() (*fix.Snapshot, error) {
		p := load()
		return &fix.Snapshot{Root: p.Root, Findings: rules.Run(p, []*rules.Rule{rule}), Source: func(file string) ([]byte, bool) {
			s, ok := p.Sources[file]
			if !ok {
				return nil, false
			}
			return s.Data, true
		}}, nil
	}
	before := load()
	found := rules.Run(before, []*rules.Rule{rule})
	withoutEdits := 0
	for _, f := range found {
		if !fix.Fixable(f) {
			withoutEdits++
		}
	}

	res, err := fix.Run(lint, fix.Options{Unsafe: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Rejected {
		t.Errorf("rejected: %s", r)
	}
	for _, p := range res.Problems {
		t.Errorf("left alone: %s", p)
	}
	if res.Pending > 0 {
		t.Errorf("%d fixes still pending after %d rounds", res.Pending, res.Rounds)
	}
	compareFixed(t, src, dir, res)

	again, err := fix.Run(lint, fix.Options{Unsafe: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range again.Files {
		t.Errorf("a second fix changes %s again (%s)", f.File, strings.Join(f.Rules(), ", "))
	}

	after := load()
	left := rules.Run(after, []*rules.Rule{rule})
	if len(left) > withoutEdits && fixLeavesFindings[rule.ID] == "" {
		t.Errorf("after the fixes %d findings remain, want at most the %d without edits:\n%s", len(left), withoutEdits, FormatGolden(left))
	}
	checkComposeKept(t, before, after)
	for _, d := range after.Dockerfiles {
		if d.ParseError != nil && !hadParseError(before, d.Path) {
			t.Errorf("%s no longer parses: %s", d.Path, d.ParseError.Message)
		}
	}
}

// fixLeavesFindings are the rules whose fixes may leave findings of the
// same rule behind, with the reason.
var fixLeavesFindings = map[string]string{
	"CP011": "a bind mount that hides dependencies and build output gets an anonymous volume for the dependencies; the build output has no exact fix and stays reported",
}

func hadParseError(p *project.Project, path string) bool {
	for _, d := range p.Dockerfiles {
		if d.Path == path {
			return d.ParseError != nil
		}
	}
	return false
}

// compareFixed compares the files the fix changed with the case's fixed/
// tree, or rewrites the tree with -update.
func compareFixed(t *testing.T, src, dir string, res *fix.Result) {
	t.Helper()
	golden := filepath.Join(src, fixedDir)
	got := map[string]string{}
	for _, f := range res.Files {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.File)))
		if err != nil {
			t.Fatal(err)
		}
		got[f.File] = string(data)
	}
	if *update {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		for file, content := range got {
			path := filepath.Join(golden, filepath.FromSlash(file))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := map[string]string{}
	_ = filepath.WalkDir(golden, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err // no tree: nothing is expected
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(golden, path)
		data, _ := os.ReadFile(path)
		want[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	for file, content := range got {
		w, ok := want[file]
		switch {
		case !ok:
			t.Errorf("the fix changes %s, which is not in %s (run with -update)", file, golden)
		case w != content:
			t.Errorf("%s differs from %s\n%s", file, filepath.Join(golden, file),
				fix.Unified(file, fix.Content{Data: []byte(w), Exists: true}, []byte(content)))
		}
	}
	for file := range want {
		if _, ok := got[file]; !ok {
			t.Errorf("%s/%s is not changed by the fix (run with -update)", golden, file)
		}
	}
}

// checkComposeKept: compose-go still loads the project to the same
// services, and every comment of every compose file is still there.
func checkComposeKept(t *testing.T, before, after *project.Project) {
	t.Helper()
	if before.Compose == nil {
		return
	}
	if after.Compose == nil {
		t.Fatal("after the fixes the project has no compose file")
	}
	if before.Compose.Model != nil {
		if after.Compose.Model == nil {
			t.Fatalf("compose-go no longer loads the project: %v", after.Compose.LoadErrors)
		}
		if b, a := serviceNames(before), serviceNames(after); b != a {
			t.Errorf("services %s, after the fixes %s", b, a)
		}
	}
	for _, cf := range before.Compose.Files {
		var now *project.ComposeFile
		for _, f := range after.Compose.Files {
			if f.Path == cf.Path {
				now = f
			}
		}
		if now == nil {
			t.Errorf("%s is no longer loaded", cf.Path)
			continue
		}
		if cf.Root != nil && now.Root == nil {
			t.Errorf("%s no longer parses", cf.Path)
			continue
		}
		have := map[string]int{}
		for _, c := range comments(now.Root) {
			have[c]++
		}
		for _, c := range comments(cf.Root) {
			if have[c] == 0 {
				t.Errorf("%s: comment %q is gone", cf.Path, c)
			}
			have[c]--
		}
	}
}

func serviceNames(p *project.Project) string {
	var names []string
	for name := range p.Compose.Model.Services {
		names = append(names, name)
	}
	for name := range p.Compose.Model.DisabledServices {
		names = append(names, name+" (disabled)")
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// comments lists every comment line of a YAML tree.
func comments(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	var out []string
	for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
		for _, l := range strings.Split(c, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
	}
	for _, c := range n.Content {
		out = append(out, comments(c)...)
	}
	return out
}

// TestFixedTreesHaveCases: every fixed/ tree belongs to a case whose
// want.txt has edits (a stale tree is an error).
func TestFixedTreesHaveCases(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("..", "testdata", "rules", "*", "*", fixedDir))
	for _, d := range dirs {
		want, err := os.ReadFile(filepath.Join(filepath.Dir(d), "want.txt"))
		if err != nil || !strings.Contains(string(want), "  edit (") {
			t.Errorf("%s: the case has no edit any more; remove the tree", d)
		}
	}
}

// TestFixDocs: every rule's "## Fix" section says whether envdoctor fixes
// it and how: a rule with edits names the command that applies them (with
// --unsafe when some are unsafe), a rule without says there is no
// automatic fix; and a rule is Fixable exactly when a case shows an edit.
func TestFixDocs(t *testing.T) {
	for _, r := range rules.All() {
		if strings.HasPrefix(r.ID, "ED") {
			continue // envdoctor's own findings: nothing to fix in the project
		}
		doc := rules.Doc(r.ID)
		_, section, _ := strings.Cut(doc, "## Fix\n")
		section, _, _ = strings.Cut(section, "\n## ")
		section = strings.Join(strings.Fields(section), " ")
		safe, unsafe := editKinds(t, r.ID)
		switch {
		case r.Fixable != (safe || unsafe):
			t.Errorf("%s: Fixable is %v, but its cases show safe edits %v, unsafe edits %v", r.ID, r.Fixable, safe, unsafe)
		case !r.Fixable && !strings.Contains(strings.ToLower(section), "no automatic fix"):
			t.Errorf("%s: the Fix section must say there is no automatic fix", r.ID)
		case unsafe && !strings.Contains(section, "envdoctor fix --unsafe"):
			t.Errorf("%s: some edits are unsafe: the Fix section must name `envdoctor fix --unsafe`", r.ID)
		case safe && !unsafe && !strings.Contains(section, "`envdoctor fix`"):
			t.Errorf("%s: the edits are safe: the Fix section must name `envdoctor fix`", r.ID)
		}
	}
}

func editKinds(t *testing.T, id string) (safe, unsafe bool) {
	t.Helper()
	wants, _ := filepath.Glob(filepath.Join("..", "testdata", "rules", id, "*", "want.txt"))
	for _, w := range wants {
		data, err := os.ReadFile(w)
		if err != nil {
			t.Fatal(err)
		}
		safe = safe || strings.Contains(string(data), "  edit (safe): ")
		unsafe = unsafe || strings.Contains(string(data), "  edit (unsafe): ")
	}
	return safe, unsafe
}
