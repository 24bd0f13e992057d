package rules

import (
	"strconv"
	"strings"

	"github.com/distribution/reference"
)

// statefulImage is a server image that accepts connections some time after
// its container starts (it initialises data, replays logs, elects a
// leader), with the healthcheck that tells when it is ready.
type statefulImage struct {
	// Kind names the server in messages ("postgres").
	Kind string
	// Repos are image repositories as Docker shortens them (the official
	// "postgres", "bitnami/postgresql", "docker.elastic.co/...").
	Repos []string
	// Names match the last path element of any other repository (a
	// mirror such as registry.example.com/library/postgres).
	Names []string
	// Checks are tried in order; the first whose conditions hold is used.
	Checks []healthRecipe
	// StartPeriod is the start_period to give, "" for none.
	StartPeriod string
}

// healthRecipe is one healthcheck test, as written in a compose file
// ($$ is compose's escape for a literal $, expanded by the container's
// shell), with the conditions it needs.
type healthRecipe struct {
	Test []string
	// NeedsEnv are variables the service's environment must declare for
	// the test to work.
	NeedsEnv []string
	// BeforeMajor, when non-zero, limits the recipe to image tags whose
	// major version is below it (mongo < 5 has no mongosh).
	BeforeMajor int
}

// Healthcheck defaults given with every recipe: frequent enough for a fast
// start, patient enough for a first initialisation.
const (
	healthInterval = "5s"
	healthTimeout  = "5s"
	healthRetries  = "10"
)

