package ui

import (
	"context"
	"fmt"
	"github.com/popterm/popterm/config"
	"os"
	"path/filepath"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
)

// The commands below are the reader's only I/O. Each runs outside Update
// and reports back with a message from msgs.go.

// firstPage is how many rows the quick first read of the index asks for,
// so the first frame does not wait for a whole large mailbox.
const firstPage = 300

// loadList reads the whole index for a search, compacted for the reader.
func loadList(ctx context.Context, eng Engine, session, gen int, search string) tea.Cmd {
	return func() tea.Msg {
		rows, err := eng.List(ctx, mailapi.Query{Search: search})
		return listMsg{session: session, gen: gen, rows: compactRows(rows), total: len(rows), unindexed: unindexed(ctx, eng, search), err: err}
	}
}

// indexLagger is an engine that says how many stored bodies its search
// index does not cover yet (mailbox.Engine: the body indexer runs beside
// the download and resumes after a kill).
type indexLagger interface {
	UnindexedBodies(ctx context.Context) (int, error)
}

// unindexed is how many stored bodies a search did not cover yet: 0 for
// no search, an engine that cannot tell, or an error (the search itself
// reports errors).
func unindexed(ctx context.Context, eng Engine, search string) int {
	l, ok := eng.(indexLagger)
	if search == "" || !ok {
		return 0
	}
	n, err := l.UnindexedBodies(ctx)
	if err != nil {
		return 0
	}
	return n
}

// counter is an engine that counts a search's results without reading
// them (mailbox.Engine): the reader then shows a search's whole count
// with its first page.
type counter interface {
	Count(ctx context.Context, q mailapi.Query) (int, error)
}

// loadPage reads the newest page of a search and, when the engine can
// count, the number of all its results at the same time, so that the first
// screen and the count show before the whole result is read.
func loadPage(ctx context.Context, eng Engine, session, gen int, search string) tea.Cmd {
	return func() tea.Msg {
		q := mailapi.Query{Search: search, Limit: firstPage}
		total, counted := -1, make(chan error, 1)
		if c, ok := eng.(counter); ok {
			go func() {
				n, err := c.Count(ctx, q)
				total = n
				counted <- err
			}()
		} else {
			counted <- nil
		}
		rows, err := eng.List(ctx, q)
		if cerr := <-counted; err == nil {
			err = cerr
		}
		msg := listMsg{session: session, gen: gen, rows: compactRows(rows), total: total, partial: len(rows) == firstPage, unindexed: unindexed(ctx, eng, search), err: err}
		if !msg.partial {
			msg.total = len(rows) // the page is the whole result
		}
		return msg
	}
}

func loadStats(ctx context.Context, eng Engine, session int) tea.Cmd {
	return func() tea.Msg {
		st, err := eng.Stats(ctx)
		return statsMsg{session: session, stats: st, lastSync: eng.LastSync(), err: err}
	}
}

// progressTo sends an operation's progress events to ch, dropping them
// when the reader lags behind (the next one carries the same information);
// done closes ch, which ends the waitProgress chain.
func progressTo(ch chan tea.Msg, session int) (progress func(mailapi.Progress), done func()) {
	var mu sync.Mutex
	closed := false
	progress = func(p mailapi.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if closed {
			return
		}
		select {
		case ch <- syncProgressMsg{session: session, p: p}:
		default:
		}
	}
	done = func() {
		mu.Lock()
		closed = true
		close(ch)
		mu.Unlock()
	}
	return progress, done
}

// runSync runs one sync, its progress going to ch.
// A mailer's outbox is flushed first, as every sync does.
func runSync(ctx context.Context, eng Engine, mailer Mailer, session int, commit bool, ch chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		var flushed *mailapi.Flushed
		if mailer != nil {
			if f, err := mailer.FlushOutbox(ctx, false); err == nil {
				flushed = &f
			}
		}
		progress, done := progressTo(ch, session)
		res, err := eng.Sync(ctx, mailapi.SyncOptions{Commit: commit, Progress: progress})
		done()
		return syncDoneMsg{session: session, commit: commit, res: res, err: err, flushed: flushed}
	}
}

