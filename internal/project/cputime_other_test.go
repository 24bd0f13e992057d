//go:build !unix

package project

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
