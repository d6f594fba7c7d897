package ui

import (
	"errors"
	"strings"
	"testing"
)

// F flags and unflags, N toggles new/read, in the index and the pager; the
// cursor stays; the engine keeps the marks.
func TestFlagAndNewToggle(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("j", "F") // message 7
	if h.selectedID() != 7 || !f.row(7).Flagged || !h.m.index.rows[1].Flagged {
		t.Fatalf("after F: selected %d, stored flagged %v", h.selectedID(), f.row(7).Flagged)
	}
	if !strings.Contains(h.screen(), " NF  ") {
		t.Errorf("state column does not show N and F:\n%s", h.screen())
	}
	unseen := h.m.status.stats.Unseen
	h.keys("N")
	if h.selectedID() != 7 || !f.row(7).Seen || h.m.status.stats.Unseen != unseen-1 {
		t.Fatalf("after N: selected %d, seen %v, unseen %d (was %d)", h.selectedID(), f.row(7).Seen, h.m.status.stats.Unseen, unseen)
	}
	h.keys("N", "F")
	if r := f.row(7); r.Seen || r.Flagged {
		t.Fatalf("second N and F did not undo: %+v", r)
	}
	// In the pager: opening marks read, N marks it new again, F flags it.
	h.keys("enter", "N", "F")
	if r := f.row(7); r.Seen || !r.Flagged || h.m.screen != screenPager || h.m.pager.ID() != 7 {
		t.Fatalf("pager N, F: seen %v flagged %v screen %v", r.Seen, r.Flagged, h.m.screen)
	}
}

// A mark the store cannot save is undone on screen and reported.
func TestFlagFailureIsUndone(t *testing.T) {
	f := newFake()
	f.markErr = errors.New("disk full")
	h := newHarness(t, f, nil)
	h.keys("F")
	if r, _ := h.m.index.Selected(); r.Flagged {
		t.Error("a flag that could not be saved is still shown")
	}
	if text, isErr := h.m.status.Message(); !isErr || !strings.Contains(text, "disk full") {
		t.Errorf("message %q (error %v)", text, isErr)
	}
}

// A read-only account changes no marks.
func TestFlagReadOnly(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, func(o *Options) { o.Account.ReadOnly = true })
	h.keys("F", "N")
	if r := f.row(8); r.Flagged || r.Seen {
		t.Errorf("read-only account changed marks: %+v", r)
	}
}
