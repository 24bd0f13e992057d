// Package binddefaults knows on which address and port common development
// servers listen when a container starts them, and how to make them listen
// on all interfaces. A server bound to 127.0.0.1 or localhost inside a
// container cannot be reached through a published port: Docker forwards the
// port to the container's own network interface, not to its loopback.
//
// The table (Table) is data with the documentation of each default; the
// analyzer (Analyze) reads a container's command line as the engine runs
// it (wrappers, sh -c scripts and environment variables included) and says
// which server it starts and where it listens.
package binddefaults

import (
	"slices"
	"strings"
	"sync"
)

// Addressing says how a server's command line sets its address.
type Addressing int

// The ways servers take their address.
const (
	// HostAndPort: a host option (--host 0.0.0.0) and a port option.
	HostAndPort Addressing = iota
	// AddrPortArg: Django's runserver takes an optional [addr:]port
	// argument.
	AddrPortArg
	// BindOption: one option takes HOST[:PORT] (gunicorn -b, mkdocs -a).
	BindOption
)

// Server is one row of the table: a development server and its defaults.
type Server struct {
	// ID is a short stable name ("flask", "django").
	ID string
	// Framework names the project ("Flask"); Command is the command that
	// starts it, as its documentation writes it ("flask run").
	Framework string
	Command   string
	// DefaultHost is where it listens without options: "127.0.0.1",
	// "localhost", or "0.0.0.0" when it listens on all interfaces.
	DefaultHost string
	DefaultPort int
	// Doc is where the default is documented (or, where the documentation
	// is silent, the source that sets it).
	Doc string

	// Programs are the executable names that start it (basename of the
	// first word, ".py"/".js" removed); Modules the `python -m` modules;
	// Script the script a program runs (manage.py, artisan).
	Programs []string
	Modules  []string
	Script   string
	// Subcommands, when set, must be the first argument that is not an
	// option ("run" of flask run); GlobalValueOptions are options before
	// it that take a value (flask --app x run).
	Subcommands        []string
	GlobalValueOptions []string

	Addressing Addressing
	// HostOptions set the host; PortOptions the port; BindOptions
	// HOST[:PORT] (BindOption addressing).
	HostOptions []string
	PortOptions []string
	BindOptions []string
	// HostOptionalValue: the host option alone means all interfaces
	// (vite --host).
	HostOptionalValue bool
	// ValueOptions are other options that take a value, so their value is
	// not read as an argument.
	ValueOptions []string
	// PortArg: the first argument is the port (python -m http.server 8080).
	PortArg bool
	// HostEnv and PortEnv are environment variables that set the address
	// when no option does.
	HostEnv string
	PortEnv string
	// FixOption is the option that makes it listen on all interfaces,
	// written before the address: "--host" gives "--host 0.0.0.0".
	// FixJoined writes "--host=0.0.0.0" instead. For BindOption and
	// AddrPortArg addressing the port is appended (0.0.0.0:8000).
	FixOption string
	FixJoined bool
	// AllInterfacesHost is the value FixOption takes ("0.0.0.0").
	AllInterfacesHost string

	// ConfigFiles are files next to the application that can set the
	// address; when one exists and mentions it, the address is not known.
	// ConfigOptions name a config file given on the command line, with
	// the same effect.
	ConfigFiles   []string
	ConfigOptions []string
	// ConfiguredImages are base image name prefixes whose images configure
	// the server to listen on all interfaces (the official Jupyter images
	// ship a config with ip = 0.0.0.0).
	ConfiguredImages []string
}

// Loopback reports whether the server's default is loopback-only.
func (s *Server) Loopback() bool { return IsLoopback(s.DefaultHost) }

