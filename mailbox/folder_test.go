package mailbox

import (
	"context"
	"errors"
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
