package cache

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
	"unicode/utf8"

	"github.com/popterm/popterm/message"
)

// maxSearchText bounds the body text indexed for one message.
const maxSearchText = 128 << 10

// maxSearchInput bounds what bodyText reads of a stored message: text parts
// come first, and decoding the attachments after them (often megabytes of
// base64) only to throw them away was most of the indexer's time.
const maxSearchInput = 256 << 10

// SaveBody streams one body into Maildir tmp/, fsyncs, renames it into cur/
// and only then marks the row cached, then indexes its text for search.
// CRLF becomes LF; bare CRs stay. A failed or cancelled read leaves nothing
// behind. When the body is already stored, SaveBody returns nil without
// reading body (POP3 never changes a message under one UIDL). Many bodies in
// a row go faster through a Batch.
func (s *Store) SaveBody(ctx context.Context, id int64, body io.Reader) error {
	if err := s.writable(); err != nil {
		return err
	}
	m, err := s.Get(id)
	if err != nil {
		return fmt.Errorf("save body: %w", err)
	}
	if m.Cached {
		return nil
	}
	w, err := s.writeBody(ctx, id, body)
	if err != nil {
		return fmt.Errorf("save body of message %d: %w", id, err)
	}
	if err := w.sync(); err != nil {
		w.discard()
		return fmt.Errorf("save body of message %d: %w", id, err)
	}
	stored, err := s.commitBodies(ctx, []*written{w})
	if err != nil {
		return fmt.Errorf("save body of message %d: %w", id, err)
	}
	if len(stored) == 0 { // stored meanwhile, or removed
		if _, err := s.Get(id); err != nil {
			return fmt.Errorf("save body: %w", err)
		}
		return nil
	}
	if err := s.indexBodies(ctx, []int64{id}); err != nil {
		return fmt.Errorf("index body of message %d: %w", id, err)
	}
	return nil
}

// written is a body written to tmp/ and not yet renamed into cur/.
type written struct {
	id     int64
	unique string
	tmp    string
	size   int64
	f      *os.File // open until synced
}

// writeBody writes body to a new file in tmp/ with LF line ends. It does
// not fsync: sync does, so that a batch can sync many files together.
func (s *Store) writeBody(ctx context.Context, id int64, body io.Reader) (*written, error) {
	unique, err := s.newUniqueName(id)
	if err != nil {
		return nil, err
	}
	w := &written{id: id, unique: unique, tmp: s.path(maildirName, "tmp", unique)}
	f, err := os.OpenFile(w.tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return nil, err
	}
	w.f = f
	if err := w.copy(ctx, body); err != nil {
		w.discard()
		return nil, err
	}
	return w, nil
}

// copy streams body into the file.
func (w *written) copy(ctx context.Context, body io.Reader) error {
	if err := w.f.Chmod(filePerm); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w.f, 64<<10)
	lw := &lfWriter{w: bw}
	if _, err := io.Copy(lw, ctxReader{ctx, body}); err != nil {
		return err
	}
	if err := lw.Flush(); err != nil {
		return err
	}
	w.size = lw.n
	return bw.Flush()
}

// sync makes the file durable and closes it.
func (w *written) sync() error {
	err := w.f.Sync()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	w.f = nil
	return err
}

// discard closes and removes the tmp file.
func (w *written) discard() {
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
	os.Remove(w.tmp)
}

// ctxReader fails reads once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// bodyText renders the stored message for the search index. A message that
// cannot be parsed is still stored; it is just not searchable by body.
func bodyText(path string) (text string, attachments bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	// The text alone: attachments are skipped undecoded.
	text, attachments, err = message.SearchText(io.LimitReader(f, maxSearchInput))
	if err != nil {
		return "", false
	}
	if len(text) > maxSearchText {
		n := maxSearchText
		for n > 0 && !utf8.RuneStart(text[n]) {
			n--
		}
		text = text[:n]
	}
	return text, attachments
}

