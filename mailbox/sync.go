package mailbox

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/pop3"
)

// addBatch is how many new messages are handed to the indexer at least at
// once, so the list fills while headers arrive; while the indexer is busy
// the batch grows, up to maxBatch (then the network waits for it).
const (
	addBatch = 500
	maxBatch = 5000
)

// syncRun is the state of one sync session.
type syncRun struct {
	e    *Engine
	c    *pop3.Client
	opts SyncOptions
	res  *Result
	now  time.Time

	rows  []cache.SyncRow         // the index at the start
	known map[key]*cache.SyncRow  // rows by identity
	l     *listing                // this session's listing
	sizes map[int]int64           // LIST sizes, read when needed
	toOn  []int64                 // rows back on the server
	gone  map[int64]cache.Message // rows that vanished (until matched)
	match *matcher                // re-keys rows after a UIDL change, or nil
	batch []cache.NewMessage      // new messages waiting for the indexer
	idx   *indexer                // indexes batches concurrently, or nil
	noTop bool                    // the server has no usable TOP
	more  bool                    // a follow-up session of the same sync (see syncSessions)

	listOnly bool // a commit: learn identities, store no header or body
}

// Sync runs a POP3 session: it lists the maildrop, indexes the headers of
// new messages, prefetches bodies by the account's policy and, only when
// opts.Commit is set, sends DELE for pending marks and policy deletions
// before QUIT. Deletions count only when QUIT answers +OK. A cancelled
// context closes the connection without QUIT, so nothing is deleted. A
// failure after the listing was stored (DELE or QUIT) is not an error:
// Result.Committed is false and the marks stay pending. After a session
// that downloaded mail, further sessions follow while each lists mail not
// yet stored (servers such as Gmail list a few hundred at a time).
func (e *Engine) Sync(ctx context.Context, opts SyncOptions) (Result, error) {
	e.syncMu.Lock()
	defer e.syncMu.Unlock()
	e.closeSession() // some servers lock the maildrop per session
	res, err := e.syncSessions(ctx, opts)
	if err == nil {
		emit(opts, Progress{Phase: PhaseDone})
	}
	return res, explain(err)
}

// syncSession runs one POP3 session of a sync; more is set for the
// follow-up sessions.
func (e *Engine) syncSession(ctx context.Context, opts SyncOptions, more bool) (Result, error) {
	var res Result
	// Read the index while logging in and listing: with a large store and
	// no new mail, that read is most of the sync's own work.
	rctx, cancelRead := context.WithCancel(ctx)
	defer cancelRead()
	read := e.readRows(rctx)
	c, err := e.connect(ctx, opts)
	if err != nil {
		cancelRead()
		<-read
		res.Pending = e.pendingCount(context.WithoutCancel(ctx))
		return res, classified(wrapCancel(ctx, err))
	}
	res.TLS = tlsName(c)
	s := &syncRun{e: e, c: c, opts: opts, res: &res, now: e.now(), more: more}
	if err := s.run(ctx, read); err != nil {
		c.Close() // without QUIT: the server deletes nothing
		res.Pending = e.pendingCount(context.WithoutCancel(ctx))
		return res, classified(wrapCancel(ctx, err))
	}
	if err := s.finish(ctx); err != nil {
		c.Close()
		res.Pending = e.pendingCount(context.WithoutCancel(ctx))
		return res, classified(wrapCancel(ctx, err))
	}
	res.Pending = e.pendingCount(context.WithoutCancel(ctx))
	if err := e.setMetaTime(metaLastSync, e.now()); err != nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("could not record the sync time: %v", err))
	}
	return res, nil
}

// wrapCancel reports a cancelled sync as such.
func wrapCancel(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return &Error{Kind: KindOther, Msg: "sync cancelled; nothing was deleted", Err: ctx.Err()}
	}
	return err
}

// pendingCount counts marks waiting for a committed deletion on the server.
func (e *Engine) pendingCount(ctx context.Context) int {
	if !e.acct.DeleteOnServer {
		return 0
	}
	n, err := e.store.Marked(ctx)
	if err != nil {
		return 0
	}
	return n
}

// warn records a warning for the user.
func (s *syncRun) warn(format string, args ...any) {
	s.res.Warnings = append(s.res.Warnings, message.Sanitize(fmt.Sprintf(format, args...)))
}

// note records a fact about the server for `popterm sync -v`.
func (s *syncRun) note(format string, args ...any) {
	s.res.Notes = append(s.res.Notes, message.Sanitize(fmt.Sprintf(format, args...)))
}

// rowsRead is the index as read for a sync session.
type rowsRead struct {
	rows []cache.SyncRow
	err  error
}

