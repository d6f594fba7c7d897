package mailbox

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Commit runs one short session that only deletes: login, UIDL (on a
// server without UIDL, the header hashes that identify its messages), DELE
// for the pending marks and policy deletions, QUIT. It fetches no header or
// body of a message new to the store and indexes nothing new, so quitting
// costs the same with one new message or a thousand. Marked messages that
// are gone from the server leave the store (their deletion happened). As
// with Sync, only a +OK to QUIT commits; a cancelled context closes the
// connection without QUIT.
func (e *Engine) Commit(ctx context.Context, progress func(Progress)) (CommitResult, error) {
	e.syncMu.Lock()
	defer e.syncMu.Unlock()
	e.closeSession() // some servers lock the maildrop per session

	opts := SyncOptions{Commit: true, Progress: progress}
	var res Result
	result := func() CommitResult {
		return CommitResult{
			Deleted: res.Deleted, Pending: e.pendingCount(context.WithoutCancel(ctx)),
			Committed: res.Committed, Warnings: res.Warnings, TLS: res.TLS,
		}
	}
	c, err := e.connect(ctx, opts)
	if err != nil {
		return result(), classified(wrapCancel(ctx, err))
	}
	res.TLS = tlsName(c)
	s := &syncRun{e: e, c: c, opts: opts, res: &res, now: e.now(), listOnly: true}
	if err := s.listForCommit(ctx); err != nil {
		c.Close() // without QUIT: the server deletes nothing
		return result(), classified(wrapCancel(ctx, err))
	}
	if err := s.finish(ctx); err != nil {
		c.Close()
		return result(), classified(wrapCancel(ctx, err))
	}
	emit(opts, Progress{Phase: PhaseDone})
	return result(), nil
}

// listForCommit learns which stored message has which number in this
// session, and removes marked messages that are gone from the server.
func (s *syncRun) listForCommit(ctx context.Context) error {
	emit(s.opts, Progress{Phase: PhaseList})
	if caps := s.c.Caps(); caps != nil && caps.Known && !caps.Top {
		s.noTop = true
	}
	pairs, ok, err := fetchUIDL(ctx, s.c)
	if err != nil {
		return err
	}
	if s.rows, err = s.e.store.SyncRows(ctx); err != nil {
		return fmt.Errorf("read the index: %w", err)
	}
	if ok {
		if err := s.listUsable(ctx, pairs); err != nil {
			return err
		}
		s.findGone()
	} else if err := s.syncByHash(ctx); err != nil { // with listOnly: identities only
		return err
	}
	return s.markGone(ctx)
}

// deletion is one DELE this session may send.
type deletion struct {
	num    int
	id     int64
	policy bool // a policy deletion (leave_on_server, delete_after_days), not a user mark
}

// finish commits (when asked) and ends the session with QUIT. Failures of
// DELE or QUIT are not errors: the marks stay pending, Result.Committed stays
// false and a warning says so. Only a cancelled context is an error.
func (s *syncRun) finish(ctx context.Context) error {
	var dels []deletion
	if s.opts.Commit {
		var err error
		if dels, err = s.deletions(ctx); err != nil {
			return err
		}
	}
	sent, err := s.dele(ctx, dels)
	if err != nil && ctx.Err() == nil && dropped(err) {
		// The server dropped the session while the store was busy
		// (Outlook drops one idle for a minute): nothing was deleted, so
		// a new session can do it.
		sent, err = s.deleAgain(ctx)
	}
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		s.c.Close()
		s.warn("the connection failed while deleting (%v): nothing was deleted; the marks stay pending for the next sync", err)
		return nil
	}
	emit(s.opts, Progress{Phase: PhaseQuit})
	if err := s.c.Quit(ctx); err != nil {
		if ctx.Err() != nil {
			return err
		}
		if len(sent) > 0 {
			s.warn("the server did not confirm QUIT (%v): the deletions may not have happened; they stay pending and the next sync checks", err)
		}
		return nil
	}
	s.res.Committed = true
	return s.committed(ctx, sent)
}

