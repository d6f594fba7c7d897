//go:build !windows

package cache

import (
	"errors"
	"syscall"
)

// isSyncUnsupported reports whether err only says that this file system
// cannot fsync a folder.
func isSyncUnsupported(err error) bool {
	return errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP)
}