// readRows reads the index for a sync on its own goroutine.
func (e *Engine) readRows(ctx context.Context) <-chan rowsRead {
	read := make(chan rowsRead, 1)
	go func() {
		rows, err := e.store.SyncRows(ctx)
		read <- rowsRead{rows, err}
	}()
	return read
}

// run does everything up to (not including) the commit and QUIT. read
// delivers the index, read while the session logged in.
func (s *syncRun) run(ctx context.Context, read <-chan rowsRead) error {
	s.checkExpire()
	emit(s.opts, Progress{Phase: PhaseList})
	pairs, ok, err := fetchUIDL(ctx, s.c)
	ix := <-read
	if err != nil {
		return err
	}
	rows := ix.rows
	if ix.err != nil {
		return fmt.Errorf("read the index: %w", ix.err)
	}
	s.rows = rows
	if caps := s.c.Caps(); caps != nil && caps.Known && !caps.Top {
		s.noTop = true
	}
	if ok {
		err = s.syncUsable(ctx, pairs)
	} else {
		s.note("the server does not support UIDL: messages are identified by a hash of their headers, so every sync reads all headers")
		err = s.syncByHash(ctx)
	}
	if err != nil {
		s.drain() // keep the headers that arrived whole; the first error is err
		return err
	}
	if err := s.drain(); err != nil {
		return err
	}
	if err := s.markGone(ctx); err != nil {
		return err
	}
	bix := startBodyIndexer(ctx, s.e.store)
	err = s.prefetch(ctx, bix)
	if ierr := bix.wait(); err == nil && ierr != nil {
		err = fmt.Errorf("index bodies for search: %w", ierr)
	}
	return err
}

// checkExpire warns once when the server deletes messages after download.
func (s *syncRun) checkExpire() {
	caps := s.c.Caps()
	if caps == nil || !caps.HasExpire || caps.ExpireNever || caps.ExpireDays != 0 {
		return
	}
	if v, _ := s.e.store.Meta(metaWarnedExpire); v != "" {
		return
	}
	s.warn("the server deletes messages once they are downloaded (EXPIRE 0): leave_on_server is not possible there, and popterm's store is the only copy")
	_ = s.e.store.SetMeta(metaWarnedExpire, "1")
}

// diff sorts the index against the listing: rows back on the server, rows
// that vanished, and the listing entries that are new. One pass over the
// rows looks each up in the listing, so a sync with no new mail builds no
// map of the index.
func (s *syncRun) diff() (fresh []entry) {
	stored := make([]bool, len(s.l.entries))
	s.gone = make(map[int64]cache.Message)
	for _, r := range s.rows {
		i, listed := s.l.byKey[key{r.UIDL, r.Dup}]
		switch {
		case listed:
			stored[i] = true
			if !r.OnServer {
				s.toOn = append(s.toOn, r.ID)
			}
		case r.OnServer && !s.more:
			// Mail this sync just retrieved may be hidden from later
			// sessions (Gmail): its absence says nothing then.
			s.gone[r.ID] = identity(r)
		}
	}
	for i, en := range s.l.entries {
		if stored[i] || strings.HasPrefix(en.key.uidl, hashPrefix) {
			continue // stored, or identified by its header (an unusable UIDL): indexed already
		}
		fresh = append(fresh, en)
	}
	return fresh
}

// findGone collects the rows on the server at the last sync that are not in
// this session's listing.
func (s *syncRun) findGone() {
	s.gone = make(map[int64]cache.Message)
	if s.more {
		// Mail this sync just retrieved may be hidden from later
		// sessions (Gmail): its absence says nothing.
		return
	}
	for _, r := range s.rows {
		if _, listed := s.l.byKey[key{r.UIDL, r.Dup}]; !listed && r.OnServer {
			s.gone[r.ID] = identity(r)
		}
	}
}

// storedRow returns the stored row of k (the map of the index is built on
// first use: only a server without usable UIDLs needs it).
func (s *syncRun) storedRow(k key) (*cache.SyncRow, bool) {
	if s.known == nil {
		s.known = make(map[key]*cache.SyncRow, len(s.rows))
		for i := range s.rows {
			s.known[key{s.rows[i].UIDL, s.rows[i].Dup}] = &s.rows[i]
		}
	}
	r, ok := s.known[k]
	return r, ok
}

