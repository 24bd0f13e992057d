//go:build !unix

package safefs

import "os"

// openNonBlocking opens path for reading; named pipes are refused by
// Check before this point on systems without O_NONBLOCK.
func openNonBlocking(path string) (*os.File, error) {
	return os.Open(path)
}
