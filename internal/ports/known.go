package ports

import (
	"strings"

	"github.com/distribution/reference"
)

// Server is a kind of server that should not face the network: a
// database, a cache, a message broker or an admin UI, with the container
// ports its official image listens on.
type Server struct {
	Name string // "postgres"
	Kind string // "database", "cache", "message broker", "admin UI"...
	// Ports are the container ports the server listens on by default.
	Ports []int
	// PortOnly are the Ports that name the server even when the image is
	// unknown (a build, or an image not in this table): registered to it
	// and rarely used by anything else. 8080 or 9000 are not.
	PortOnly []int
	// Images match the end of the image's repository path: "postgres"
	// matches postgres, library/postgres and bitnami/postgres; a value with
	// a slash ("mssql/server") matches that many trailing path elements.
	Images []string
}

// servers is the table of sensitive servers. Ports are the defaults given by
// each project's documentation and its Docker Hub (or vendor registry) image
// page, and the IANA service name registry where the port is registered
// (https://www.iana.org/assignments/service-names-port-numbers). Compiled in
// 2025 from those sources; check them again when adding an entry.
var servers = []Server{
	{Name: "postgres", Kind: "database", Ports: []int{5432}, PortOnly: []int{5432},
		Images: []string{"postgres", "postgresql", "postgis", "timescaledb", "timescaledb-ha", "pgvector", "postgresql-repmgr", "supabase/postgres"}},
	{Name: "pgbouncer", Kind: "database pooler", Ports: []int{6432, 5432}, PortOnly: []int{6432},
		Images: []string{"pgbouncer"}},
	{Name: "mysql", Kind: "database", Ports: []int{3306, 33060}, PortOnly: []int{3306, 33060},
		Images: []string{"mysql", "mysql-server", "percona", "percona-server"}},
	{Name: "mariadb", Kind: "database", Ports: []int{3306}, PortOnly: []int{3306},
		Images: []string{"mariadb"}},
	{Name: "mongodb", Kind: "database", Ports: []int{27017, 27018, 27019}, PortOnly: []int{27017, 27018, 27019},
		Images: []string{"mongo", "mongodb", "mongodb-community-server", "mongodb-enterprise-server"}},
	{Name: "redis", Kind: "cache", Ports: []int{6379, 8001}, PortOnly: []int{6379},
		Images: []string{"redis", "redis-stack", "redis-stack-server", "valkey", "keydb", "dragonfly"}},
	{Name: "memcached", Kind: "cache", Ports: []int{11211}, PortOnly: []int{11211},
		Images: []string{"memcached"}},
	{Name: "elasticsearch", Kind: "search engine", Ports: []int{9200, 9300}, PortOnly: []int{9200, 9300},
		Images: []string{"elasticsearch", "opensearch"}},
	{Name: "kibana", Kind: "admin UI", Ports: []int{5601}, PortOnly: []int{5601},
		Images: []string{"kibana", "opensearch-dashboards"}},
	{Name: "rabbitmq", Kind: "message broker", Ports: []int{5672, 5671, 15672, 15671}, PortOnly: []int{5672, 15672},
		Images: []string{"rabbitmq"}},
	{Name: "kafka", Kind: "message broker", Ports: []int{9092, 9093, 9094}, PortOnly: []int{9092},
		Images: []string{"kafka", "cp-kafka", "cp-server", "redpanda"}},
	{Name: "zookeeper", Kind: "coordination service", Ports: []int{2181}, PortOnly: []int{2181},
		Images: []string{"zookeeper", "cp-zookeeper"}},
	{Name: "nats", Kind: "message broker", Ports: []int{4222, 8222}, PortOnly: []int{4222},
		Images: []string{"nats"}},
	{Name: "influxdb", Kind: "database", Ports: []int{8086}, PortOnly: []int{8086},
		Images: []string{"influxdb"}},
	{Name: "mssql", Kind: "database", Ports: []int{1433}, PortOnly: []int{1433},
		Images: []string{"mssql/server", "azure-sql-edge"}},
	{Name: "oracle", Kind: "database", Ports: []int{1521, 5500}, PortOnly: []int{1521},
		Images: []string{"oracle-xe", "oracle-free", "database/free", "database/express", "database/enterprise"}},
	{Name: "cockroachdb", Kind: "database", Ports: []int{26257, 8080}, PortOnly: []int{26257},
		Images: []string{"cockroach"}},
	{Name: "cassandra", Kind: "database", Ports: []int{9042, 7000, 7199}, PortOnly: []int{9042},
		Images: []string{"cassandra", "scylla"}},
	{Name: "couchdb", Kind: "database", Ports: []int{5984}, PortOnly: []int{5984},
		Images: []string{"couchdb"}},
	{Name: "neo4j", Kind: "database", Ports: []int{7474, 7687}, PortOnly: []int{7687},
		Images: []string{"neo4j"}},
	{Name: "clickhouse", Kind: "database", Ports: []int{8123, 9000, 9009},
		Images: []string{"clickhouse-server", "clickhouse"}},
	{Name: "etcd", Kind: "key-value store", Ports: []int{2379, 2380}, PortOnly: []int{2379},
		Images: []string{"etcd"}},
	{Name: "minio", Kind: "object store", Ports: []int{9000, 9001},
		Images: []string{"minio"}},
	{Name: "adminer", Kind: "database admin UI", Ports: []int{8080},
		Images: []string{"adminer"}},
	{Name: "pgadmin", Kind: "database admin UI", Ports: []int{80, 443},
		Images: []string{"pgadmin4"}},
	{Name: "phpmyadmin", Kind: "database admin UI", Ports: []int{80},
		Images: []string{"phpmyadmin"}},
	{Name: "mongo-express", Kind: "database admin UI", Ports: []int{8081},
		Images: []string{"mongo-express"}},
	{Name: "redisinsight", Kind: "database admin UI", Ports: []int{5540, 8001},
		Images: []string{"redisinsight"}},
	{Name: "portainer", Kind: "Docker admin UI", Ports: []int{9000, 9443, 8000},
		Images: []string{"portainer", "portainer-ce", "portainer-ee"}},
}

// ServerByImage finds the server an image runs, from its repository path
// (tag and registry ignored); ok is false for an image not in the table.
func ServerByImage(image string) (Server, bool) {
	path := imagePath(image)
	if path == "" {
		return Server{}, false
	}
	for _, s := range servers {
		for _, img := range s.Images {
			if path == img || strings.HasSuffix(path, "/"+img) {
				return s, true
			}
		}
	}
	return Server{}, false
}

// ServerByPort finds the server a container port names on its own (see
// Server.PortOnly).
func ServerByPort(port int) (Server, bool) {
	for _, s := range servers {
		for _, p := range s.PortOnly {
			if p == port {
				return s, true
			}
		}
	}
	return Server{}, false
}

// Listens reports whether the server listens on container port p.
func (s Server) Listens(p int) bool {
	for _, q := range s.Ports {
		if q == p {
			return true
		}
	}
	return false
}

// imagePath is the repository path of an image reference, lower case,
// without registry, tag or digest ("bitnami/postgresql").
func imagePath(image string) string {
	named, err := reference.ParseNormalizedNamed(strings.TrimSpace(image))
	if err != nil {
		return ""
	}
	return strings.ToLower(reference.Path(named))
}
