package shellcmd

import (
	"fmt"
	"strings"
	"testing"
)

// describe renders a script's commands one per line: the program and
// arguments, the operators around it, its context, and the source text of
// each word (which checks the offsets).
func describe(s *Script) string {
	var b strings.Builder
	if s.Err != nil {
		fmt.Fprintf(&b, "error\n")
	}
	for _, c := range s.Commands {
		var args []string
		for _, w := range c.Args {
			v := w.Value
			if !w.Static {
				v = "~" + v
			}
			args = append(args, v)
		}
		fmt.Fprintf(&b, "%d[%s]%s%s", c.Depth, c.Prev, strings.Join(args, " "), "")
		if c.Next != OpNone {
			fmt.Fprintf(&b, " [%s]", c.Next)
		}
		if len(c.Wrappers) > 0 {
			var ws []string
			for _, w := range c.Wrappers {
				ws = append(ws, w.Value)
			}
			fmt.Fprintf(&b, " wrap=%s", strings.Join(ws, ","))
		}
		if c.PipeTo != nil {
			fmt.Fprintf(&b, " pipe>%s", c.PipeTo.Name())
		}
		if c.Host != nil {
			fmt.Fprintf(&b, " host=%s", c.Host.Name())
		}
		if c.In != 0 {
			fmt.Fprintf(&b, " in=%b", c.In)
		}
		fmt.Fprintf(&b, " @%q", s.Text(c))
		b.WriteString("\n")
	}
	if s.Flat {
		b.WriteString("flat\n")
	}
	return b.String()
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"and chain", "apt-get update && apt-get install -y curl",
			"0[]apt-get update [&&] @\"apt-get update\"\n" +
				"0[&&]apt-get install -y curl @\"apt-get install -y curl\"\nflat\n"},
		{"pipe and or", "curl -fsSL https://x | sh || true",
			"0[]curl -fsSL https://x [|] pipe>sh @\"curl -fsSL https://x\"\n" +
				"0[|]sh [||] @\"sh\"\n" +
				"0[||]true @\"true\"\nflat\n"},
		{"seq newline", "a; b\nc &",
			"0[]a [;] @\"a\"\n0[;]b [;] @\"b\"\n0[;]c [&] @\"c\"\n"},
		{"sh -c nested", `sh -c "apt-get update && apt-get install -y \"x y\""`,
			"0[]sh -c apt-get update && apt-get install -y \"x y\" @\"sh -c \\\"apt-get update && apt-get install -y \\\\\\\"x y\\\\\\\"\\\"\"\n" +
				"1[]apt-get update [&&] host=sh in=100000000 @\"apt-get update\"\n" +
				"1[&&]apt-get install -y x y host=sh in=100000000 @\"apt-get install -y \\\\\\\"x y\\\\\\\"\"\n"},
		{"bash -lc single quotes", `bash -euxo pipefail -c 'cd /app && make'`,
			"0[]bash -euxo pipefail -c cd /app && make @\"bash -euxo pipefail -c 'cd /app && make'\"\n" +
				"1[]cd /app [&&] host=bash in=100000000 @\"cd /app\"\n" +
				"1[&&]make host=bash in=100000000 @\"make\"\n"},
		{"subshell and block", "(cd /tmp && make) && { echo a; echo b; }",
			"1[]cd /tmp [&&] in=1 @\"cd /tmp\"\n1[&&]make in=1 @\"make\"\n1[]echo a [;] in=10 @\"echo a\"\n1[;]echo b in=10 @\"echo b\"\n"},
		{"wrappers", "sudo -u app env A=1 B=2 pip install x",
			"0[]pip install x wrap=sudo,-u,app,env,A=1,B=2 @\"sudo -u app env A=1 B=2 pip install x\"\nflat\n"},
		{"xargs", "cat reqs | xargs -n 1 pip install",
			"0[]cat reqs [|] pipe>pip @\"cat reqs\"\n0[|]pip install wrap=xargs,-n,1 @\"xargs -n 1 pip install\"\nflat\n"},
		{"command -v is not a wrapper", "command -v curl",
			"0[]command -v curl @\"command -v curl\"\nflat\n"},
		{"cmd subst host", `sh -c "$(curl -fsSL https://x)"`,
			"0[]sh -c ~$(curl -fsSL https://x) @\"sh -c \\\"$(curl -fsSL https://x)\\\"\"\n" +
				"1[]curl -fsSL https://x host=sh in=1000000 @\"curl -fsSL https://x\"\n"},
		{"proc subst", "bash <(curl -s https://x)",
			"0[]bash ~<(curl -s https://x) @\"bash <(curl -s https://x)\"\n" +
				"1[]curl -s https://x host=bash in=10000000 @\"curl -s https://x\"\n"},
		{"quotes and escapes", `echo 'a b' "c\$d" e\ f "$HOME"x`,
			"0[]echo a b c$d e f ~$HOMEx @\"echo 'a b' \\\"c\\\\$d\\\" e\\\\ f \\\"$HOME\\\"x\"\nflat\n"},
		{"assignments", "DEBIAN_FRONTEND=noninteractive apt-get install -y x",
			"0[]apt-get install -y x @\"DEBIAN_FRONTEND=noninteractive apt-get install -y x\"\nflat\n"},
		{"if", "if [ -f x ]; then pip install -r x; fi",
			"1[][ -f x ] in=100 @\"[ -f x ]\"\n1[]pip install -r x in=1000 @\"pip install -r x\"\n"},
		{"heredoc to shell", "bash <<EOF\napt-get update\nEOF",
			"0[]bash @\"bash <<EOF\"\n1[]apt-get update host=bash in=100000000 @\"apt-get update\"\n"},
		{"heredoc to cat is data", "cat <<EOF > /x\napt-get update\nEOF",
			"0[]cat @\"cat <<EOF > /x\"\nflat\n"},
		{"eval", `eval 'apt-get update'`,
			"0[]eval apt-get update @\"eval 'apt-get update'\"\n1[]apt-get update host=eval in=100000000 @\"apt-get update\"\n"},
		{"su -c", `su app -c "npm ci"`,
			"0[]su app -c npm ci @\"su app -c \\\"npm ci\\\"\"\n1[]npm ci host=su in=100000000 @\"npm ci\"\n"},
		{"time", "time make -j4",
			"0[]make -j4 @\"make -j4\"\nflat\n"},
		{"export", "export PIP_NO_CACHE_DIR=1 && pip install x",
			"0[]export PIP_NO_CACHE_DIR=1 [&&] @\"export PIP_NO_CACHE_DIR=1\"\n0[&&]pip install x @\"pip install x\"\nflat\n"},
		{"parse error", "apt-get update && (", "error\n"},
		{"bad nested string is kept opaque", `sh -c "if then"`,
			"0[]sh -c if then @\"sh -c \\\"if then\\\"\"\nflat\n"},
		{"empty", "", "flat\n"},
		{"comment only", "# nothing", "flat\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := describe(Parse(tt.src))
			if got != tt.want {
				t.Errorf("Parse(%q):\n got: %s\nwant: %s", tt.src, got, tt.want)
			}
		})
	}
}

