package cache

import (
	"context"
	"testing"
)

// Options.CacheKB sets the page cache of the index's connections, in the
// writable and the read-only store; without it the default stays.
func TestCacheKB(t *testing.T) {
	dir := t.TempDir()
	cacheSize := func(s *Store) int {
		t.Helper()
		var n int
		if err := s.db.QueryRowContext(context.Background(), `PRAGMA cache_size`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	s, err := Open(dir, Options{CacheKB: 3000})
	if err != nil {
		t.Fatal(err)
	}
	if got := cacheSize(s); got != -3000 {
		t.Errorf("cache_size %d, want -3000", got)
	}
	ro, err := Open(dir, Options{ReadOnly: true, CacheKB: 2500})
	if err != nil {
		t.Fatal(err)
	}
	if got := cacheSize(ro); got != -2500 {
		t.Errorf("read-only cache_size %d, want -2500", got)
	}
	ro.Close()
	s.Close()
	d, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got := cacheSize(d); got != -16000 {
		t.Errorf("default cache_size %d, want -16000", got)
	}
}

// Each sees every message List returns, in any order.
func TestEachMatchesList(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	addTest(t, s, simple(1, "one"), simple(2, "two"), simple(3, "three"), simple(4, "four"), simple(5, "five"))
	want, err := s.List(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]string{}
	if err := s.Each(ctx, Query{}, func(m *Message) { seen[m.ID] = m.Subject }); err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(want) || len(want) != 5 {
		t.Fatalf("Each saw %d messages, List %d", len(seen), len(want))
	}
	for _, m := range want {
		if seen[m.ID] != m.Subject {
			t.Errorf("message %d: Each %q, List %q", m.ID, seen[m.ID], m.Subject)
		}
	}
}

// Count agrees with List for whole listings and searches, whatever the
// page asked for.
func TestCountMatchesList(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	addTest(t, s, simple(1, "meeting one"), simple(2, "two"), simple(3, "meeting three"), simple(4, "four"))
	for _, q := range []Query{{}, {Search: "meeting"}, {Search: "meeting", Limit: 1}, {Search: "nothing"}, {Search: "o"}} {
		all, err := s.List(ctx, Query{Search: q.Search})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Count(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if n != len(all) {
			t.Errorf("Count(%+v) = %d, List found %d", q, n, len(all))
		}
	}
}
