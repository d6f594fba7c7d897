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

// maxSearchText bounds the body text indexed for one message: the trigram
// index takes about five times the text it covers.
const maxSearchText = 128 << 10

// SaveBody streams a body into Maildir tmp/, fsyncs, renames it into cur/ and
// only then marks the row cached (with its text in the search index). CRLF
// becomes LF; bare CRs stay. A failed or cancelled read leaves nothing
// behind. When the body is already stored, SaveBody returns nil without
// reading body (POP3 never changes a message under one UIDL).
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
	unique, err := s.newUniqueName(id)
	if err != nil {
		return fmt.Errorf("save body of message %d: %w", id, err)
	}
	tmp := s.path(maildirName, "tmp", unique)
	size, err := writeTmp(ctx, tmp, body)
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save body of message %d: %w", id, err)
	}
	text, attach := bodyText(tmp)

	s.mu.Lock()
	err = s.commitBody(ctx, id, unique, tmp, size, text, attach)
	s.mu.Unlock()
	os.Remove(tmp) // still there only if it was not renamed into cur/
	if err != nil {
		return fmt.Errorf("save body of message %d: %w", id, err)
	}
	return nil
}

// writeTmp writes body to a new file at path with LF line ends and fsyncs it.
func writeTmp(ctx context.Context, path string, body io.Reader) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := f.Chmod(filePerm); err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	lw := &lfWriter{w: bw}
	if _, err := io.Copy(lw, ctxReader{ctx, body}); err != nil {
		return 0, err
	}
	if err := lw.Flush(); err != nil {
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	return lw.n, f.Close()
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
	msg, err := message.Parse(f, message.Options{})
	if err != nil || msg == nil {
		return "", false
	}
	text = msg.Text()
	if len(text) > maxSearchText {
		n := maxSearchText
		for n > 0 && !utf8.RuneStart(text[n]) {
			n--
		}
		text = text[:n]
	}
	return text, len(msg.Attachments) > 0
}

// commitBody renames the written tmp file into cur/ with the row's flags,
// fsyncs the folder, and only then marks the row cached. The caller holds
// s.mu, so the flags cannot change in between.
func (s *Store) commitBody(ctx context.Context, id int64, unique, tmp string, size int64, text string, attach bool) error {
	m, err := s.Get(id)
	if err != nil {
		return err
	}
	if m.Cached { // a concurrent SaveBody stored it first
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	final := s.curPath(unique, flagsOf(m))
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	if err := syncDir(s.path(maildirName, "cur")); err != nil {
		os.Remove(final)
		return err
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE messages SET cached = 1, file = ?, file_size = ?,
			downloaded_at = ?, has_attachments = has_attachments OR ? WHERE id = ? AND cached = 0`,
			unique, size, time.Now().UnixMilli(), attach, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotFound
		}
		_, err = tx.ExecContext(ctx, `UPDATE search SET body = ? WHERE rowid = ?`, text, id)
		return err
	})
	if err != nil {
		// Nothing refers to the file: drop it so cached=1 stays the only way
		// a complete file is known. The body can be fetched again.
		os.Remove(final)
		return err
	}
	return nil
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
