package project

import "testing"

func TestPortCount(t *testing.T) {
	for _, tt := range []struct {
		item any
		want int
	}{
		{"80", 1}, {"8080:80", 1}, {"127.0.0.1:8000-8010:80", 11}, {"1-65535:1-65535/udp", 65535},
		{"[::1]:5000-5001:5000-5001", 2}, {"10000-20000/udp", 10001}, {"9-1:80", 1}, {"x-y:80", 1},
		{map[string]any{"target": 80, "published": "3000-3009"}, 10}, {map[string]any{"target": 80}, 1}, {42, 1},
	} {
		if got := portCount(tt.item); got != tt.want {
			t.Errorf("portCount(%v) = %d, want %d", tt.item, got, tt.want)
		}
	}
}