// commitBodies renames synced tmp files into cur/ with their rows' flags,
// fsyncs cur/ once, and only then marks the rows cached in one transaction.
// A row already cached (stored meanwhile) keeps its file and the new one is
// dropped. It returns the IDs it stored. On failure nothing is marked and
// the renamed files are removed again, so cached=1 stays the only way a
// complete file is known; the bodies can be fetched again.
func (s *Store) commitBodies(ctx context.Context, ws []*written) ([]int64, error) {
	defer func() {
		for _, w := range ws {
			os.Remove(w.tmp) // still there only when not renamed
		}
	}()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ids := make([]int64, len(ws))
	for i, w := range ws {
		ids[i] = w.id
	}
	state, err := s.bodyState(ctx, ids)
	if err != nil {
		return nil, err
	}
	var (
		finals []string
		done   []*written
	)
	undo := func() {
		for _, p := range finals {
			os.Remove(p)
		}
	}
	for _, w := range ws {
		st, ok := state[w.id]
		if !ok || st.cached {
			continue // removed, or stored meanwhile
		}
		st.cached = true // a second copy in the same batch is dropped
		state[w.id] = st
		final := s.curPath(w.unique, st.f)
		if err := os.Rename(w.tmp, final); err != nil {
			undo()
			return nil, err
		}
		finals = append(finals, final)
		done = append(done, w)
	}
	if len(done) == 0 {
		return nil, nil
	}
	if err := syncDir(s.path(maildirName, "cur")); err != nil {
		undo()
		return nil, err
	}
	now := time.Now().UnixMilli()
	stored := make([]int64, 0, len(done))
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		up, err := tx.PrepareContext(ctx, `UPDATE messages SET cached = 1, file = ?, file_size = ?,
			downloaded_at = ?, body_indexed = 0 WHERE id = ? AND cached = 0`)
		if err != nil {
			return err
		}
		defer up.Close()
		for _, w := range done {
			res, err := up.ExecContext(ctx, w.unique, w.size, now, w.id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("message %d: %w", w.id, ErrNotFound)
			}
			stored = append(stored, w.id)
		}
		return nil
	})
	if err != nil {
		undo()
		return nil, err
	}
	return stored, nil
}

// rowState is what commitBodies needs of a row.
type rowState struct {
	cached bool
	f      flags
}

// bodyState reads cached and the flags of rows.
func (s *Store) bodyState(ctx context.Context, ids []int64) (map[int64]rowState, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, cached, seen, deleted, flagged, answered
		FROM messages WHERE `+inIDs, idList(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]rowState, len(ids))
	for rows.Next() {
		var (
			id int64
			st rowState
		)
		if err := rows.Scan(&id, &st.cached, &st.f.seen, &st.f.deleted, &st.f.flagged, &st.f.answered); err != nil {
			return nil, err
		}
		out[id] = st
	}
	return out, rows.Err()
}

// flagsOf returns the Maildir flags of a row.
func flagsOf(m Message) flags {
	return flags{seen: m.Seen, deleted: m.Deleted, flagged: m.Flagged, answered: m.Answered}
}

// inTx runs fn in a write transaction.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// OpenBody opens the stored body: ErrNotFound when there is no such message,
// ErrNoBody when its body has not been downloaded.
func (s *Store) OpenBody(id int64) (io.ReadCloser, error) {
	var (
		unique string
		cached bool
		f      flags
	)
	err := s.db.QueryRow(`SELECT file, cached, seen, deleted, flagged, answered FROM messages WHERE id = ?`, id).
		Scan(&unique, &cached, &f.seen, &f.deleted, &f.flagged, &f.answered)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("open body of message %d: %w", id, err)
	}
	if !cached {
		return nil, fmt.Errorf("message %d: %w", id, ErrNoBody)
	}
	if file, err := os.Open(s.curPath(unique, f)); err == nil {
		return file, nil
	}
	p, err := s.locate(unique)
	if err != nil {
		return nil, fmt.Errorf("open body of message %d: its file is missing (%w): run popterm check", id, err)
	}
	file, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("open body of message %d: %w", id, err)
	}
	return file, nil
}
