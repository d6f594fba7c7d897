package ui

import (
	"slices"
	"strings"
	"testing"
)

// T tags and moves on; the state column and the status bar show tags;
// ; applies the next action to every tagged message.
func TestTagAndApply(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("T", "j", "T") // tag 8, skip 7, tag 6
	if h.selectedID() != 3 {
		t.Fatalf("T did not move on: selected %d", h.selectedID())
	}
	if !h.m.index.tagged[8] || h.m.index.tagged[7] || !h.m.index.tagged[6] {
		t.Fatalf("tags %v", h.m.index.tagged)
	}
	s := h.screen()
	if !strings.Contains(s, "2 tagged") || !strings.Contains(s, " N * ") {
		t.Errorf("tags not shown:\n%s", s)
	}
	h.keys(";", "F")
	if !f.row(8).Flagged || !f.row(6).Flagged || f.row(7).Flagged {
		t.Fatalf(";F flagged %v %v %v", f.row(8).Flagged, f.row(7).Flagged, f.row(6).Flagged)
	}
	h.keys(";", "F") // all flagged: unflag them
	if f.row(8).Flagged || f.row(6).Flagged {
		t.Fatal("second ;F did not unflag")
	}
	h.keys(";", "N") // 8 is new: all read
	if !f.row(8).Seen || !f.row(6).Seen {
		t.Fatal(";N did not mark read")
	}
	h.keys(";", "d")
	if got := f.marked(); !slices.Equal(got, []int64{8, 6}) || h.m.status.stats.Deleted != 2 {
		t.Fatalf(";d marked %v (count %d)", got, h.m.status.stats.Deleted)
	}
	h.keys(";", "u")
	if got := f.marked(); len(got) != 0 {
		t.Fatalf(";u left %v", got)
	}
	h.keys(";", "x") // not an action: nothing happens, the reader stays
	if h.quit {
		t.Fatal("; x exited")
	}
	if text, _ := h.m.status.Message(); !strings.Contains(text, "does not apply") {
		t.Errorf("; x: %q", text)
	}
	h.keys(";", "s", "type:Receipts", "enter")
	if len(f.saves) != 1 || !slices.Equal(f.saves[0].ids, []int64{8, 6}) || f.saves[0].target != "Receipts" {
		t.Fatalf(";s saved %+v", f.saves)
	}
}

// ctrl+t tags what a pattern matches (within the limit); an empty pattern
// untags all; ; with nothing tagged says so.
func TestTagPattern(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys(";", "d")
	if text, _ := h.m.status.Message(); !strings.Contains(text, "No message is tagged") || len(f.marked()) != 0 {
		t.Fatalf("; with no tags: %q, marked %v", text, f.marked())
	}
	h.keys("ctrl+t", "type:~A", "enter")
	if len(h.m.index.tagged) != 2 || !h.m.index.tagged[6] || !h.m.index.tagged[2] {
		t.Fatalf("~A tagged %v", h.m.index.tagged)
	}
	h.keys("l", "type:~T", "enter")
	if got := h.shown(); !slices.Equal(got, []int64{6, 2}) {
		t.Errorf("limit ~T shows %v", got)
	}
	h.keys("esc", "ctrl+t")
	for h.m.prompt.Value() != "" {
		h.keys("backspace")
	}
	h.keys("enter")
	if len(h.m.index.tagged) != 0 {
		t.Errorf("empty pattern left tags %v", h.m.index.tagged)
	}
	h.keys("ctrl+t", "type:~x", "enter") // the empty pattern is not remembered
	if text, isErr := h.m.status.Message(); !isErr || !strings.Contains(text, "Tag pattern: ~x at column 1") {
		t.Errorf("bad tag pattern: %q", text)
	}
}
