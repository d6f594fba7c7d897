package mailapi

import (
	"errors"
	"time"
)

// Kind classifies an error by what the user can do about it (and so its
// exit status and wording).
type Kind int

// Error kinds.
const (
	KindOther       Kind = iota // none of the others (a certificate error, a broken reply, a full disk)
	KindCredentials             // the server refused the credentials ([AUTH] or auth failure)
	KindTryLater                // offline, timeout, [IN-USE], [LOGIN-DELAY], [SYS/TEMP], busy
	KindConfig                  // the account settings cannot work (no TLS, no mechanism, no password)
	KindNotFound                // no message with that ID in the store
)

// Error is an engine error with its kind already decided. Every error the
// engine returns carries one, so callers never inspect the protocol's or
// the store's errors.
type Error struct {
	// Kind is what the user can do about it.
	Kind Kind
	// Msg says what happened and what to do, in one line; empty when the
	// cause says it all (the engine only classified it).
	Msg string
	// Err is the cause, when there is one.
	Err error
	// Whole means Msg says all the cause would: Error leaves the cause
	// out (Unwrap still gives it).
	Whole bool
}

// Error returns the message and, when there is one, the cause.
func (e *Error) Error() string {
	switch {
	case e.Err == nil || e.Whole:
		return e.Msg
	case e.Msg == "":
		return e.Err.Error()
	}
	return e.Msg + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of the first *Error in err's chain, KindOther when
// there is none (or err is nil).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindOther
}

// Advises reports whether err carries the engine's own sentence of what to
// do (an *Error with a Msg), so a caller adds no hint of its own.
func Advises(err error) bool {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return false
		}
		if e.Msg != "" {
			return true
		}
		err = e.Err
	}
	return false
}

// LoginDelayError is in the chain of an error when the server asked to wait
// before the next login (RFC 2449 LOGIN-DELAY): Until is when a login may
// happen again, so the reader can say "server asks to wait N min" rather
// than "offline".
type LoginDelayError struct {
	Until time.Time
	// Err is the server's refusal, when there was one (nil when popterm
	// itself did not log in that soon).
	Err error
}

// Error returns the server's refusal, or says when the next login may be.
func (e *LoginDelayError) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return "the server allows the next login at " + e.Until.Format(time.RFC3339)
}

// Unwrap returns the server's refusal.
func (e *LoginDelayError) Unwrap() error { return e.Err }
