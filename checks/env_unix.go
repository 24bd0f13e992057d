//go:build !windows

package checks

import (
	"fmt"
	"os/user"
	"strconv"
	"syscall"
)

func diskFree(path string) (free, total uint64, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, 0, fmt.Errorf("statfs %s: %w", path, err)
	}
	bsize := uint64(st.Bsize) // int64 on linux, uint32 on darwin
	return st.Bavail * bsize, st.Blocks * bsize, nil
}

// processGroups returns the names of the groups this process has (not the
// ones /etc/group lists: they differ until the user logs in again).
func processGroups() ([]string, error) {
	gids, err := syscall.Getgroups()
	if err != nil {
		return nil, fmt.Errorf("getgroups: %w", err)
	}
	names := make([]string, 0, len(gids))
	for _, gid := range gids {
		g, err := user.LookupGroupId(strconv.Itoa(gid))
		if err != nil {
			continue
		}
		names = append(names, g.Name)
	}
	return names, nil
}
