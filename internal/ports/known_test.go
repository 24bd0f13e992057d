package ports

import "testing"

func TestServerByImage(t *testing.T) {
	tests := map[string]string{
		"postgres":           "postgres",
		"postgres:16-alpine": "postgres",
		"docker.io/library/postgres:16@sha256:" + "0123456789012345678901234567890123456789012345678901234567890123": "postgres",
		"bitnami/postgresql:16":                              "postgres",
		"postgis/postgis:16-3.4":                             "postgres",
		"mcr.microsoft.com/mssql/server:2022-latest":         "mssql",
		"container-registry.oracle.com/database/free:latest": "oracle",
		"gvenzl/oracle-xe":                                   "oracle",
		"redis:7":                                            "redis",
		"valkey/valkey:8":                                    "redis",
		"dpage/pgadmin4":                                     "pgadmin",
		"portainer/portainer-ce:2.21":                        "portainer",
		"adminer":                                            "adminer",
		"nginx:1.27":                                         "",
		"myorg/postgres-backup":                              "",
		"mssql":                                              "",
		"":                                                   "",
		"::garbage::":                                        "",
	}
	for image, want := range tests {
		s, ok := ServerByImage(image)
		if got := s.Name; got != want || ok != (want != "") {
			t.Errorf("ServerByImage(%q) = %q, %v; want %q", image, got, ok, want)
		}
	}
}

func TestServerByPort(t *testing.T) {
	for port, want := range map[int]string{5432: "postgres", 3306: "mysql", 6379: "redis", 8080: "", 9000: "", 80: "", 27017: "mongodb"} {
		s, ok := ServerByPort(port)
		if s.Name != want || ok != (want != "") {
			t.Errorf("ServerByPort(%d) = %q, want %q", port, s.Name, want)
		}
	}
	for _, s := range servers {
		for _, p := range s.PortOnly {
			if !s.Listens(p) {
				t.Errorf("%s: PortOnly %d not in Ports", s.Name, p)
			}
		}
	}
}
