package binddefaults

import (
	"testing"
)

func TestEntrypointScript(t *testing.T) {
	const sh = "#!/bin/sh\nset -e\n"
	tests := []struct {
		name     string
		script   string
		viaShell bool
		want     bool   // the server behind the script is found
		exec     string // Through[0].Text
	}{
		{name: "exec args", script: sh + "exec \"$@\"\n", want: true, exec: `exec "$@"`},
		{name: "braced", script: sh + "exec \"${@}\"", want: true, exec: `exec "${@}"`},
		{name: "args alone", script: sh + "\"$@\"\n", want: true, exec: `"$@"`},
		{name: "gosu", script: sh + "exec gosu \"$APP_USER\" \"$@\"\n", want: true},
		{name: "su-exec", script: sh + "exec su-exec app:app \"$@\"\n", want: true},
		{name: "tini options", script: sh + "exec tini -s -g -- \"$@\"\n", want: true},
		{name: "dumb-init", script: sh + "exec dumb-init -r 15:2 \"$@\"\n", want: true},
		{name: "after and", script: sh + "python manage.py migrate && exec \"$@\"\n", want: true},
		{name: "set options", script: "#!/bin/bash\nset -euo pipefail\nset -o errexit\nexec \"$@\"\n", want: true},
		{name: "env shebang", script: "#!/usr/bin/env bash\nexec \"$@\"\n", want: true},
		{name: "dumb-init shebang", script: "#!/usr/bin/dumb-init /bin/sh\nexec \"$@\"\n", want: true},
		{name: "conditional earlier exec", script: sh + "if [ \"$1\" = x ]; then exec gosu app \"$0\" \"$@\"; fi\nexec \"$@\"\n", want: true},
		{name: "via shell without shebang", script: "exec \"$@\"\n", viaShell: true, want: true},

		{name: "no shebang", script: "exec \"$@\"\n"},
		{name: "python shebang", script: "#!/usr/bin/env python\nimport os\n"},
		{name: "unquoted", script: sh + "exec $@\n"},
		{name: "star", script: sh + "exec \"$*\"\n"},
		{name: "passed to something else", script: sh + "exec node server.js \"$@\"\n"},
		{name: "env wrapper", script: sh + "exec env X=1 \"$@\"\n"},
		{name: "assignment", script: sh + "X=1 exec \"$@\"\n"},
		{name: "other exec last", script: sh + "exec gunicorn app:app\n"},
		{name: "exec before", script: sh + "exec supervisord\nexec \"$@\"\n"},
		{name: "exit before", script: sh + "exit 0\nexec \"$@\"\n"},
		{name: "set args", script: sh + "set -- gunicorn \"$@\"\nexec \"$@\"\n"},
		{name: "shift", script: sh + "shift\nexec \"$@\"\n"},
		{name: "conditional set args", script: sh + "if [ \"${1#-}\" != \"$1\" ]; then set -- node \"$@\"; fi\nexec \"$@\"\n"},
		{name: "exec in if at end", script: sh + "if true; then exec \"$@\"; fi\n"},
		{name: "background", script: sh + "\"$@\" &\n"},
		{name: "or", script: sh + "false || exec \"$@\"\n"},
		{name: "piped", script: sh + "echo | exec \"$@\"\n"},
		{name: "does not parse", script: sh + "if then fi (\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := Words("/entry.sh", "python", "manage.py", "runserver")
			if tt.viaShell {
				cmd = append(Words("sh"), cmd...)
			}
			in := Input{Argv: cmd, Script: func(word string, viaShell bool) (ScriptFile, bool) {
				if word != "/entry.sh" || viaShell != tt.viaShell {
					return ScriptFile{}, false
				}
				return ScriptFile{Path: "entry.sh", Text: tt.script}, true
			}}
			r, ok := Analyze(in)
			if ok != tt.want {
				t.Fatalf("found %v, want %v", ok, tt.want)
			}
			if !ok {
				return
			}
			if r.Server.ID != "django" || !r.Loopback || len(r.Through) != 1 || r.Through[0].Path != "entry.sh" {
				t.Fatalf("got %+v", r)
			}
			if tt.exec != "" && r.Through[0].Text != tt.exec {
				t.Errorf("exec text %q, want %q", r.Through[0].Text, tt.exec)
			}
		})
	}
}

func TestEntrypointScriptUnknown(t *testing.T) {
	// Without the script's text the command stays unknown: no guess by
	// the script's name.
	if _, ok := Analyze(Input{Argv: Words("/docker-entrypoint.sh", "flask", "run")}); ok {
		t.Fatal("a script envdoctor did not read was followed")
	}
	in := Input{Argv: Words("/docker-entrypoint.sh", "flask", "run"), Script: func(string, bool) (ScriptFile, bool) { return ScriptFile{}, false }}
	if _, ok := Analyze(in); ok {
		t.Fatal("a script that is not in the project was followed")
	}
}

func TestEntrypointScriptPosition(t *testing.T) {
	text := "#!/bin/sh\nset -e\n\nexec \"$@\"\n"
	in := Input{Argv: Words("/e.sh", "flask", "run"), Script: func(string, bool) (ScriptFile, bool) { return ScriptFile{Path: "e.sh", Text: text}, true }}
	r, ok := Analyze(in)
	if !ok || len(r.Through) != 1 {
		t.Fatalf("not found: %+v", r)
	}
	e := r.Through[0].Exec
	if e.File != "e.sh" || e.Start.Line != 4 || e.Start.Col != 1 || e.End.Line != 4 || e.End.Col != 10 {
		t.Errorf("exec range %+v", e)
	}
}