// Table returns the known servers. It is built on each call: callers may
// not change the shared data.
//
// Sources were last checked on 2025-06 (URLs in each row's Doc). Where a
// row's default differs from what is commonly believed it says so.
func Table() []Server {
	return []Server{
		{
			ID: "flask", Framework: "Flask", Command: "flask run",
			DefaultHost: "127.0.0.1", DefaultPort: 5000,
			Doc:      "https://flask.palletsprojects.com/en/stable/quickstart/#debug-mode (flask run --help: FLASK_RUN_HOST, FLASK_RUN_PORT)",
			Programs: []string{"flask"}, Modules: []string{"flask"},
			Subcommands:        []string{"run"},
			GlobalValueOptions: []string{"--app", "-A", "--env-file", "-e"},
			HostOptions:        []string{"--host", "-h"}, PortOptions: []string{"--port", "-p"},
			ValueOptions: []string{"--cert", "--key", "--extra-files", "--exclude-patterns"},
			HostEnv:      "FLASK_RUN_HOST", PortEnv: "FLASK_RUN_PORT",
			FixOption: "--host", AllInterfacesHost: "0.0.0.0",
			// Flask loads .flaskenv and .env (with python-dotenv), which may
			// set FLASK_RUN_HOST; see flaskDotenv.
			ConfigFiles: []string{".flaskenv", ".env"},
		},
		{
			ID: "django", Framework: "Django", Command: "manage.py runserver",
			DefaultHost: "127.0.0.1", DefaultPort: 8000,
			Doc:      "https://docs.djangoproject.com/en/stable/ref/django-admin/#runserver",
			Programs: []string{"django-admin"}, Modules: []string{"django"}, Script: "manage.py",
			Subcommands: []string{"runserver", "runserver_plus"},
			Addressing:  AddrPortArg,
			ValueOptions: []string{"--settings", "--pythonpath", "--verbosity", "-v",
				"--cert-file", "--key-file"},
			AllInterfacesHost: "0.0.0.0",
		},
		{
			// Flask-Script's Server command (manage.py runserver of Flask
			// projects, as in the Flask + Postgres tutorial). Chosen over
			// Django when manage.py imports flask_script.
			ID: "flask-script", Framework: "Flask-Script", Command: "manage.py runserver",
			DefaultHost: "127.0.0.1", DefaultPort: 5000,
			Doc:         "https://github.com/smurfix/flask-script/blob/master/flask_script/commands.py (class Server: host='127.0.0.1', port=5000)",
			Script:      "manage.py",
			Subcommands: []string{"runserver"},
			HostOptions: []string{"--host", "-h"}, PortOptions: []string{"--port", "-p"},
			FixOption: "--host", AllInterfacesHost: "0.0.0.0",
		},
		{
			ID: "uvicorn", Framework: "Uvicorn", Command: "uvicorn",
			DefaultHost: "127.0.0.1", DefaultPort: 8000,
			Doc:      "https://www.uvicorn.org/settings/#socket-binding (every option also reads UVICORN_<NAME>)",
			Programs: []string{"uvicorn"}, Modules: []string{"uvicorn"},
			HostOptions: []string{"--host"}, PortOptions: []string{"--port"},
			ValueOptions: []string{"--uds", "--fd", "--workers", "--loop", "--http", "--ws",
				"--lifespan", "--interface", "--env-file", "--log-config", "--log-level",
				"--root-path", "--app-dir", "--reload-dir", "--reload-include", "--reload-exclude",
				"--forwarded-allow-ips", "--limit-concurrency", "--backlog", "--timeout-keep-alive",
				"--ssl-keyfile", "--ssl-certfile", "--h11-max-incomplete-event-size", "--factory"},
			HostEnv: "UVICORN_HOST", PortEnv: "UVICORN_PORT",
			FixOption: "--host", AllInterfacesHost: "0.0.0.0",
		},
		{
			ID: "fastapi-dev", Framework: "FastAPI", Command: "fastapi dev",
			DefaultHost: "127.0.0.1", DefaultPort: 8000,
			Doc:         "https://fastapi.tiangolo.com/fastapi-cli/#fastapi-dev",
			Programs:    []string{"fastapi"},
			Subcommands: []string{"dev"},
			HostOptions: []string{"--host"}, PortOptions: []string{"--port"},
			ValueOptions: []string{"--app", "--root-path", "--proxy-headers", "--entrypoint", "-e"},
			FixOption:    "--host", AllInterfacesHost: "0.0.0.0",
		},
		{
			ID: "fastapi-run", Framework: "FastAPI", Command: "fastapi run",
			DefaultHost: "0.0.0.0", DefaultPort: 8000,
			Doc:         "https://fastapi.tiangolo.com/fastapi-cli/#fastapi-run",
			Programs:    []string{"fastapi"},
			Subcommands: []string{"run"},
			HostOptions: []string{"--host"}, PortOptions: []string{"--port"},
			ValueOptions: []string{"--app", "--root-path", "--workers", "--entrypoint", "-e"},
			FixOption:    "--host", AllInterfacesHost: "0.0.0.0",
		},
		{
			// The default becomes 0.0.0.0:$PORT when PORT is set (see
			// gunicornDefault).
			ID: "gunicorn", Framework: "Gunicorn", Command: "gunicorn",
			DefaultHost: "127.0.0.1", DefaultPort: 8000,
			Doc:      "https://docs.gunicorn.org/en/stable/settings.html#bind",
			Programs: []string{"gunicorn"}, Modules: []string{"gunicorn"},
			Addressing:  BindOption,
			BindOptions: []string{"--bind", "-b"},
			ValueOptions: []string{"--workers", "-w", "--worker-class", "-k", "--threads",
				"--timeout", "-t", "--graceful-timeout", "--keep-alive", "--log-level",
				"--access-logfile", "--error-logfile", "--log-file", "--chdir", "--user", "-u",
				"--group", "-g", "--pid", "-p", "--name", "-n", "--max-requests",
				"--max-requests-jitter", "--worker-connections", "--backlog", "--env", "-e",
				"--pythonpath", "--paste", "--certfile", "--keyfile", "--forwarded-allow-ips",
				"--access-logformat", "--worker-tmp-dir", "--umask", "-m", "--limit-request-line",
				"--statsd-host", "--log-config", "--capture-output", "--logger-class"},
			FixOption: "-b", AllInterfacesHost: "0.0.0.0",
			// gunicorn reads ./gunicorn.conf.py by default.
			ConfigFiles:   []string{"gunicorn.conf.py"},
			ConfigOptions: []string{"--config", "-c"},
		},
		{
			// Rails listens on localhost in the development environment
			// and on 0.0.0.0 in the others (see railsDefault).
			ID: "rails", Framework: "Rails", Command: "rails server",
			DefaultHost: "localhost", DefaultPort: 3000,
			Doc:         "https://guides.rubyonrails.org/command_line.html#bin-rails-server (railties server_command.rb: default_host = environment == \"development\" ? \"localhost\" : \"0.0.0.0\")",
			Programs:    []string{"rails"},
			Subcommands: []string{"server", "s"},
			HostOptions: []string{"--binding", "-b"}, PortOptions: []string{"--port", "-p"},
			ValueOptions: []string{"--environment", "-e", "--config", "-c", "--pid", "-P",
				"--using", "-u"},
			HostEnv: "HOST", PortEnv: "PORT",
			FixOption: "-b", AllInterfacesHost: "0.0.0.0",
			// config/puma.rb may bind explicitly; a plain `port` there keeps
			// Rails' host (puma's rack handler set_default_host).
			ConfigFiles: []string{"config/puma.rb"},
		},
		{
			ID: "vite", Framework: "Vite", Command: "vite",
			DefaultHost: "localhost", DefaultPort: 5173,
			Doc:         "https://vite.dev/config/server-options.html#server-host",
			Programs:    []string{"vite"},
			Subcommands: []string{"", "dev", "serve"},
			HostOptions: []string{"--host"}, PortOptions: []string{"--port"},
			HostOptionalValue: true,
			ValueOptions: []string{"--base", "--mode", "-m", "--logLevel", "-l", "--clearScreen",
				"--filter", "-f", "--open", "--cors"},
			FixOption: "--host", AllInterfacesHost: "0.0.0.0",
			ConfigFiles: []string{"vite.config.js", "vite.config.mjs", "vite.config.cjs",
				"vite.config.ts", "vite.config.mts", "vite.config.cts"},
			ConfigOptions: []string{"--config", "-c"},
		},
		{
			ID: "vite-preview", Framework: "Vite", Command: "vite preview",
			DefaultHost: "localhost", DefaultPort: 4173,
			Doc:         "https://vite.dev/config/preview-options.html#preview-host",
			Programs:    []string{"vite"},
			Subcommands: []string{"preview"},
			HostOptions: []string{"--host"}, PortOptions: []string{"--port"},
			HostOptionalValue: true,
			ValueOptions:      []string{"--base", "--mode", "-m", "--outDir", "--logLevel", "-l"},
			FixOption:         "--host", AllInterfacesHost: "0.0.0.0",
			ConfigFiles: []string{"vite.config.js", "vite.config.mjs", "vite.config.cjs",
				"vite.config.ts", "vite.config.mts", "vite.config.cts"},
			ConfigOptions: []string{"--config", "-c"},
		},
		{
			// webpack-dev-server 4 and later pass no host to listen() by
			// default, so Node listens on all interfaces (3.x used
			// localhost). Only an explicit loopback --host is reported.
			ID: "webpack-serve", Framework: "webpack-dev-server", Command: "webpack serve",
			DefaultHost: "0.0.0.0", DefaultPort: 8080,
			Doc:         "https://webpack.js.org/configuration/dev-server/#devserverhost (lib/Server.js getHostname returns the option unchanged; undefined listens on all interfaces)",
			Programs:    []string{"webpack"},
			Subcommands: []string{"serve", "server", "s"},
			HostOptions: []string{"--host"}, PortOptions: []string{"--port"},
			ValueOptions: []string{"--config", "-c", "--mode", "--env", "--entry",
				"--config-name", "--static", "--client-web-socket-url"},
			FixOption: "--host", AllInterfacesHost: "0.0.0.0",
		},
		{
			ID: "webpack-dev-server", Framework: "webpack-dev-server", Command: "webpack-dev-server",
			DefaultHost: "0.0.0.0", DefaultPort: 8080,
			Doc:         "https://webpack.js.org/configuration/dev-server/#devserverhost",
			Programs:    []string{"webpack-dev-server"},
			HostOptions: []string{"--host"}, PortOptions: []string{"--port"},
			ValueOptions: []string{"--config", "-c", "--mode", "--env", "--entry",
				"--config-name", "--static", "--client-web-socket-url"},
			FixOption: "--host", AllInterfacesHost: "0.0.0.0",
		},
		{
			ID: "ng-serve", Framework: "Angular CLI", Command: "ng serve",
			DefaultHost: "localhost", DefaultPort: 4200,
			Doc:         "https://angular.dev/cli/serve",
			Programs:    []string{"ng"},
			Subcommands: []string{"serve", "s", "dev"},
			HostOptions: []string{"--host"}, PortOptions: []string{"--port"},
			ValueOptions: []string{"--configuration", "-c", "--proxy-config", "--public-host",
				"--serve-path", "--ssl-cert", "--ssl-key", "--allowed-hosts", "--build-target"},
			FixOption: "--host", AllInterfacesHost: "0.0.0.0",
			ConfigFiles: []string{"angular.json"},
		},
		{
			ID: "jupyter", Framework: "Jupyter", Command: "jupyter lab",
			DefaultHost: "localhost", DefaultPort: 8888,
			Doc:         "https://jupyter-server.readthedocs.io/en/latest/other/full-config.html (ServerApp.ip default 'localhost', ServerApp.port 8888)",
			Programs:    []string{"jupyter", "jupyter-lab", "jupyter-notebook", "jupyter-server"},
			Subcommands: []string{"lab", "notebook", "server", "nbclassic"},
			HostOptions: []string{"--ip", "--ServerApp.ip", "--NotebookApp.ip"},
			PortOptions: []string{"--port", "--ServerApp.port", "--NotebookApp.port"},
			ValueOptions: []string{"--notebook-dir", "--ServerApp.root_dir", "--IdentityProvider.token",
				"--ServerApp.token", "--NotebookApp.token", "--certfile", "--keyfile", "--log-level"},
			FixOption: "--ip", AllInterfacesHost: "0.0.0.0",
			ConfigOptions: []string{"--config"},
			// The official images ship jupyter_server_config.py with
			// c.ServerApp.ip = "0.0.0.0".
			ConfiguredImages: []string{"jupyter/", "quay.io/jupyter/"},
		},
		{
			ID: "hugo", Framework: "Hugo", Command: "hugo server",
			DefaultHost: "127.0.0.1", DefaultPort: 1313,
			Doc:         "https://gohugo.io/commands/hugo_server/",
			Programs:    []string{"hugo"},
			Subcommands: []string{"server", "serve"},
			GlobalValueOptions: []string{"--source", "-s", "--config", "--environment", "-e",
				"--destination", "-d", "--themesDir", "--theme", "-t", "--baseURL", "-b"},
			HostOptions: []string{"--bind"}, PortOptions: []string{"--port", "-p"},
			ValueOptions: []string{"--baseURL", "-b", "--source", "-s", "--config",
				"--environment", "-e", "--destination", "-d", "--liveReloadPort", "--appendPort",
				"--theme", "-t", "--themesDir", "--cacheDir", "--contentDir", "-c", "--layoutDir", "-l",
				"--logLevel"},
			FixOption: "--bind", AllInterfacesHost: "0.0.0.0",
		},
		{
			ID: "artisan-serve", Framework: "Laravel", Command: "php artisan serve",
			DefaultHost: "127.0.0.1", DefaultPort: 8000,
			Doc:         "https://github.com/laravel/framework/blob/12.x/src/Illuminate/Foundation/Console/ServeCommand.php (host: env SERVER_HOST, default 127.0.0.1; port: env SERVER_PORT, default 8000)",
			Script:      "artisan",
			Subcommands: []string{"serve"},
			HostOptions: []string{"--host"}, PortOptions: []string{"--port"},
			ValueOptions: []string{"--tries", "--env"},
			HostEnv:      "SERVER_HOST", PortEnv: "SERVER_PORT",
			FixOption: "--host", FixJoined: true, AllInterfacesHost: "0.0.0.0",
		},
		{
			ID: "mkdocs", Framework: "MkDocs", Command: "mkdocs serve",
			DefaultHost: "127.0.0.1", DefaultPort: 8000,
			Doc:      "https://www.mkdocs.org/user-guide/configuration/#dev_addr",
			Programs: []string{"mkdocs"}, Modules: []string{"mkdocs"},
			Subcommands:  []string{"serve"},
			Addressing:   BindOption,
			BindOptions:  []string{"--dev-addr", "-a"},
			ValueOptions: []string{"--theme", "-t", "--watch", "-w", "--livereload"},
			FixOption:    "-a", AllInterfacesHost: "0.0.0.0",
			ConfigFiles:   []string{"mkdocs.yml", "mkdocs.yaml"},
			ConfigOptions: []string{"--config-file", "-f"},
		},
		{
			ID: "http.server", Framework: "Python http.server", Command: "python -m http.server",
			DefaultHost: "0.0.0.0", DefaultPort: 8000,
			Doc:          "https://docs.python.org/3/library/http.server.html#command-line-interface",
			Modules:      []string{"http.server"},
			PortArg:      true,
			HostOptions:  []string{"--bind", "-b"},
			ValueOptions: []string{"--directory", "-d", "--protocol", "-p"},
			FixOption:    "--bind", AllInterfacesHost: "0.0.0.0",
		},
		{
			ID: "next", Framework: "Next.js", Command: "next dev",
			DefaultHost: "0.0.0.0", DefaultPort: 3000,
			Doc:         "https://nextjs.org/docs/app/api-reference/cli/next (packages/next/src/cli/next-dev.ts: no default host, so Node listens on all interfaces; older versions default to 0.0.0.0)",
			Programs:    []string{"next"},
			Subcommands: []string{"dev", "start"},
			HostOptions: []string{"--hostname", "-H"}, PortOptions: []string{"--port", "-p"},
			ValueOptions: []string{"--keepAliveTimeout", "--experimental-https-key",
				"--experimental-https-cert"},
			PortEnv:   "PORT",
			FixOption: "--hostname", AllInterfacesHost: "0.0.0.0",
		},
		{
			ID: "streamlit", Framework: "Streamlit", Command: "streamlit run",
			DefaultHost: "0.0.0.0", DefaultPort: 8501,
			Doc:      "https://docs.streamlit.io/develop/api-reference/configuration/config.toml (server.address unset: all interfaces; server.port 8501)",
			Programs: []string{"streamlit"}, Modules: []string{"streamlit"},
			Subcommands: []string{"run"},
			HostOptions: []string{"--server.address"}, PortOptions: []string{"--server.port"},
			HostEnv: "STREAMLIT_SERVER_ADDRESS", PortEnv: "STREAMLIT_SERVER_PORT",
			FixOption: "--server.address", AllInterfacesHost: "0.0.0.0",
		},
	}
}

