//go:build !race

package project

import "time"

// hangLimit is how long loadBounded waits before it calls a load hung
// (see race_on_test.go).
const hangLimit = time.Minute
