package checks

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/distribution/reference"
	"go.yaml.in/yaml/v4"

	"github.com/envdoctor/envdoctor/internal/dockerengine"
	"github.com/envdoctor/envdoctor/internal/finding"
	"github.com/envdoctor/envdoctor/internal/ports"
	"github.com/envdoctor/envdoctor/internal/project"
)

// staleDatabaseVolume is HS004: a database service whose data directory (a
// bind mount, or a named volume of the project) is already initialised,
// while the compose file sets the image's initialisation variables
// (POSTGRES_PASSWORD, MYSQL_ROOT_PASSWORD, MONGO_INITDB_ROOT_USERNAME...).
// The official images read them only to initialise an empty data
// directory: a password changed later is ignored, and the app fails with
// "password authentication failed" while the compose file looks right.
func staleDatabaseVolume() *Check {
	return &Check{
		ID:       "HS004",
		Name:     "stale-database-volume",
		Title:    "A database's data is already initialised: its initialisation variables are ignored",
		Section:  SectionFiles,
		Severity: finding.SeverityWarning,
		Since:    "0.1.0",
		Timeout:  EngineTimeout + time.Second,
		Run: func(ctx context.Context, p *Probe) {
			if p.Project == nil || p.Project.Compose == nil || p.Project.Compose.Model == nil {
				p.Skip("no compose file")
				return
			}
			c := p.Project.Compose
			mounts := serviceMounts(c)
			checked := 0
			for _, svc := range activeServices(c) {
				if ctx.Err() != nil {
					return
				}
				db, ok := databaseOf(p.Project, svc)
				if !ok {
					continue
				}
				vars := db.initVars(svc)
				if len(vars) == 0 {
					continue
				}
				for _, m := range mounts {
					if m.Service != svc.Name {
						continue
					}
					var st dataState
					switch m.Type {
					case types.VolumeTypeBind:
						st = db.bindState(p.Env, svc, m)
					case types.VolumeTypeVolume:
						if m.Source == "" {
							continue // anonymous
						}
						st = db.volumeState(ctx, p, svc, m)
					default:
						continue
					}
					if st.checked {
						checked++
					}
					if !st.initialised {
						continue
					}
					p.Report(finding.Finding{
						Range:   m.Range,
						Message: db.message(p, svc, m, st, vars),
						Related: initVarsRelated(c, svc.Name, vars),
						Fix:     &finding.Fix{Message: db.fix(p, svc, st)},
					})
				}
			}
			if checked > 0 {
				p.Detail("%d database data %s checked", checked, plural(checked, "directory", "directories"))
			}
		},
	}
}

// database is the initialisation behaviour of an official database image.
// Sources (checked 2025): the images' docker-entrypoint.sh and their
// Docker Hub pages: postgres skips initdb when $PGDATA/PG_VERSION exists
// (PGDATA is /var/lib/postgresql/data up to 17, /var/lib/postgresql/<major>/docker
// from 18); mysql and mariadb when /var/lib/mysql/mysql exists (ibdata1
// is there too); mongo's MONGO_INITDB_* only apply when /data/db holds no
// database (WiredTiger).
type database struct {
	Kind     string // "postgres", "mysql", "mariadb", "mongo"
	Title    string // "PostgreSQL"
	Prefixes []string
	// Ignored are variables with a prefix that the image reads at every
	// start (not only at initialisation).
	Ignored []string
	// Markers are files or directories of an initialised data directory,
	// relative to it.
	Markers []string
	// major is the image tag's major version, 0 when unknown.
	major int
}

func databaseOf(p *project.Project, svc types.ServiceConfig) (*database, bool) {
	image := svc.Image
	if svc.Build != nil || image == "" {
		if base, ok := builtBaseImage(p, svc.Name); ok {
			image = base
		}
	}
	server, ok := ports.ServerByImage(image)
	if !ok {
		return nil, false
	}
	var db database
	switch server.Name {
	case "postgres":
		db = database{Kind: "postgres", Title: "PostgreSQL", Prefixes: []string{"POSTGRES_"}, Markers: []string{"PG_VERSION"}}
	case "mysql":
		db = database{Kind: "mysql", Title: "MySQL", Prefixes: []string{"MYSQL_"}, Markers: []string{"mysql", "ibdata1"}}
	case "mariadb":
		db = database{Kind: "mariadb", Title: "MariaDB", Prefixes: []string{"MARIADB_", "MYSQL_"}, Markers: []string{"mysql", "ibdata1"},
			Ignored: []string{"MARIADB_AUTO_UPGRADE", "MARIADB_DISABLE_UPGRADE_BACKUP"}}
	case "mongodb":
		db = database{Kind: "mongo", Title: "MongoDB", Prefixes: []string{"MONGO_INITDB_"}, Markers: []string{"WiredTiger"}}
	default:
		return nil, false
	}
	db.major = tagMajor(image)
	return &db, true
}

