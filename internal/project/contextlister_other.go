//go:build !linux

package project

// newOSLister reads the context with package os (contextlister_linux.go
// has the Linux one).
func newOSLister(root string) dirLister { return newPortableLister(root) }
