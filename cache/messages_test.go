package cache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestAddAndGet(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	d := time.Date(2024, 3, 9, 8, 7, 6, 0, time.FixedZone("", 9*3600))
	h := []byte("From: \"Kim, A\" <kim@example.kr>\r\nTo: a@example.org, B <b@example.org>\r\n" +
		"Cc: c@example.org\r\nSubject: Quarterly report\r\nDate: " + d.Format(time.RFC1123Z) + "\r\n" +
		"Message-ID: <q1@example.kr>\r\nIn-Reply-To: <q0@example.kr>\r\n" +
		"References: <r1@x> <q0@example.kr>\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n")
	got := addTest(t, s, NewMessage{UIDL: "U1", Size: 1234, Header: h}, NewMessage{UIDL: "U1", Dup: 1, Size: 5, Header: []byte("Subject: twin\n")})
	if got[0] <= 0 || got[1] != got[0]+1 {
		t.Fatalf("IDs %v, want positive and ascending", got)
	}
	m, err := s.Get(got[0])
	if err != nil {
		t.Fatal(err)
	}
	want := Message{
		ID: got[0], UIDL: "U1", Size: 1234, From: `"Kim, A" <kim@example.kr>`, FromName: "Kim, A",
		To: []string{"a@example.org", "B <b@example.org>"}, Cc: []string{"c@example.org"},
		Subject: "Quarterly report", MessageID: "<q1@example.kr>", InReplyTo: "<q0@example.kr>",
		References: []string{"<r1@x>", "<q0@example.kr>"}, HeaderHash: HeaderHash(h),
		HasAttachments: true, OnServer: true,
	}
	if !m.Date.Equal(d) {
		t.Errorf("Date %v, want %v", m.Date, d)
	}
	if _, off := m.Date.Zone(); off != 9*3600 {
		t.Errorf("Date lost the sender's offset: %v", m.Date)
	}
	if time.Since(m.FirstSeen) > time.Minute || m.FirstSeen.IsZero() {
		t.Errorf("FirstSeen %v", m.FirstSeen)
	}
	if !m.DownloadedAt.IsZero() || m.Cached {
		t.Errorf("new message claims a body: %+v", m)
	}
	m.Date, m.FirstSeen = time.Time{}, time.Time{}
	if fmt.Sprint(m) != fmt.Sprint(want) {
		t.Errorf("Get =\n%+v\nwant\n%+v", m, want)
	}
	twin, err := s.Get(got[1])
	if err != nil || twin.Dup != 1 || twin.UIDL != "U1" || !twin.Date.IsZero() {
		t.Errorf("duplicate UIDL: %+v, %v", twin, err)
	}
	hb, err := s.Header(got[0])
	if err != nil || string(hb) != string(h) {
		t.Errorf("Header = %q, %v", hb, err)
	}

	if _, err := s.Get(999); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(999): %v, want ErrNotFound", err)
	}
	if _, err := s.Header(999); !errors.Is(err, ErrNotFound) {
		t.Errorf("Header(999): %v, want ErrNotFound", err)
	}
	if ids, err := s.Add(ctx, nil); err != nil || len(ids) != 0 {
		t.Errorf("Add(nil) = %v, %v", ids, err)
	}
}

func TestAddDuplicateFailsWholeBatch(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	addTest(t, s, simple(1, "a"))
	_, err := s.Add(ctx, []NewMessage{simple(2, "b"), simple(1, "again")})
	if err == nil {
		t.Fatal("Add of an existing UIDL+Dup succeeded")
	}
	all, _ := s.All(ctx)
	if len(all) != 1 {
		t.Errorf("%d rows after a failed batch, want 1 (the batch is one transaction)", len(all))
	}
}

func TestMaxID(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if id, err := s.MaxID(ctx); err != nil || id != 0 {
		t.Fatalf("empty store: MaxID %d, %v", id, err)
	}
	ids := addTest(t, s, simple(1, "a"), simple(2, "b"), simple(3, "c"))
	if err := s.Remove(ctx, ids[2:]); err != nil {
		t.Fatal(err)
	}
	addTest(t, s, simple(4, "d"))
	if id, err := s.MaxID(ctx); err != nil || id != ids[2]+1 {
		t.Fatalf("MaxID %d, %v; want %d", id, err, ids[2]+1)
	}
}

func TestIDsNeverReused(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	first := addTest(t, s, simple(1, "a"), simple(2, "b"))
	if err := s.Remove(ctx, first); err != nil {
		t.Fatal(err)
	}
	again := addTest(t, s, simple(1, "a"))
	if again[0] <= first[1] {
		t.Errorf("ID %d reused after removing %v", again[0], first)
	}
}

