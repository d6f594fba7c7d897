package mailbox

import (
	"context"
	"strings"
	"testing"

	"github.com/popterm/popterm/pop3/pop3test"
)

// TestUnusableUIDL: one message with an oversized UIDL does not stop the
// mailbox: the others sync by UIDL, that one by the hash of its header,
// with one warning; the next sync stores nothing twice and warns no more.
func TestUnusableUIDL(t *testing.T) {
	f := newFixture(t, pop3test.Config{Faults: pop3test.Faults{BadUIDL: 2}}, mails("u", 3)...)
	res := f.sync(false)
	if res.New != 3 || res.Downloaded != 3 {
		t.Fatalf("first sync %+v, want 3 new and downloaded", res)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "unusable UIDL") || !strings.Contains(res.Warnings[0], "limit 512") {
		t.Fatalf("warnings %q", res.Warnings)
	}
	rows := f.all()
	hashed := 0
	for _, r := range rows {
		if strings.HasPrefix(r.UIDL, hashPrefix) {
			hashed++
		}
	}
	if len(rows) != 3 || hashed != 1 {
		t.Fatalf("%d rows, %d identified by hash; want 3 and 1", len(rows), hashed)
	}
	f.byUIDL("u1")
	f.byUIDL("u3")
	res = f.sync(false)
	if res.New != 0 || res.Gone != 0 || len(res.Warnings) != 0 || len(f.all()) != 3 {
		t.Fatalf("second sync %+v, %d rows; want nothing new, gone or warned", res, len(f.all()))
	}
	for _, r := range f.all() {
		if !r.OnServer || !r.Cached {
			t.Fatalf("row %+v lost its state", r)
		}
	}
	f.checkStore()
}

// TestUnusableUIDLDeletes: a message identified by its header can still be
// deleted on the server.
func TestUnusableUIDLDeletes(t *testing.T) {
	f := markedUnusable(t)
	res := f.sync(true)
	if res.Deleted != 1 || f.md.Len() != 1 || f.md.UIDs()[0] != "u2" {
		t.Fatalf("commit %+v, server %v", res, f.md.UIDs())
	}
}

// TestUnusableUIDLCommit: the commit-only session finds a message without
// a usable UIDL by its header too, deletes it when marked, and never takes
// it for gone.
func TestUnusableUIDLCommit(t *testing.T) {
	f := markedUnusable(t)
	res, err := f.eng.Commit(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Deleted != 1 || !res.Committed || f.md.Len() != 1 || f.md.UIDs()[0] != "u2" {
		t.Fatalf("commit %+v, server %v", res, f.md.UIDs())
	}
	if len(f.all()) != 1 || !f.byUIDL("u2").OnServer {
		t.Fatalf("store after the commit: %+v", f.all())
	}
}

// markedUnusable syncs two messages, the first with an unusable UIDL, and
// marks that one for deletion.
func markedUnusable(t *testing.T) *fixture {
	f := newFixture(t, pop3test.Config{Faults: pop3test.Faults{BadUIDL: 1}}, mails("u", 2)...)
	f.sync(false)
	var id int64
	for _, r := range f.all() {
		if strings.HasPrefix(r.UIDL, hashPrefix) {
			id = r.ID
		}
	}
	if err := f.eng.MarkDeleted(context.Background(), []int64{id}, true); err != nil {
		t.Fatal(err)
	}
	return f
}
