package rules

import (
	"github.com/envdoctor/envdoctor/internal/project"
)

// A warmup computes, item by item, a fact that several rules derive for
// every build context or Dockerfile of the project. On a parallel run the
// warmups' items go first, handed to the workers one at a time: without
// them, two rules walking the Dockerfiles in the same order (DF103 and
// DF104 both ask BuildKit's dispatch of each) would each wait for the
// other's computation of the next one, in lockstep. Facts are the same
// whoever computes them: the findings do not change.
type warmup struct {
	// rules are the IDs of the rules that ask for the fact of every item:
	// the warmup runs when one of them does.
	rules []string
	items func(p *project.Project) int
	warm  func(p *project.Project, i int)
}

// warmups are the facts worth computing ahead.
var warmups = []warmup{
	{
		// The listing with sizes and the local copies of each context,
		// for the rules that read the sizes (ctx.Files).
		rules: []string{"BC001", "BC003", "BC004", "BC005", "BC007", "DF001", "DF014", "DF015"},
		items: func(p *project.Project) int { return len(p.Contexts) },
		warm: func(p *project.Project, i int) {
			ctx := p.Contexts[i]
			ctx.Files()
			contextCopies(ctx.Dockerfile)
		},
	},
	{
		// The listing alone, for the rules that need no sizes
		// (contextListing). With a sized rule it is the sized warmup's
		// walk, handed out after it: asked later, it waits for that walk.
		rules: []string{"BC002", "BC006", "SE001"},
		items: func(p *project.Project) int { return len(p.Contexts) },
		warm: func(p *project.Project, i int) {
			ctx := p.Contexts[i]
			ctx.Listing()
			contextCopies(ctx.Dockerfile)
		},
	},
	{
		// The secrets in the files each context sends (BC002 reads
		// them all; a context's files are scanned on a few goroutines, a
		// rule would wait for each context's in turn).
		rules: []string{"BC002"},
		items: func(p *project.Project) int { return len(p.Contexts) },
		warm:  func(p *project.Project, i int) { contextSecrets(p, p.Contexts[i]) },
	},
	{
		// BuildKit's dispatch-time checks of each Dockerfile.
		rules: []string{"DF103", "DF104", "DF105", "DF106", "DF108", "DF109", "DF110", "DF111",
			"DF112", "DF113", "DF114", "DF115", "DF116", "DF117"},
		items: func(p *project.Project) int { return len(p.Dockerfiles) },
		warm:  func(p *project.Project, i int) { bkDispatchAll(p.Dockerfiles[i]) },
	},
	{
		// The config of the stage each service's image is built from
		// (serviceRuns).
		rules: []string{"CP008", "CP009", "DF012"},
		items: func(p *project.Project) int { return len(p.Contexts) },
		warm: func(p *project.Project, i int) {
			bc := p.Contexts[i]
			c := p.Compose
			if c == nil || c.Model == nil {
				return
			}
			svc, ok := c.Model.Services[bc.Service]
			if df := bc.Dockerfile; ok && svc.Build != nil && df != nil && df.ParseError == nil {
				if si, ok := builtStage(df, svc.Build.Target); ok {
					stageConfig(p, df, si)
				}
			}
		},
	},
}

// warmTask is one item of a warmup.
type warmTask struct {
	w *warmup
	i int
}

// warmTasks lists the items of the warmups the rules need.
func warmTasks(p *project.Project, rules []*Rule) []warmTask {
	ids := make(map[string]bool, len(rules))
	for _, r := range rules {
		if r.Run != nil {
			ids[r.ID] = true
		}
	}
	var out []warmTask
	for wi := range warmups {
		w := &warmups[wi]
		needed := false
		for _, id := range w.rules {
			needed = needed || ids[id]
		}
		if !needed {
			continue
		}
		for i := range w.items(p) {
			out = append(out, warmTask{w, i})
		}
	}
	return out
}

// run computes the task's fact. A panic is left to the rules: the first
// to ask for the fact reports it.
func (t warmTask) run(p *project.Project) {
	defer func() { _ = recover() }()
	t.w.warm(p, t.i)
}
