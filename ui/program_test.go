package ui

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
)

// The reader in a real tea.Program (teatest): commands run on goroutines,
// sync progress streams through the channel while the keyboard stays live,
// and the program ends with the committed quit.
func TestProgramSyncStreamsProgress(t *testing.T) {
	f := newFake()
	release := make(chan struct{})
	f.syncFn = func(ctx context.Context, o mailapi.SyncOptions) (mailapi.Result, error) {
		if o.Commit {
			return f.commit(), nil
		}
		for i := 1; i <= 3; i++ {
			o.Progress(mailapi.Progress{Phase: mailapi.PhaseBodies, Done: i, Total: 3})
		}
		select {
		case <-release:
		case <-ctx.Done():
			return mailapi.Result{}, ctx.Err()
		}
		return mailapi.Result{New: 4, Committed: true}, nil
	}
	m := New(Options{
		Account: Account{Name: "work", Engine: f},
		Now:     func() time.Time { return fixedNow }, Location: time.UTC,
		UI: config.UI{ConfirmCommit: true, DownloadDir: t.TempDir()},
	})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	contains := func(s string) func([]byte) bool {
		return func(b []byte) bool { return bytes.Contains(b, []byte(s)) }
	}
	wait := teatest.WithDuration(20 * time.Second)
	teatest.WaitFor(t, tm.Output(), contains("downloading"), wait)
	// The keyboard works while the sync runs.
	tm.Send(keyPress("d"))
	teatest.WaitFor(t, tm.Output(), contains("1 to delete"), wait)
	close(release)
	teatest.WaitFor(t, tm.Output(), contains("4 new"), wait)
	tm.Send(keyPress("q"))
	teatest.WaitFor(t, tm.Output(), contains("[y/N]"), wait)
	tm.Send(keyPress("y"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(20*time.Second)).(App)
	if got := f.syncFlags(); !slices.Equal(got, []bool{false}) || f.commitCount() != 1 {
		t.Errorf("syncs %v, %d commits: want a background sync then one commit", got, f.commitCount())
	}
	if final.Farewell() == "" || len(f.rows) != 7 {
		t.Errorf("farewell %q, %d rows left", final.Farewell(), len(f.rows))
	}
}