// builtBaseImage is the image the service's Dockerfile builds on (its
// built stage, followed through FROM <earlier stage>).
func builtBaseImage(p *project.Project, service string) (string, bool) {
	for _, d := range p.Dockerfiles {
		if !slices.Contains(d.Services, service) {
			continue
		}
		si, ok := builtStage(d)
		for depth := 0; ok && depth <= len(d.Stages); depth++ {
			base, known := d.ExpandMetaArgs(d.Stages[si].BaseName)
			if !known {
				return "", false
			}
			next := -1
			for j := si - 1; j >= 0; j-- {
				if d.Stages[j].Name != "" && strings.EqualFold(d.Stages[j].Name, base) {
					next = j
					break
				}
			}
			if next < 0 {
				return base, true
			}
			si = next
		}
		return "", false
	}
	return "", false
}

// tagMajor is the leading number of an image's tag ("16-alpine" → 16), 0
// for latest, no tag or a digest.
func tagMajor(image string) int {
	named, err := reference.ParseNormalizedNamed(strings.TrimSpace(image))
	if err != nil {
		return 0
	}
	tagged, ok := named.(reference.Tagged)
	if !ok {
		return 0
	}
	tag := tagged.Tag()
	i := 0
	for i < len(tag) && tag[i] >= '0' && tag[i] <= '9' {
		i++
	}
	n, _ := strconv.Atoi(tag[:i])
	return n
}

// symptom is what a client sees when its password is not the one the
// database was initialised with.
func (db *database) symptom() string {
	switch db.Kind {
	case "postgres":
		return `the app then fails with "password authentication failed for user"`
	case "mongo":
		return `the app then fails with "Authentication failed"`
	}
	return `the app then fails with "Access denied for user"`
}

