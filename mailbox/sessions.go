package mailbox

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"syscall"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/pop3"
)

// maxSessions bounds the sessions of one sync. Each follow-up session must
// bring mail not yet stored, so the bound only matters against a server
// that invents mail: at Gmail's 250 a session it is 250,000 messages.
const maxSessions = 1000

// syncSessions runs the first session and, after a session that downloaded
// mail, follow-up sessions while each lists mail not yet stored. Servers
// that hand out a few hundred messages per session (Gmail) then sync whole
// in one command; any other server costs one short extra session after a
// download (login and UIDL). A follow-up that cannot start is a warning:
// what the first sessions stored stays.
func (e *Engine) syncSessions(ctx context.Context, opts SyncOptions) (Result, error) {
	total, err := e.syncSession(ctx, opts, false)
	if err != nil {
		return total, err
	}
	last := total
	for n := 2; n <= maxSessions && last.Downloaded > 0; n++ {
		if !e.nextLogin().IsZero() {
			total.Notes = appendNew(total.Notes, "the server's LOGIN-DELAY allows no second session now: more mail, if any, comes at the next sync")
			break
		}
		emit(opts, Progress{Phase: PhaseMore, Done: n - 1})
		last, err = e.syncSession(ctx, opts, true)
		if err != nil {
			if ctx.Err() != nil {
				// The first sessions stand (their deletions included).
				return total, &Error{Kind: KindOther, Msg: "sync cancelled while looking for more mail; what was stored so far stays", Err: ctx.Err()}
			}
			total.Warnings = appendNew(total.Warnings, fmt.Sprintf(
				"could not open another session to look for more mail (%v); run popterm sync again", err))
			break
		}
		total = merge(total, last)
		if last.New == 0 {
			break
		}
	}
	return total, nil
}

// merge adds a follow-up session's result to the sync's.
func merge(total, r Result) Result {
	total.New += r.New
	total.Gone += r.Gone
	total.Downloaded += r.Downloaded
	total.Deleted += r.Deleted
	total.Pending = r.Pending
	total.Committed = total.Committed && r.Committed
	for _, w := range r.Warnings {
		total.Warnings = appendNew(total.Warnings, w)
	}
	for _, n := range r.Notes {
		total.Notes = appendNew(total.Notes, n)
	}
	return total
}

// appendNew appends s unless list has it already.
func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// explain turns a too-slow server into one line that says what to do,
// without the layers of context above it ("download bodies: pop3: ..."),
// unless the engine already said something of its own.
func explain(err error) error {
	var slow *pop3.SlowError
	if !errors.As(err, &slow) || mailapi.Advises(err) {
		return err
	}
	return &Error{Kind: KindTryLater, Msg: strings.TrimPrefix(slow.Error(), "pop3: "), Err: err, Whole: true}
}

// dropped reports whether err means the server closed the connection.
func dropped(err error) bool {
	return errors.Is(err, pop3.ErrServerClosed) || errors.Is(err, pop3.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// deleAgain opens a new session after the server dropped the last one, lists
// it by UIDL and sends the deletions again. Messages without a usable UIDL
// cannot be matched this way: their marks stay pending.
func (s *syncRun) deleAgain(ctx context.Context) ([]deletion, error) {
	s.c.Close()
	c, err := s.e.connect(ctx, s.opts)
	if err != nil {
		return nil, fmt.Errorf("reconnect after the server dropped the session: %w", err)
	}
	s.c = c
	pairs, ok, err := fetchUIDL(ctx, c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("reconnected, but the server has no UIDL to find the marked messages again")
	}
	usable := pairs[:0]
	for _, p := range pairs {
		if p.Unusable == "" {
			usable = append(usable, p)
		}
	}
	s.l = newListing(usable)
	dels, err := s.deletions(ctx)
	if err != nil {
		return nil, err
	}
	return s.dele(ctx, dels)
}

// matchCandidates are the stored rows a message new to this listing may
// be: those that vanished since the last sync, and those already off the
// server and not listed now (Gmail hides retrieved mail in its default
// mode, and its "recent:" mode lists it again, perhaps under another UIDL).
func (s *syncRun) matchCandidates() map[int64]cache.Message {
	cands := maps.Clone(s.gone)
	for _, r := range s.rows {
		if _, listed := s.l.byKey[key{r.UIDL, r.Dup}]; !listed && !r.OnServer {
			if cands == nil {
				cands = make(map[int64]cache.Message)
			}
			cands[r.ID] = identity(r)
		}
	}
	return cands
}