// loadRows replaces the identities in rows by the whole rows, which the
// matcher compares by Message-ID and header hash (the sync read only
// identities).
func (s *syncRun) loadRows(ctx context.Context, rows map[int64]cache.Message) error {
	ids := make([]int64, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	full, err := s.e.store.Rows(ctx, ids)
	if err != nil {
		return fmt.Errorf("read the index: %w", err)
	}
	for _, r := range full {
		rows[r.ID] = r
	}
	return nil
}

// identity is a row read for the sync as a Message with what SyncRow has.
func identity(r cache.SyncRow) cache.Message {
	return cache.Message{ID: r.ID, UIDL: r.UIDL, Dup: r.Dup, Size: r.Size, Date: r.Date,
		Cached: r.Cached, Deleted: r.Deleted, OnServer: r.OnServer}
}

// syncByUIDL indexes the headers of messages new to the store.
func (s *syncRun) syncByUIDL(ctx context.Context) error {
	fresh := s.diff()
	if err := s.setOnServer(ctx, s.toOn, true); err != nil {
		return err
	}
	if len(fresh) == 0 {
		return nil
	}
	if cands := s.matchCandidates(); len(cands) > 0 {
		onServer := 0
		for _, r := range s.rows {
			if r.OnServer {
				onServer++
			}
		}
		mass := len(s.gone) >= 2 && 2*len(s.gone) > onServer && 2*len(fresh) >= len(s.gone)
		if err := s.loadRows(ctx, cands); err != nil {
			return err
		}
		s.match = newMatcher(cands, mass)
	}
	if err := s.readSizes(ctx); err != nil {
		return err
	}
	byNum := make(map[int]key, len(fresh))
	nums := make([]int, len(fresh))
	for i, en := range fresh {
		nums[i] = en.num
		byNum[en.num] = en.key
	}
	done := 0
	err := s.fetchHeads(ctx, nums, func(n int, hb headerBlock, whole io.Reader) error {
		done++
		emit(s.opts, Progress{Phase: PhaseHeaders, Done: done, Total: len(nums)})
		return s.onNew(ctx, byNum[n], s.sizes[n], hb, whole)
	})
	if err != nil {
		return err
	}
	if s.match != nil && s.match.matched > 0 {
		if s.match.mass {
			s.warn("the server changed the UIDLs of most messages (a migration?): %d were matched to stored messages by Message-ID, size and headers, not downloaded again", s.match.matched)
		} else {
			s.warn("%d messages came back under a new UIDL and were matched to stored messages", s.match.matched)
		}
	}
	return nil
}

// syncByHash lists a server without UIDL: every message's header is read
// and its hash is its identity; new ones are indexed as they come.
func (s *syncRun) syncByHash(ctx context.Context) error {
	if err := s.readSizes(ctx); err != nil {
		return err
	}
	nums := make([]int, 0, len(s.sizes))
	for n := range s.sizes {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	s.l = newListing(nil)
	defer s.findGone()
	return s.hashEntries(ctx, nums)
}

// hashEntries reads the headers of messages nums, identifies each by the
// hash of its header and size, adds it to the listing, and indexes those
// new to the store.
func (s *syncRun) hashEntries(ctx context.Context, nums []int) error {
	done := 0
	return s.fetchHeads(ctx, nums, func(n int, hb headerBlock, whole io.Reader) error {
		done++
		emit(s.opts, Progress{Phase: PhaseHeaders, Done: done, Total: len(nums)})
		k := s.l.add(n, hashIdentity(hb.header, s.sizes[n]))
		if s.listOnly {
			return nil // a commit only needs the identity
		}
		if r, ok := s.storedRow(k); ok {
			if !r.OnServer {
				return s.setOnServer(ctx, []int64{r.ID}, true)
			}
			return nil
		}
		return s.onNew(ctx, k, s.sizes[n], hb, whole)
	})
}

// readSizes reads LIST once per session.
func (s *syncRun) readSizes(ctx context.Context) error {
	if s.sizes != nil {
		return nil
	}
	infos, err := s.c.List(ctx)
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	s.sizes = make(map[int]int64, len(infos))
	for _, in := range infos {
		s.sizes[in.Number] = in.Size
	}
	return nil
}

// onNew indexes one message new to the store, or re-keys the stored row it
// matches after a UIDL change. whole, when not nil, is the entire message
// (a server without TOP), which is stored at once.
func (s *syncRun) onNew(ctx context.Context, k key, size int64, hb headerBlock, whole io.Reader) error {
	if s.match != nil {
		if id, ok := s.match.find(hb.header, size); ok {
			if err := s.e.store.SetUIDL(ctx, id, k.uidl, k.dup); err != nil {
				return fmt.Errorf("re-key message %d: %w", id, err)
			}
			delete(s.gone, id)
			return s.setOnServer(ctx, []int64{id}, true)
		}
	}
	nm := cache.NewMessage{UIDL: k.uidl, Dup: k.dup, Size: size, Header: hb.header}
	if whole == nil {
		s.batch = append(s.batch, nm)
		if len(s.batch) >= addBatch {
			return s.flush(ctx, len(s.batch) >= maxBatch)
		}
		return nil
	}
	if err := s.drain(); err != nil {
		return err
	}
	ids, err := s.e.store.Add(ctx, []cache.NewMessage{nm})
	if err != nil {
		return fmt.Errorf("index a new message: %w", err)
	}
	s.res.New++
	if err := s.e.store.SaveBody(ctx, ids[0], whole); err != nil {
		return fmt.Errorf("store message %d: %w", ids[0], err)
	}
	s.res.Downloaded++
	return nil
}

// flush hands the waiting new messages to the indexer (started on first
// use), which adds them in one transaction while headers keep arriving.
// Unless wait is set, a busy indexer leaves them waiting for the next
// flush.
func (s *syncRun) flush(ctx context.Context, wait bool) error {
	if len(s.batch) == 0 {
		return nil
	}
	if s.idx == nil {
		// Headers that arrived whole are indexed even if the sync is
		// cancelled meanwhile: at most two batches, and the next sync
		// need not fetch them again.
		s.idx = startIndexer(context.WithoutCancel(ctx), s.e.store)
	}
	taken, err := s.idx.offer(s.batch, wait)
	if taken || err != nil {
		s.batch = nil
	}
	return err
}

// drain waits until every queued message is indexed.
func (s *syncRun) drain() error {
	if err := s.flush(context.Background(), true); err != nil {
		s.idx.wait()
		s.idx = nil
		return err
	}
	if s.idx == nil {
		return nil
	}
	added, err := s.idx.wait()
	s.idx = nil
	s.res.New += added
	return err
}

// setOnServer records presence for ids (nothing to do when empty).
func (s *syncRun) setOnServer(ctx context.Context, ids []int64, on bool) error {
	if len(ids) == 0 {
		return nil
	}
	if err := s.e.store.SetOnServer(ctx, ids, on); err != nil {
		return fmt.Errorf("record which messages are on the server: %w", err)
	}
	return nil
}

// markGone records the rows that vanished from the server. They stay in the
// store (it may be the only copy: Gmail hides fetched mail, servers expire
// it), except those the user had marked for deletion: those deletions were
// committed (perhaps by a QUIT whose reply was lost), so they leave.
func (s *syncRun) markGone(ctx context.Context) error {
	var off, removed []int64
	for id, r := range s.gone {
		if r.Deleted {
			removed = append(removed, id)
		} else {
			off = append(off, id)
		}
	}
	sort.Slice(off, func(i, j int) bool { return off[i] < off[j] })
	sort.Slice(removed, func(i, j int) bool { return removed[i] < removed[j] })
	if err := s.setOnServer(ctx, off, false); err != nil {
		return err
	}
	s.res.Gone = len(off) // the removed count as deleted, once
	if len(removed) > 0 {
		if err := s.e.store.Remove(ctx, removed); err != nil {
			return fmt.Errorf("remove deleted messages: %w", err)
		}
		s.res.Deleted += len(removed)
	}
	return nil
}

// prefetch downloads bodies the account's policy wants, newest first, with
// pipelined RETR streamed into the store.
func (s *syncRun) prefetch(ctx context.Context, bix *bodyIndexer) error {
	if s.e.acct.Prefetch.Mode == config.PrefetchNone {
		return nil
	}
	rows, err := s.e.store.Unfetched(ctx)
	if err != nil {
		return fmt.Errorf("read the index: %w", err)
	}
	idByNum := make(map[int]int64)
	var nums []int
	for _, r := range rows {
		n, ok := s.l.number(key{r.UIDL, r.Dup})
		if !ok || r.Cached || r.Deleted || !s.e.acct.Prefetch.Wants(r.Size, r.Date, s.now) {
			continue
		}
		idByNum[n] = r.ID
		nums = append(nums, n)
	}
	if len(nums) == 0 {
		return nil
	}
	sort.Sort(sort.Reverse(sort.IntSlice(nums)))
	var bytes int64
	done := 0
	emit(s.opts, Progress{Phase: PhaseBodies, Total: len(nums)})
	// A body read to its end is stored even if the sync is cancelled
	// meanwhile (q during a download): the store finishes what arrived
	// whole; a body cut short still fails and leaves nothing.
	sv, err := newSaver(context.WithoutCancel(ctx), s.e.store, bix)
	if err != nil {
		return err
	}
	err = s.c.RetrMany(ctx, nums, func(n int, body io.Reader, rerr error) error {
		done++
		if rerr != nil {
			s.warn("message %d: the server refused RETR: %v", idByNum[n], rerr)
			return nil
		}
		if err := sv.save(idByNum[n], countingReader{r: body, n: &bytes}); err != nil {
			return err
		}
		emit(s.opts, Progress{Phase: PhaseBodies, Done: done, Total: len(nums), Bytes: bytes})
		return nil
	})
	saved, serr := sv.wait()
	s.res.Downloaded += saved
	if err == nil {
		err = serr
	}
	if err != nil {
		return fmt.Errorf("download bodies: %w", err)
	}
	return nil
}