// statefulImages is the table CP004 reads. Sources (checked 2025-06): the
// images' documentation on Docker Hub (postgres "pg_isready", mariadb
// "healthcheck.sh", mongo, redis, rabbitmq "rabbitmq-diagnostics ping"),
// Elastic's and OpenSearch's docker-compose examples, Apache Kafka's,
// Confluent's and Bitnami's images (kafka-broker-api-versions), the
// zookeeper image's zkServer.sh, Cassandra's cqlsh, Microsoft's mssql
// images (sqlcmd in /opt/mssql-tools18 since 2022 CU14), CouchDB's /_up,
// MinIO's "mc ready", ClickHouse's /ping.
var statefulImages = []statefulImage{
	{
		Kind:  "postgres",
		Repos: []string{"postgres", "postgis/postgis", "timescale/timescaledb", "timescale/timescaledb-ha", "bitnami/postgresql", "pgvector/pgvector", "supabase/postgres"},
		Names: []string{"postgres", "postgresql", "postgis", "timescaledb"},
		Checks: []healthRecipe{
			{Test: []string{"CMD-SHELL", "pg_isready -U $${POSTGRES_USER} -d $${POSTGRES_DB}"}, NeedsEnv: []string{"POSTGRES_USER", "POSTGRES_DB"}},
			{Test: []string{"CMD-SHELL", "pg_isready -U $${POSTGRES_USER}"}, NeedsEnv: []string{"POSTGRES_USER"}},
			{Test: []string{"CMD-SHELL", "pg_isready -U postgres"}},
		},
	},
	{
		Kind:   "mysql",
		Repos:  []string{"mysql", "mysql/mysql-server", "percona", "percona/percona-server", "bitnami/mysql"},
		Names:  []string{"mysql", "mysql-server", "percona-server"},
		Checks: []healthRecipe{{Test: []string{"CMD", "mysqladmin", "ping", "-h", "127.0.0.1", "--silent"}}},
		// The first start initialises the data directory.
		StartPeriod: "30s",
	},
	{
		Kind:  "mariadb",
		Repos: []string{"mariadb", "bitnami/mariadb"},
		Names: []string{"mariadb"},
		Checks: []healthRecipe{
			{Test: []string{"CMD", "mysqladmin", "ping", "-h", "127.0.0.1", "--silent"}, BeforeMajor: 11},
			{Test: []string{"CMD", "healthcheck.sh", "--connect", "--innodb_initialized"}},
		},
		StartPeriod: "30s",
	},
	{
		Kind:  "mongo",
		Repos: []string{"mongo", "mongodb/mongodb-community-server", "bitnami/mongodb"},
		Names: []string{"mongo", "mongodb", "mongodb-community-server"},
		Checks: []healthRecipe{
			{Test: []string{"CMD", "mongo", "--quiet", "--eval", "db.adminCommand('ping')"}, BeforeMajor: 5},
			{Test: []string{"CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping')"}},
		},
	},
	{
		Kind:   "redis",
		Repos:  []string{"redis", "redis/redis-stack", "redis/redis-stack-server", "bitnami/redis"},
		Names:  []string{"redis", "redis-stack", "redis-stack-server"},
		Checks: []healthRecipe{{Test: []string{"CMD", "redis-cli", "ping"}}},
	},
	{
		Kind:   "valkey",
		Repos:  []string{"valkey/valkey", "bitnami/valkey"},
		Names:  []string{"valkey"},
		Checks: []healthRecipe{{Test: []string{"CMD", "valkey-cli", "ping"}}},
	},
	{
		Kind:        "rabbitmq",
		Repos:       []string{"rabbitmq", "bitnami/rabbitmq"},
		Names:       []string{"rabbitmq"},
		Checks:      []healthRecipe{{Test: []string{"CMD", "rabbitmq-diagnostics", "-q", "ping"}}},
		StartPeriod: "20s",
	},
	{
		Kind:        "elasticsearch",
		Repos:       []string{"elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch", "bitnami/elasticsearch"},
		Names:       []string{"elasticsearch"},
		Checks:      []healthRecipe{{Test: []string{"CMD-SHELL", "curl -fs http://localhost:9200/_cluster/health || exit 1"}}},
		StartPeriod: "60s",
	},
	{
		Kind:        "opensearch",
		Repos:       []string{"opensearchproject/opensearch", "bitnami/opensearch"},
		Names:       []string{"opensearch"},
		Checks:      []healthRecipe{{Test: []string{"CMD-SHELL", "curl -fsk https://localhost:9200/_cluster/health -u admin:$${OPENSEARCH_INITIAL_ADMIN_PASSWORD} || curl -fs http://localhost:9200/_cluster/health || exit 1"}}},
		StartPeriod: "60s",
	},
	{
		Kind:        "kafka",
		Repos:       []string{"apache/kafka", "apache/kafka-native"},
		Checks:      []healthRecipe{{Test: []string{"CMD-SHELL", "/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 > /dev/null"}}},
		StartPeriod: "30s",
	},
	{
		Kind:        "kafka",
		Repos:       []string{"confluentinc/cp-kafka", "confluentinc/cp-server"},
		Names:       []string{"cp-kafka", "cp-server"},
		Checks:      []healthRecipe{{Test: []string{"CMD-SHELL", "kafka-broker-api-versions --bootstrap-server localhost:9092 > /dev/null"}}},
		StartPeriod: "30s",
	},
	{
		Kind:        "kafka",
		Repos:       []string{"bitnami/kafka"},
		Names:       []string{"kafka"},
		Checks:      []healthRecipe{{Test: []string{"CMD-SHELL", "kafka-broker-api-versions.sh --bootstrap-server localhost:9092 > /dev/null"}}},
		StartPeriod: "30s",
	},
	{
		Kind:   "zookeeper",
		Repos:  []string{"zookeeper", "bitnami/zookeeper"},
		Names:  []string{"zookeeper"},
		Checks: []healthRecipe{{Test: []string{"CMD", "zkServer.sh", "status"}}},
	},
	{
		Kind:        "zookeeper",
		Repos:       []string{"confluentinc/cp-zookeeper"},
		Names:       []string{"cp-zookeeper"},
		Checks:      []healthRecipe{{Test: []string{"CMD-SHELL", "echo srvr | nc localhost 2181 | grep -q Mode"}}},
		StartPeriod: "10s",
	},
	{
		Kind:        "cassandra",
		Repos:       []string{"cassandra", "bitnami/cassandra"},
		Names:       []string{"cassandra"},
		Checks:      []healthRecipe{{Test: []string{"CMD-SHELL", "cqlsh -e 'DESCRIBE KEYSPACES' > /dev/null"}}},
		StartPeriod: "90s",
	},
	{
		Kind:  "sqlserver",
		Repos: []string{"mcr.microsoft.com/mssql/server", "mcr.microsoft.com/azure-sql-edge"},
		Checks: []healthRecipe{
			{Test: []string{"CMD-SHELL", "/opt/mssql-tools18/bin/sqlcmd -C -S localhost -U sa -P \"$${MSSQL_SA_PASSWORD}\" -Q 'SELECT 1' -b -o /dev/null"}, NeedsEnv: []string{"MSSQL_SA_PASSWORD"}},
			{Test: []string{"CMD-SHELL", "/opt/mssql-tools18/bin/sqlcmd -C -S localhost -U sa -P \"$${SA_PASSWORD}\" -Q 'SELECT 1' -b -o /dev/null"}},
		},
		StartPeriod: "30s",
	},
	{
		Kind:   "couchdb",
		Repos:  []string{"couchdb", "bitnami/couchdb"},
		Names:  []string{"couchdb"},
		Checks: []healthRecipe{{Test: []string{"CMD-SHELL", "curl -fs http://localhost:5984/_up || exit 1"}}},
	},
	{
		Kind:   "minio",
		Repos:  []string{"minio/minio", "quay.io/minio/minio", "bitnami/minio"},
		Names:  []string{"minio"},
		Checks: []healthRecipe{{Test: []string{"CMD", "mc", "ready", "local"}}},
	},
	{
		Kind:   "clickhouse",
		Repos:  []string{"clickhouse/clickhouse-server", "clickhouse", "yandex/clickhouse-server", "bitnami/clickhouse"},
		Names:  []string{"clickhouse-server", "clickhouse"},
		Checks: []healthRecipe{{Test: []string{"CMD-SHELL", "wget -q --spider http://localhost:8123/ping || exit 1"}}},
	},
}

