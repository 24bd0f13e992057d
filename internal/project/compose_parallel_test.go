package project

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
)

func servicesModel(n int) map[string]any {
	services := map[string]any{}
	for i := range n {
		services[fmt.Sprintf("s%03d", i)] = map[string]any{"image": "x"}
	}
	return map[string]any{"services": services, "volumes": map[string]any{"v": nil}}
}

func TestServiceSplitChunks(t *testing.T) {
	s := serviceSplit{min: 4, size: 3}
	if _, _, ok := s.split(servicesModel(3)); ok {
		t.Fatal("3 services split with min 4")
	}
	rest, chunks, ok := s.split(servicesModel(8))
	if !ok || len(chunks) != 3 {
		t.Fatalf("8 services: ok %v, %d chunks, want 3", ok, len(chunks))
	}
	if _, has := rest["services"]; has || rest["volumes"] == nil {
		t.Fatalf("rest %v: want the volumes and no services", rest)
	}
	var names []string
	for _, c := range chunks {
		if len(c) != 1 {
			t.Fatalf("chunk %v has other keys than services", c)
		}
		names = append(names, slices.Sorted(maps.Keys(c["services"].(map[string]any)))...)
	}
	if !slices.IsSorted(names) || len(names) != 8 {
		t.Fatalf("chunks hold %v", names)
	}
	// A service that is not a mapping: the model goes whole.
	m := servicesModel(8)
	m["services"].(map[string]any)["s000"] = "bad"
	if _, _, ok := s.split(m); ok {
		t.Fatal("a model with a non-mapping service was split")
	}
}

func TestServiceSplitApply(t *testing.T) {
	s := serviceSplit{min: 2, size: 2}
	var mu sync.Mutex
	var seen []string
	out, err := s.apply(servicesModel(7), func(m map[string]any) (map[string]any, error) {
		services, _ := m["services"].(map[string]any)
		for name, svc := range services {
			svc.(map[string]any)["seen"] = true
			mu.Lock()
			seen = append(seen, name)
			mu.Unlock()
		}
		return m, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	services := out["services"].(map[string]any)
	if len(services) != 7 || len(seen) != 7 || out["volumes"] == nil {
		t.Fatalf("merged %d services, step saw %d, volumes %v", len(services), len(seen), out["volumes"])
	}
	for name, svc := range services {
		if svc.(map[string]any)["seen"] != true {
			t.Errorf("%s: the step's change is lost", name)
		}
	}

	// The error reported is the first chunk's, by name.
	_, err = s.apply(servicesModel(7), func(m map[string]any) (map[string]any, error) {
		services, _ := m["services"].(map[string]any)
		if len(services) == 0 {
			return m, nil
		}
		return nil, errors.New(slices.Min(slices.Collect(maps.Keys(services))))
	})
	if err == nil || err.Error() != "s000" {
		t.Fatalf("error %v, want the first chunk's (s000)", err)
	}

	// A step whose output for a chunk is shaped otherwise.
	_, err = s.apply(servicesModel(7), func(m map[string]any) (map[string]any, error) {
		m["extra"] = 1
		return m, nil
	})
	if !errors.Is(err, errChunkShape) {
		t.Fatalf("error %v, want errChunkShape", err)
	}
}

func TestServiceSplitApplyPanics(t *testing.T) {
	s := serviceSplit{min: 2, size: 1}
	defer func() {
		if v := recover(); v != "boom" {
			t.Fatalf("recovered %v, want the step's panic on the calling goroutine", v)
		}
	}()
	_, _ = s.apply(servicesModel(6), func(m map[string]any) (map[string]any, error) {
		if services, _ := m["services"].(map[string]any); services["s004"] != nil {
			panic("boom")
		}
		return m, nil
	})
	t.Fatal("no panic")
}
