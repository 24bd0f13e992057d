package ports

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envdoctor/envdoctor/internal/project"
)

// load writes files into a temporary project directory and loads it.
func load(t *testing.T, files map[string]string, environ ...string) *project.Project {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := project.Load(context.Background(), dir, project.Options{Environ: environ})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func format(bs []Binding, errs []*Error) string {
	var lines []string
	for _, b := range bs {
		r := b.Range
		flags := ""
		if b.Long {
			flags += " long"
		}
		if b.Mode != "ingress" {
			flags += " mode=" + b.Mode
		}
		if b.Inherited {
			flags += " inherited"
		}
		if b.Disabled {
			flags += " disabled"
		}
		lines = append(lines, fmt.Sprintf("%s %s:%d:%d-%d:%d %s|%s|%s|%s%s", b.Service, r.File, r.Start.Line, r.Start.Col, r.End.Line, r.End.Col,
			b.HostIP, b.HostPort, b.ContainerPort, b.Protocol, flags))
	}
	for _, e := range errs {
		r := e.Range
		lines = append(lines, fmt.Sprintf("error %s:%d:%d-%d:%d %v", r.File, r.Start.Line, r.Start.Col, r.End.Line, r.End.Col, e))
	}
	return strings.Join(lines, "\n")
}

func TestCollect(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		environ []string
		want    string
	}{
		{
			name: "short syntax",
			files: map[string]string{"compose.yaml": `services:
  db:
    image: postgres:16
    ports:
      - 5432:5432
      - "127.0.0.1:8080:80"
      - '8000-8010:8000-8010'
      - "[::1]:9000:9000"
      - 53:53/udp
      - "3000"
      - 3001-3002
      - 8081
      - 0x1F
      - "9000-9005:80"
`},
			want: `db compose.yaml:5:9-5:18 |5432|5432|tcp
db compose.yaml:6:9-6:28 127.0.0.1|8080|80|tcp
db compose.yaml:7:9-7:30 |8000-8010|8000-8010|tcp
db compose.yaml:8:9-8:26 ::1|9000|9000|tcp
db compose.yaml:9:9-9:18 |53|53|udp
db compose.yaml:10:9-10:15 ||3000|tcp
db compose.yaml:11:9-11:18 ||3001-3002|tcp
db compose.yaml:12:9-12:13 ||8081|tcp
db compose.yaml:13:9-13:13 ||31|tcp
db compose.yaml:14:9-14:23 |9000-9005|80|tcp`,
		},
		{
			name: "long syntax",
			files: map[string]string{"compose.yaml": `services:
  db:
    image: postgres:16
    ports:
      - target: 5432
        published: 5432
      - target: 80
        published: "8000-8010"
        host_ip: 127.0.0.1
        protocol: UDP
        mode: host
      - target: 6379
      - {target: 9200, published: "9200", host_ip: "::"}
`},
			want: `db compose.yaml:6:20-6:24 |5432|5432|tcp long
db compose.yaml:8:20-8:31 127.0.0.1|8000-8010|80|udp long mode=host
db compose.yaml:12:17-12:21 ||6379|tcp long
db compose.yaml:13:35-13:41 ::|9200|9200|tcp long`,
		},
		{
			name: "interpolated",
			files: map[string]string{
				"compose.yaml": `services:
  db:
    image: postgres:16
    ports:
      - "${DB_PORT}:5432"
      - "${BIND:-127.0.0.1}:${WEB:-8080}:80"
      - target: 6379
        published: ${REDIS_PORT}
      - "${UNSET_PORT}:7000"
`,
				".env": "DB_PORT=5433\nREDIS_PORT=16379\n",
			},
			environ: []string{"WEB=9090"},
			want: `db compose.yaml:5:9-5:26 |5433|5432|tcp
db compose.yaml:6:9-6:45 127.0.0.1|9090|80|tcp
db compose.yaml:8:20-8:33 |16379|6379|tcp long
db compose.yaml:9:9-9:29 ||7000|tcp`,
		},
		{
			name: "override files, reset and duplicates",
			files: map[string]string{
				"compose.yaml": `services:
  db:
    image: postgres:16
    ports:
      - "5432:5432"
      - "6543:6543"
  cache:
    image: redis:7
    ports:
      - "6379:6379"
  web:
    image: nginx:1
    ports:
      - "80:80"
`,
				"compose.override.yaml": `services:
  db:
    ports:
      - "5432:5432"
      - "127.0.0.1:5432:5432"
  cache:
    ports: !reset []
  web:
    ports: !override
      - "8080:80"
`,
			},
			want: `db compose.yaml:6:9-6:20 |6543|6543|tcp
db compose.override.yaml:4:9-4:20 |5432|5432|tcp
db compose.override.yaml:5:9-5:30 127.0.0.1|5432|5432|tcp
web compose.override.yaml:10:9-10:18 |8080|80|tcp`,
		},
		{
			name: "profiles",
			files: map[string]string{"compose.yaml": `services:
  db:
    image: postgres:16
    ports: ["5432:5432"]
  debug:
    image: adminer:4
    profiles: [debug]
    ports: ["8080:8080"]
`},
			want: `db compose.yaml:4:13-4:24 |5432|5432|tcp
debug compose.yaml:8:13-8:24 |8080|8080|tcp disabled`,
		},
		{
			name: "anchors and merges",
			files: map[string]string{"compose.yaml": `x-ports: &ports
  - "5432:5432"
x-base: &base
  image: redis:7
  ports:
    - &one "6379:6379"
services:
  a:
    image: postgres:16
    ports: *ports
  b:
    <<: *base
  c:
    image: redis:7
    ports:
      - *one
`},
			want: `a compose.yaml:2:5-2:16 |5432|5432|tcp
b compose.yaml:6:12-6:23 |6379|6379|tcp
c compose.yaml:6:12-6:23 |6379|6379|tcp`,
		},
		{
			name: "extends from a file not indexed",
			files: map[string]string{
				"compose.yaml": `services:
  db:
    extends:
      file: base.yaml
      service: pg
    ports:
      - "6000:6000"
`,
				"base.yaml": `services:
  pg:
    image: postgres:16
    ports:
      - "5432:5432"
`,
			},
			want: `db compose.yaml:4:7-4:22 |5432|5432|tcp inherited
db compose.yaml:7:9-7:20 |6000|6000|tcp`,
		},
		{
			name: "garbage",
			files: map[string]string{"compose.yaml": `services:
  db:
    image: postgres:16
    ports:
      - "99999999999:5432"
      - -1
      - "abc"
      - "::1:80:80"
      - target: 99999999999
      - [1, 2]
      - "5432:5432"
`},
			want: `db compose.yaml:11:9-11:20 |5432|5432|tcp
error compose.yaml:5:9-5:27 service "db": port "99999999999:5432": host port 99999999999 is out of range (0-65535)
error compose.yaml:6:9-6:11 service "db": port "-1": container port "-1" is negative or not a number
error compose.yaml:7:9-7:14 service "db": port "abc": container port "abc" is not a number
error compose.yaml:8:9-8:20 service "db": port "::1:80:80": host IP "::1": write an IPv6 address in brackets, for example [::1]
error compose.yaml:9:17-9:28 service "db": port "99999999999": target port 99999999999 is out of range (0-65535)
error compose.yaml:10:9-10:15 service "db": port entry: want a string, a number or a mapping with target`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := load(t, tt.files, tt.environ...)
			got := format(Collect(p.Compose))
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s\n(load errors: %v)", got, tt.want, p.Compose.LoadErrors)
			}
		})
	}
}

// TestCollectMatchesModel: on projects compose-go loads, every port of the
// model is given by exactly one binding (none Inherited), so positions are
// never guessed.
func TestCollectMatchesModel(t *testing.T) {
	p := load(t, map[string]string{"compose.yaml": `services:
  app:
    image: app:1
    ports:
      - "8000-8003:8000-8003"
      - "127.0.0.1::5432"
      - target: 80
        published: 8080
      - 53:53/udp
`})
	if p.Compose.Model == nil {
		t.Fatalf("model not loaded: %v", p.Compose.LoadErrors)
	}
	bs, errs := Collect(p.Compose)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	total := 0
	for _, b := range bs {
		if b.Inherited {
			t.Errorf("inherited: %+v", b)
		}
		if b.Long {
			total++
		} else {
			total += len(b.Expand())
		}
	}
	if n := len(p.Compose.Model.Services["app"].Ports); total != n {
		t.Errorf("bindings give %d ports, the model has %d", total, n)
	}
}

func TestCollectNil(t *testing.T) {
	if bs, errs := Collect(nil); bs != nil || errs != nil {
		t.Error("nil compose")
	}
}
