package binddefaults

import (
	"strconv"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/finding"
)

const pkgJSON = `{"scripts": {"dev": "vite", "start": "next start", "serve": "npm run build && vite preview", "build": "vite build", "local": "vite --host 127.0.0.1", "both": "vite & tsc --watch"}}`

func TestAnalyze(t *testing.T) {
	flaskScriptManage := "from flask_script import Manager\nmanager = Manager(app)\nif __name__ == '__main__':\n    manager.run()\n"
	tutorialManage := "from flask_script import Manager\n@manager.command\ndef runserver():\n    app.run(debug=True, host=\"0.0.0.0\", port=5000)\n"
	djangoManage := "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\nfrom django.core.management import execute_from_command_line\n"
	tests := []struct {
		name  string
		argv  []string
		env   map[string]string
		files map[string]string
		image string
		// want: "" when no server is found; else "<id> <host>:<port>",
		// host "?" when unknown.
		want     string
		loopback bool
		fix      string // Fix.Command joined by spaces
	}{
		{name: "flask run", argv: []string{"flask", "run"}, want: "flask 127.0.0.1:5000", loopback: true, fix: "flask run --host 0.0.0.0"},
		{name: "flask run all", argv: []string{"flask", "run", "--host=0.0.0.0"}, want: "flask 0.0.0.0:5000"},
		{name: "flask explicit loopback", argv: []string{"flask", "run", "--host", "127.0.0.1", "--port", "8000"},
			want: "flask 127.0.0.1:8000", loopback: true, fix: "flask run --host 0.0.0.0 --port 8000"},
		{name: "flask joined loopback", argv: []string{"flask", "run", "--host=localhost"}, want: "flask localhost:5000", loopback: true, fix: "flask run --host=0.0.0.0"},
		{name: "flask short attached", argv: []string{"flask", "run", "-h127.0.0.1", "-p5001"}, want: "flask 127.0.0.1:5001", loopback: true, fix: "flask run -h0.0.0.0 -p5001"},
		{name: "flask global options", argv: []string{"flask", "--app", "app:create_app", "--debug", "run", "-p", "5000"}, want: "flask 127.0.0.1:5000", loopback: true,
			fix: "flask --app app:create_app --debug run --host 0.0.0.0 -p 5000"},
		{name: "flask other command", argv: []string{"flask", "db", "upgrade"}, want: ""},
		{name: "flask env host", argv: []string{"flask", "run"}, env: map[string]string{"FLASK_RUN_HOST": "0.0.0.0", "FLASK_RUN_PORT": "8080"}, want: "flask 0.0.0.0:8080"},
		{name: "flask env loopback", argv: []string{"flask", "run"}, env: map[string]string{"FLASK_RUN_HOST": "127.0.0.1"}, want: "flask 127.0.0.1:5000", loopback: true, fix: "flask run --host 0.0.0.0"},
		{name: "flask option beats env", argv: []string{"flask", "run", "--host", "0.0.0.0"}, env: map[string]string{"FLASK_RUN_HOST": "127.0.0.1"}, want: "flask 0.0.0.0:5000"},
		{name: "flask unknown env", argv: []string{"flask", "run"}, env: map[string]string{"FLASK_RUN_HOST": "x"}, want: "flask ?:5000"},
		{name: "flask .flaskenv", argv: []string{"flask", "run"}, files: map[string]string{".flaskenv": "FLASK_APP=app\nFLASK_RUN_HOST=0.0.0.0\n"}, want: "flask 0.0.0.0:5000"},
		{name: "python -m flask", argv: []string{"python3", "-u", "-m", "flask", "run"}, want: "flask 127.0.0.1:5000", loopback: true, fix: "python3 -u -m flask run --host 0.0.0.0"},
		{name: "poetry run", argv: []string{"poetry", "run", "flask", "run"}, want: "flask 127.0.0.1:5000", loopback: true, fix: "flask run --host 0.0.0.0"},
		{name: "pipenv run", argv: []string{"pipenv", "run", "python", "manage.py", "runserver"}, want: "django 127.0.0.1:8000", loopback: true, fix: "python manage.py runserver 0.0.0.0:8000"},
		{name: "uv run", argv: []string{"uv", "run", "--no-sync", "--with", "x", "uvicorn", "main:app", "--reload"}, want: "uvicorn 127.0.0.1:8000", loopback: true, fix: "uvicorn --host 0.0.0.0 main:app --reload"},
		{name: "exec tini gosu", argv: []string{"tini", "--", "gosu", "app", "flask", "run"}, want: "flask 127.0.0.1:5000", loopback: true},
		{name: "env wrapper", argv: []string{"env", "FLASK_RUN_HOST=0.0.0.0", "flask", "run"}, want: "flask 0.0.0.0:5000"},

		{name: "django default", argv: []string{"python", "manage.py", "runserver"}, want: "django 127.0.0.1:8000", loopback: true, fix: "python manage.py runserver 0.0.0.0:8000"},
		{name: "django port only", argv: []string{"python3", "manage.py", "runserver", "8080"}, want: "django 127.0.0.1:8080", loopback: true, fix: "python3 manage.py runserver 0.0.0.0:8080"},
		{name: "django zero", argv: []string{"python", "manage.py", "runserver", "0:8000"}, want: "django 0.0.0.0:8000"},
		{name: "django all", argv: []string{"python", "/app/manage.py", "runserver", "0.0.0.0:8000"}, want: "django 0.0.0.0:8000"},
		{name: "django explicit loopback", argv: []string{"python", "manage.py", "runserver", "--noreload", "127.0.0.1:9000"}, want: "django 127.0.0.1:9000", loopback: true,
			fix: "python manage.py runserver --noreload 0.0.0.0:9000"},
		{name: "django ipv6", argv: []string{"python", "manage.py", "runserver", "-6"}, want: "django ::1:8000", loopback: true},
		{name: "django-admin", argv: []string{"django-admin", "runserver", "--settings", "x.settings"}, want: "django 127.0.0.1:8000", loopback: true},
		{name: "django manage.py read", argv: []string{"python", "manage.py", "runserver"}, files: map[string]string{"manage.py": djangoManage}, want: "django 127.0.0.1:8000", loopback: true},
		{name: "django migrate", argv: []string{"python", "manage.py", "migrate"}, want: ""},
		{name: "flask-script default", argv: []string{"python", "manage.py", "runserver"}, files: map[string]string{"manage.py": flaskScriptManage},
			want: "flask-script 127.0.0.1:5000", loopback: true, fix: "python manage.py runserver --host 0.0.0.0"},
		{name: "tutorial manage.py: own runserver", argv: []string{"python", "manage.py", "runserver"}, files: map[string]string{"manage.py": tutorialManage}, want: ""},
		{name: "unknown manage.py", argv: []string{"python", "manage.py", "runserver"}, files: map[string]string{"manage.py": "print(1)\n"}, want: ""},

		{name: "sh -c chain", argv: []string{"/bin/sh", "-c", "python manage.py migrate && exec python manage.py runserver"}, want: "django 127.0.0.1:8000", loopback: true},
		{name: "bash -ec export", argv: []string{"bash", "-ec", "export FLASK_RUN_HOST=0.0.0.0; flask run"}, want: "flask 0.0.0.0:5000"},
		{name: "sh prefix assignment", argv: []string{"sh", "-c", "FLASK_RUN_HOST=0.0.0.0 flask run"}, want: "flask 0.0.0.0:5000"},
		{name: "sh unexported var is not env", argv: []string{"sh", "-c", "FLASK_RUN_HOST=0.0.0.0; flask run"}, want: "flask 127.0.0.1:5000", loopback: true},
		{name: "sh var expansion", argv: []string{"sh", "-c", `HOST=0.0.0.0; flask run --host "$HOST"`}, want: "flask 0.0.0.0:5000"},
		{name: "sh unknown var", argv: []string{"sh", "-c", "flask run --host $HOST"}, want: "flask ?:5000"},
		{name: "sh default expansion", argv: []string{"sh", "-c", "uvicorn app:app --host ${HOST:-127.0.0.1} --port ${PORT:-9000}"}, want: "uvicorn 127.0.0.1:9000", loopback: true},
		{name: "sh script file", argv: []string{"sh", "start.sh"}, want: ""},
		{name: "sh cd and exec", argv: []string{"sh", "-c", "cd /app && exec gunicorn app:app"}, want: "gunicorn 127.0.0.1:8000", loopback: true, fix: "gunicorn -b 0.0.0.0:8000 app:app"},
		{name: "nested sh -c", argv: []string{"sh", "-c", `bash -c "npx vite"`}, want: "vite localhost:5173", loopback: true},
		{name: "sh bad syntax", argv: []string{"sh", "-c", "flask run &&"}, want: ""},

		{name: "uvicorn host", argv: []string{"uvicorn", "main:app", "--host", "0.0.0.0", "--port", "80"}, want: "uvicorn 0.0.0.0:80"},
		{name: "uvicorn env", argv: []string{"uvicorn", "main:app"}, env: map[string]string{"UVICORN_HOST": "0.0.0.0"}, want: "uvicorn 0.0.0.0:8000"},
		{name: "python -m uvicorn", argv: []string{"python", "-m", "uvicorn", "main:app"}, want: "uvicorn 127.0.0.1:8000", loopback: true},
		{name: "fastapi dev", argv: []string{"fastapi", "dev", "main.py"}, want: "fastapi-dev 127.0.0.1:8000", loopback: true, fix: "fastapi dev --host 0.0.0.0 main.py"},
		{name: "fastapi run", argv: []string{"fastapi", "run", "main.py"}, want: "fastapi-run 0.0.0.0:8000"},

		{name: "gunicorn bind all", argv: []string{"gunicorn", "-b", "0.0.0.0:8000", "app:app"}, want: "gunicorn 0.0.0.0:8000"},
		{name: "gunicorn bind loopback", argv: []string{"gunicorn", "--workers", "3", "-b", "localhost:5000", "app:app"}, want: "gunicorn localhost:5000", loopback: true,
			fix: "gunicorn --workers 3 -b 0.0.0.0:5000 app:app"},
		{name: "gunicorn bind joined", argv: []string{"gunicorn", "--bind=127.0.0.1:8000", "app:app"}, want: "gunicorn 127.0.0.1:8000", loopback: true, fix: "gunicorn --bind=0.0.0.0:8000 app:app"},
		{name: "gunicorn port only", argv: []string{"gunicorn", "-b", ":8000", "app:app"}, want: "gunicorn 0.0.0.0:8000"},
		{name: "gunicorn two binds", argv: []string{"gunicorn", "-b", "127.0.0.1:8000", "-b", "0.0.0.0:9000", "app:app"}, want: "gunicorn 0.0.0.0:9000"},
		{name: "gunicorn unix", argv: []string{"gunicorn", "-b", "unix:/run/app.sock", "app:app"}, want: "gunicorn ?:0"},
		{name: "gunicorn PORT", argv: []string{"gunicorn", "app:app"}, env: map[string]string{"PORT": "5000"}, want: "gunicorn 0.0.0.0:5000"},
		{name: "gunicorn cmd args", argv: []string{"gunicorn", "app:app"}, env: map[string]string{"GUNICORN_CMD_ARGS": "--bind=0.0.0.0 --workers=3"}, want: "gunicorn 0.0.0.0:8000"},
		{name: "gunicorn config", argv: []string{"gunicorn", "-c", "conf.py", "app:app"}, want: "gunicorn ?:8000"},
		{name: "gunicorn conf file", argv: []string{"gunicorn", "app:app"}, files: map[string]string{"gunicorn.conf.py": "bind = '0.0.0.0:8000'\n"}, want: "gunicorn ?:0"},

		{name: "rails s", argv: []string{"bundle", "exec", "rails", "s"}, want: "rails localhost:3000", loopback: true, fix: "rails s -b 0.0.0.0"},
		{name: "bin/rails server -b", argv: []string{"./bin/rails", "server", "-b", "0.0.0.0"}, want: "rails 0.0.0.0:3000"},
		{name: "rails production", argv: []string{"bin/rails", "server"}, env: map[string]string{"RAILS_ENV": "production"}, want: "rails 0.0.0.0:3000"},
		{name: "rails -e production", argv: []string{"rails", "server", "-e", "production", "-p", "3001"}, want: "rails 0.0.0.0:3001"},
		{name: "rails puma bind", argv: []string{"rails", "s"}, files: map[string]string{"config/puma.rb": "bind \"tcp://0.0.0.0:3000\"\n"}, want: "rails ?:3000"},
		{name: "rails puma port", argv: []string{"rails", "s"}, files: map[string]string{"config/puma.rb": "port ENV.fetch(\"PORT\") { 3000 }\n"}, want: "rails localhost:3000", loopback: true},
		{name: "ruby bin/rails", argv: []string{"ruby", "bin/rails", "server"}, want: "rails localhost:3000", loopback: true},

		{name: "npx vite", argv: []string{"npx", "vite"}, want: "vite localhost:5173", loopback: true, fix: "vite --host 0.0.0.0"},
		{name: "vite --host", argv: []string{"vite", "--host"}, want: "vite 0.0.0.0:5173"},
		{name: "vite --host --port", argv: []string{"vite", "--host", "--port", "3000"}, want: "vite 0.0.0.0:3000"},
		{name: "vite build", argv: []string{"vite", "build"}, want: ""},
		{name: "vite config host", argv: []string{"vite"}, files: map[string]string{"vite.config.ts": "export default { server: { host: true } }"}, want: "vite ?:5173"},
		{name: "vite config other", argv: []string{"vite", "dev"}, files: map[string]string{"vite.config.js": "export default { plugins: [] }"}, want: "vite localhost:5173", loopback: true},
		{name: "vite preview", argv: []string{"vite", "preview"}, want: "vite-preview localhost:4173", loopback: true, fix: "vite preview --host 0.0.0.0"},
		{name: "yarn vite", argv: []string{"yarn", "vite"}, want: "vite localhost:5173", loopback: true},
		{name: "pnpm exec vite", argv: []string{"pnpm", "exec", "vite", "--port", "3000"}, want: "vite localhost:3000", loopback: true},
		{name: "npm exec --", argv: []string{"npm", "exec", "vite", "--", "--port", "3000"}, want: "vite localhost:3000", loopback: true, fix: "vite --host 0.0.0.0 --port 3000"},
		{name: "node bin", argv: []string{"node", "node_modules/.bin/vite"}, want: "vite localhost:5173", loopback: true},
		{name: "node server.js", argv: []string{"node", "server.js"}, want: ""},
		{name: "webpack serve default", argv: []string{"npx", "webpack", "serve"}, want: "webpack-serve 0.0.0.0:8080"},
		{name: "webpack-dev-server localhost", argv: []string{"webpack-dev-server", "--host", "localhost"}, want: "webpack-dev-server localhost:8080", loopback: true},
		{name: "ng serve", argv: []string{"ng", "serve"}, want: "ng-serve localhost:4200", loopback: true, fix: "ng serve --host 0.0.0.0"},
		{name: "ng serve angular.json host", argv: []string{"ng", "serve"}, files: map[string]string{"angular.json": `{"serve": {"options": {"host": "0.0.0.0"}}}`}, want: "ng-serve ?:4200"},
		{name: "jupyter lab", argv: []string{"jupyter", "lab", "--allow-root"}, want: "jupyter localhost:8888", loopback: true, fix: "jupyter lab --ip 0.0.0.0 --allow-root"},
		{name: "jupyter ip", argv: []string{"jupyter", "notebook", "--ip=0.0.0.0", "--no-browser"}, want: "jupyter 0.0.0.0:8888"},
		{name: "jupyter serverapp ip", argv: []string{"jupyter", "lab", "--ServerApp.ip=127.0.0.1"}, want: "jupyter 127.0.0.1:8888", loopback: true, fix: "jupyter lab --ServerApp.ip=0.0.0.0"},
		{name: "jupyter image", argv: []string{"jupyter", "lab"}, image: "quay.io/jupyter/base-notebook:2024-01-01", want: "jupyter ?:8888"},
		{name: "hugo server", argv: []string{"hugo", "server", "-D"}, want: "hugo 127.0.0.1:1313", loopback: true, fix: "hugo server --bind 0.0.0.0 -D"},
		{name: "hugo bind", argv: []string{"hugo", "server", "--bind", "0.0.0.0", "-p", "8080"}, want: "hugo 0.0.0.0:8080"},
		{name: "artisan serve", argv: []string{"php", "artisan", "serve"}, want: "artisan-serve 127.0.0.1:8000", loopback: true, fix: "php artisan serve --host=0.0.0.0"},
		{name: "artisan host", argv: []string{"php", "artisan", "serve", "--host=0.0.0.0", "--port=80"}, want: "artisan-serve 0.0.0.0:80"},
		{name: "artisan env", argv: []string{"php", "artisan", "serve"}, env: map[string]string{"SERVER_HOST": "0.0.0.0"}, want: "artisan-serve 0.0.0.0:8000"},
		{name: "mkdocs serve", argv: []string{"mkdocs", "serve"}, want: "mkdocs 127.0.0.1:8000", loopback: true, fix: "mkdocs serve -a 0.0.0.0:8000"},
		{name: "mkdocs dev_addr", argv: []string{"mkdocs", "serve"}, files: map[string]string{"mkdocs.yml": "site_name: x\ndev_addr: '0.0.0.0:8001'\n"}, want: "mkdocs 0.0.0.0:8001"},
		{name: "mkdocs -a", argv: []string{"mkdocs", "serve", "-a", "localhost:8002"}, want: "mkdocs localhost:8002", loopback: true, fix: "mkdocs serve -a 0.0.0.0:8002"},
		{name: "http.server", argv: []string{"python", "-m", "http.server", "8080"}, want: "http.server 0.0.0.0:8080"},
		{name: "http.server loopback", argv: []string{"python3", "-m", "http.server", "--bind", "127.0.0.1"}, want: "http.server 127.0.0.1:8000", loopback: true,
			fix: "python3 -m http.server --bind 0.0.0.0"},
		{name: "next dev", argv: []string{"next", "dev"}, want: "next 0.0.0.0:3000"},
		{name: "next dev localhost", argv: []string{"npx", "next", "dev", "-H", "localhost", "-p", "4000"}, want: "next localhost:4000", loopback: true},
		{name: "streamlit", argv: []string{"streamlit", "run", "app.py"}, want: "streamlit 0.0.0.0:8501"},

		{name: "npm run dev", argv: []string{"npm", "run", "dev"}, files: map[string]string{"package.json": pkgJSON}, want: "vite localhost:5173", loopback: true, fix: "npm run dev -- --host 0.0.0.0"},
		{name: "npm run dev --", argv: []string{"npm", "run", "dev", "--", "--port", "3000"}, files: map[string]string{"package.json": pkgJSON}, want: "vite localhost:3000", loopback: true,
			fix: "npm run dev -- --port 3000 --host 0.0.0.0"},
		{name: "npm run dev host", argv: []string{"npm", "run", "dev", "--", "--host"}, files: map[string]string{"package.json": pkgJSON}, want: "vite 0.0.0.0:5173"},
		{name: "npm start", argv: []string{"npm", "start"}, files: map[string]string{"package.json": pkgJSON}, want: "next 0.0.0.0:3000"},
		{name: "yarn dev", argv: []string{"yarn", "dev"}, files: map[string]string{"package.json": pkgJSON}, want: "vite localhost:5173", loopback: true, fix: "yarn dev --host 0.0.0.0"},
		{name: "pnpm run serve", argv: []string{"pnpm", "run", "serve"}, files: map[string]string{"package.json": pkgJSON}, want: "vite-preview localhost:4173", loopback: true, fix: "pnpm run serve --host 0.0.0.0"},
		{name: "script server not last", argv: []string{"npm", "run", "both"}, files: map[string]string{"package.json": pkgJSON}, want: "vite localhost:5173", loopback: true, fix: ""},
		{name: "npm run script host in package.json", argv: []string{"npm", "run", "local"}, files: map[string]string{"package.json": pkgJSON}, want: "vite 127.0.0.1:5173", loopback: true, fix: ""},
		{name: "npm run unknown package.json", argv: []string{"npm", "run", "dev"}, want: ""},
		{name: "npm run missing script", argv: []string{"npm", "run", "nope"}, files: map[string]string{"package.json": pkgJSON}, want: ""},
		{name: "npm install", argv: []string{"sh", "-c", "npm ci && npm run dev"}, files: map[string]string{"package.json": pkgJSON}, want: "vite localhost:5173", loopback: true, fix: "npm run dev -- --host 0.0.0.0"},
		{name: "npm --prefix", argv: []string{"npm", "--prefix", "web", "run", "dev"}, files: map[string]string{"package.json": pkgJSON}, want: ""},
		{name: "python app.py", argv: []string{"python", "app.py"}, want: ""},
		{name: "python -c", argv: []string{"python", "-c", "import app"}, want: ""},
		{name: "echo", argv: []string{"echo", "flask", "run"}, want: ""},
		{name: "empty", argv: nil, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{Argv: Words(tt.argv...), Env: tt.env, Image: tt.image}
			if tt.env["FLASK_RUN_HOST"] == "x" {
				in.UnknownEnv = map[string]bool{"FLASK_RUN_HOST": true}
			}
			if tt.files != nil {
				in.Files = func(name string) (string, bool) { s, ok := tt.files[name]; return s, ok }
			}
			r, ok := Analyze(in)
			got := ""
			if ok {
				host := r.Host
				if host == "" {
					host = "?"
				}
				got = r.Server.ID + " " + host + ":" + itoa(r.Port)
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q (unknown: %s)", got, tt.want, r.Unknown)
			}
			if !ok {
				return
			}
			if r.Loopback != tt.loopback {
				t.Errorf("loopback = %v, want %v", r.Loopback, tt.loopback)
			}
			if r.Host == "" && r.Unknown == "" {
				t.Errorf("unknown host without a reason")
			}
			if tt.fix != "" || r.Script != "" {
				if got := strings.Join(r.Fix.Command, " "); got != tt.fix {
					t.Errorf("fixed command = %q, want %q", got, tt.fix)
				}
			}
			if r.Loopback && r.Fix.Text == "" {
				t.Errorf("loopback without fix text")
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// locWords places argv as a JSON array on line 1 of file f starting at
// column 1 ("[", then `"a", "b"`), the way a Dockerfile exec form is.
func locWords(f string, args ...string) ([]Word, string) {
	text := "["
	var out []Word
	for i, a := range args {
		if i > 0 {
			text += ", "
		}
		start := len(text) + 1
		q := jsonString(a)
		text += q
		w := Word{Value: a, Loc: Loc{Syntax: SyntaxJSON, Range: finding.Range{File: f,
			Start: finding.Pos{Line: 1, Col: start}, End: finding.Pos{Line: 1, Col: start + len(q)}}}}
		if q[1:len(q)-1] == a {
			w.Loc.At = LinearAt(finding.Pos{Line: 1, Col: start + 1})
		}
		out = append(out, w)
	}
	return out, text + "]"
}

func TestFixEdits(t *testing.T) {
	tests := []struct {
		name string
		argv []string
		want string // the line after the edits
	}{
		{"json insert", []string{"flask", "run"}, `["flask", "run", "--host", "0.0.0.0"]`},
		{"json replace value", []string{"flask", "run", "--host", "127.0.0.1"}, `["flask", "run", "--host", "0.0.0.0"]`},
		{"json replace joined", []string{"uvicorn", "app:app", "--host=localhost"}, `["uvicorn", "app:app", "--host=0.0.0.0"]`},
		{"json django", []string{"python", "manage.py", "runserver"}, `["python", "manage.py", "runserver", "0.0.0.0:8000"]`},
		{"json django port", []string{"python", "manage.py", "runserver", "8001"}, `["python", "manage.py", "runserver", "0.0.0.0:8001"]`},
		{"script in json", []string{"sh", "-c", "python manage.py migrate && flask run --port 5001"}, `["sh", "-c", "python manage.py migrate && flask run --host 0.0.0.0 --port 5001"]`},
		{"script replace", []string{"sh", "-c", "gunicorn -b 127.0.0.1:9000 app:app"}, `["sh", "-c", "gunicorn -b 0.0.0.0:9000 app:app"]`},
		{"script quoted word", []string{"sh", "-c", "exec uvicorn app:app --host '127.0.0.1'"}, `["sh", "-c", "exec uvicorn app:app --host 0.0.0.0"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			words, line := locWords("Dockerfile", tt.argv...)
			r, ok := Analyze(Input{Argv: words})
			if !ok || !r.Loopback {
				t.Fatalf("no loopback server found: %+v", r)
			}
			if len(r.Fix.Edits) != 1 {
				t.Fatalf("edits = %+v", r.Fix.Edits)
			}
			got := applyLine(line, r.Fix.Edits)
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func applyLine(line string, edits []finding.Edit) string {
	// Apply from the end so earlier columns stay valid.
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		s, en := e.Range.Start.Col-1, e.Range.End.Col-1
		line = line[:s] + e.NewText + line[en:]
	}
	return line
}

func TestYAMLBlockInsert(t *testing.T) {
	w := Word{Value: "run", Loc: Loc{Syntax: SyntaxYAMLBlock, Indent: "      ",
		Range: finding.Range{File: "compose.yaml", Start: finding.Pos{Line: 5, Col: 9}, End: finding.Pos{Line: 5, Col: 12}}}}
	e, ok := insertAfter(w, []string{"--host", "0.0.0.0"})
	if !ok || e.NewText != "\n      - --host\n      - \"0.0.0.0\"" {
		t.Errorf("got %q %v", e.NewText, ok)
	}
}

func TestIsLoopback(t *testing.T) {
	for _, h := range []string{"127.0.0.1", "127.0.1.1", "localhost", "LOCALHOST", "::1", "[::1]", "app.localhost"} {
		if !IsLoopback(h) {
			t.Errorf("%s: want loopback", h)
		}
	}
	for _, h := range []string{"0.0.0.0", "::", "", "0", "192.168.1.10", "example.com", "[::]"} {
		if IsLoopback(h) {
			t.Errorf("%s: want not loopback", h)
		}
	}
}

// TestTable checks the rows are coherent: each has a doc, a way to be
// matched, and a fix for a loopback default.
func TestTable(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Table() {
		if seen[s.ID] {
			t.Errorf("%s: duplicate ID", s.ID)
		}
		seen[s.ID] = true
		if s.Doc == "" || s.Framework == "" || s.Command == "" || s.DefaultPort == 0 {
			t.Errorf("%s: incomplete row", s.ID)
		}
		if len(s.Programs) == 0 && len(s.Modules) == 0 && s.Script == "" {
			t.Errorf("%s: no way to match it", s.ID)
		}
		if s.AllInterfacesHost == "" || (s.Addressing != AddrPortArg && s.FixOption == "") {
			t.Errorf("%s: no fix", s.ID)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add("sh -c", "flask run --host $H && exec python manage.py runserver 0:8000")
	f.Add("gunicorn", "-b 127.0.0.1")
	f.Fuzz(func(t *testing.T, prog, script string) {
		_, _ = Analyze(Input{Argv: append(Words(strings.Fields(prog)...), Word{Value: script})})
		_, _ = Analyze(Input{Argv: Words(strings.Fields(prog + " " + script)...)})
	})
}
