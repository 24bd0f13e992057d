package checks

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// engineAnswering is a Dial to a fake Docker 20.10 engine: /_ping, /version
// and /info answer (routes["/info"] replaces the latter), and each other
// path gets routes[path] ("404" for a not-found answer, else a JSON body).
func engineAnswering(routes map[string]string) func(context.Context, string, string) (net.Conn, error) {
	return func(context.Context, string, string) (net.Conn, error) {
		server, client := net.Pipe()
		go func() {
			defer server.Close()
			r := bufio.NewReader(server)
			for {
				req, err := http.ReadRequest(r)
				if err != nil {
					return
				}
				p := strings.TrimPrefix(req.URL.Path, "/v1.41")
				status, body := 200, ""
				switch p {
				case "/_ping":
					body = "OK"
				case "/version":
					body = `{"Version":"20.10.24","ApiVersion":"1.41","Os":"linux","Arch":"amd64"}`
				case "/info":
					body = `{"OSType":"linux","Architecture":"x86_64"}`
					if info, ok := routes["/info"]; ok {
						body = info
					}
				default:
					var ok bool
					if body, ok = routes[p]; !ok || body == "404" {
						status, body = 404, `{"message":"no such thing"}`
					}
				}
				fmt.Fprintf(server, "HTTP/1.1 %d X\r\nApi-Version: 1.41\r\nOstype: linux\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", status, len(body), body)
			}
		}()
		return client, nil
	}
}

const pgCompose = "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: shop\n      POSTGRES_PASSWORD: ${DB_PASSWORD:-secret}\n      PGDATA_UNUSED: x\n    volumes:\n      - ./pgdata:/var/lib/postgresql/data\n"