// runCommit runs one commit (UIDL, DELE, QUIT), its progress going to ch.
func runCommit(ctx context.Context, eng Engine, session int, ch chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		progress, done := progressTo(ch, session)
		res, err := eng.Commit(ctx, progress)
		done()
		return commitDoneMsg{session: session, res: res, err: err}
	}
}

// waitProgress delivers the next progress event; Update re-arms it.
func waitProgress(ch chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

func openMessage(ctx context.Context, eng Engine, session int, id int64, opts message.Options) tea.Cmd {
	return func() tea.Msg {
		msg, err := eng.Open(ctx, id, opts)
		return openedMsg{session: session, id: id, msg: msg, err: err}
	}
}

func markDeleted(ctx context.Context, eng Engine, session int, ids []int64, deleted bool) tea.Cmd {
	return func() tea.Msg {
		err := eng.MarkDeleted(ctx, ids, deleted)
		return markedMsg{session: session, ids: ids, deleted: deleted, err: err}
	}
}

// writeAttachmentTemp writes attachment index of message id into a new
// private folder (0700) as a file readable by the user only (0600), for an
// external viewer.
func writeAttachmentTemp(ctx context.Context, eng Engine, id int64, a message.Attachment) tea.Cmd {
	return func() tea.Msg {
		dir, err := os.MkdirTemp("", "popterm-")
		if err != nil {
			return attachmentReadyMsg{err: fmt.Errorf("making a temporary folder: %w", err)}
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return attachmentReadyMsg{err: fmt.Errorf("securing the temporary folder: %w", err)}
		}
		name := message.SafeFilename(a.Name)
		if name == "" || name == "." {
			name = fmt.Sprintf("attachment-%d", a.Index+1)
		}
		path := filepath.Join(dir, name)
		if err := writeAttachment(ctx, eng, id, a.Index, path); err != nil {
			os.RemoveAll(dir)
			return attachmentReadyMsg{err: err}
		}
		return attachmentReadyMsg{path: path}
	}
}

// writeAttachment writes one attachment to a new file (0600) at path.
func writeAttachment(ctx context.Context, eng Engine, id int64, index int, path string) error {
	raw, err := eng.Body(ctx, id)
	if err != nil {
		return fmt.Errorf("reading the message: %w", err)
	}
	defer raw.Close()
	return message.WriteAttachmentFile(raw, index, path)
}

// saveAttachment saves into a folder (under a safe, unused name) or to a
// file path, which must not exist. The target is a folder when it is one
// already or when it ends with a separator; such a folder is created
// (0700) when missing, since the user confirmed it in the prompt.
func saveAttachment(ctx context.Context, eng Engine, id int64, index int, target string) tea.Cmd {
	return func() tea.Msg {
		isDir := strings.HasSuffix(target, "/") || strings.HasSuffix(target, string(filepath.Separator))
		target := filepath.Clean(config.ExpandHome(target))
		if fi, err := os.Stat(target); err == nil && fi.IsDir() {
			isDir = true
		} else if err == nil {
			return savedMsg{err: fmt.Errorf("%s already exists; type another name, or a folder to save into", target)}
		}
		raw, err := eng.Body(ctx, id)
		if err != nil {
			return savedMsg{err: fmt.Errorf("reading the message: %w", err)}
		}
		defer raw.Close()
		if isDir {
			target += string(filepath.Separator)
		}
		path, err := message.SaveAttachmentTo(raw, index, target)
		if err != nil {
			return savedMsg{err: err}
		}
		return savedMsg{path: path}
	}
}

func openAccount(open func(string) (Account, error), name string) tea.Cmd {
	return func() tea.Msg {
		acct, err := open(name)
		return accountOpenedMsg{acct: acct, err: err}
	}
}

func closeEngine(eng Engine) tea.Cmd {
	return func() tea.Msg { return closedMsg{err: eng.Close()} }
}

func setPassword(set func(account, password string, keep bool) error, account, password string, keep bool) tea.Cmd {
	return func() tea.Msg {
		return passwordSetMsg{kept: keep, err: set(account, password, keep)}
	}
}
