package cache

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// migration moves the schema from version i to i+1, where i is its index in
// the list migrations returns.
type migration func(ctx context.Context, tx *sql.Tx) error

// migrations returns the schema steps in order; the schema version is the
// number of steps applied. Append new steps, never edit old ones.
func migrations() []migration {
	return []migration{schemaV1, schemaV2, schemaV3}
}

// schemaV1 creates the first schema.
func schemaV1(ctx context.Context, tx *sql.Tx) error {
	const ddl = `
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE messages (
	id              INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused
	uidl            TEXT    NOT NULL,
	dup             INTEGER NOT NULL DEFAULT 0,
	size            INTEGER NOT NULL,
	from_addr       TEXT    NOT NULL DEFAULT '',
	from_name       TEXT    NOT NULL DEFAULT '',
	to_addrs        TEXT    NOT NULL DEFAULT '', -- one address per line
	cc_addrs        TEXT    NOT NULL DEFAULT '',
	subject         TEXT    NOT NULL DEFAULT '',
	date            TEXT,                        -- RFC 3339 with the sender's offset; NULL: none
	sort_key        INTEGER NOT NULL,            -- unix ms of date, else of first_seen
	message_id      TEXT    NOT NULL DEFAULT '',
	in_reply_to     TEXT    NOT NULL DEFAULT '',
	refs            TEXT    NOT NULL DEFAULT '', -- one Message-ID per line
	header_hash     TEXT    NOT NULL,
	file            TEXT    NOT NULL DEFAULT '', -- Maildir unique name, without info suffix
	file_size       INTEGER NOT NULL DEFAULT 0,
	cached          INTEGER NOT NULL DEFAULT 0,
	seen            INTEGER NOT NULL DEFAULT 0,
	answered        INTEGER NOT NULL DEFAULT 0,
	flagged         INTEGER NOT NULL DEFAULT 0,
	deleted         INTEGER NOT NULL DEFAULT 0,
	has_attachments INTEGER NOT NULL DEFAULT 0,
	on_server       INTEGER NOT NULL DEFAULT 1,
	first_seen      INTEGER NOT NULL,            -- unix ms
	downloaded_at   INTEGER,                     -- unix ms; NULL: not cached
	UNIQUE (uidl, dup)
);
CREATE INDEX messages_order ON messages (sort_key DESC, id DESC);

-- The raw header block from TOP n 0, apart so that listing and counting
-- read small rows.
CREATE TABLE headers (
	id     INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
	header BLOB NOT NULL
);

-- Files of removed messages, kept until they are unlinked.
CREATE TABLE removed_files (
	file TEXT PRIMARY KEY
) WITHOUT ROWID;

-- rowid = messages.id
CREATE VIRTUAL TABLE search USING fts5 (subject, addrs, body, tokenize = 'trigram');
`
	_, err := tx.ExecContext(ctx, ddl)
	return err
}

// schemaV2 takes body text out of the database and the download path: the
// search tables keep no copy of the text (contentless FTS5, rows deletable),
// bodies are indexed by word (unicode61) apart from the download, and the
// trigram table keeps subject, addresses and the CJK runs of a body, where
// words are not separated by spaces. body_indexed says a stored body is in
// the index; a partial index finds the ones still to do, another the
// messages marked for deletion.
func schemaV2(ctx context.Context, tx *sql.Tx) error {
	const ddl = `
ALTER TABLE messages ADD COLUMN body_indexed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_unindexed ON messages (id) WHERE cached = 1 AND body_indexed = 0;
CREATE INDEX messages_marked ON messages (id) WHERE deleted = 1;
DROP TABLE search;
CREATE VIRTUAL TABLE search USING fts5 (subject, addrs, cjk,
	content = '', contentless_delete = 1, tokenize = 'trigram');
CREATE VIRTUAL TABLE search_words USING fts5 (body,
	content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO search (rowid, subject, addrs, cjk)
	SELECT id, subject, ` + addrsExpr + `, '' FROM messages;
`
	_, err := tx.ExecContext(ctx, ddl)
	return err
}