func TestHS004BindMounts(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // none: quiet
	}{
		{
			name:  "initialised postgres directory",
			files: map[string]string{"compose.yaml": pgCompose, "pgdata/PG_VERSION": "16\n"},
			want: []string{
				"compose.yaml:9:9-9:17 HS004: the data directory ./pgdata of service \"db\" already holds a PostgreSQL 16 database (PG_VERSION): the image reads POSTGRES_PASSWORD and POSTGRES_USER only to initialise an empty data directory, so values changed since then are ignored (the app then fails with \"password authentication failed for user\")\n",
				"related compose.yaml:5:7-5:20: POSTGRES_USER is only read when the data directory is empty",
				"related compose.yaml:6:7-6:24: POSTGRES_PASSWORD is only read when the data directory is empty",
				"fix: to start over (this DELETES the data): `docker compose down`, `sudo rm -rf ./pgdata` (or move it aside), then `docker compose up`; to keep the data, change it inside the database instead: `docker compose exec db psql -U shop -c \"ALTER USER shop WITH PASSWORD 'new-password'\"`",
			},
		},
		{
			name: "postgres 18 mounted at /var/lib/postgresql, list-style environment",
			files: map[string]string{
				"compose.yaml":                 "services:\n  db:\n    image: postgres:18-alpine\n    environment:\n      - POSTGRES_PASSWORD=x\n    volumes:\n      - \"./pg:/var/lib/postgresql\"\n",
				"pg/18/docker/PG_VERSION":      "18\n",
				"pg/18/docker/postgresql.conf": "",
			},
			want: []string{"compose.yaml:7:10-7:14 HS004: the data directory ./pg/18/docker of service \"db\" already holds a PostgreSQL 18 database", "related compose.yaml:5:9-5:28: POSTGRES_PASSWORD", "psql -U postgres"},
		},
		{
			name: "PGDATA below the mount",
			files: map[string]string{
				"compose.yaml":           "services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_DB: app\n      PGDATA: /var/lib/postgresql/data/pgdata\n    volumes:\n      - ./data:/var/lib/postgresql/data\n",
				"data/pgdata/PG_VERSION": "17",
			},
			want: []string{"the data directory ./data/pgdata of service \"db\" already holds a PostgreSQL 17 database (PG_VERSION): the image reads POSTGRES_DB only"},
		},
		{
			name: "mariadb built from a Dockerfile",
			files: map[string]string{
				"compose.yaml":            "services:\n  db:\n    build: ./db\n    environment:\n      MARIADB_ROOT_PASSWORD: x\n      MARIADB_AUTO_UPGRADE: \"1\"\n      MYSQL_DATABASE: app\n    volumes:\n      - ./mysql-data:/var/lib/mysql\n",
				"db/Dockerfile":           "FROM mariadb:11 AS base\nFROM base\nCOPY my.cnf /etc/mysql/conf.d/\n",
				"db/my.cnf":               "",
				"mysql-data/mysql/db.opt": "",
			},
			want: []string{"already holds a MariaDB database: the image reads MARIADB_ROOT_PASSWORD and MYSQL_DATABASE only", "mariadb -uroot -p -e \"ALTER USER 'root'@'%' IDENTIFIED BY 'new-password'\""},
		},
		{
			name: "mongo",
			files: map[string]string{
				"compose.yaml":     "services:\n  mongo:\n    image: mongo:7\n    environment:\n      MONGO_INITDB_ROOT_USERNAME: admin\n      MONGO_INITDB_ROOT_PASSWORD: x\n    volumes:\n      - ./mongo:/data/db\n",
				"mongo/WiredTiger": "WiredTiger\n",
			},
			want: []string{"already holds a MongoDB database: the image reads MONGO_INITDB_ROOT_PASSWORD and MONGO_INITDB_ROOT_USERNAME only", "mongosh -u admin -p --authenticationDatabase admin --eval 'db.getSiblingDB(\"admin\").changeUserPassword(\"admin\", \"new-password\")'"},
		},
		{
			name:  "quiet: an empty data directory",
			files: map[string]string{"compose.yaml": pgCompose, "pgdata/.keep": ""},
		},
		{
			name:  "quiet: no data directory yet",
			files: map[string]string{"compose.yaml": pgCompose},
		},
		{
			name: "quiet: no initialisation variables",
			files: map[string]string{
				"compose.yaml":      "services:\n  db:\n    image: postgres:16\n    environment:\n      PGDATA: /var/lib/postgresql/data\n    volumes:\n      - ./pgdata:/var/lib/postgresql/data\n",
				"pgdata/PG_VERSION": "16\n",
			},
		},
		{
			name: "quiet: not a database image",
			files: map[string]string{
				"compose.yaml":      "services:\n  web:\n    image: nginx:1.27\n    environment:\n      POSTGRES_PASSWORD: x\n    volumes:\n      - ./pgdata:/var/lib/postgresql/data\n",
				"pgdata/PG_VERSION": "16\n",
			},
		},
		{
			name: "quiet: the mount is not the data directory",
			files: map[string]string{
				"compose.yaml":    "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: x\n    volumes:\n      - ./init:/docker-entrypoint-initdb.d\n",
				"init/PG_VERSION": "16\n",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeProject(t, tt.files)
			r := runCheck2(t, staleDatabaseVolume(), diskEnv(), p)
			got := locatedResult(r)
			if len(tt.want) == 0 {
				if got != "" || r.Crashed != "" {
					t.Errorf("want quiet, got:\n%s%s", got, r.Crashed)
				}
				return
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in:\n%s", w, got)
				}
			}
			if len(r.Findings) != 1 {
				t.Errorf("want 1 finding:\n%s", got)
			}
		})
	}
}

func TestHS004UnreadableAndChangedLater(t *testing.T) {
	p := writeProject(t, map[string]string{"compose.yaml": pgCompose, "pgdata/PG_VERSION": "16\n", ".env": "DB_PASSWORD=new\n"})
	env := diskEnv()
	stat := env.Stat
	env.Stat = func(name string) (fs.FileInfo, error) {
		if strings.Contains(name, "pgdata"+string(filepath.Separator)) {
			return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrPermission}
		}
		return stat(name)
	}
	got := locatedResult(runCheck2(t, staleDatabaseVolume(), env, p))
	if !strings.Contains(got, "the data directory ./pgdata of service \"db\" is owned by the database's user, which is what its initialisation does: it most likely holds a PostgreSQL database: the image reads") {
		t.Errorf("unreadable:\n%s", got)
	}

	// .env edited after the cluster was initialised.
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(filepath.Join(p.Root, "pgdata", "PG_VERSION"), old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(p.Root, "compose.yaml"), old, old); err != nil {
		t.Fatal(err)
	}
	got = locatedResult(runCheck2(t, staleDatabaseVolume(), diskEnv(), p))
	if !strings.Contains(got, "; .env changed after the data was created\n") {
		t.Errorf("changed later:\n%s", got)
	}
}

