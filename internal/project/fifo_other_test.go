//go:build !unix

package project

import "errors"

// makeFIFO: no named pipes in the file system here.
func makeFIFO(string) error { return errors.New("no named pipes on this system") }