// ImagePort is a well-known image and the port its server listens on, for
// images whose Dockerfile envdoctor does not have.
type ImagePort struct {
	// Repository is the image name without registry "library/" and tag.
	Repository string
	Ports      []int
	// Doc is where the port is documented.
	Doc string
}

// WellKnownImages returns the ports that official images listen on (their
// EXPOSE), from each image's documentation on Docker Hub (checked 2025-06).
func WellKnownImages() []ImagePort {
	return []ImagePort{
		{"postgres", []int{5432}, "https://hub.docker.com/_/postgres"},
		{"mysql", []int{3306, 33060}, "https://hub.docker.com/_/mysql"},
		{"mariadb", []int{3306}, "https://hub.docker.com/_/mariadb"},
		{"redis", []int{6379}, "https://hub.docker.com/_/redis"},
		{"valkey/valkey", []int{6379}, "https://hub.docker.com/r/valkey/valkey"},
		{"mongo", []int{27017}, "https://hub.docker.com/_/mongo"},
		{"nginx", []int{80}, "https://hub.docker.com/_/nginx"},
		{"httpd", []int{80}, "https://hub.docker.com/_/httpd"},
		{"memcached", []int{11211}, "https://hub.docker.com/_/memcached"},
		{"rabbitmq", []int{4369, 5671, 5672, 15691, 15692, 25672, 15671, 15672}, "https://hub.docker.com/_/rabbitmq"},
		{"elasticsearch", []int{9200, 9300}, "https://hub.docker.com/_/elasticsearch"},
		{"adminer", []int{8080}, "https://hub.docker.com/_/adminer"},
		{"dpage/pgadmin4", []int{80, 443}, "https://www.pgadmin.org/docs/pgadmin4/latest/container_deployment.html"},
		{"mailhog/mailhog", []int{1025, 8025}, "https://hub.docker.com/r/mailhog/mailhog"},
		{"axllent/mailpit", []int{1025, 1110, 8025}, "https://hub.docker.com/r/axllent/mailpit"},
		{"minio/minio", []int{9000}, "https://hub.docker.com/r/minio/minio"},
	}
}