// initVars are the service's environment variables the image reads only at
// initialisation, sorted.
func (db *database) initVars(svc types.ServiceConfig) []string {
	var out []string
	for k := range svc.Environment {
		if slices.Contains(db.Ignored, k) {
			continue
		}
		for _, pre := range db.Prefixes {
			if strings.HasPrefix(k, pre) {
				out = append(out, k)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// dataDirs are the container paths the image keeps its data in.
func (db *database) dataDirs(svc types.ServiceConfig) []string {
	switch db.Kind {
	case "postgres":
		if v, ok := svc.Environment["PGDATA"]; ok && v != nil && strings.HasPrefix(*v, "/") {
			return []string{path.Clean(*v)}
		}
		switch {
		case db.major >= 18:
			return []string{fmt.Sprintf("/var/lib/postgresql/%d/docker", db.major)}
		case db.major > 0:
			return []string{"/var/lib/postgresql/data"}
		}
		// latest or unknown: 18 and later, or an older layout.
		dirs := []string{"/var/lib/postgresql/data"}
		for m := 18; m <= 22; m++ {
			dirs = append(dirs, fmt.Sprintf("/var/lib/postgresql/%d/docker", m))
		}
		return dirs
	case "mongo":
		return []string{"/data/db"}
	}
	return []string{"/var/lib/mysql"}
}

// dataState is what HS004 learned about one mount of a database.
type dataState struct {
	checked     bool
	initialised bool
	// where is the data directory on the host (bind mount), relative to
	// the project when inside it.
	where string
	// version is the content of PG_VERSION when it could be read.
	version string
	// unreadable is true when the data directory exists but cannot be
	// looked into (the database's user owns it): it is taken as
	// initialised.
	unreadable bool
	// volume is the engine's volume (named volumes); external is true
	// for a volume compose does not manage.
	volume   *dockerengine.Volume
	external bool
	// since is when the data was initialised (or the volume created),
	// created when the volume was created; zero when unknown.
	since, created time.Time
}

// bindState looks for an initialised data directory in a bind mount.
func (db *database) bindState(env *Env, svc types.ServiceConfig, m mount) dataState {
	var st dataState
	for _, dir := range db.dataDirs(svc) {
		rel, ok := project.UnderDir(dir, m.Target)
		if !ok {
			continue
		}
		host := filepath.Join(m.Source, filepath.FromSlash(rel))
		found, denied := db.markers(env, host, &st)
		st.checked = st.checked || found || denied || dirExists(env, host)
		if found || denied {
			st.initialised, st.unreadable, st.where = true, denied && !found, host
			return st
		}
	}
	return st
}

// markers looks for the files of an initialised data directory in dir.
// denied is true when dir exists but may not be looked into.
func (db *database) markers(env *Env, dir string, st *dataState) (found, denied bool) {
	for _, mk := range db.Markers {
		p := filepath.Join(dir, mk)
		var err error
		var mod time.Time
		if env.Stat != nil {
			var fi fs.FileInfo
			if fi, err = env.Stat(p); err == nil {
				mod = fi.ModTime()
			}
		} else if env.ReadFile != nil && mk != "ibdata1" {
			_, err = env.ReadFile(p)
		} else {
			return false, false
		}
		switch {
		case err == nil:
			if mk == "PG_VERSION" && env.ReadFile != nil {
				if data, err := env.ReadFile(p); err == nil && len(data) < 64 {
					st.version = strings.TrimSpace(string(data))
				}
			}
			st.since = mod
			return true, false
		case errors.Is(err, fs.ErrPermission):
			denied = true
		}
	}
	return false, denied
}

func dirExists(env *Env, dir string) bool {
	if env.Stat == nil {
		return false
	}
	fi, err := env.Stat(dir)
	return err == nil && fi.IsDir()
}

// volumeState asks the engine whether the project's named volume exists;
// when its files are readable from here (a local engine, run as root or
// rootless), an empty volume is told from an initialised one.
func (db *database) volumeState(ctx context.Context, p *Probe, svc types.ServiceConfig, m mount) dataState {
	var st dataState
	name, external := volumeName(p.Project, m.Source)
	st.external = external
	e := p.Facts.Engine(ctx)
	if !e.Up() {
		return st
	}
	var vol dockerengine.Volume
	if err := e.Client.Get(ctx, "/volumes/"+url.PathEscape(name), nil, &vol); err != nil {
		return st
	}
	st.checked, st.volume = true, &vol
	created, _ := time.Parse(time.RFC3339, vol.CreatedAt)
	st.since, st.created = created, created
	if vol.Mountpoint != "" && e.Client.Network() == "unix" && dirExists(p.Env, vol.Mountpoint) {
		for _, dir := range db.dataDirs(svc) {
			rel, ok := project.UnderDir(dir, m.Target)
			if !ok {
				continue
			}
			host := filepath.Join(vol.Mountpoint, filepath.FromSlash(rel))
			found, denied := db.markers(p.Env, host, &st)
			if st.since.IsZero() {
				st.since = created
			}
			if found || denied {
				st.initialised = true
				return st
			}
		}
		return st // readable and empty: the next start initialises it
	}
	st.initialised = true // it exists; its files are out of reach
	return st
}

// volumeName is the engine's name of a volume declared under the
// top-level volumes: (compose names it <project>_<key> unless name: or
// external says otherwise).
func volumeName(p *project.Project, key string) (name string, external bool) {
	if p.Compose.Model != nil {
		if v, ok := p.Compose.Model.Volumes[key]; ok {
			switch {
			case v.Name != "":
				return v.Name, bool(v.External)
			case bool(v.External):
				return key, true
			}
		}
	}
	return p.Name + "_" + key, false
}

func (db *database) message(p *Probe, svc types.ServiceConfig, m mount, st dataState, vars []string) string {
	holds := "already holds a " + db.Title + " database"
	if st.version != "" {
		holds = fmt.Sprintf("already holds a %s %s database (PG_VERSION)", db.Title, st.version)
	}
	var what string
	switch {
	case st.volume != nil:
		created := ""
		if !st.created.IsZero() {
			created = ", created " + st.created.UTC().Format("2006-01-02 15:04")
		}
		what = fmt.Sprintf("the volume %s (service %q, at %s%s) %s", st.volume.Name, svc.Name, m.Target, created, holds)
	case st.unreadable:
		what = fmt.Sprintf("the data directory %s of service %q is owned by the database's user, which is what its initialisation does: it most likely %s", displayPath(p.Project.Root, st.where), svc.Name, strings.TrimPrefix(holds, "already "))
	default:
		what = fmt.Sprintf("the data directory %s of service %q %s", displayPath(p.Project.Root, st.where), svc.Name, holds)
	}
	msg := fmt.Sprintf("%s: the image reads %s only to initialise an empty data directory, so values changed since then are ignored (%s)",
		what, joinWords(vars), db.symptom())
	if changed := changedAfter(p, st.since); changed != "" {
		msg += fmt.Sprintf("; %s changed after the data was created", changed)
	}
	return msg
}

// changedAfter names the newest of the compose and env files modified
// after t, or "".
func changedAfter(p *Probe, t time.Time) string {
	if t.IsZero() || p.Env.Stat == nil {
		return ""
	}
	var files []string
	for _, f := range p.Project.Compose.Files {
		files = append(files, f.Path)
	}
	for _, e := range p.Project.EnvFiles {
		if e.Role != project.RoleExample {
			files = append(files, e.Path)
		}
	}
	// Files written together with the data (a checkout, a copy, a test)
	// are not "changed since": only a change clearly later counts.
	const together = 2 * time.Second
	newest, name := t.Add(together), ""
	for _, f := range files {
		fi, err := p.Env.Stat(filepath.Join(p.Project.Root, filepath.FromSlash(f)))
		if err == nil && fi.ModTime().After(newest) {
			newest, name = fi.ModTime(), f
		}
	}
	return name
}

func displayPath(root, abs string) string {
	if insideRoot(root, abs) {
		rel := project.RelPath(root, abs)
		if rel == "." {
			return "."
		}
		return "./" + rel
	}
	return abs
}

// joinWords writes A, B and C.
func joinWords(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func (db *database) fix(p *Probe, svc types.ServiceConfig, st dataState) string {
	var reset string
	switch {
	case st.volume != nil && st.external:
		reset = fmt.Sprintf("to start over (this DELETES the data): stop the project, `docker volume rm %s`, then `docker compose up`", st.volume.Name)
	case st.volume != nil:
		reset = "to start over (this DELETES the data): `docker compose down -v` (removes the project's volumes), then `docker compose up`"
	default:
		dir := displayPath(p.Project.Root, st.where)
		rm := fmt.Sprintf("`sudo rm -rf %s`", dir)
		if p.Env.GOOS == "windows" {
			rm = fmt.Sprintf("`Remove-Item -Recurse -Force %s`", dir)
		}
		reset = fmt.Sprintf("to start over (this DELETES the data): `docker compose down`, %s (or move it aside), then `docker compose up`", rm)
	}
	return reset + "; to keep the data, change it inside the database instead: " + db.alterCommand(svc)
}

// alterCommand changes a password inside the running database.
func (db *database) alterCommand(svc types.ServiceConfig) string {
	env := func(k, def string) string {
		if v, ok := svc.Environment[k]; ok && v != nil && *v != "" && !strings.ContainsAny(*v, " '\"`$\\") {
			return *v
		}
		return def
	}
	switch db.Kind {
	case "postgres":
		user := env("POSTGRES_USER", "postgres")
		return fmt.Sprintf("`docker compose exec %s psql -U %s -c \"ALTER USER %s WITH PASSWORD 'new-password'\"`", svc.Name, user, user)
	case "mongo":
		user := env("MONGO_INITDB_ROOT_USERNAME", "root")
		return fmt.Sprintf("`docker compose exec %s mongosh -u %s -p --authenticationDatabase admin --eval 'db.getSiblingDB(\"admin\").changeUserPassword(\"%s\", \"new-password\")'`", svc.Name, user, user)
	}
	client := "mysql"
	user := env("MYSQL_USER", "root")
	if db.Kind == "mariadb" {
		client = "mariadb"
		user = env("MARIADB_USER", user)
	}
	return fmt.Sprintf("`docker compose exec %s %s -uroot -p -e \"ALTER USER '%s'@'%%' IDENTIFIED BY 'new-password'\"`", svc.Name, client, user)
}

// initVarsRelated are the places of the variables in the service's
// environment: mapping keys or KEY=value items.
func initVarsRelated(c *project.Compose, service string, vars []string) []finding.Related {
	cf, env, ok := serviceKey(c, service, "environment")
	if !ok {
		return nil
	}
	var out []finding.Related
	add := func(n *yaml.Node, key string) {
		if slices.Contains(vars, key) {
			out = append(out, finding.Related{Range: project.NodeRange(cf.Source, n), Message: key + " is only read when the data directory is empty"})
		}
	}
	env = deref(env)
	switch {
	case env == nil:
	case env.Kind == yaml.MappingNode:
		for _, kv := range project.MappingPairs(env) {
			add(kv[0], kv[0].Value)
		}
	case env.Kind == yaml.SequenceNode:
		for _, item := range env.Content {
			item = deref(item)
			if item != nil && item.Kind == yaml.ScalarNode {
				k, _, _ := strings.Cut(item.Value, "=")
				add(item, strings.TrimSpace(k))
			}
		}
	}
	return out
}
