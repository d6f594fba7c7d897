package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
)

// syncPhase is what the reader's one server operation is doing.
type syncPhase int

const (
	syncIdle       syncPhase = iota
	syncSyncing              // a sync runs (start-up, periodic check, or `$`)
	syncCommitting           // Engine.Commit runs (`q`): UIDL, DELE, QUIT
	syncQuitting             // `q` stops the running sync; the commit and exit follow
)

// job is a kind of server work, for the operation a typed password retries.
type job int

const (
	jobCheck  job = iota // a sync that never deletes
	jobSync              // `$`: a sync that ends with DELE for the marks
	jobCommit            // `q`: a commit, then exit
)

// syncState is the reader's one record of its server work: what runs now
// and what is queued for when it ends. The root model owns it; the status
// bar reads it when it draws and keeps no copy.
type syncState struct {
	phase syncPhase
	// commit: the running sync ends with DELE for the marks (`$`).
	commit bool
	// queuedSync: `$` was pressed during a sync; it runs when that ends.
	queuedSync bool
	// exitAfter: exit when the running commit (or committing sync)
	// succeeds.
	exitAfter bool
	// interrupted: Ctrl-C cancelled the running operation.
	interrupted bool
	// progress is the running operation's latest event.
	progress mailapi.Progress

	cancel context.CancelFunc
	ch     chan tea.Msg // progress events of the running operation
}

// busy reports whether a server operation runs.
func (s syncState) busy() bool { return s.phase != syncIdle }

// deleting reports whether a committing sync is already sending DELE or
// QUIT: stopping it then would only redo the work.
func (s syncState) deleting() bool {
	return s.phase == syncSyncing && s.commit &&
		(s.progress.Phase == mailapi.PhaseCommit || s.progress.Phase == mailapi.PhaseQuit)
}

// begin records a new operation and returns its context.
func (s *syncState) begin(parent context.Context, phase syncPhase, commit, exitAfter bool) context.Context {
	ctx, cancel := context.WithCancel(parent)
	*s = syncState{
		phase: phase, commit: commit, exitAfter: exitAfter, queuedSync: s.queuedSync,
		progress: mailapi.Progress{Phase: mailapi.PhaseConnect},
		cancel:   cancel, ch: make(chan tea.Msg, 16),
	}
	return ctx
}

// end records that the running operation returned and gives what it was.
func (s *syncState) end() syncState {
	was := *s
	if s.cancel != nil {
		s.cancel()
	}
	*s = syncState{}
	return was
}

// interrupt cancels the running operation and whatever waited for it.
func (s *syncState) interrupt() {
	if s.cancel != nil {
		s.cancel()
	}
	if s.phase == syncQuitting {
		s.phase = syncSyncing // the sync still ends; no commit follows it
	}
	s.interrupted, s.queuedSync, s.exitAfter = true, false, false
}

// stopForQuit cancels the running sync (what it stored stays stored); when
// it ends, the commit and exit run.
func (s *syncState) stopForQuit() {
	if s.cancel != nil {
		s.cancel()
	}
	s.phase, s.queuedSync = syncQuitting, false
}

// label is what the status bar shows for the running operation.
func (s syncState) label() string {
	if s.phase == syncQuitting {
		return "stopping the download"
	}
	if s.progress.Phase == "" {
		return "syncing"
	}
	return string(s.progress.Phase)
}