// lookupStateful finds the table entry of an image reference, and its tag.
func lookupStateful(image string) (*statefulImage, string, bool) {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return nil, "", false
	}
	tag := ""
	if t, ok := named.(reference.Tagged); ok {
		tag = t.Tag()
	}
	familiar := reference.FamiliarName(named)
	for i := range statefulImages {
		for _, r := range statefulImages[i].Repos {
			if familiar == r {
				return &statefulImages[i], tag, true
			}
		}
	}
	last := familiar[strings.LastIndex(familiar, "/")+1:]
	for i := range statefulImages {
		for _, n := range statefulImages[i].Names {
			if last == n {
				return &statefulImages[i], tag, true
			}
		}
	}
	return nil, "", false
}

// recipe picks the healthcheck for an image tag and the service's
// environment (variables set to a value).
func (s *statefulImage) recipe(tag string, env map[string]bool) healthRecipe {
	major, hasMajor := tagMajor(tag)
	for _, r := range s.Checks {
		if r.BeforeMajor != 0 && (!hasMajor || major >= r.BeforeMajor) {
			continue
		}
		ok := true
		for _, v := range r.NeedsEnv {
			if !env[v] {
				ok = false
			}
		}
		if ok {
			return r
		}
	}
	return s.Checks[len(s.Checks)-1]
}

// tagMajor reads the leading number of a tag ("10", "4.4-focal", "16.4").
func tagMajor(tag string) (int, bool) {
	end := 0
	for end < len(tag) && tag[end] >= '0' && tag[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(tag[:end])
	return n, err == nil
}

// flowTest writes a test as a YAML flow sequence of double-quoted strings.
func flowTest(test []string) string {
	parts := make([]string, len(test))
	for i, t := range test {
		parts[i] = yamlDoubleQuote(t)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func yamlDoubleQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
