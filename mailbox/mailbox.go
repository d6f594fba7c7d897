// Package mailbox is popterm's engine: one sync is one POP3 session (RFC 1939:
// CAPA per RFC 2449, login, UIDL, diff with the store, pipelined TOP,
// prefetch with pipelined RETR, DELE of pending marks, QUIT). Only a +OK to
// QUIT turns pending marks into committed deletions (RFC 1939 UPDATE state);
// a cancelled or broken session is closed without QUIT, so nothing is
// deleted. It honours the RFC 2449/3206 response codes ([LOGIN-DELAY],
// [IN-USE], [SYS/TEMP], [AUTH]) and the LOGIN-DELAY and EXPIRE capabilities.
// It also opens bodies on demand over a session kept open while in use.
//
// Automatic syncs (SyncOptions.Commit false) never send DELE.
package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/pop3"
)

// Phase names a step of a sync, for progress.
type Phase string

// Phases of a sync.
const (
	PhaseConnect Phase = "connecting"
	PhaseLogin   Phase = "logging in"
	PhaseList    Phase = "listing"
	PhaseHeaders Phase = "fetching headers"
	PhaseBodies  Phase = "downloading"
	PhaseCommit  Phase = "deleting on server"
	PhaseQuit    Phase = "closing"
	PhaseDone    Phase = "done"
)

// Progress is one progress event: the phase, how many of Total items are
// done and, while downloading, how many bytes arrived.
type Progress struct {
	Phase Phase
	Done  int
	Total int
	Bytes int64
}

// SyncOptions choose what a sync may do.
type SyncOptions struct {
	// Commit sends DELE for pending marks (and policy deletions) before QUIT.
	// Automatic syncs leave it false: they never delete anything.
	Commit bool
	// Progress, when set, receives events (from the sync's goroutine).
	Progress func(Progress)
}

// Result summarises a sync.
type Result struct {
	New        int      // messages first seen on the server
	Gone       int      // messages that vanished from the server
	Downloaded int      // bodies stored
	Deleted    int      // deletions committed by QUIT
	Pending    int      // marks still pending after the sync
	Committed  bool     // QUIT answered +OK
	Warnings   []string // things the user should know now (sanitized)
	TLS        string   // e.g. "TLS 1.3", or "none"

	// Notes are facts about the server that hold at every sync (no UIDL, no
	// TOP): worth a line in `popterm sync -v`, not a warning each time.
	Notes []string
}

// Credentials supplies secrets on demand (so the UI can prompt). Password is
// called only when a password mechanism is used, Token only for OAuth2.
// Refresh, when set, replaces an access token the server refused although it
// looked valid: the engine then logs in once more with the new token (the
// only second attempt in a session).
type Credentials struct {
	Password func(ctx context.Context) (string, error)
	Token    func(ctx context.Context) (string, error)
	Refresh  func(ctx context.Context) (string, error)
}

// DefaultSessionIdle is how long an on-demand session stays open unused.
const DefaultSessionIdle = 5 * time.Minute

// Engine syncs one account with its store. Its methods are safe for
// concurrent use; syncs run one at a time.
type Engine struct {
	acct  *config.Account
	store *cache.Store
	creds Credentials
	now   func() time.Time

	syncMu sync.Mutex // one sync at a time

	mu   sync.Mutex // guards idle and sess
	idle time.Duration
	sess *session // the on-demand RETR session, nil when closed
}

// New makes an engine; it does no I/O.
func New(acct *config.Account, store *cache.Store, creds Credentials) *Engine {
	return &Engine{acct: acct, store: store, creds: creds, now: time.Now, idle: DefaultSessionIdle}
}

// SetSessionIdle sets how long the on-demand session (see Body) may stay
// open unused before it is closed (the UI's session_idle); d <= 0 means the
// default.
func (e *Engine) SetSessionIdle(d time.Duration) {
	if d <= 0 {
		d = DefaultSessionIdle
	}
	e.mu.Lock()
	e.idle = d
	e.mu.Unlock()
}

// Account returns the engine's account.
func (e *Engine) Account() *config.Account { return e.acct }

// List reads the index (offline).
func (e *Engine) List(ctx context.Context, q cache.Query) ([]cache.Message, error) {
	msgs, err := e.store.List(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	return msgs, nil
}

// Get returns one stored message (offline).
func (e *Engine) Get(id int64) (cache.Message, error) {
	m, err := e.store.Get(id)
	if err != nil {
		return m, fmt.Errorf("message %d: %w", id, err)
	}
	return m, nil
}

// Stats reads the counts (offline).
func (e *Engine) Stats(ctx context.Context) (cache.Stats, error) {
	st, err := e.store.Stats(ctx)
	if err != nil {
		return st, fmt.Errorf("count messages: %w", err)
	}
	return st, nil
}

// Open returns the rendered message (Body + message.Parse) and marks it seen
// (when the store is writable).
func (e *Engine) Open(ctx context.Context, id int64, opts message.Options) (*message.Message, error) {
	rc, err := e.Body(ctx, id)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	m, err := message.Parse(rc, opts)
	if err != nil {
		return nil, fmt.Errorf("read message %d: %w", id, err)
	}
	// A read-only store (another popterm holds the account) cannot record
	// Seen: the message still opens.
	if err := e.store.MarkSeen(ctx, []int64{id}, true); err != nil && !errors.Is(err, cache.ErrReadOnly) {
		return m, fmt.Errorf("mark message %d seen: %w", id, err)
	}
	return m, nil
}

// MarkDeleted sets or clears pending-deletion marks (local, persistent). The
// next explicit sync (SyncOptions.Commit) sends them to the server.
func (e *Engine) MarkDeleted(ctx context.Context, ids []int64, deleted bool) error {
	if err := e.store.MarkDeleted(ctx, ids, deleted); err != nil {
		return fmt.Errorf("mark messages: %w", err)
	}
	return nil
}

// LastSync returns when the account last synced (zero if never).
func (e *Engine) LastSync() time.Time {
	return e.metaTime(metaLastSync)
}

// Close releases any held session without committing anything (the
// on-demand session never sends DELE).
func (e *Engine) Close() error {
	e.closeSession()
	return nil
}

// emit sends a progress event when the caller asked for them.
func emit(opts SyncOptions, p Progress) {
	if opts.Progress != nil {
		opts.Progress(p)
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

// tlsName describes the session's TLS state.
func tlsName(c *pop3.Client) string {
	st, ok := c.TLS()
	if !ok {
		return "none"
	}
	return tls.VersionName(st.Version)
}