// TestOffsets checks that every word of every command, nested ones
// included, spans exactly its source text.
func TestOffsets(t *testing.T) {
	src := `sh -c "apt-get install -y \"a b\" c\$d" && bash -c 'pip install --no-cache-dir x' | su -c "eval 'npm ci'"`
	s := Parse(src)
	if s.Err != nil {
		t.Fatal(s.Err)
	}
	want := map[string]string{
		"install":        "install",
		"a b":            `\"a b\"`,
		"c$d":            `c\$d`,
		"--no-cache-dir": "--no-cache-dir",
		"ci":             "ci",
	}
	found := map[string]bool{}
	for _, c := range s.Commands {
		for _, w := range c.Args {
			if raw, ok := want[w.Value]; ok {
				found[w.Value] = true
				if got := src[w.Start:w.End]; got != raw {
					t.Errorf("word %q spans %q, want %q", w.Value, got, raw)
				}
			}
		}
	}
	for k := range want {
		if !found[k] {
			t.Errorf("word %q not found in %s", k, describe(s))
		}
	}
	// Span of part of a word.
	for _, c := range s.Commands {
		if c.Name() == "apt-get" {
			w := c.Args[3] // "a b"
			a, e := w.Span(0, 1)
			if src[a:e] != "a" {
				t.Errorf("Span(0,1) = %q", src[a:e])
			}
		}
	}
}

func TestParseExec(t *testing.T) {
	src := `RUN ["/bin/sh", "-c", "apt-get update && apt-get install -y \"x\" \u0041"]`
	var elems [][2]int
	for i := 0; i < len(src); i++ {
		if src[i] != '"' {
			continue
		}
		j := i + 1
		for src[j] != '"' {
			if src[j] == '\\' {
				j++
			}
			j++
		}
		elems = append(elems, [2]int{i, j + 1})
		i = j
	}
	s := ParseExec(src, elems)
	got := describe(s)
	want := "0[]/bin/sh -c apt-get update && apt-get install -y \"x\" A @\"[\\\"/bin/sh\\\", \\\"-c\\\", \\\"apt-get update && apt-get install -y \\\\\\\"x\\\\\\\" \\\\u0041\\\"\"\n" +
		"1[]apt-get update [&&] host=sh in=100000000 @\"apt-get update\"\n" +
		"1[&&]apt-get install -y x A host=sh in=100000000 @\"apt-get install -y \\\\\\\"x\\\\\\\" \\\\u0041\"\n"
	// The command itself spans from the first element to the last.
	want = strings.Replace(want, `@"[\"/bin/sh\"`, `@"\"/bin/sh\"`, 1)
	if got != want {
		t.Errorf("ParseExec:\n got: %s\nwant: %s", got, want)
	}
	if s := ParseExec(`["a\x"]`, [][2]int{{1, 6}}); s.Err == nil {
		t.Error("bad escape: want an error")
	}
}

