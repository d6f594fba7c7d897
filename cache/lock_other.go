//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package cache

import "os"

// tryLock does nothing on systems without flock(2): Open warns through
// Store.Warning that two popterm processes must not use one account at once.
func tryLock(*os.File) (held bool, err error) { return false, nil }

// lockWarning explains that the account is not locked on this system.
const lockWarning = "this system has no flock(2): do not run two popterm processes on one account"
