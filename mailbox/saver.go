package mailbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/popterm/popterm/cache"
)

// saveWorkers is how many bodies may be in the store's hands at once (being
// fsynced, renamed and indexed) while the next ones stream in.
const saveWorkers = 4

// errNotRead: the store returned without reading the body (already stored).
var errNotRead = errors.New("body not read by the store")

// saver hands bodies to the store on their own goroutines. The caller
// streams each body through a pipe, so no body is ever whole in memory, and
// moves on to the next message as soon as the bytes are written, while the
// store fsyncs and indexes the previous ones.
type saver struct {
	ctx   context.Context
	store *cache.Store
	slots chan struct{}
	wg    sync.WaitGroup

	mu    sync.Mutex
	err   error
	saved int
}

// newSaver returns a saver storing into store under ctx.
func newSaver(ctx context.Context, store *cache.Store) *saver {
	return &saver{ctx: ctx, store: store, slots: make(chan struct{}, saveWorkers)}
}

// failed returns the first error a save met.
func (sv *saver) failed() error {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	return sv.err
}

// save streams body into the store as message id. It returns once body has
// been read to its end (or failed); the store finishes in the background.
func (sv *saver) save(id int64, body io.Reader) error {
	if err := sv.failed(); err != nil {
		return err
	}
	sv.slots <- struct{}{}
	pr, pw := io.Pipe()
	sv.wg.Add(1)
	go func() {
		defer sv.wg.Done()
		defer func() { <-sv.slots }()
		err := sv.store.SaveBody(sv.ctx, id, pr)
		pr.CloseWithError(errNotRead) // unblocks the writer if the store stopped reading
		sv.mu.Lock()
		defer sv.mu.Unlock()
		if err != nil && sv.err == nil {
			sv.err = fmt.Errorf("store message %d: %w", id, err)
		} else if err == nil {
			sv.saved++
		}
	}()
	_, err := io.Copy(pw, body)
	pw.CloseWithError(err) // nil: the store reads EOF and commits
	if err != nil && !errors.Is(err, errNotRead) {
		sv.wg.Wait()
		if ferr := sv.failed(); ferr != nil {
			return ferr
		}
		return fmt.Errorf("read message %d: %w", id, err)
	}
	return nil
}

// wait waits for the store to finish every body and returns how many were
// stored and the first error.
func (sv *saver) wait() (int, error) {
	sv.wg.Wait()
	sv.mu.Lock()
	defer sv.mu.Unlock()
	return sv.saved, sv.err
}