func TestShellMode(t *testing.T) {
	tests := []struct {
		src  string
		mode ShellMode
		arg  string
	}{
		{"sh -c 'x'", ShellString, "x"},
		{"bash -ec 'x'", ShellString, "x"},
		{"bash -o pipefail -c 'x'", ShellString, "x"},
		{"sh", ShellStdin, ""},
		{"bash -", ShellStdin, ""},
		{"sh -s -- -y", ShellStdin, ""},
		{"sudo -E bash", ShellStdin, ""},
		{"sh install.sh", ShellFile, "install.sh"},
		{"busybox sh -c 'x'", ShellString, "x"},
		{"python -c 'x'", NotShell, ""},
	}
	for _, tt := range tests {
		s := Parse(tt.src)
		if len(s.Commands) == 0 {
			t.Fatalf("%q: no command", tt.src)
		}
		mode, i := s.Commands[0].Shell()
		if mode != tt.mode || (tt.arg != "" && s.Commands[0].Arg(i) != tt.arg) {
			t.Errorf("%q: Shell() = %v, %d; want %v, %q", tt.src, mode, i, tt.mode, tt.arg)
		}
	}
}

func TestCommandHelpers(t *testing.T) {
	c := Parse("apt-get -o Dpkg::Options::=--force-confold install -qy --no-install-recommends curl git").Commands[0]
	if !c.Has("--no-install-recommends") || c.Has("--yes") {
		t.Error("Has")
	}
	if !c.HasShort('y') || c.HasShort('z') {
		t.Error("HasShort")
	}
	var ops []string
	for _, w := range c.Operands("-o") {
		ops = append(ops, w.Value)
	}
	if got := strings.Join(ops, " "); got != "install curl git" {
		t.Errorf("Operands = %q", got)
	}
	if w, ok := c.Find("-o="); ok {
		t.Errorf("Find(-o=) = %q", w.Value)
	}
}

// TestNoPanic feeds odd input; nothing may panic and time stays bounded.
func TestNoPanic(t *testing.T) {
	inputs := []string{
		"", "\\", "'", `"`, "$(", "`", "<<", "<<EOF", "sh -c", "sh -c ''", `sh -c "$(sh -c "$(sh -c x)")"`,
		strings.Repeat(`sh -c "`, 50), strings.Repeat("(", 1000), strings.Repeat("a && ", 10000) + "b",
		strings.Repeat(`sh -c 'sh -c "`, 20) + "x" + strings.Repeat(`"'`, 20),
		"env", "sudo", "xargs", "sudo --", "timeout 10", "a=(1 2) b", "declare -a x=(1)", "f() { pip install x; }; f",
		"case $x in a) apt-get update;; esac", "for i in $(ls); do echo $i; done", "[[ -f x ]] && y", "echo $'a\\nb'",
		"cat <<-EOF\n\tx\n\tEOF", "x <<<$(y)", "coproc cat", "! true", "a |& b",
	}
	for _, in := range inputs {
		s := Parse(in)
		for _, c := range s.Commands {
			_ = s.Text(c)
			c.Shell()
			c.Operands()
		}
	}
	nested := strings.Repeat(`sh -c "`, 20)
	if s := Parse(nested); s.Err == nil && len(s.Commands) > maxNestDepth+1 {
		t.Errorf("nesting not bounded: %d commands", len(s.Commands))
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"apt-get update && apt-get install -y x", `sh -c "a && b"`, "curl x | sh", "bash <<EOF\nx\nEOF"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s := Parse(src)
		for _, c := range s.Commands {
			if c.Start < 0 || c.End > len(src) || c.Start > c.End {
				t.Fatalf("command span %d-%d out of %d", c.Start, c.End, len(src))
			}
			for _, w := range c.Args {
				if w.Start < 0 || w.End > len(src) || w.Start > w.End {
					t.Fatalf("word span %d-%d out of %d", w.Start, w.End, len(src))
				}
			}
		}
	})
}
