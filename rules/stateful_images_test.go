package rules

import (
	"strings"
	"testing"
)

func TestStatefulImages(t *testing.T) {
	tests := []struct {
		image string
		env   []string
		kind  string // "" when not stateful
		test  string // a word of the chosen test
	}{
		{"postgres:10", []string{"POSTGRES_USER", "POSTGRES_DB"}, "postgres", "-d $${POSTGRES_DB}"},
		{"postgres:16.4", []string{"POSTGRES_USER"}, "postgres", "pg_isready -U $${POSTGRES_USER}"},
		{"postgres", nil, "postgres", "pg_isready -U postgres"},
		{"docker.io/library/postgres:16", nil, "postgres", "pg_isready"},
		{"registry.example.com/mirror/postgres:16", nil, "postgres", "pg_isready"},
		{"bitnami/postgresql:16", nil, "postgres", "pg_isready"},
		{"mysql:8.4", nil, "mysql", "mysqladmin"},
		{"mariadb:10.11", nil, "mariadb", "mysqladmin"},
		{"mariadb:11.4", nil, "mariadb", "healthcheck.sh"},
		{"mariadb", nil, "mariadb", "healthcheck.sh"},
		{"mongo:4.4", nil, "mongo", "CMD mongo --quiet"},
		{"mongo:7", nil, "mongo", "CMD mongosh --quiet"},
		{"redis:7.4-alpine", nil, "redis", "redis-cli"},
		{"rabbitmq:3.13-management", nil, "rabbitmq", "rabbitmq-diagnostics"},
		{"docker.elastic.co/elasticsearch/elasticsearch:8.15.0", nil, "elasticsearch", "_cluster/health"},
		{"apache/kafka:3.8.0", nil, "kafka", "/opt/kafka/bin/kafka-broker-api-versions.sh"},
		{"confluentinc/cp-kafka:7.7.1", nil, "kafka", "kafka-broker-api-versions --bootstrap"},
		{"mcr.microsoft.com/mssql/server:2022-latest", []string{"MSSQL_SA_PASSWORD"}, "sqlserver", "MSSQL_SA_PASSWORD"},
		{"nginx:1.27", nil, "", ""},
		{"myorg/postgres-exporter:1", nil, "", ""},
		{"not a reference", nil, "", ""},
	}
	for _, tt := range tests {
		img, tag, ok := lookupStateful(tt.image)
		if !ok {
			if tt.kind != "" {
				t.Errorf("%s: not recognised", tt.image)
			}
			continue
		}
		if img.Kind != tt.kind {
			t.Errorf("%s: kind %q, want %q", tt.image, img.Kind, tt.kind)
			continue
		}
		env := map[string]bool{}
		for _, e := range tt.env {
			env[e] = true
		}
		got := strings.Join(img.recipe(tag, env).Test, " ")
		if !strings.Contains(got, tt.test) {
			t.Errorf("%s: test %q does not contain %q", tt.image, got, tt.test)
		}
	}
	for _, s := range statefulImages {
		if len(s.Checks) == 0 || s.Kind == "" || len(s.Repos) == 0 {
			t.Errorf("incomplete table entry %+v", s)
		}
	}
}
