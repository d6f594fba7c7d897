package mailbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/pattern"
	"github.com/popterm/popterm/pop3/pop3test"
)

// A local folder reads like the index: newest first, flags from the file
// names, messages that open; it refuses changes and has no server.
func TestFolder(t *testing.T) {
	f := newFixture(t, pop3test.Config{}, mails("u", 3)...)
	ctx := context.Background()
	f.sync(false)
	u1, u3 := f.byUIDL("u1").ID, f.byUIDL("u3").ID
	if err := f.eng.MarkFlagged(ctx, []int64{u3}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.Save(ctx, []int64{u1, u3}, "Receipts"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.OpenFolder("Missing"); err == nil {
		t.Error("a missing folder opened")
	}
	if _, err := f.eng.OpenFolder("../etc"); !errors.Is(err, cache.ErrBadFolderName) {
		t.Errorf("../etc: %v", err)
	}
	fo, err := f.eng.OpenFolder("Receipts")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := fo.List(ctx, Query{})
	if err != nil || len(rows) != 2 {
		t.Fatalf("list: %d rows, %v", len(rows), err)
	}
	var flagged *Summary
	for i := range rows {
		if rows[i].Flagged {
			flagged = &rows[i]
		}
	}
	if flagged == nil || flagged.Subject != "message u3" || !flagged.Cached {
		t.Fatalf("rows %+v", rows)
	}
	msg, err := fo.Open(ctx, flagged.ID, message.Options{})
	if err != nil || msg.Subject != "message u3" {
		t.Fatalf("open: %v %v", msg, err)
	}
	if got, _ := fo.List(ctx, Query{Search: "U1"}); len(got) != 1 || got[0].Subject != "message u1" {
		t.Errorf("search u1: %+v", got)
	}
	st, _ := fo.Stats(ctx)
	if st.Total != 2 {
		t.Errorf("stats %+v", st)
	}
	if err := fo.MarkFlagged(ctx, []int64{1}, true); !errors.Is(err, ErrFolderReadOnly) {
		t.Errorf("flag in a folder: %v", err)
	}
	if _, err := fo.Sync(ctx, SyncOptions{}); err == nil || !strings.Contains(err.Error(), "local") {
		t.Errorf("sync of a folder: %v", err)
	}
	p, _ := pattern.Parse("~F", f.eng.now())
	match, err := fo.Filter(ctx, p, nil)
	if err != nil || !match(flagged) {
		t.Errorf("~F in a folder: %v", err)
	}
	// Copies from a folder to another one.
	if _, err := fo.Save(ctx, []int64{flagged.ID}, "Archive"); err != nil {
		t.Fatal(err)
	}
	ar, err := fo.OpenFolder("Archive")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := ar.List(ctx, Query{}); len(got) != 1 || !got[0].Flagged || got[0].Seen {
		t.Errorf("archive: %+v", got)
	}
	if names, _ := fo.Folders(); strings.Join(names, ",") != "Archive,Receipts" {
		t.Errorf("folders %v", names)
	}
}

// A local folder is indexed when messages are saved to it and searched by
// its text as the inbox is; a read-only engine whose folder rows are behind
// the files reads the files.
func TestFolderIndexedSearch(t *testing.T) {
	body := pop3test.Message{UID: "b1", Data: []byte("From: Carol <carol@example.org>\nTo: me@example.org\n" +
		"Subject: trip notes\nDate: Mon, 02 Jan 2026 15:04:05 +0000\n\nWe saw a pelican by the harbour.\n")}
	f := newFixture(t, pop3test.Config{}, append(mails("u", 2), body)...)
	ctx := context.Background()
	f.sync(false)
	b1 := f.byUIDL("b1").ID
	if _, err := f.eng.Save(ctx, []int64{b1, f.byUIDL("u1").ID}, "Trips"); err != nil {
		t.Fatal(err)
	}
	// Save indexed the folder: its rows are there before any open.
	if rows, err := f.store.ListFolder(ctx, "Trips", cache.Query{Search: "pelican"}); err != nil || len(rows) != 1 {
		t.Fatalf("index of Trips after Save: %+v, %v", rows, err)
	}
	fo, err := f.eng.OpenFolder("Trips")
	if err != nil {
		t.Fatal(err)
	}
	got, err := fo.List(ctx, Query{Search: "pelican"})
	if err != nil || len(got) != 1 || got[0].Subject != "trip notes" {
		t.Fatalf("search by body text: %+v, %v", got, err)
	}
	p, _ := pattern.Parse("~b harbour", f.eng.now())
	match, err := fo.Filter(ctx, p, nil)
	if err != nil || !match(&got[0]) {
		t.Errorf("~b harbour does not match the saved message: %v", err)
	}
	if m, err := fo.Open(ctx, got[0].ID, message.Options{}); err != nil || m.Subject != "trip notes" {
		t.Errorf("open by the folder's ID: %v", err)
	}
	// The inbox still lists its own three messages only.
	if all, _ := f.eng.List(ctx, Query{}); len(all) != 3 {
		t.Errorf("inbox has %d messages, want 3", len(all))
	}

	// Another writer's file, unindexed: a read-only engine reads the files.
	dir, _ := f.store.FolderPath("Trips")
	if err := os.WriteFile(filepath.Join(dir, "cur", "1.2.elsewhere:2,S"), []byte("Subject: by mutt\n\nhi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ro, err := OpenAccount(f.acct, Credentials{}, OpenOptions{Mode: StoreRead})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	rf, err := ro.OpenFolder("Trips")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rf.List(ctx, Query{}); err != nil || len(got) != 3 {
		t.Errorf("read-only list of a folder behind its files: %d rows, %v; want 3", len(got), err)
	}
	// The writer's next open indexes it.
	if _, err := f.eng.OpenFolder("Trips"); err != nil {
		t.Fatal(err)
	}
	if got, _ := fo.List(ctx, Query{Search: "mutt"}); len(got) != 1 {
		t.Errorf("after a new open, search for mutt: %+v", got)
	}
	rf.Close()

	// The reader closes the Inbox's engine when it shows a folder: the
	// folder goes on reading until it is closed itself.
	if err := f.eng.Close(); err != nil {
		t.Fatal(err)
	}
	if got, err := fo.List(ctx, Query{Search: "pelican"}); err != nil || len(got) != 1 {
		t.Errorf("folder after its engine closed: %+v, %v", got, err)
	}
	if st, err := fo.Stats(ctx); err != nil || st.Total != 3 {
		t.Errorf("stats after the engine closed: %+v, %v", st, err)
	}
	if err := fo.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if _, err := fo.List(ctx, Query{}); err == nil {
		t.Error("a closed folder still lists")
	}
}
