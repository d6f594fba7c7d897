package mailbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
)

// StoreMode says how OpenAccount opens the account's store.
type StoreMode int

// Store modes.
const (
	// StoreWrite takes the write lock, waiting up to OpenOptions.LockWait;
	// another popterm holding it is a try-later "busy" error.
	StoreWrite StoreMode = iota
	// StoreRead opens read-only, without the lock (a store that does not
	// exist yet is created empty).
	StoreRead
	// StoreAnyWrite takes the write lock when it is free, else opens
	// read-only (Engine.ReadOnly).
	StoreAnyWrite
	// StoreReader is StoreAnyWrite for the reader, which holds the lock for
	// long: the lock names it, so that a command that must write says the
	// reader holds the store.
	StoreReader
)

// OpenOptions choose how OpenAccount opens the store.
type OpenOptions struct {
	Mode StoreMode
	// LockWait is how long StoreWrite waits for another popterm to let go.
	LockWait time.Duration
	// SessionIdle is the on-demand session's idle time (see SetSessionIdle).
	SessionIdle time.Duration
}

// readerCacheKB is the reader's page cache per connection to the index:
// the reader runs several reads at once and holds the whole index in its
// own memory already, so large SQLite caches would only stay resident
// (four of 16 MB were a third of a 100,000-message reader's memory).
const readerCacheKB = 4000

// OpenAccount opens the account's store and returns the engine over it,
// which owns the store: Engine.Close closes it. Its errors carry a Kind
// and say what to do (busy: try later; no store folder: fix the config).
func OpenAccount(acct *config.Account, creds Credentials, opts OpenOptions) (*Engine, error) {
	if acct.StoreDir == "" {
		return nil, &Error{Kind: KindConfig, Msg: fmt.Sprintf("account %s: no store folder (set store_dir)", acct.Name)}
	}
	holder, cacheKB := "", 0
	if opts.Mode == StoreReader {
		opts.Mode, holder, cacheKB = StoreAnyWrite, "the reader", readerCacheKB
	}
	readOnly := opts.Mode == StoreRead
	var wait time.Duration
	if opts.Mode == StoreWrite {
		wait = opts.LockWait
	}
	st, err := cache.Open(acct.StoreDir, cache.Options{ReadOnly: readOnly, LockWait: wait, Holder: holder, CacheKB: cacheKB})
	if readOnly && errors.Is(err, fs.ErrNotExist) {
		// Never synced: create the empty store rather than fail.
		readOnly = false
		st, err = cache.Open(acct.StoreDir, cache.Options{CacheKB: cacheKB})
	}
	if errors.Is(err, cache.ErrLocked) && opts.Mode == StoreAnyWrite {
		readOnly = true
		st, err = cache.Open(acct.StoreDir, cache.Options{ReadOnly: true, CacheKB: cacheKB})
	}
	if errors.Is(err, cache.ErrLocked) {
		msg := fmt.Sprintf("account %s is busy: another popterm is using it; try again when it is done", acct.Name)
		if who := cache.LockHolder(err); who != "" {
			msg = fmt.Sprintf("account %s is busy: %s holds the store; close it, or try again when it is done", acct.Name, who)
		}
		return nil, &Error{Kind: KindTryLater, Err: err, Whole: true, Msg: msg}
	}
	if err != nil {
		return nil, &Error{Kind: KindOther, Msg: fmt.Sprintf("open the store of account %s", acct.Name), Err: err}
	}
	if opts.Mode == StoreWrite && st.ReadOnly() {
		// A store that cannot be written (a read-only mount) opens
		// read-only; a command that must write says so.
		w := st.Warning()
		st.Close()
		return nil, &Error{Kind: KindOther, Whole: true, Msg: fmt.Sprintf("account %s: %s", acct.Name, w)}
	}
	e := New(acct, st, creds)
	e.ownsStore, e.readOnly = true, st.ReadOnly()
	e.SetSessionIdle(opts.SessionIdle)
	return e, nil
}

// ReadOnly reports whether the store is open without the write lock
// (another popterm holds the account): no sync, no marks.
func (e *Engine) ReadOnly() bool { return e.readOnly }

// Warning is a caveat about the store to tell the user once (the system
// cannot lock the account against a second popterm), or "".
func (e *Engine) Warning() string { return e.store.Warning() }

// Recovered lists what opening the store finished because an earlier
// popterm was interrupted (nil when it closed cleanly), for a verbose log.
func (e *Engine) Recovered() []string { return e.store.Recovered() }

// Check verifies the store (index against files) and, with repair, fixes
// what is safe to fix (`popterm check`).
func (e *Engine) Check(ctx context.Context, repair bool) (cache.CheckReport, error) {
	rep, err := e.store.Check(ctx, repair)
	return rep, classified(err)
}

// MaxID is the highest message ID in the store (0 when empty), so that a
// listing printed in parts can size its ID column once.
func (e *Engine) MaxID(ctx context.Context) (int64, error) {
	id, err := e.store.MaxID(ctx)
	return id, classified(err)
}

// OpenRaw returns the message as stored (fetched first when not stored
// yet, like Open) and marks it seen: `popterm show --raw`.
func (e *Engine) OpenRaw(ctx context.Context, id int64) (io.ReadCloser, error) {
	rc, err := e.Body(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := e.markSeen(ctx, id); err != nil {
		rc.Close()
		return nil, err
	}
	return rc, nil
}

// markSeen records that the user read message id (nothing on a read-only
// store: the message still opens).
func (e *Engine) markSeen(ctx context.Context, id int64) error {
	if e.readOnly {
		return nil
	}
	if err := e.store.MarkSeen(ctx, []int64{id}, true); err != nil && !errors.Is(err, cache.ErrReadOnly) {
		return classified(fmt.Errorf("mark message %d seen: %w", id, err))
	}
	return nil
}
