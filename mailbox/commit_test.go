package mailbox

import (
	"context"
	"slices"
	"testing"

	"github.com/popterm/popterm/pop3/pop3test"
)

// onlyVerbs fails when the server received a command outside allowed.
func onlyVerbs(t *testing.T, f *fixture, allowed ...string) {
	t.Helper()
	for _, v := range f.verbs() {
		if !slices.Contains(allowed, v) {
			t.Errorf("the commit sent %s (all: %v)", v, f.verbs())
		}
	}
}

func TestCommitDeletesMarksAndFetchesNothing(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 3)...)
	f.sync(false)
	f.md.Add(mail("new1", "arrived later"), mail("new2", "arrived later too"))
	if err := f.eng.MarkDeleted(context.Background(), []int64{f.byUIDL("u1").ID, f.byUIDL("u3").ID}, true); err != nil {
		t.Fatal(err)
	}
	f.srv.ResetLog()
	res, err := f.eng.Commit(context.Background(), nil)
	if err != nil {
		t.Fatalf("commit: %v", err)
	}
	if !res.Committed || res.Deleted != 2 || res.Pending != 0 {
		t.Errorf("result %+v", res)
	}
	if got := f.md.UIDs(); !slices.Equal(got, []string{"u2", "new1", "new2"}) {
		t.Errorf("server holds %v", got)
	}
	onlyVerbs(t, f, "CAPA", "AUTH", "USER", "PASS", "UIDL", "DELE", "QUIT")
	if n := len(f.all()); n != 1 {
		t.Errorf("%d rows stored, want 1: the commit indexes nothing new", n)
	}
	f.checkStore()
}

func TestCommitWithoutMarksOnlyLists(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 2)...)
	f.sync(false)
	f.srv.ResetLog()
	res, err := f.eng.Commit(context.Background(), nil)
	if err != nil || !res.Committed || res.Deleted != 0 {
		t.Fatalf("commit: %+v, %v", res, err)
	}
	onlyVerbs(t, f, "CAPA", "AUTH", "USER", "PASS", "UIDL", "QUIT")
	if f.md.Len() != 2 {
		t.Errorf("server holds %v", f.md.UIDs())
	}
}

// A server without UIDL: the commit identifies messages by their header
// hash (the identity the sync stored), so it reads headers, never bodies.
func TestCommitWithoutUIDLUsesHeaderIdentity(t *testing.T) {
	f := newFixture(t, pop3test.Config{NoUIDL: true}, mails("u", 3)...)
	f.acct.Prefetch.Mode = "none"
	f.sync(false)
	rows := f.all()
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	var marked int64
	for _, r := range rows {
		if r.Subject == "message u2" {
			marked = r.ID
		}
	}
	if marked == 0 {
		t.Fatalf("no row for u2: %+v", rows)
	}
	if err := f.eng.MarkDeleted(context.Background(), []int64{marked}, true); err != nil {
		t.Fatal(err)
	}
	f.srv.ResetLog()
	res, err := f.eng.Commit(context.Background(), nil)
	if err != nil || !res.Committed || res.Deleted != 1 {
		t.Fatalf("commit: %+v, %v", res, err)
	}
	if got := f.md.UIDs(); !slices.Equal(got, []string{"u1", "u3"}) {
		t.Errorf("server holds %v", got)
	}
	onlyVerbs(t, f, "CAPA", "AUTH", "USER", "PASS", "UIDL", "LIST", "TOP", "DELE", "QUIT")
}

// A marked message another client deleted meanwhile leaves the store: its
// deletion happened.
func TestCommitForgetsMarkedMessagesGoneFromServer(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 2)...)
	f.sync(false)
	if err := f.eng.MarkDeleted(context.Background(), []int64{f.byUIDL("u1").ID}, true); err != nil {
		t.Fatal(err)
	}
	deleteElsewhere(t, f.srv.Addr(), 1)
	res, err := f.eng.Commit(context.Background(), nil)
	if err != nil || !res.Committed || res.Pending != 0 {
		t.Fatalf("commit: %+v, %v", res, err)
	}
	if rows := f.all(); len(rows) != 1 || rows[0].UIDL != "u2" {
		t.Errorf("rows %+v", rows)
	}
}

func TestCancelledCommitDeletesNothing(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 2)...)
	f.sync(false)
	if err := f.eng.MarkDeleted(context.Background(), []int64{f.byUIDL("u1").ID}, true); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := f.eng.Commit(ctx, nil)
	if err == nil || res.Committed || res.Pending != 1 {
		t.Fatalf("a cancelled commit: %+v, %v", res, err)
	}
	if f.md.Len() != 2 {
		t.Errorf("server holds %v", f.md.UIDs())
	}
}

// q during a download: the sync is cancelled after some bodies arrived,
// then the commit deletes the marks. What was stored stays stored.
func TestCancelledSyncThenCommitKeepsWhatArrived(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 2)...)
	f.acct.Prefetch.Mode = "none"
	f.sync(false)
	if err := f.eng.MarkDeleted(context.Background(), []int64{f.byUIDL("u1").ID}, true); err != nil {
		t.Fatal(err)
	}
	f.md.Add(mails("new", 20)...)
	f.acct.Prefetch.Mode = "all"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := f.eng.Sync(ctx, SyncOptions{Progress: func(p Progress) {
		if p.Phase == PhaseBodies && p.Done >= 3 {
			cancel() // the user pressed q
		}
	}})
	if err == nil {
		t.Fatal("the cancelled sync reported success")
	}
	cached := 0
	for _, r := range f.all() {
		if r.Cached {
			cached++
		}
	}
	if cached < 3 {
		t.Errorf("%d bodies stored, want at least the 3 that arrived before the cancel", cached)
	}
	res, err := f.eng.Commit(context.Background(), nil)
	if err != nil || !res.Committed || res.Deleted != 1 {
		t.Fatalf("commit after the cancelled sync: %+v, %v", res, err)
	}
	if slices.Contains(f.md.UIDs(), "u1") || f.md.Len() != 21 {
		t.Errorf("server holds %v", f.md.UIDs())
	}
	f.checkStore()
}
