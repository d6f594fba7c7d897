package cache

import (
	"context"
	"slices"
	"testing"
	"time"
)

// The one list order: newest first by Date, a message without a Date by when
// it was first stored, ties by the higher ID. A page read through SQL, the
// whole listing sorted in memory and CompareNewest agree.
func TestListOrderOneRule(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	day := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	old := simple(1, "old")                                                           // 2024-05-01 12:01
	same1 := NewMessage{UIDL: "same1", Header: hdr("a@x", "b@x", "tie one", day, "")} // ties with same2
	same2 := NewMessage{UIDL: "same2", Header: hdr("a@x", "b@x", "tie two", day, "")}
	undated := NewMessage{UIDL: "undated", Header: hdr("a@x", "b@x", "no date", time.Time{}, "")}
	future := NewMessage{UIDL: "future", Header: hdr("a@x", "b@x", "future", time.Now().Add(48*time.Hour), "")}
	id := addTest(t, s, old, same1, same2, undated, future)
	// The undated message sorts by its first-seen time: now, so after the
	// future one and before every dated message in the past.
	want := []int64{id[4], id[3], id[0], id[2], id[1]}

	all, err := s.List(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(all); !slices.Equal(got, want) {
		t.Errorf("whole listing %v, want %v", got, want)
	}
	page, err := s.List(ctx, Query{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(page); !slices.Equal(got, want) {
		t.Errorf("page (SQL order) %v, want %v", got, want)
	}
	rest, err := s.List(ctx, Query{Offset: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(rest); !slices.Equal(got, want[2:]) {
		t.Errorf("listing from offset 2 %v, want %v", got, want[2:])
	}
	shuffled := slices.Clone(all)
	slices.Reverse(shuffled)
	slices.SortFunc(shuffled, func(a, b Message) int { return a.CompareNewest(&b) })
	if got := ids(shuffled); !slices.Equal(got, want) {
		t.Errorf("CompareNewest %v, want %v", got, want)
	}
	for _, m := range all {
		if m.Subject == "no date" && m.SortKey() != m.FirstSeen.UnixMilli() {
			t.Errorf("undated SortKey %d, want first seen %d", m.SortKey(), m.FirstSeen.UnixMilli())
		}
	}
}
