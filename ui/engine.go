package ui

import (
	"context"
	"io"
	"net/mail"
	"os/exec"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/pattern"
)

// Engine is what the reader needs from the sync engine (mailbox.Engine
// implements it), over the leaf package mailapi's types; tests substitute
// a fake. Every error it returns carries a mailapi.Kind.
type Engine interface {
	// List reads the index from the store (offline).
	List(ctx context.Context, q mailapi.Query) ([]mailapi.Summary, error)
	// Stats counts messages (offline).
	Stats(ctx context.Context) (mailapi.Stats, error)
	// Sync runs one POP3 session; opts.Commit sends DELE for pending marks.
	Sync(ctx context.Context, opts mailapi.SyncOptions) (mailapi.Result, error)
	// Commit runs one session that only deletes the pending marks (UIDL,
	// DELE, QUIT): no header or body is fetched.
	Commit(ctx context.Context, progress func(mailapi.Progress)) (mailapi.CommitResult, error)
	// Open renders a message, fetching its body when not stored, and marks
	// it seen.
	Open(ctx context.Context, id int64, opts message.Options) (*message.Message, error)
	// Body opens the raw stored message (for attachments).
	Body(ctx context.Context, id int64) (io.ReadCloser, error)
	// MarkDeleted sets or clears pending-deletion marks.
	MarkDeleted(ctx context.Context, ids []int64, deleted bool) error
	// Marker keeps the local flagged and read marks.
	Marker
	// Saver copies messages to folders, mbox files and Maildirs.
	Saver
	// Filter resolves a limit pattern's searches in the store and returns
	// the test for rows; tagged answers ~T.
	Filter(ctx context.Context, p *pattern.Pattern, tagged func(id int64) bool) (func(*mailapi.Summary) bool, error)
	// LastSync says when the account last synced (zero if never).
	LastSync() time.Time
	// Close releases the engine (and, as wired by cmd, its store).
	Close() error
}

// Mailer is what writing mail needs from an account's engine
// (mailbox.Engine implements it; a local folder's engine does not, so the
// reader keeps the account's while a folder is shown).
type Mailer interface {
	// Sender returns the From address and the signature ("" for none); an
	// account that cannot send (no [account.smtp]) says so here.
	Sender() (*mail.Address, string, error)
	// QueueMessage stores a built message and its envelope in the outbox,
	// durably, before any network.
	QueueMessage(raw []byte, from string, recipients []string) error
	// SaveDraft stores a message in Drafts.
	SaveDraft(raw []byte) error
	// DropDraft removes message id of Drafts (as the Drafts folder numbers
	// it): a resumed draft, once its new copy is queued or saved.
	DropDraft(id int64) error
	// OutboxCount is how many messages wait in the outbox.
	OutboxCount() (int, error)
	// FlushOutbox submits the queued messages (force: even those whose
	// retry time has not come).
	FlushOutbox(ctx context.Context, force bool) (mailapi.Flushed, error)
}

// Account is one opened account: its name and engine.
type Account struct {
	Name   string
	Engine Engine
	// ReadOnly means another popterm holds the store: no sync, no marks.
	ReadOnly bool
	// Notice is shown in the status bar when the account opens.
	Notice string
	// SignIn means the account signs in with OAuth 2.0 (the oauth2 key):
	// it has no password, so the reader never asks for one.
	SignIn bool
	// CheckEvery is the period of the background checks after a sync
	// (never deleting anything): the account's check_interval; 0 turns
	// them off.
	CheckEvery time.Duration
}

// Options configure the reader.
type Options struct {
	// Context bounds every command the reader runs; cancel it to stop work.
	Context context.Context
	// Account is the account shown first.
	Account Account
	// Accounts names every configured account, for the switcher (`a`, 1-9).
	Accounts []string
	// OpenAccount opens another account (for the switcher); nil disables it.
	OpenAccount func(name string) (Account, error)
	// OpenFolder opens a local folder of the account whose engine is
	// given (or of the folder shown), read-only; nil disables folders.
	OpenFolder func(current Engine, name string) (Engine, error)
	// Counts reads an account's counts from its store without opening it
	// for the reader (the switcher shows them); nil shows none.
	Counts func(name string) (mailapi.Stats, error)
	// SetPassword hands the engine a password the user typed; keep asks to
	// store it in the keyring too. Nil disables the password prompt.
	SetPassword func(account, password string, keep bool) error
	// SignIn starts a device sign-in (OAuth 2.0) of an account whose saved
	// sign-in the provider refused (config.ErrSignInAgain); the reader
	// shows the code and waits on a command. Nil disables the offer.
	SignIn func(ctx context.Context, account string) (DeviceSignIn, error)
	// UI and Keys come from the config file.
	UI   config.UI
	Keys map[string][]string
	// NoColor drops colours (the NO_COLOR convention).
	NoColor bool
	// ASCII draws with ASCII only, for a terminal whose locale is not
	// UTF-8 (see LocaleIsUTF8 and ToASCII).
	ASCII bool
	// Now is the clock (tests inject a fixed one); nil means time.Now.
	Now func() time.Time
	// Location is where dates are shown (nil means time.Local).
	Location *time.Location
	// NoAutoSync skips the background sync at start (tests, demos).
	NoAutoSync bool

	// execProcess runs the editor with the terminal released; nil is
	// tea.ExecProcess (tests run it without a terminal).
	execProcess func(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd
}
