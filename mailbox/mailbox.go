// Package mailbox is popterm's engine: a sync is a POP3 session (RFC 1939:
// CAPA per RFC 2449, login, UIDL, diff with the store, pipelined TOP,
// prefetch with pipelined RETR, DELE of pending marks, QUIT). Only a +OK to
// QUIT turns pending marks into committed deletions (RFC 1939 UPDATE state);
// a cancelled or broken session is closed without QUIT, so nothing is
// deleted. It honours the RFC 2449/3206 response codes ([LOGIN-DELAY],
// [IN-USE], [SYS/TEMP], [AUTH]) and the LOGIN-DELAY and EXPIRE capabilities.
// It also opens bodies on demand over a session kept open while in use.
// After a session that downloaded mail, a sync opens further sessions while
// each lists mail not yet stored (servers that hand out mail in batches).
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

	smtpCreds *Credentials // the outbox's, when set (SetSubmitCredentials); guarded by mu

	ownsStore bool // Close closes the store (OpenAccount)
	readOnly  bool // the store is open without the write lock

	syncMu  sync.Mutex // one sync at a time
	flushMu sync.Mutex // one outbox flush at a time

	mu   sync.Mutex // guards idle and sess
	idle time.Duration
	sess *session // the on-demand RETR session, nil when closed
}

// New makes an engine over a store the caller opened (and closes after
// the engine); it does no I/O. OpenAccount opens the store too.
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

// List reads the index (offline). The rows are converted as the store
// reads them, so a whole listing of a large mailbox is held once, not as
// the store's rows and again as the engine's.
func (e *Engine) List(ctx context.Context, q Query) ([]Summary, error) {
	sq := storeQuery(q)
	var out []Summary
	if q.Search == "" && q.Limit <= 0 {
		if n, err := e.store.Count(ctx, sq); err == nil {
			out = make([]Summary, 0, n) // exact: no copies as it grows
		}
	}
	err := e.store.Each(ctx, sq, func(m *cache.Message) { out = append(out, summary(*m)) })
	if err != nil {
		return nil, classified(fmt.Errorf("list messages: %w", err))
	}
	if q.Limit > 0 {
		return out, nil // a page comes in list order
	}
	sortNewest(out)
	return out[min(max(q.Offset, 0), len(out)):], nil
}

// Count returns how many messages List would return for q's search, Limit
// and Offset aside, without reading them (offline).
func (e *Engine) Count(ctx context.Context, q Query) (int, error) {
	n, err := e.store.Count(ctx, storeQuery(q))
	if err != nil {
		return 0, classified(fmt.Errorf("count messages: %w", err))
	}
	return n, nil
}

// Get returns one stored message (offline).
func (e *Engine) Get(id int64) (Summary, error) {
	m, err := e.store.Get(id)
	if errors.Is(err, cache.ErrNotFound) {
		return Summary{}, &Error{Kind: KindNotFound, Msg: fmt.Sprintf("no message with ID %d (see popterm list)", id)}
	}
	if err != nil {
		return Summary{}, classified(fmt.Errorf("message %d: %w", id, err))
	}
	return summary(m), nil
}

// Stats reads the counts (offline).
func (e *Engine) Stats(ctx context.Context) (Stats, error) {
	st, err := e.store.Stats(ctx)
	if err != nil {
		return Stats{}, classified(fmt.Errorf("count messages: %w", err))
	}
	return Stats{Total: st.Total, Unseen: st.Unseen, Deleted: st.Deleted, Cached: st.Cached}, nil
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
		return nil, classified(fmt.Errorf("read message %d: %w", id, err))
	}
	return m, e.markSeen(ctx, id)
}

// MarkDeleted sets or clears pending-deletion marks (local, persistent). The
// next explicit sync (SyncOptions.Commit) sends them to the server.
func (e *Engine) MarkDeleted(ctx context.Context, ids []int64, deleted bool) error {
	if err := e.store.MarkDeleted(ctx, ids, deleted); err != nil {
		return classified(fmt.Errorf("mark messages: %w", err))
	}
	return nil
}

// LastSync returns when the account last synced (zero if never).
func (e *Engine) LastSync() time.Time {
	return e.metaTime(metaLastSync)
}

// Close releases any held session without committing anything (the
// on-demand session never sends DELE) and, when the engine opened its
// store (OpenAccount), closes the store.
func (e *Engine) Close() error {
	e.closeSession()
	if !e.ownsStore {
		return nil
	}
	if err := e.store.Close(); err != nil {
		return classified(fmt.Errorf("close the store: %w", err))
	}
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