// wellKnownImages is WellKnownImages built once, for ImagePorts (which
// hands out copies): never changed.
var wellKnownImages = sync.OnceValue(WellKnownImages)

// QuietBaseImages are official language and OS images that EXPOSE no port,
// so a Dockerfile built on them exposes only what it says itself (checked
// against each image's Dockerfile on Docker Hub, 2025-06).
func QuietBaseImages() []string {
	return []string{
		"alpine", "debian", "ubuntu", "busybox", "fedora", "centos", "rockylinux", "almalinux",
		"amazonlinux", "archlinux", "opensuse/leap", "scratch", "python", "pypy", "node", "ruby",
		"golang", "rust", "openjdk", "eclipse-temurin", "amazoncorretto", "maven", "gradle",
		"php", "perl", "elixir", "erlang", "haskell", "swift", "dart", "julia", "r-base",
		"mcr.microsoft.com/dotnet/sdk", "mcr.microsoft.com/dotnet/runtime", "bitnami/minideb",
		"gcr.io/distroless/static", "gcr.io/distroless/base", "gcr.io/distroless/python3",
		"gcr.io/distroless/nodejs", "gcr.io/distroless/java", "gcr.io/distroless/cc",
		"ghcr.io/astral-sh/uv", "oven/bun", "denoland/deno",
	}
}