// schemaV3 indexes the local folders (Sent, Drafts, Outbox and the user's
// own, Maildir++ folders beside the inbox) apart from the inbox: their rows
// are in folder_messages with the folder's name and the file's name in it,
// and their own search tables (same layout as search and search_words), so
// no inbox query can return a folder row. The rows are filled by the first
// IndexFolder of each folder.
func schemaV3(ctx context.Context, tx *sql.Tx) error {
	const ddl = `
CREATE TABLE folder_messages (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	folder          TEXT    NOT NULL,            -- Maildir++ name: Sent, Drafts, Work.Projects
	file            TEXT    NOT NULL,            -- Maildir unique name, without info suffix
	name            TEXT    NOT NULL,            -- "cur/<file name>" or "new/<file name>"
	uidl            TEXT    NOT NULL DEFAULT '', -- unused: the columns of messages for messageCols
	dup             INTEGER NOT NULL DEFAULT 0,
	size            INTEGER NOT NULL,
	from_addr       TEXT    NOT NULL DEFAULT '',
	from_name       TEXT    NOT NULL DEFAULT '',
	to_addrs        TEXT    NOT NULL DEFAULT '',
	cc_addrs        TEXT    NOT NULL DEFAULT '',
	subject         TEXT    NOT NULL DEFAULT '',
	date            TEXT,
	sort_key        INTEGER NOT NULL,
	message_id      TEXT    NOT NULL DEFAULT '',
	in_reply_to     TEXT    NOT NULL DEFAULT '',
	refs            TEXT    NOT NULL DEFAULT '',
	header_hash     TEXT    NOT NULL,
	cached          INTEGER NOT NULL DEFAULT 1,
	seen            INTEGER NOT NULL DEFAULT 0,
	answered        INTEGER NOT NULL DEFAULT 0,
	flagged         INTEGER NOT NULL DEFAULT 0,
	deleted         INTEGER NOT NULL DEFAULT 0,
	has_attachments INTEGER NOT NULL DEFAULT 0,
	on_server       INTEGER NOT NULL DEFAULT 0,
	first_seen      INTEGER NOT NULL,            -- unix ms: the file's modification time
	downloaded_at   INTEGER,
	UNIQUE (folder, file)
);
CREATE INDEX folder_messages_order ON folder_messages (folder, sort_key DESC, id DESC);
CREATE VIRTUAL TABLE folder_search USING fts5 (subject, addrs, cjk,
	content = '', contentless_delete = 1, tokenize = 'trigram');
CREATE VIRTUAL TABLE folder_search_words USING fts5 (body,
	content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
`
	_, err := tx.ExecContext(ctx, ddl)
	return err
}

// addrsExpr is the text the search table indexes as addresses, from a
// messages row.
const addrsExpr = `from_addr || ' ' || replace(to_addrs, char(10), ' ') || ' ' || replace(cc_addrs, char(10), ' ')`

// schemaVersion reads the version, 0 for an empty database.
func schemaVersion(ctx context.Context, db interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var n int
	err := db.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'`).Scan(&n)
	if err != nil || n == 0 {
		return 0, err
	}
	var v int
	err = db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v)
	return v, err
}

// migrate applies the missing steps and records each in schema_version, all
// in one transaction, so a failed step leaves the schema as it was. It
// refuses a database newer than steps.
func migrate(ctx context.Context, db *sql.DB, steps []migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER PRIMARY KEY,
		applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_version: %w", err)
	}
	v, err := schemaVersion(ctx, tx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > len(steps) {
		return fmt.Errorf("schema version %d was written by a newer popterm (this one knows %d): upgrade popterm", v, len(steps))
	}
	for ; v < len(steps); v++ {
		if err := steps[v](ctx, tx); err != nil {
			return fmt.Errorf("migrate schema to version %d: %w", v+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`,
			v+1, time.Now().UnixMilli()); err != nil {
			return fmt.Errorf("record schema version %d: %w", v+1, err)
		}
	}
	return tx.Commit()
}
