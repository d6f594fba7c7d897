package mailbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/pattern"
)

// ErrFolderReadOnly is returned for changes to a local folder's messages:
// the reader shows local folders read-only.
var ErrFolderReadOnly = errors.New("local folders are read-only here: open the folder in a Maildir tool to change it")

// Folder is a local folder of the account (a Maildir++ folder of its
// store) opened for reading, with the same methods the reader uses on an
// Engine. Its messages are read from the store's index of the folder (and
// searched as the inbox is), and numbered by their rows there, which stay
// while the file does. A read-only store whose folder rows are behind the
// files (another popterm holds the account and has not indexed them yet)
// reads the files instead, numbered by their position at the last List.
type Folder struct {
	name  string
	dir   string
	store *cache.Store // the folder's own read-only handle on the store
	scan  bool         // read the files, not the index

	mu   sync.Mutex
	msgs []cache.FolderMessage // the last List's files, when scan
}

// OpenFolder opens the local folder name of the account for reading,
// bringing its index in line with its files first (files another program
// wrote, or a popterm killed between moving a file and indexing it). The
// folder reads the store through its own read-only handle, so it outlives
// the engine (the reader closes the Inbox's engine when it shows a
// folder): close it.
func (e *Engine) OpenFolder(name string) (*Folder, error) {
	return openFolder(e.store, name)
}

// openFolder opens folder name of the store that from belongs to.
func openFolder(from *cache.Store, name string) (*Folder, error) {
	dir, err := from.FolderPath(name)
	if err != nil {
		return nil, classified(err)
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, classified(fmt.Errorf("open folder %s: %w", name, err))
	}
	ctx := context.Background()
	if !from.ReadOnly() {
		if _, err := from.IndexFolder(ctx, name); err != nil {
			return nil, classified(fmt.Errorf("open folder %s: %w", name, err))
		}
	}
	store, err := cache.Open(from.Dir(), cache.Options{ReadOnly: true})
	if err != nil {
		return nil, classified(fmt.Errorf("open folder %s: %w", name, err))
	}
	rep, err := store.FolderStatus(ctx, name)
	return &Folder{name: name, dir: dir, store: store, scan: err != nil || rep.Changed()}, nil
}

// OpenFolder opens another local folder of the same account (read-only:
// its index is brought up to date when the account's engine opens it).
func (f *Folder) OpenFolder(name string) (*Folder, error) {
	return openFolder(f.store, name)
}

// Name is the folder's name.
func (f *Folder) Name() string { return f.name }

// List returns the folder's messages newest first; q.Search keeps those
// with every word in their subject, addresses or text, as in the inbox.
func (f *Folder) List(ctx context.Context, q Query) ([]Summary, error) {
	if f.scan {
		return f.scanList(q)
	}
	ms, err := f.store.ListFolder(ctx, f.name, cache.Query{Search: q.Search, Limit: q.Limit, Offset: q.Offset})
	if err != nil {
		return nil, classified(err)
	}
	out := make([]Summary, len(ms))
	for i, m := range ms {
		out[i] = summary(m)
	}
	return out, nil
}

