// Package cache is popterm's offline store for one account: a Maildir of the
// downloaded messages (LF line ends, files 0600, folders 0700) and a SQLite
// index (WAL, FTS5 trigram search) that is the single source of truth for
// state, guarded by an flock(2) lock. It is data, not a cache: it may be the
// only copy of the user's mail.
package cache

// CONTRACT STUB: the exported names below are the package's contract with the
// rest of popterm (mailbox, cmd). The cache owner replaces the bodies and may
// add to the API, but must not remove or rename these names.

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrLocked: another process holds the account's write lock.
var ErrLocked = errors.New("cache: the account is in use by another popterm process")

// ErrNotFound: no message with that ID.
var ErrNotFound = errors.New("cache: no such message")

// ErrNoBody: the message body has not been downloaded.
var ErrNoBody = errors.New("cache: message body not downloaded yet")

// Options for Open.
type Options struct {
	// ReadOnly opens without the write lock (a second instance).
	ReadOnly bool
}

// Store is one account's store.
type Store struct{}

// Open opens (creating when needed) the store in dir.
func Open(dir string, opts Options) (*Store, error) { panic("unimplemented") }

// Close releases the lock and the database.
func (s *Store) Close() error { panic("unimplemented") }

// Message is one index row.
type Message struct {
	ID         int64 // assigned when first stored, never reused
	UIDL       string
	Dup        int // 0 for the first message with this UIDL, 1.. for duplicates
	Size       int64
	From       string   // "Name <addr>"
	FromName   string   // display name, else address
	To, Cc     []string // "Name <addr>"
	Subject    string
	Date       time.Time // zero when none
	MessageID  string
	InReplyTo  string
	References []string
	HeaderHash string // hex SHA-256 of the raw header block

	Cached         bool // body stored
	Seen           bool
	Answered       bool
	Flagged        bool
	Deleted        bool // marked for deletion, pending commit
	HasAttachments bool
	OnServer       bool
	FirstSeen      time.Time
	DownloadedAt   time.Time // zero when not cached
}

// NewMessage is a message first seen on the server.
type NewMessage struct {
	UIDL   string
	Dup    int
	Size   int64
	Header []byte // raw header block (TOP n 0), LF line ends
}

// Add indexes new messages in one transaction and returns their IDs in order.
func (s *Store) Add(ctx context.Context, msgs []NewMessage) ([]int64, error) { panic("unimplemented") }

// SaveBody streams a body into Maildir tmp/, fsyncs, renames it into cur/ and
// only then marks the row cached (with its text in the search index). CRLF
// becomes LF. A failed or cancelled read leaves nothing behind.
func (s *Store) SaveBody(ctx context.Context, id int64, body io.Reader) error { panic("unimplemented") }

// OpenBody opens the stored body (ErrNoBody when not downloaded).
func (s *Store) OpenBody(id int64) (io.ReadCloser, error) { panic("unimplemented") }

// Get returns one message.
func (s *Store) Get(id int64) (Message, error) { panic("unimplemented") }

// Query selects messages for List.
type Query struct {
	// Search is plain words, all required, case-insensitive, over subject,
	// addresses and body text. Never query syntax; no input is an error.
	Search string
	Limit  int // 0 = all
	Offset int
}

// List returns messages newest first.
func (s *Store) List(ctx context.Context, q Query) ([]Message, error) { panic("unimplemented") }

// All returns every row (for the sync diff), in ID order.
func (s *Store) All(ctx context.Context) ([]Message, error) { panic("unimplemented") }

// SetOnServer records whether each message is still on the server.
func (s *Store) SetOnServer(ctx context.Context, ids []int64, on bool) error { panic("unimplemented") }

// SetUIDL re-keys a message after a server migration changed its UIDL.
func (s *Store) SetUIDL(ctx context.Context, id int64, uidl string, dup int) error {
	panic("unimplemented")
}

// MarkDeleted sets or clears the pending-deletion mark (Maildir T flag).
func (s *Store) MarkDeleted(ctx context.Context, ids []int64, deleted bool) error {
	panic("unimplemented")
}

// MarkSeen sets or clears Seen (Maildir S flag).
func (s *Store) MarkSeen(ctx context.Context, ids []int64, seen bool) error { panic("unimplemented") }

// Remove drops messages (after a committed user deletion): row and file.
func (s *Store) Remove(ctx context.Context, ids []int64) error { panic("unimplemented") }

// Stats are the counts a status bar shows.
type Stats struct {
	Total, Unseen, Deleted, Cached int
}

// Stats counts messages.
func (s *Store) Stats(ctx context.Context) (Stats, error) { panic("unimplemented") }

// Meta reads a small per-account value (last sync time, warnings shown).
func (s *Store) Meta(key string) (string, error) { panic("unimplemented") }

// SetMeta writes a small per-account value.
func (s *Store) SetMeta(key, value string) error { panic("unimplemented") }

// CheckReport is what Check found and did.
type CheckReport struct {
	Problems []string
	Repaired []string
}

// Check verifies the index against the files and repairs what it safely can.
func (s *Store) Check(ctx context.Context, repair bool) (CheckReport, error) { panic("unimplemented") }
