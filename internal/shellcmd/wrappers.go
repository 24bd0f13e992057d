package shellcmd

import (
	"path"
	"strings"
)

// wrapper describes a command that runs another command given as its
// operands: `sudo -u app pip install x` runs pip.
type wrapper struct {
	// valueOpts are the options whose value is the next word.
	valueOpts []string
	// operands is the number of operands before the command (timeout's
	// duration, gosu's user).
	operands int
	// assigns: NAME=value operands come before the command (env).
	assigns bool
	// notWith are options that make it something else than a wrapper
	// (`command -v x` prints a path).
	notWith []string
}

// wrappers is the table of command runners, from their manual pages
// (sudo(8), env(1), nice(1), nohup(1), timeout(1), xargs(1), stdbuf(1),
// ionice(1), runuser(1), gosu, su-exec, doas(1), eatmydata, tini, dumb-init).
var wrappers = map[string]wrapper{
	"sudo": {valueOpts: []string{"-u", "-g", "-h", "-p", "-C", "-r", "-t", "-T", "-U", "-D", "-R",
		"--user", "--group", "--host", "--prompt", "--close-from", "--role", "--type",
		"--command-timeout", "--other-user", "--chdir", "--chroot"}},
	"doas":      {valueOpts: []string{"-u", "-C"}},
	"env":       {valueOpts: []string{"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}, assigns: true},
	"nice":      {valueOpts: []string{"-n", "--adjustment"}},
	"nohup":     {},
	"exec":      {valueOpts: []string{"-a"}},
	"command":   {notWith: []string{"-v", "-V"}},
	"builtin":   {},
	"time":      {valueOpts: []string{"-f", "--format", "-o", "--output"}},
	"timeout":   {valueOpts: []string{"-s", "--signal", "-k", "--kill-after"}, operands: 1},
	"stdbuf":    {valueOpts: []string{"-i", "-o", "-e"}},
	"ionice":    {valueOpts: []string{"-c", "-n", "-p", "-P", "-u"}},
	"runuser":   {valueOpts: []string{"-u", "-g", "-G", "--user", "--group", "--supp-group"}, notWith: []string{"-c", "--command", "-l", "--login", "-"}},
	"gosu":      {operands: 1},
	"su-exec":   {operands: 1},
	"eatmydata": {},
	"tini":      {valueOpts: []string{"-p", "-e"}},
	"dumb-init": {valueOpts: []string{"-r", "--rewrite"}},
	"unbuffer":  {},
	"xargs": {valueOpts: []string{"-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s",
		"--arg-file", "--delimiter", "--eof", "--replace", "--max-lines", "--max-args",
		"--max-procs", "--max-chars", "--process-slot-var"}},
}

// maxWrappers bounds `sudo sudo sudo ...`.
const maxWrappers = 8

// unwrap takes wrapper commands off the front of args: it returns the
// wrapper words and the words of the command they run. When no command
// follows a wrapper (`env` alone prints the environment), the wrapper is
// the command.
func unwrap(args []Word) (wrapperWords, cmd []Word) {
	cmd = args
	for n := 0; n < maxWrappers && len(cmd) > 1 && cmd[0].Static; n++ {
		spec, ok := wrappers[path.Base(cmd[0].Value)]
		if !ok {
			break
		}
		i, ok := wrapped(cmd, spec)
		if !ok || i >= len(cmd) {
			break
		}
		wrapperWords = append(wrapperWords, cmd[:i]...)
		cmd = cmd[i:]
	}
	return wrapperWords, cmd
}

// wrapped returns the index of the wrapped command in args.
func wrapped(args []Word, spec wrapper) (int, bool) {
	i := 1
	for i < len(args) {
		w := args[i]
		if !w.Static {
			return 0, false
		}
		v := w.Value
		if v == "--" {
			i++
			break
		}
		if len(v) > 1 && v[0] == '-' {
			for _, no := range spec.notWith {
				if v == no {
					return 0, false
				}
			}
			takes := false
			for _, o := range spec.valueOpts {
				if v == o {
					takes = true
				}
			}
			i++
			if takes {
				i++
			}
			continue
		}
		break
	}
	for k := 0; k < spec.operands && i < len(args); k++ {
		i++
	}
	if spec.assigns {
		for i < len(args) && args[i].Static && isAssign(args[i].Value) {
			i++
		}
	}
	return i, i < len(args)
}

func isAssign(s string) bool {
	name, _, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return false
	}
	for i, r := range name {
		letter := r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z'
		digit := i > 0 && r >= '0' && r <= '9'
		if !letter && !digit {
			return false
		}
	}
	return true
}
