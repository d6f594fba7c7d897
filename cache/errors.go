package cache

import (
	"errors"
	"fmt"
)

// ErrLocked means another process holds the account's write lock. Open wraps
// it in an error that names the account; test it with errors.Is.
var ErrLocked = errors.New("cache: the account is in use by another popterm process")

// ErrNotFound means there is no message with that ID.
var ErrNotFound = errors.New("cache: no such message")

// ErrNoBody means the message body has not been downloaded.
var ErrNoBody = errors.New("cache: message body not downloaded yet")

// ErrReadOnly means a write was asked of a store opened with ReadOnly.
var ErrReadOnly = errors.New("cache: the store is open read-only")

// lockedError is what Open returns when the lock is held elsewhere.
type lockedError struct {
	account string
	pid     string
	holder  string // Options.Holder of the holder, as written in the lock file
}

func (e *lockedError) Error() string {
	who := "another popterm process"
	if e.holder != "" {
		who = printable(e.holder)
	}
	if e.pid != "" {
		who += " (pid " + e.pid + ")"
	}
	return fmt.Sprintf("account %s is in use by %s: close it, or open this one read-only", e.account, who)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *lockedError) Is(target error) bool { return target == ErrLocked }

// LockHolder returns who holds the lock when err is Open's ErrLocked and the
// holder said (Options.Holder), else "".
func LockHolder(err error) string {
	var le *lockedError
	if errors.As(err, &le) {
		return printable(le.holder)
	}
	return ""
}