func TestHS004NamedVolumes(t *testing.T) {
	compose := "name: shop\nservices:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: x\n    volumes:\n      - db-data:/var/lib/postgresql/data\n  cache:\n    image: mysql:8\n    environment:\n      MYSQL_ROOT_PASSWORD: x\n    volumes:\n      - type: volume\n        source: legacy\n        target: /var/lib/mysql\nvolumes:\n  db-data:\n  legacy:\n    external: true\n    name: old_mysql\n"
	p := writeProject(t, map[string]string{"compose.yaml": compose})
	env := diskEnv()
	env.Dial = engineAnswering(map[string]string{
		"/volumes/shop_db-data": `{"Name":"shop_db-data","Driver":"local","Mountpoint":"/nonexistent/volumes/shop_db-data/_data","CreatedAt":"2024-05-01T10:00:00Z"}`,
		"/volumes/old_mysql":    `{"Name":"old_mysql","Mountpoint":"/nonexistent/old","CreatedAt":"garbage"}`,
	})
	r := runCheck2(t, staleDatabaseVolume(), env, p)
	got := locatedResult(r)
	for _, want := range []string{
		"compose.yaml:8:9-8:16 HS004: the volume shop_db-data (service \"db\", at /var/lib/postgresql/data, created 2024-05-01 10:00) already holds a PostgreSQL database: the image reads POSTGRES_PASSWORD only to initialise an empty data directory",
		"fix: to start over (this DELETES the data): `docker compose down -v` (removes the project's volumes), then `docker compose up`; to keep the data, change it inside the database instead: `docker compose exec db psql -U postgres",
		"compose.yaml:15:17-15:23 HS004: the volume old_mysql (service \"cache\", at /var/lib/mysql) already holds a MySQL database",
		"fix: to start over (this DELETES the data): stop the project, `docker volume rm old_mysql`, then `docker compose up`; to keep the data, change it inside the database instead: `docker compose exec cache mysql -uroot -p -e \"ALTER USER 'root'@'%' IDENTIFIED BY 'new-password'\"`",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if len(r.Details) != 1 || r.Details[0] != "2 database data directories checked" {
		t.Errorf("details %v", r.Details)
	}

	// No such volume: the first start will initialise it.
	env.Dial = engineAnswering(nil)
	if r := runCheck2(t, staleDatabaseVolume(), env, p); !r.OK() {
		t.Errorf("absent volumes: %s", locatedResult(r))
	}
	// Engine down: named volumes are not checked.
	if r := runCheck2(t, staleDatabaseVolume(), diskEnv(), p); !r.OK() {
		t.Errorf("engine down: %s", locatedResult(r))
	}
	if r := runCheck2(t, staleDatabaseVolume(), env, nil); r.Skipped != "no compose file" {
		t.Errorf("no project: %+v", r)
	}
}

// TestRealHS004NamedVolume creates the project's volume in the real engine
// with compose's naming (<project>_<key>). Run as root, the test can look
// into the volume: empty, the next start initialises it (quiet); with a
// PG_VERSION the probe fires. Otherwise the volume's existence is enough.
func TestRealHS004NamedVolume(t *testing.T) {
	env, _ := realEngine(t)
	project := fmt.Sprintf("envdoctorhs%d", time.Now().UnixNano()%1_000_000)
	volume := project + "_pgdata"
	if out, err := exec.Command("docker", "volume", "create", volume).CombinedOutput(); err != nil {
		t.Fatalf("docker volume create: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("docker", "volume", "rm", "-f", volume).Run() })
	p := writeProject(t, map[string]string{
		"compose.yaml": "name: " + project + "\nservices:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: x\n    volumes:\n      - pgdata:/var/lib/postgresql/data\nvolumes:\n  pgdata:\n",
	})
	out, err := exec.Command("docker", "volume", "inspect", "-f", "{{.Mountpoint}}", volume).Output()
	if err != nil {
		t.Fatal(err)
	}
	mountpoint := strings.TrimSpace(string(out))
	if _, err := os.Stat(mountpoint); err == nil {
		if r := runCheck2(t, staleDatabaseVolume(), env, p); len(r.Findings) != 0 || len(r.Details) != 1 {
			t.Errorf("empty volume reported: %s %+v", locatedResult(r), r)
		}
		if err := os.WriteFile(filepath.Join(mountpoint, "PG_VERSION"), []byte("16\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	r := runCheck2(t, staleDatabaseVolume(), env, p)
	got := locatedResult(r)
	if !strings.Contains(got, "HS004: the volume "+volume+" (service \"db\", at /var/lib/postgresql/data, created ") || !strings.Contains(got, "docker compose down -v") {
		t.Errorf("got:\n%s", got)
	}
}
