//go:build !windows

package checks

import (
	"fmt"
	"os"
	"syscall"
)

// fileOwner returns the uid owning path (symbolic links followed).
func fileOwner(path string) (int, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return -1, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return -1, fmt.Errorf("no owner for %s", path)
	}
	return int(st.Uid), nil
}
