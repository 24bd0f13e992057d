package rules_test

import (
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

func envProject(data []byte) *project.Project {
	src := project.NewSource(".env", data)
	ex := project.NewSource(".env.example", append([]byte("EXTRA=1\n"), data...))
	return &project.Project{
		Sources: map[string]*project.Source{".env": src, ".env.example": ex},
		Compose: &project.Compose{Environment: map[string]string{}},
		EnvFiles: []*project.EnvFile{
			project.ParseEnvFile(src, project.RoleDotEnv),
			project.ParseEnvFile(ex, project.RoleExample),
		},
	}
}

func envRules(t testing.TB) []*rules.Rule {
	var out []*rules.Rule
	for _, r := range rules.All() {
		if strings.HasPrefix(r.ID, "EN") {
			out = append(out, r)
		}
	}
	if len(out) < 6 {
		t.Fatalf("only %d EN rules", len(out))
	}
	return out
}

// FuzzEnvRules: no env file makes an EN rule panic (a panic would be an
// ED000 finding), and every finding has a range inside the file.
func FuzzEnvRules(f *testing.F) {
	for _, s := range []string{
		"A=1\nA=2\n", "A=value # c\r\nB='${X}'\n", "export A = \"x\" junk\n", "A: b\nB\n",
		"A=\"multi\nline\"\nA=$B$$C\\$\n", "A=${B:-${C}}\rD=1", "A=\"it\\'s\"\n", "\xef\xbb\xbfA=1\n",
	} {
		f.Add([]byte(s))
	}
	rs := envRules(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p := envProject(data)
		for _, fd := range rules.Run(p, rs) {
			if fd.RuleID == rules.InternalErrorID {
				t.Fatalf("%q: %s", data, fd.Message)
			}
			src := p.Sources[fd.Range.File]
			if src == nil || src.Offset(fd.Range.Start) < 0 || src.Offset(fd.Range.End) < 0 {
				t.Errorf("%q: %s: range %v outside the file", data, fd.RuleID, fd.Range)
			}
		}
	})
}

// TestEnvRulesLargeInput: a large env file (every construct on every
// line, and one huge value) is linted without trouble; the rules are
// linear in the file size.
func TestEnvRulesLargeInput(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 1<<20; i++ {
		b.WriteString("KEY=value # comment $A ${B} $$ \\$ \"q\"\r\n")
	}
	b.WriteString("LONG=" + strings.Repeat("$A", 200000) + "\n")
	found := rules.Run(envProject([]byte(b.String())), envRules(t))
	if len(found) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range found {
		if f.RuleID == rules.InternalErrorID {
			t.Fatal(f.Message)
		}
	}
}
