package cache

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestBatch stores many bodies with group commit: each is reported once
// it is durable, the rows say cached, the files are byte-exact with LF line
// ends, tmp/ is empty, a body stored twice keeps one file, and a message
// removed meanwhile is dropped; the bodies wait for the indexer.
func TestBatch(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var msgs []NewMessage
	for i := range 300 {
		msgs = append(msgs, simple(i, fmt.Sprintf("batch %d", i)))
	}
	ids := addTest(t, s, msgs...)
	var (
		mu       sync.Mutex
		reported []int64
	)
	b, err := s.NewBatch(ctx, func(got []int64) {
		mu.Lock()
		reported = append(reported, got...)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	body := func(i int) string {
		return fmt.Sprintf("Subject: batch %d\r\n\r\n%s\r\n", i, strings.Repeat("word ", i))
	}
	if err := s.Remove(ctx, ids[299:]); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if err := b.Save(id, strings.NewReader(body(i))); err != nil {
			t.Fatalf("Save %d: %v", i, err)
		}
	}
	if err := b.Save(ids[0], strings.NewReader(body(0))); err != nil { // again
		t.Fatal(err)
	}
	saved, err := b.Close()
	if err != nil || saved != 299 {
		t.Fatalf("Close: %d saved, %v; want 299", saved, err)
	}
	if err := b.Save(ids[1], strings.NewReader(body(1))); err == nil {
		t.Error("Save after Close succeeded")
	}
	slices.Sort(reported)
	if !slices.Equal(reported, ids[:299]) {
		t.Errorf("reported %d IDs, want the 299 stored once each", len(reported))
	}
	for i, id := range ids[:299] {
		if got := readBody(t, s, id); got != strings.ReplaceAll(body(i), "\r\n", "\n") {
			t.Fatalf("message %d: body %q", i, got)
		}
	}
	if files := curFiles(t, s); len(files) != 299 {
		t.Errorf("%d files in cur/, want 299", len(files))
	}
	if tmp, _ := os.ReadDir(s.path(maildirName, "tmp")); len(tmp) != 0 {
		t.Errorf("%d files left in tmp/", len(tmp))
	}
	if n, _ := s.UnindexedBodies(ctx); n != 299 {
		t.Errorf("%d bodies to index, want 299", n)
	}
	for {
		n, err := s.IndexBodies(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	if got, _ := s.List(ctx, Query{Search: "batch 7"}); len(got) == 0 {
		t.Error("indexed bodies not found")
	}
	if rep := mustCheck(t, s, false); !rep.OK() {
		t.Errorf("check: %v", rep.Problems)
	}
}