// ImagePorts says which ports an image's server listens on, from
// WellKnownImages and QuietBaseImages: ok is false for images envdoctor
// knows nothing about. Official php images listen on 80 (apache variants)
// or 9000 (fpm variants) and on nothing otherwise.
func ImagePorts(image string) (ports []int, ok bool) {
	repo, tag := splitImage(image)
	if repo == "" {
		return nil, false
	}
	for _, w := range wellKnownImages() {
		if w.Repository == repo {
			return slices.Clone(w.Ports), true
		}
	}
	if repo == "php" {
		switch {
		case strings.Contains(tag, "apache"):
			return []int{80}, true
		case strings.Contains(tag, "fpm"):
			return []int{9000}, true
		}
		return nil, true
	}
	for _, q := range QuietBaseImages() {
		if q == repo {
			return nil, true
		}
	}
	return nil, false
}

// splitImage returns an image reference's repository (without docker.io/
// and library/) and tag.
func splitImage(image string) (repo, tag string) {
	image, _, _ = strings.Cut(image, "@")
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		image, tag = image[:i], image[i+1:]
	}
	image = strings.TrimPrefix(image, "docker.io/")
	image = strings.TrimPrefix(image, "index.docker.io/")
	image = strings.TrimPrefix(image, "library/")
	return strings.ToLower(image), tag
}