// scanList is List reading the files (see Folder): q.Search matches
// subjects and addresses only.
func (f *Folder) scanList(q Query) ([]Summary, error) {
	msgs, err := cache.ReadFolder(f.dir)
	if err != nil {
		return nil, classified(err)
	}
	f.mu.Lock()
	f.msgs = msgs
	f.mu.Unlock()
	words := strings.Fields(strings.ToLower(q.Search))
	var out []Summary
	for _, m := range msgs {
		hay := strings.ToLower(m.Subject + " " + m.From + " " + strings.Join(m.To, " ") + " " + strings.Join(m.Cc, " "))
		if !containsAll(hay, words) {
			continue
		}
		out = append(out, summary(m.Message))
	}
	sortNewest(out)
	if q.Offset > 0 {
		out = out[min(q.Offset, len(out)):]
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

func containsAll(hay string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// Stats counts the folder's messages.
func (f *Folder) Stats(ctx context.Context) (Stats, error) {
	if !f.scan {
		total, unseen, deleted, err := f.store.CountFolder(ctx, f.name, cache.Query{})
		if err != nil {
			return Stats{}, classified(err)
		}
		return Stats{Total: total, Cached: total, Unseen: unseen, Deleted: deleted}, nil
	}
	msgs, err := cache.ReadFolder(f.dir)
	if err != nil {
		return Stats{}, classified(err)
	}
	st := Stats{Total: len(msgs), Cached: len(msgs)}
	for _, m := range msgs {
		if !m.Seen {
			st.Unseen++
		}
		if m.Deleted {
			st.Deleted++
		}
	}
	return st, nil
}

// Sync has nothing to do: a local folder has no server.
func (f *Folder) Sync(ctx context.Context, opts SyncOptions) (Result, error) {
	return Result{}, f.noServer()
}

// Commit has nothing to do: a local folder has no server.
func (f *Folder) Commit(ctx context.Context, progress func(Progress)) (CommitResult, error) {
	return CommitResult{}, f.noServer()
}

func (f *Folder) noServer() error {
	return &Error{Kind: KindOther, Msg: fmt.Sprintf("folder %s is local: there is no server to sync with", f.name)}
}

// path is the file of message id.
func (f *Folder) path(id int64) (cache.FolderMessage, error) {
	if !f.scan {
		m, p, err := f.store.FolderFile(context.Background(), f.name, id)
		if errors.Is(err, cache.ErrNotFound) {
			return cache.FolderMessage{}, &Error{Kind: KindNotFound, Msg: fmt.Sprintf("no message %d in folder %s", id, f.name)}
		}
		if err != nil {
			return cache.FolderMessage{}, classified(err)
		}
		return cache.FolderMessage{Message: m, Path: p}, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if id < 1 || id > int64(len(f.msgs)) {
		return cache.FolderMessage{}, &Error{Kind: KindNotFound, Msg: fmt.Sprintf("no message %d in folder %s", id, f.name)}
	}
	return f.msgs[id-1], nil
}

// Body opens a message's file.
func (f *Folder) Body(ctx context.Context, id int64) (io.ReadCloser, error) {
	m, err := f.path(id)
	if err != nil {
		return nil, err
	}
	rc, err := os.Open(m.Path)
	if err != nil {
		return nil, classified(fmt.Errorf("open message %d of folder %s: %w", id, f.name, err))
	}
	return rc, nil
}

// Open renders a message (its Seen flag is left as it is).
func (f *Folder) Open(ctx context.Context, id int64, opts message.Options) (*message.Message, error) {
	rc, err := f.Body(ctx, id)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	m, err := message.Parse(rc, opts)
	if err != nil {
		return nil, classified(fmt.Errorf("read message %d of folder %s: %w", id, f.name, err))
	}
	return m, nil
}

// MarkDeleted is refused: ErrFolderReadOnly.
func (f *Folder) MarkDeleted(ctx context.Context, ids []int64, deleted bool) error {
	return classified(ErrFolderReadOnly)
}

// MarkFlagged is refused: ErrFolderReadOnly.
func (f *Folder) MarkFlagged(ctx context.Context, ids []int64, flagged bool) error {
	return classified(ErrFolderReadOnly)
}

// MarkSeen is refused: ErrFolderReadOnly.
func (f *Folder) MarkSeen(ctx context.Context, ids []int64, seen bool) error {
	return classified(ErrFolderReadOnly)
}

// LastSync is zero: a folder never syncs.
func (f *Folder) LastSync() time.Time { return time.Time{} }

// Close closes the folder's handle on the store.
func (f *Folder) Close() error { return classified(f.store.Close()) }

// Save copies messages of the folder, as Engine.Save does.
func (f *Folder) Save(ctx context.Context, ids []int64, target string) (string, error) {
	where, err := save(ctx, f, f.store, ids, target)
	return where, classified(err)
}

func (f *Folder) row(id int64) (cache.Message, error) {
	m, err := f.path(id)
	return m.Message, err
}

func (f *Folder) body(ctx context.Context, id int64) (io.ReadCloser, error) { return f.Body(ctx, id) }

// Folders lists the account's local folders.
func (f *Folder) Folders() ([]string, error) {
	names, err := f.store.Folders()
	return names, classified(err)
}

// Filter matches the folder's messages against a pattern; ~b and plain
// words search as List does.
func (f *Folder) Filter(ctx context.Context, p *pattern.Pattern, tagged func(id int64) bool) (func(*Summary) bool, error) {
	return pattern.Filter(ctx, f.List, p, tagged)
}
