package mailapi

import "time"

// Summary is one index row as the engine shows it: what the reader lists.
type Summary struct {
	ID         int64    // assigned when first stored, never reused
	UIDL       string   // the server's unique-id as sent: not safe to display unsanitized
	Dup        int      // 0 for the first message with this UIDL, 1.. for duplicates
	Size       int64    // the size the server listed, in bytes
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
	OnServer       bool      // in the server's listing at the last sync
	FirstSeen      time.Time // when a sync first indexed it
	DownloadedAt   time.Time // zero when not cached
}

// Query selects index rows, newest first.
type Query struct {
	// Search is plain words, all required, case-insensitive, over subject,
	// addresses and body text. Never query syntax; no input is an error.
	Search string
	Limit  int // most rows returned; 0 means all
	Offset int // rows to skip before the first one returned
}

// Stats are the counts a status bar shows.
type Stats struct {
	Total, Unseen, Deleted, Cached int
}
