//go:build windows

package checks

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows"
)

func diskFree(path string) (free, total uint64, err error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return 0, 0, fmt.Errorf("disk of %s: %w", path, err)
	}
	var avail, tot, totFree uint64
	if err := windows.GetDiskFreeSpaceEx(p, &avail, &tot, &totFree); err != nil {
		return 0, 0, fmt.Errorf("disk of %s: %w", path, err)
	}
	return avail, tot, nil
}

func processGroups() ([]string, error) {
	return nil, errors.New("process groups are not read on Windows")
}
