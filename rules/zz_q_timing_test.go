package rules_test

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/envdoctor/envdoctor/internal/benchgen"
	"github.com/envdoctor/envdoctor/internal/project"
	"github.com/envdoctor/envdoctor/rules"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestQPhases(t *testing.T) {
	if os.Getenv("QTIME") == "" {
		t.Skip()
	}
	dir := t.TempDir()
	if err := benchgen.Write(dir, 500); err != nil {
		t.Fatal(err)
	}
	all := rules.All()
	for i := 0; i < 4; i++ {
		w0, c0 := time.Now(), cpuNow()
		p, err := project.Load(context.Background(), dir, project.Options{})
		if err != nil {
			t.Fatal(err)
		}
		w1, c1 := time.Now(), cpuNow()
		rules.Run(p, all)
		w2, c2 := time.Now(), cpuNow()
		fmt.Printf("load wall %v cpu %v | rules wall %v cpu %v\n", w1.Sub(w0).Round(time.Millisecond), (c1 - c0).Round(time.Millisecond), w2.Sub(w1).Round(time.Millisecond), (c2 - c1).Round(time.Millisecond))
	}
}

func TestQRuleCPU(t *testing.T) {
	if os.Getenv("QTIME") == "" {
		t.Skip()
	}
	dir := t.TempDir()
	if err := benchgen.Write(dir, 500); err != nil {
		t.Fatal(err)
	}
	tot := map[string]time.Duration{}
	for i := 0; i < 3; i++ {
		p, _ := project.Load(context.Background(), dir, project.Options{})
		for _, r := range rules.All() {
			c0 := cpuNow()
			rules.Run(p, []*rules.Rule{r})
			tot[r.ID] += cpuNow() - c0
		}
	}
	type kv struct {
		k string
		v time.Duration
	}
	var l []kv
	var sum time.Duration
	for k, v := range tot {
		l = append(l, kv{k, v / 3})
		sum += v / 3
	}
	for i := range l {
		for j := i + 1; j < len(l); j++ {
			if l[j].v > l[i].v {
				l[i], l[j] = l[j], l[i]
			}
		}
	}
	for _, x := range l[:25] {
		fmt.Println(x.k, x.v.Round(100*time.Microsecond))
	}
	fmt.Println("sum", sum)
}

func BenchmarkQLoad500(b *testing.B) {
	dir := b.TempDir()
	if err := benchgen.Write(dir, 500); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := project.Load(context.Background(), dir, project.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
