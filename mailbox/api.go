// Package mailbox is popterm's engine: one sync is one POP3 session (CAPA,
// login, UIDL, diff with the store, pipelined TOP, prefetch with pipelined
// RETR, DELE of pending marks, QUIT). Only a +OK to QUIT turns pending marks
// into committed deletions. It also opens bodies on demand.
package mailbox

// CONTRACT STUB: the exported names below are the package's contract with ui
// and cmd. The mailbox owner replaces the bodies and may add to the API, but
// must not remove or rename these names.

import (
	"context"
	"io"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/message"
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

// Progress is one progress event.
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
	New        int
	Gone       int
	Downloaded int
	Deleted    int  // deletions committed by QUIT
	Pending    int  // marks still pending after the sync
	Committed  bool // QUIT answered +OK
	Warnings   []string
	TLS        string // e.g. "TLS 1.3", or "none"
}

// Credentials supplies secrets on demand (so the UI can prompt).
type Credentials struct {
	Password func(ctx context.Context) (string, error)
	Token    func(ctx context.Context) (string, error)
}

// Engine syncs one account with its store.
type Engine struct{}

// New makes an engine; it does no I/O.
func New(acct *config.Account, store *cache.Store, creds Credentials) *Engine {
	panic("unimplemented")
}

// Sync runs one POP3 session.
func (e *Engine) Sync(ctx context.Context, opts SyncOptions) (Result, error) {
	panic("unimplemented")
}

// List reads the index (offline).
func (e *Engine) List(ctx context.Context, q cache.Query) ([]cache.Message, error) {
	panic("unimplemented")
}

// Stats reads the counts (offline).
func (e *Engine) Stats(ctx context.Context) (cache.Stats, error) { panic("unimplemented") }

// Body opens the raw stored body, fetching it with RETR when not cached
// (reusing or opening a session).
func (e *Engine) Body(ctx context.Context, id int64) (io.ReadCloser, error) {
	panic("unimplemented")
}

// Open returns the rendered message (Body + message.Parse) and marks it seen.
func (e *Engine) Open(ctx context.Context, id int64, opts message.Options) (*message.Message, error) {
	panic("unimplemented")
}

// MarkDeleted sets or clears pending-deletion marks (local, persistent).
func (e *Engine) MarkDeleted(ctx context.Context, ids []int64, deleted bool) error {
	panic("unimplemented")
}

// Close releases any held session without QUIT-committing anything.
func (e *Engine) Close() error { panic("unimplemented") }

// Kind classifies an error for exit codes and messages.
type Kind int

// Error kinds.
const (
	KindOther       Kind = iota
	KindCredentials      // the server refused the credentials ([AUTH] or auth failure)
	KindTryLater         // offline, timeout, [IN-USE], [LOGIN-DELAY], [SYS/TEMP], busy
	KindConfig
)

// Classify returns the kind of err.
func Classify(err error) Kind { panic("unimplemented") }

// LastSync returns when the account last synced (zero if never).
func (e *Engine) LastSync() time.Time { panic("unimplemented") }
