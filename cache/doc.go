// Package cache is popterm's offline store for one account: a Maildir of the
// downloaded messages and a SQLite index that is the single source of truth
// for state, guarded by an flock(2) lock. It is data, not a cache: it may be
// the only copy of the user's mail.
//
// On disk, in the folder given to Open (0700; every file 0600):
//
//	Maildir/{tmp,new,cur}/  one file per downloaded message
//	index.db (+ -wal, -shm) SQLite index, WAL mode, schema versioned
//	lock                    flock(2)ed by the one writer
//	lost+found/             files Check could not match to a message
//
// Messages are stored as received (RFC 5322, after POP3 dot-unstuffing, RFC
// 1939) with CRLF line ends turned into LF and nothing else changed, the
// Maildir convention, so mutt, neomutt and notmuch read Maildir/ as is. File
// names are popterm's own, "<unix>.<id>_<random>.<host>:2,<flags>", never
// built from a UIDL or any other server string; <id> is the index row. The
// info suffix carries the Maildir flags F (flagged), R (answered), S (seen)
// and T (marked for deletion), sorted. On Windows, where ':' cannot appear
// in a file name, the separator is '!'.
//
// Crash consistency. A body is written to tmp/, made durable, renamed into
// cur/, the folder fsynced, and only then is the row marked cached, so a row
// says cached only when its file is complete. A Batch does this for many
// bodies at once (group commit: one syncfs or fsync round, one folder fsync
// and one transaction per batch). The index uses synchronous=FULL: a
// commit survives a power loss, not just a crash of popterm, because the
// index may be the only record of which deletions are pending and which
// bodies are safely stored before a server deletes them. Flag changes update
// the index first and rename the file after; a crash in between leaves a
// stale suffix that OpenBody tolerates and Check repairs. Removing a message
// records the file in a tombstone table in the same transaction that drops
// the row, so Check can finish an interrupted removal instead of mistaking
// the file for lost mail. A writer marks the store open in the index and
// clears the mark on Close; the next Open after a kill finds the mark and
// finishes the interrupted steps (Store.Recovered says what it did), so a
// crash leaves no duplicate or stale file for other Maildir readers.
//
// Search uses contentless SQLite FTS5 tables, which keep no copy of the
// text: a trigram table over subject, addresses and the CJK runs of the
// body, where words of three or more characters are found as substrings
// with Unicode case folding, and a unicode61 table over the first 128 KiB
// of body text (message.SearchText, the text of message.Parse(...).Text()
// without decoding attachments), where a word finds the body
// words it begins. Shorter words use LIKE on the header columns (case
// folding for ASCII only) or the word table. Bodies are indexed apart from
// storing them (IndexBodies), so until UnindexedBodies is 0 a search may
// miss messages by their body text. User input is never FTS5 syntax, so no
// search is an error.
//
// Damage. An index SQLite reports as damaged, or an empty or missing one
// beside stored mail, fails Open with ErrDamaged; RepairIndex rebuilds it
// from the Maildir, which is the truth for bodies.
package cache