// deletions chooses what to delete: the user's marks (when delete_on_server)
// and policy deletions of stored messages. A message whose UIDL occurs more
// than once in the listing is never deleted: DELE could hit the wrong one.
func (s *syncRun) deletions(ctx context.Context) ([]deletion, error) {
	acct := s.e.acct
	if acct.LeaveOnServer && acct.DeleteAfterDays == 0 {
		// No policy deletions: only marks count, and a count of them spares
		// reading the whole index again when there are none.
		if !acct.DeleteOnServer {
			return nil, nil
		}
		marked, err := s.e.store.Marked(ctx)
		if err != nil {
			return nil, fmt.Errorf("count the marks: %w", err)
		}
		if marked == 0 {
			return nil, nil
		}
	}
	rows, err := s.e.store.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the index: %w", err)
	}
	cutoff := s.now.Add(-time.Duration(acct.DeleteAfterDays) * 24 * time.Hour)
	var dels []deletion
	shared := 0
	for _, r := range rows {
		n, ok := s.l.number(key{r.UIDL, r.Dup})
		if !ok {
			continue
		}
		switch {
		case r.Deleted && acct.DeleteOnServer:
			if !s.l.unique(r.UIDL) {
				shared++
				continue
			}
			dels = append(dels, deletion{num: n, id: r.ID})
		case r.Deleted:
			// delete_on_server = false: the mark only hides it here.
		case !r.Cached || !s.l.unique(r.UIDL):
			// Policy deletions only for stored bodies with a safe DELE.
		case !acct.LeaveOnServer,
			acct.DeleteAfterDays > 0 && !r.DownloadedAt.IsZero() && r.DownloadedAt.Before(cutoff):
			dels = append(dels, deletion{num: n, id: r.ID, policy: true})
		}
	}
	if shared > 0 {
		s.warn("%d marked messages share their UIDL with another message on the server: popterm cannot delete them safely (delete them with another client)", shared)
	}
	sort.Slice(dels, func(i, j int) bool { return dels[i].num < dels[j].num })
	return dels, nil
}

// dele sends DELE for dels (pipelined) and returns those the server accepted.
func (s *syncRun) dele(ctx context.Context, dels []deletion) ([]deletion, error) {
	if len(dels) == 0 {
		return nil, nil
	}
	byNum := make(map[int]deletion, len(dels))
	nums := make([]int, len(dels))
	for i, d := range dels {
		nums[i] = d.num
		byNum[d.num] = d
	}
	var sent []deletion
	done := 0
	emit(s.opts, Progress{Phase: PhaseCommit, Total: len(nums)})
	err := s.c.DeleMany(ctx, nums, func(n int, err error) error {
		done++
		emit(s.opts, Progress{Phase: PhaseCommit, Done: done, Total: len(nums)})
		if err != nil {
			s.warn("message %d: the server refused DELE: %v", byNum[n].id, err)
			return nil
		}
		sent = append(sent, byNum[n])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dele: %w", err)
	}
	return sent, nil
}

// committed records deletions QUIT committed: the user's leave the store
// (row and file), policy ones stay readable, no longer on the server.
func (s *syncRun) committed(ctx context.Context, sent []deletion) error {
	var user, policy []int64
	for _, d := range sent {
		if d.policy {
			policy = append(policy, d.id)
		} else {
			user = append(user, d.id)
		}
	}
	// The server has deleted them: record it even if ctx ends now.
	ctx = context.WithoutCancel(ctx)
	if len(user) > 0 {
		if err := s.e.store.Remove(ctx, user); err != nil {
			return fmt.Errorf("remove %d deleted messages from the store: %w", len(user), err)
		}
	}
	if err := s.setOnServer(ctx, policy, false); err != nil {
		return err
	}
	s.res.Deleted += len(sent)
	return nil
}
