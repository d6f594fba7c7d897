package mailbox

import (
	"context"
	"fmt"
	"sync"

	"github.com/popterm/popterm/cache"
)

// indexer adds batches of new messages to the store on its own goroutine, so
// the network keeps reading headers while SQLite indexes the last batch.
// Each batch is one transaction (one fsync of the WAL).
type indexer struct {
	ch   chan []cache.NewMessage
	done chan struct{}

	mu    sync.Mutex
	err   error
	added int
}

// startIndexer starts the goroutine; call wait to finish it.
func startIndexer(ctx context.Context, store *cache.Store) *indexer {
	ix := &indexer{ch: make(chan []cache.NewMessage), done: make(chan struct{})}
	go func() {
		defer close(ix.done)
		for batch := range ix.ch {
			if ix.failed() != nil {
				continue
			}
			_, err := store.Add(ctx, batch)
			ix.mu.Lock()
			if err != nil {
				ix.err = fmt.Errorf("index %d new messages: %w", len(batch), err)
			} else {
				ix.added += len(batch)
			}
			ix.mu.Unlock()
		}
	}()
	return ix
}

// failed returns the first indexing error.
func (ix *indexer) failed() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.err
}

// offer hands a batch to the indexer when it is idle and reports whether it
// took it; with wait, it waits until the indexer takes it. The caller keeps
// adding to a batch that was not taken, so the batches grow while SQLite
// is slower than the network and the network never waits for it.
func (ix *indexer) offer(batch []cache.NewMessage, wait bool) (bool, error) {
	if err := ix.failed(); err != nil {
		return false, err
	}
	if wait {
		ix.ch <- batch
		return true, nil
	}
	select {
	case ix.ch <- batch:
		return true, nil
	default:
		return false, nil
	}
}

// wait indexes what is queued and returns how many were added and the first
// error. The indexer cannot be used afterwards.
func (ix *indexer) wait() (int, error) {
	close(ix.ch)
	<-ix.done
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.added, ix.err
}

// UnindexedBodies counts stored bodies the search index does not cover yet
// (a sync indexes them beside its download, and resumes after a kill):
// while it is not 0, a search may miss messages by their body text, which
// the reader and list --search say.
func (e *Engine) UnindexedBodies(ctx context.Context) (int, error) {
	return e.store.UnindexedBodies(ctx)
}
