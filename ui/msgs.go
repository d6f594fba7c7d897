package ui

import (
	"time"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
)

// Every message the reader's commands send back to Update. Each carries the
// session it belongs to (bumped when the account changes) so that late
// answers from a previous account are dropped.

// listMsg carries the index rows read for a query.
type listMsg struct {
	session int
	gen     int // the query generation, to drop stale live-search results
	rows    []mailapi.Summary
	total   int  // rows in the whole result; -1 when not known
	partial bool // the newest rows only; the whole list follows
	// unindexed counts stored bodies a search did not cover yet (the body
	// indexer is behind): its result may be incomplete.
	unindexed int
	err       error
}

// statsMsg carries the status bar counts and the last sync time.
type statsMsg struct {
	session  int
	stats    mailapi.Stats
	lastSync time.Time
	err      error
}

// syncProgressMsg is one progress event of a running sync.
type syncProgressMsg struct {
	session int
	p       mailapi.Progress
}

// syncDoneMsg ends a sync.
type syncDoneMsg struct {
	session int
	commit  bool
	res     mailapi.Result
	err     error
	// flushed is what the outbox flush before the sync did (nil: none ran).
	flushed *mailapi.Flushed
}

// commitDoneMsg ends a commit (Engine.Commit).
type commitDoneMsg struct {
	session int
	res     mailapi.CommitResult
	err     error
}

// openedMsg carries a rendered message for the pager.
type openedMsg struct {
	session int
	id      int64
	msg     *message.Message
	err     error
}

// markedMsg reports that deletion marks were written.
type markedMsg struct {
	session int
	ids     []int64
	deleted bool
	err     error
}

// attachmentReadyMsg says an attachment was written to a private temporary
// file and can be handed to the opener.
type attachmentReadyMsg struct {
	path string
	err  error
}

// openerDoneMsg reports the end of the external opener.
type openerDoneMsg struct{ err error }

// savedMsg reports an attachment saved to disk.
type savedMsg struct {
	path string
	err  error
}

// accountOpenedMsg carries the account the user switched to.
type accountOpenedMsg struct {
	acct Account
	err  error
}

// passwordSetMsg reports that the typed password was handed over (and
// stored in the keyring when asked).
type passwordSetMsg struct {
	kept bool
	err  error
}

// closedMsg reports that a previous account's engine was closed.
type closedMsg struct{ err error }
