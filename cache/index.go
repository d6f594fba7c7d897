package cache

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"
)

// indexChunk is how many bodies IndexBodies indexes per transaction.
const indexChunk = 100

// maxIndexWorkers bounds the goroutines that render bodies for the index.
const maxIndexWorkers = 4

// IndexBodies indexes for search up to max stored bodies that are not
// indexed yet (oldest first; max <= 0: a default chunk), reading their text
// from the Maildir, and returns how many it indexed; 0 means the index has
// caught up. It is safe beside downloads and resumes where a killed run
// stopped: the rows say what is done.
func (s *Store) IndexBodies(ctx context.Context, max int) (int, error) {
	if err := s.writable(); err != nil {
		return 0, err
	}
	if max <= 0 {
		max = indexChunk
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM messages WHERE cached = 1 AND body_indexed = 0
		ORDER BY id LIMIT ?`, max)
	if err != nil {
		return 0, fmt.Errorf("find bodies to index: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("find bodies to index: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("find bodies to index: %w", err)
	}
	if err := s.indexBodies(ctx, ids); err != nil {
		return 0, fmt.Errorf("index bodies: %w", err)
	}
	return len(ids), nil
}

// UnindexedBodies counts stored bodies not yet in the search index: while it
// is not 0, a search may miss messages by their body text ("results may be
// incomplete").
func (s *Store) UnindexedBodies(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE cached = 1 AND body_indexed = 0`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count bodies to index: %w", err)
	}
	return n, nil
}

// bodyDoc is one body's text for the index.
type bodyDoc struct {
	id        int64
	text, cjk string
	attach    bool
}

// indexBodies reads the bodies of ids (outside any transaction: parsing is
// the slow part) and indexes them in one transaction.
func (s *Store) indexBodies(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	paths, err := s.bodyPaths(ctx, ids)
	if err != nil {
		return err
	}
	// Rendering is the slow part and each body is independent: use the
	// cores there are, while the download uses its own goroutines.
	docs := make([]bodyDoc, len(ids))
	forEach(len(ids), func(i int) {
		// A missing file is indexed as empty: Check finds it and marks
		// the row not downloaded, which takes it out of the index again.
		d := bodyDoc{id: ids[i]}
		if p, ok := paths[d.id]; ok {
			d.text, d.attach = bodyText(p)
			d.cjk = cjkRuns(d.text)
		}
		docs[i] = d
	})
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, d := range docs {
			if err := indexDoc(ctx, tx, d); err != nil {
				return fmt.Errorf("message %d: %w", d.id, err)
			}
		}
		return nil
	})
}

// indexDoc indexes one body unless it is indexed already or no longer
// stored (the row changed since it was read).
func indexDoc(ctx context.Context, tx *sql.Tx, d bodyDoc) error {
	res, err := tx.ExecContext(ctx, `UPDATE messages SET body_indexed = 1,
		has_attachments = has_attachments OR ? WHERE id = ? AND cached = 1 AND body_indexed = 0`, d.attach, d.id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO search_words (rowid, body) VALUES (?, ?)`, d.id, d.text); err != nil {
		return err
	}
	if d.cjk == "" {
		return nil
	}
	// A contentless table updates whole rows only.
	_, err = tx.ExecContext(ctx, `UPDATE search SET (subject, addrs, cjk) =
		(SELECT subject, `+addrsExpr+`, ? FROM messages WHERE id = ?) WHERE rowid = ?`, d.cjk, d.id, d.id)
	return err
}

// unindexBody takes a body out of the search index (it is no longer
// stored), in tx.
func unindexBody(ctx context.Context, tx *sql.Tx, id int64) error {
	var indexed bool
	if err := tx.QueryRowContext(ctx, `SELECT body_indexed FROM messages WHERE id = ?`, id).Scan(&indexed); err != nil || !indexed {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_words WHERE rowid = ?`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE search SET (subject, addrs, cjk) =
		(SELECT subject, `+addrsExpr+`, '' FROM messages WHERE id = ?) WHERE rowid = ?`, id, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE messages SET body_indexed = 0 WHERE id = ?`, id)
	return err
}

// bodyPaths finds the stored files of cached rows; rows without a file
// are left out.
func (s *Store) bodyPaths(ctx context.Context, ids []int64) (map[int64]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, file, seen, deleted, flagged, answered FROM messages
		WHERE cached = 1 AND `+inIDs, idList(ids))
	if err != nil {
		return nil, fmt.Errorf("find stored bodies: %w", err)
	}
	type row struct {
		id     int64
		unique string
		f      flags
	}
	var found []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.unique, &r.f.seen, &r.f.deleted, &r.f.flagged, &r.f.answered); err != nil {
			rows.Close()
			return nil, fmt.Errorf("find stored bodies: %w", err)
		}
		found = append(found, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find stored bodies: %w", err)
	}
	out := make(map[int64]string, len(found))
	for _, r := range found {
		if p, err := s.locate(r.unique, r.f); err == nil {
			out[r.id] = p
		}
	}
	return out, nil
}

// cjkRuns returns the runs of Han, Hiragana, Katakana and Hangul in text,
// space separated: words there are not separated by spaces, so they go to
// the trigram index, which finds any substring of three or more characters.
func cjkRuns(text string) string {
	var b strings.Builder
	in := false
	for _, r := range text {
		// Below U+1100 (Hangul Jamo) there is none of these scripts: most
		// text never reaches the table lookups.
		if r >= 0x1100 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			b.WriteRune(r)
			in = true
			continue
		}
		if in {
			b.WriteByte(' ')
			in = false
		}
	}
	return strings.TrimSpace(b.String())
}
