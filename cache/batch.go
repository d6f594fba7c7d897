package cache

import (
	"context"
	"fmt"
	"io"
	"sync"
)

// Limits of one group commit. The committer takes whatever was written while
// it finished the previous batch, up to these; writers wait when this much
// is already waiting (so a slow disk slows the download, not the memory).
const (
	batchMaxFiles = 256
	batchMaxBytes = 32 << 20
)

// Batch stores many bodies with group commit: Save writes each body to
// Maildir tmp/ (no fsync) and returns; a committer goroutine then fsyncs the
// waiting files, renames them into cur/, fsyncs cur/ once and marks them
// cached in one transaction, so a body costs a fraction of a folder fsync and
// of a transaction. The guarantees of SaveBody hold: a row says cached only
// when its file is complete and durable, and a kill leaves at most files in
// tmp/ (removed at the next open) or renamed files not yet recorded (adopted
// at the next open). Bodies are not indexed for search: IndexBodies does
// that beside the download.
type Batch struct {
	s         *Store
	ctx       context.Context
	committed func(ids []int64)

	mu      sync.Mutex
	cond    *sync.Cond // signalled when the queue or closing changes
	queue   []*written
	bytes   int64
	closing bool
	err     error
	saved   int
	done    chan struct{}
}

// NewBatch starts a group commit into the store. committed, when not nil, is
// called on the committer goroutine with the IDs of each batch once they are
// durable. Call Close to commit the rest and stop.
func (s *Store) NewBatch(ctx context.Context, committed func(ids []int64)) (*Batch, error) {
	if err := s.writable(); err != nil {
		return nil, err
	}
	b := &Batch{s: s, ctx: ctx, committed: committed, done: make(chan struct{})}
	b.cond = sync.NewCond(&b.mu)
	go b.run()
	return b, nil
}

// Save writes body to tmp/ as message id and queues it for the next commit.
// It returns once body has been read to its end; the error is the write's,
// or the first error of an earlier commit (then nothing more is stored).
func (b *Batch) Save(id int64, body io.Reader) error {
	b.mu.Lock()
	for b.err == nil && !b.closing && (len(b.queue) >= batchMaxFiles || b.bytes >= batchMaxBytes) {
		b.cond.Wait()
	}
	err := b.err
	if b.closing && err == nil {
		err = fmt.Errorf("save body of message %d: the batch is closed", id)
	}
	b.mu.Unlock()
	if err != nil {
		return err
	}
	w, err := b.s.writeBody(b.ctx, id, body)
	if err != nil {
		return fmt.Errorf("save body of message %d: %w", id, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		w.discard()
		return b.err
	}
	b.queue = append(b.queue, w)
	b.bytes += w.size
	b.cond.Broadcast()
	return nil
}

// Close commits what is queued, stops the committer and returns how many
// bodies were stored and the first error.
func (b *Batch) Close() (int, error) {
	b.mu.Lock()
	b.closing = true
	b.cond.Broadcast()
	b.mu.Unlock()
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.saved, b.err
}

// run is the committer.
func (b *Batch) run() {
	defer close(b.done)
	for {
		b.mu.Lock()
		for len(b.queue) == 0 && !b.closing {
			b.cond.Wait()
		}
		if len(b.queue) == 0 {
			b.mu.Unlock()
			return
		}
		ws := b.queue
		b.queue, b.bytes = nil, 0
		b.cond.Broadcast()
		failed := b.err != nil
		b.mu.Unlock()
		if failed {
			for _, w := range ws {
				w.discard()
			}
			continue
		}
		ids, err := b.commit(ws)
		b.mu.Lock()
		if err != nil && b.err == nil {
			b.err = err
		}
		b.saved += len(ids)
		b.cond.Broadcast()
		b.mu.Unlock()
		if len(ids) > 0 && b.committed != nil {
			b.committed(ids)
		}
	}
}

// commit makes one batch durable: every file's data, then the renames.
func (b *Batch) commit(ws []*written) ([]int64, error) {
	if err := syncWritten(b.s.path(maildirName, "tmp"), ws); err != nil {
		for _, w := range ws {
			w.discard()
		}
		return nil, fmt.Errorf("save %d bodies: %w", len(ws), err)
	}
	ids, err := b.s.commitBodies(b.ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("save %d bodies: %w", len(ws), err)
	}
	return ids, nil
}
