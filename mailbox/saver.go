package mailbox

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/popterm/popterm/cache"
)

// saver stores downloaded bodies with the store's group commit: each body is
// written to the Maildir as it streams in, and a committer makes batches of
// them durable while the next ones arrive. Every committed batch wakes the
// body indexer, which indexes the text for search beside the download.
type saver struct {
	batch *cache.Batch
}

// newSaver returns a saver storing into store under ctx; committed batches
// wake bix.
func newSaver(ctx context.Context, store *cache.Store, bix *bodyIndexer) (*saver, error) {
	b, err := store.NewBatch(ctx, func([]int64) { bix.kick() })
	if err != nil {
		return nil, fmt.Errorf("store bodies: %w", err)
	}
	return &saver{batch: b}, nil
}

// save streams body into the store as message id. It returns once body has
// been read to its end; the commit follows in the background.
func (sv *saver) save(id int64, body io.Reader) error {
	return sv.batch.Save(id, body)
}

// wait commits what is left and returns how many bodies were stored and the
// first error.
func (sv *saver) wait() (int, error) {
	return sv.batch.Close()
}

// bodyIndexer indexes stored bodies for search on its own goroutine, woken
// by each committed batch, until the store has none left to index. It
// starts with what an earlier, interrupted sync left undone.
type bodyIndexer struct {
	wake chan struct{}
	stop chan struct{}
	done chan struct{}

	mu  sync.Mutex
	err error
}

// startBodyIndexer starts indexing the store's unindexed bodies.
func startBodyIndexer(ctx context.Context, store *cache.Store) *bodyIndexer {
	bix := &bodyIndexer{wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	bix.kick()
	go bix.run(ctx, store)
	return bix
}

func (bix *bodyIndexer) run(ctx context.Context, store *cache.Store) {
	defer close(bix.done)
	for {
		select {
		case <-bix.wake:
		case <-bix.stop:
			bix.catchUp(ctx, store) // bodies committed after the last wake
			return
		}
		if !bix.catchUp(ctx, store) {
			<-bix.stop
			return
		}
	}
}

// catchUp indexes until nothing is left; false after an error.
func (bix *bodyIndexer) catchUp(ctx context.Context, store *cache.Store) bool {
	for {
		n, err := store.IndexBodies(ctx, 0)
		if err != nil {
			bix.mu.Lock()
			if bix.err == nil {
				bix.err = err
			}
			bix.mu.Unlock()
			return false
		}
		if n == 0 {
			return true
		}
	}
}

// kick wakes the indexer: there are new bodies.
func (bix *bodyIndexer) kick() {
	select {
	case bix.wake <- struct{}{}:
	default:
	}
}

// wait lets the indexer finish what is stored and returns its first error.
func (bix *bodyIndexer) wait() error {
	close(bix.stop)
	<-bix.done
	bix.mu.Lock()
	defer bix.mu.Unlock()
	return bix.err
}
