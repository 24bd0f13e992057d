//go:build race

package project

import "time"

// hangLimit is how long loadBounded waits before it calls a load hung.
// The race detector slows every memory access 5 to 20 times, and CI runs
// it over several packages at once on two cores: five minutes here. The
// time goals themselves are shown without it (the hostile suite, the
// benchmarks).
const hangLimit = 5 * time.Minute
