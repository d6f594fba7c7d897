package cache

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// idList encodes ids for `IN (SELECT value FROM json_each(?))`, one
// statement for any number of IDs.
func idList(ids []int64) string {
	if ids == nil {
		ids = []int64{}
	}
	b, _ := json.Marshal(ids)
	return string(b)
}

const inIDs = `id IN (SELECT value FROM json_each(?))`

// SetOnServer records whether each message is still on the server.
func (s *Store) SetOnServer(ctx context.Context, ids []int64, on bool) error {
	if err := s.writable(); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `UPDATE messages SET on_server = ? WHERE `+inIDs, on, idList(ids))
	if err != nil {
		return fmt.Errorf("record on-server state: %w", err)
	}
	return nil
}

// SetUIDL re-keys a message after a server migration changed its UIDL. It
// fails when another message already has that UIDL and Dup.
func (s *Store) SetUIDL(ctx context.Context, id int64, uidl string, dup int) error {
	if err := s.writable(); err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE messages SET uidl = ?, dup = ? WHERE id = ?`, uidl, dup, id)
	if err != nil {
		return fmt.Errorf("set UIDL of message %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set UIDL of message %d: %w", id, ErrNotFound)
	}
	return nil
}

// MarkDeleted sets or clears the pending-deletion mark (Maildir T flag).
func (s *Store) MarkDeleted(ctx context.Context, ids []int64, deleted bool) error {
	return s.setFlag(ctx, "deleted", ids, deleted)
}

// MarkSeen sets or clears Seen (Maildir S flag).
func (s *Store) MarkSeen(ctx context.Context, ids []int64, seen bool) error {
	return s.setFlag(ctx, "seen", ids, seen)
}

// MarkFlagged sets or clears Flagged (Maildir F flag).
func (s *Store) MarkFlagged(ctx context.Context, ids []int64, flagged bool) error {
	return s.setFlag(ctx, "flagged", ids, flagged)
}

// MarkAnswered sets or clears Answered (Maildir R flag).
func (s *Store) MarkAnswered(ctx context.Context, ids []int64, answered bool) error {
	return s.setFlag(ctx, "answered", ids, answered)
}

// setFlag updates a flag column, then renames the stored files to match.
// The index is the truth and is committed first; a crash before a rename
// leaves a stale suffix that OpenBody tolerates and Check repairs.
func (s *Store) setFlag(ctx context.Context, column string, ids []int64, on bool) error {
	if err := s.writable(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	type rename struct {
		unique   string
		old, new flags
	}
	var renames []rename
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT file, seen, deleted, flagged, answered FROM messages
			WHERE cached = 1 AND `+column+` != ? AND `+inIDs, on, idList(ids))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r rename
			if err := rows.Scan(&r.unique, &r.old.seen, &r.old.deleted, &r.old.flagged, &r.old.answered); err != nil {
				return err
			}
			r.new = r.old
			switch column {
			case "seen":
				r.new.seen = on
			case "deleted":
				r.new.deleted = on
			case "flagged":
				r.new.flagged = on
			case "answered":
				r.new.answered = on
			}
			renames = append(renames, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE messages SET `+column+` = ? WHERE `+inIDs, on, idList(ids))
		return err
	})
	if err != nil {
		return fmt.Errorf("set %s: %w", column, err)
	}
	var errs []error
	for _, r := range renames {
		if err := s.renameFlags(r.unique, r.new, r.old); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		// The index is already right; the files catch up at the next check.
		return fmt.Errorf("set %s: rename message files (run popterm check): %w", column, errors.Join(errs...))
	}
	return nil
}

// renameFlags gives a stored file the suffix of want.
func (s *Store) renameFlags(unique string, want flags, guesses ...flags) error {
	target := s.curPath(unique, want)
	cur, err := s.locate(unique, append([]flags{want}, guesses...)...)
	if err != nil {
		return err
	}
	if cur == target {
		return nil
	}
	if err := os.Rename(cur, target); err != nil {
		return err
	}
	return syncDir(s.path(maildirName, "cur"))
}

// Remove drops messages (after a committed user deletion): row and file.
// The files are named in a tombstone table in the same transaction that
// drops the rows, so a crash before they are unlinked is finished by Check.
func (s *Store) Remove(ctx context.Context, ids []int64) error {
	if err := s.writable(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var files []string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT file FROM messages WHERE file != '' AND `+inIDs, idList(ids))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f string
			if err := rows.Scan(&f); err != nil {
				return err
			}
			files = append(files, f)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, f := range files {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO removed_files (file) VALUES (?)`, f); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM search WHERE rowid IN (SELECT value FROM json_each(?))`, idList(ids)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM search_words WHERE rowid IN
			(SELECT id FROM messages WHERE body_indexed = 1 AND `+inIDs+`)`, idList(ids)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM messages WHERE `+inIDs, idList(ids))
		return err
	})
	if err != nil {
		return fmt.Errorf("remove messages: %w", err)
	}
	if err := s.unlinkRemoved(ctx, files); err != nil {
		return fmt.Errorf("remove message files (run popterm check): %w", err)
	}
	return nil
}

// dropTombstones deletes the tombstones of files whose removal is done, in
// one transaction.
func (s *Store) dropTombstones(ctx context.Context, files []string) error {
	if len(files) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, f := range files {
			if _, err := tx.ExecContext(ctx, `DELETE FROM removed_files WHERE file = ?`, f); err != nil {
				return err
			}
		}
		return nil
	})
}

// unlinkRemoved deletes the files of removed messages and then their
// tombstones.
func (s *Store) unlinkRemoved(ctx context.Context, files []string) error {
	var done []string
	var errs []error
	for _, f := range files {
		p, err := s.locate(f)
		if err == nil {
			err = os.Remove(p)
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		done = append(done, f)
	}
	if len(done) > 0 {
		if err := syncDir(s.path(maildirName, "cur")); err != nil {
			return err
		}
		if err := s.dropTombstones(ctx, done); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Stats are the counts a status bar shows.
type Stats struct {
	Total, Unseen, Deleted, Cached int
}

// Stats counts messages.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(seen = 0), 0),
		coalesce(sum(deleted), 0), coalesce(sum(cached), 0) FROM messages`).
		Scan(&st.Total, &st.Unseen, &st.Deleted, &st.Cached)
	if err != nil {
		return st, fmt.Errorf("count messages: %w", err)
	}
	return st, nil
}

// Marked counts the messages marked for deletion (Stats.Deleted) without
// reading the others.
func (s *Store) Marked(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE deleted = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count marked messages: %w", err)
	}
	return n, nil
}

// MaxID returns the highest message ID in the store (0 when empty), so a
// listing printed in parts can size its ID column once.
func (s *Store) MaxID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM messages`).Scan(&id); err != nil {
		return 0, fmt.Errorf("highest message ID: %w", err)
	}
	return id, nil
}

// Meta reads a small per-account value (last sync time, warnings shown); ""
// when it was never set.
func (s *Store) Meta(key string) (string, error) {
	var v string
	err := s.db.QueryRow(`SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", key, err)
	}
	return v, nil
}

// SetMeta writes a small per-account value.
func (s *Store) SetMeta(key, value string) error {
	if err := s.writable(); err != nil {
		return err
	}
	_, err := s.db.Exec(`INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}
