package rules

import (
	"reflect"
	"strconv"
	"testing"
)

func TestHostRefs(t *testing.T) {
	tests := []struct {
		value   string
		hostKey bool
		want    []string // host@start
	}{
		{"postgres://u:p@db:5432/x", false, []string{"db@15"}},
		{"postgresql://db/app?sslmode=disable", false, []string{"db@13"}},
		{"amqp://rabbit", false, []string{"rabbit@7"}},
		{"redis://:secret@cache:6379/0", false, []string{"cache@16"}},
		{"mongodb://root:pw@mongo1:27017,mongo2:27017/app?replicaSet=rs0", false, []string{"mongo1@18", "mongo2@31"}},
		{"jdbc:postgresql://db:5432/app", false, []string{"db@18"}},
		{"kafka:9092", false, []string{"kafka@0"}},
		{"kafka1:9092,kafka2:9092", false, []string{"kafka1@0", "kafka2@12"}},
		{"app:secret@tcp(mysql:3306)/app", false, []string{"mysql@15"}},
		{"host=db port=5432 user=app", false, []string{"db@5"}},
		{"Server=sql,1433;Database=app;", false, []string{"sql@7"}},
		{"cache", true, []string{"cache@0"}},
		{"es1, es2", true, []string{"es1@0", "es2@5"}},
		{"cache", false, nil},
		{"https://mydb.example.com:5432/x", false, []string{"mydb.example.com@8"}},
		{"http://[::1]:8080", false, nil},
		{"user:1234@host", false, nil},
		{"12:30:00", false, nil},
		{"5432", true, nil},
		{"10.0.0.5", true, nil},
		{"", true, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range hostRefs(tt.value, tt.hostKey) {
			if tt.value[r.Start:r.End] != r.Host {
				t.Errorf("%q: span %d-%d is %q, not %q", tt.value, r.Start, r.End, tt.value[r.Start:r.End], r.Host)
			}
			got = append(got, r.Host+"@"+strconv.Itoa(r.Start))
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("hostRefs(%q, %v) = %v, want %v", tt.value, tt.hostKey, got, tt.want)
		}
	}
}

func TestIsHostKey(t *testing.T) {
	for key, want := range map[string]bool{
		"REDIS_HOST": true, "DATABASE_HOST": true, "host": true, "DB_HOSTNAME": true, "KAFKA_BROKERS": true,
		"ELASTICSEARCH_HOSTS": true, "SMTP_SERVER": true, "GHOST": false, "HOST_PORT": false, "MODE": false,
	} {
		if got := isHostKey(key); got != want {
			t.Errorf("isHostKey(%q) = %v, want %v", key, got, want)
		}
	}
}
