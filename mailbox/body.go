package mailbox

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/pop3"
)

// keepAliveAfter is how long an on-demand session may sit unused before the
// engine checks it with NOOP (Microsoft drops idle sessions after ~60 s).
const keepAliveAfter = 30 * time.Second

// quitTimeout bounds the QUIT that closes an on-demand session.
const quitTimeout = 5 * time.Second

// errNotListed: the message is not in the session's listing.
var errNotListed = errors.New("not in the server's listing")

// session is the connection kept open for on-demand RETR. It never sends
// DELE, so closing it with QUIT commits nothing. Engine.mu guards it.
type session struct {
	c     *pop3.Client
	l     *listing
	used  time.Time
	timer *time.Timer
}

// Body opens the raw stored body, fetching it with RETR when not cached
// (reusing or opening a session) and storing it first.
func (e *Engine) Body(ctx context.Context, id int64) (io.ReadCloser, error) {
	rc, err := e.body(ctx, id)
	return rc, classified(err)
}

// body is Body with the store's and the protocol's errors as they are.
func (e *Engine) body(ctx context.Context, id int64) (io.ReadCloser, error) {
	rc, err := e.store.OpenBody(id)
	if err == nil {
		return rc, nil
	}
	if !errors.Is(err, cache.ErrNoBody) {
		return nil, fmt.Errorf("open message %d: %w", id, err)
	}
	m, err := e.store.Get(id)
	if err != nil {
		return nil, fmt.Errorf("message %d: %w", id, err)
	}
	if !m.OnServer {
		return nil, notOnServer(id)
	}
	if err := e.fetchBody(ctx, m); err != nil {
		return nil, err
	}
	rc, err = e.store.OpenBody(id)
	if err != nil {
		return nil, fmt.Errorf("open message %d: %w", id, err)
	}
	return rc, nil
}

// notOnServer is the error for a body that can no longer be had.
func notOnServer(id int64) error {
	return &Error{Kind: KindOther, Msg: fmt.Sprintf(
		"message %d is no longer on the server and its body was never downloaded", id)}
}

// fetchBody downloads m's body over the on-demand session, reconnecting once
// when a reused session turns out to be stale.
func (e *Engine) fetchBody(ctx context.Context, m cache.Message) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for attempt := 0; ; attempt++ {
		s, fresh, err := e.sessionLocked(ctx)
		if err != nil {
			return fmt.Errorf("download message %d: %w", m.ID, err)
		}
		err = e.retrInto(ctx, s, m)
		if err == nil {
			s.used = time.Now()
			s.timer.Reset(e.idle)
			return nil
		}
		if !isRefusal(err) || errors.Is(err, errNotListed) {
			e.dropLocked()
		}
		if fresh || attempt > 0 || ctx.Err() != nil || isRefusal(err) {
			if errors.Is(err, errNotListed) {
				return notOnServer(m.ID)
			}
			return fmt.Errorf("download message %d: %w", m.ID, err)
		}
	}
}

// retrInto fetches one message over s into the store.
func (e *Engine) retrInto(ctx context.Context, s *session, m cache.Message) error {
	n, ok := s.l.number(key{m.UIDL, m.Dup})
	if !ok {
		return errNotListed
	}
	// LIST n first: the client bounds a RETR reply by the size the server
	// claimed, so a broken or hostile server cannot stream gigabytes into
	// the store. A server that refuses LIST n just leaves the wider bound.
	if _, err := s.c.ListOne(ctx, n); err != nil && !isRefusal(err) {
		return fmt.Errorf("list %d: %w", n, err)
	}
	rc, err := s.c.Retr(ctx, n)
	if err != nil {
		return fmt.Errorf("retr %d: %w", n, err)
	}
	defer rc.Close()
	if err := e.store.SaveBody(ctx, m.ID, rc); err != nil {
		return fmt.Errorf("store message %d: %w", m.ID, err)
	}
	return nil
}

// sessionLocked returns the open session (checked with NOOP when it sat
// unused a while) or opens one; fresh reports a new one.
func (e *Engine) sessionLocked(ctx context.Context) (s *session, fresh bool, err error) {
	if e.sess != nil {
		if time.Since(e.sess.used) < keepAliveAfter {
			return e.sess, false, nil
		}
		if err := e.sess.c.Noop(ctx); err == nil {
			e.sess.used = time.Now()
			return e.sess, false, nil
		}
		e.dropLocked()
	}
	c, err := e.connect(ctx, SyncOptions{})
	if err != nil {
		return nil, false, err
	}
	l, err := sessionListing(ctx, c)
	if err != nil {
		c.Close()
		return nil, false, err
	}
	s = &session{c: c, l: l, used: time.Now()}
	s.timer = time.AfterFunc(e.idle, func() { e.idleClose(s) })
	e.sess = s
	return s, true, nil
}

// idleClose closes s when it has been unused for the idle period.
func (e *Engine) idleClose(s *session) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sess != s {
		return
	}
	if left := e.idle - time.Since(s.used); left > 0 {
		s.timer.Reset(left)
		return
	}
	e.dropLocked()
}

// dropLocked ends the on-demand session with QUIT (it never sent DELE).
func (e *Engine) dropLocked() {
	s := e.sess
	if s == nil {
		return
	}
	e.sess = nil
	s.timer.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), quitTimeout)
	defer cancel()
	if err := s.c.Quit(ctx); err != nil {
		s.c.Close()
	}
}

// closeSession ends the on-demand session, if any.
func (e *Engine) closeSession() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dropLocked()
}

// sessionListing maps message numbers to identities for a new session: by
// UIDL, or by header hash on a server without UIDL (which needs TOP).
func sessionListing(ctx context.Context, c *pop3.Client) (*listing, error) {
	pairs, ok, err := fetchUIDL(ctx, c)
	if err != nil {
		return nil, err
	}
	if ok {
		return newListing(pairs), nil
	}
	infos, err := c.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	sizes := make(map[int]int64, len(infos))
	nums := make([]int, len(infos))
	for i, in := range infos {
		sizes[in.Number] = in.Size
		nums[i] = in.Number
	}
	var hashed []pop3.UIDEntry
	err = c.TopMany(ctx, nums, 0, func(n int, body io.Reader, rerr error) error {
		if rerr != nil {
			return fmt.Errorf("top %d: %w", n, rerr)
		}
		hb, err := readHeader(bufio.NewReader(body))
		if err != nil {
			return fmt.Errorf("top %d: %w", n, err)
		}
		hashed = append(hashed, pop3.UIDEntry{Number: n, UID: hashIdentity(hb.header, sizes[n])})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("identify messages (no UIDL): %w", err)
	}
	return newListing(hashed), nil
}