func TestListOrder(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	noDate := func(uidl string) NewMessage {
		return NewMessage{UIDL: uidl, Header: []byte("Subject: undated " + uidl + "\n")}
	}
	// Dated messages sort by Date; undated ones by first-seen time (now,
	// later than every date here); ties by ID, newest first.
	a := addTest(t, s, simple(5, "five"), simple(1, "one"), noDate("n1"), simple(3, "three"))
	b := addTest(t, s, noDate("n2"))
	all, err := s.List(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{b[0], a[2], a[0], a[3], a[1]}
	if !slices.Equal(ids(all), want) {
		t.Errorf("List order %v, want %v", ids(all), want)
	}
	page, _ := s.List(ctx, Query{Limit: 2, Offset: 1})
	if !slices.Equal(ids(page), want[1:3]) {
		t.Errorf("page %v, want %v", ids(page), want[1:3])
	}
	rows, _ := s.All(ctx)
	if !slices.IsSorted(ids(rows)) || len(rows) != 5 {
		t.Errorf("All %v not in ID order", ids(rows))
	}
	if l, err := s.List(ctx, Query{Offset: 100}); err != nil || len(l) != 0 {
		t.Errorf("offset past the end: %v, %v", l, err)
	}
}

func TestSetOnServerAndUIDL(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	got := addTest(t, s, simple(1, "a"), simple(2, "b"), simple(3, "c"))
	if err := s.SetOnServer(ctx, got[:2], false); err != nil {
		t.Fatal(err)
	}
	all, _ := s.All(ctx)
	for i, m := range all {
		if m.OnServer != (i == 2) {
			t.Errorf("message %d OnServer=%v", m.ID, m.OnServer)
		}
	}
	if err := s.SetUIDL(ctx, got[0], "moved", 0); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Get(got[0]); m.UIDL != "moved" {
		t.Errorf("UIDL %q after SetUIDL", m.UIDL)
	}
	if err := s.SetUIDL(ctx, got[1], "moved", 0); err == nil {
		t.Error("SetUIDL onto another message's UIDL succeeded")
	}
	if err := s.SetUIDL(ctx, 999, "x", 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetUIDL(999): %v", err)
	}
}

func TestHeaderHash(t *testing.T) {
	base := HeaderHash([]byte("Subject: x\nFrom: a@b\n"))
	for _, h := range []string{
		"Subject: x\r\nFrom: a@b\r\n",
		"Subject: x\nFrom: a@b\n\n",
		"Subject: x\r\nFrom: a@b\r\n\r\nthe body\r\n",
		"Subject: x\nFrom: a@b",
	} {
		if got := HeaderHash([]byte(h)); got != base {
			t.Errorf("HeaderHash(%q) differs from the plain header's", h)
		}
	}
	if HeaderHash([]byte("Subject: y\n")) == base {
		t.Error("different headers hash alike")
	}
}

func TestSyncRows(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	id := addTest(t, s, simple(1, "one"), simple(2, "two"), NewMessage{UIDL: "nodate", Header: []byte("Subject: none\n")})
	if err := s.SaveBody(ctx, id[0], bytes.NewReader([]byte("Subject: one\n\nx\n"))); err != nil {
		t.Fatal(err)
	}
	s.MarkDeleted(ctx, id[1:2], true)
	s.SetOnServer(ctx, id[2:], false)
	all, err := s.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lean, err := s.SyncRows(ctx)
	if err != nil || len(lean) != len(all) {
		t.Fatalf("SyncRows: %d rows, %v; want %d", len(lean), err, len(all))
	}
	for i, m := range all {
		l := lean[i]
		if l.ID != m.ID || l.UIDL != m.UIDL || l.Dup != m.Dup || l.Size != m.Size || l.Cached != m.Cached ||
			l.Deleted != m.Deleted || l.OnServer != m.OnServer || !l.Date.Equal(m.Date) {
			t.Errorf("row %d: SyncRows %+v, All %+v", i, l, m)
		}
	}
	if un, err := s.Unfetched(ctx); err != nil || len(un) != 0 {
		t.Errorf("Unfetched = %+v, %v; want none (stored, marked, off the server)", un, err)
	}
	s.SetOnServer(ctx, id[2:], true)
	if un, _ := s.Unfetched(ctx); len(un) != 1 || un[0].ID != id[2] || !un[0].Date.IsZero() {
		t.Errorf("Unfetched = %+v, want the undated message %d", un, id[2])
	}
	if full, err := s.Rows(ctx, []int64{id[1], 999}); err != nil || len(full) != 1 || full[0].HeaderHash == "" {
		t.Errorf("Rows = %+v, %v", full, err)
	}
}
