package cache

import (
	"context"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentWrites saves the same bodies from several goroutines while
// others flip flags and read: one file per message, in line with the index.
func TestConcurrentWrites(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var msgs []NewMessage
	for i := range 10 {
		msgs = append(msgs, simple(i, "concurrent"))
	}
	got := addTest(t, s, msgs...)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range 4 {
		wg.Add(3)
		go func() {
			defer wg.Done()
			for _, id := range got {
				errs <- s.SaveBody(ctx, id, strings.NewReader("Subject: concurrent\r\n\r\nbody\r\n"))
			}
		}()
		go func() {
			defer wg.Done()
			for i := range 10 {
				errs <- s.MarkSeen(ctx, got, (i+w)%2 == 0)
			}
		}()
		go func() {
			defer wg.Done()
			for range 10 {
				_, err := s.List(ctx, Query{Search: "concurrent"})
				errs <- err
			}
		}()
	}
	go func() { wg.Wait(); close(errs) }()
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if f := curFiles(t, s); len(f) != len(got) {
		t.Errorf("%d files for %d messages: %v", len(f), len(got), f)
	}
	if rep := mustCheck(t, s, false); !rep.OK() {
		t.Errorf("after concurrent writes: %v", rep.Problems)
	}
}
