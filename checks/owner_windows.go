//go:build windows

package checks

import "errors"

// fileOwner is not available on Windows: files have owners (SIDs), not
// uids, and root-owned bind sources do not happen there.
func fileOwner(string) (int, error) {
	return -1, errors.New("file owners are not read on Windows")
}
