package ui

import (
	"slices"
	"strings"
	"testing"
)

// shown is the IDs the index shows, in order.
func (h *harness) shown() []int64 {
	var ids []int64
	for _, i := range h.m.index.order {
		ids = append(ids, h.m.index.rows[i].ID)
	}
	return ids
}

func TestLimit(t *testing.T) {
	tests := []struct {
		pattern string
		want    []int64
	}{
		{"~s weekend", []int64{3, 5}},
		{"~N", []int64{8, 7}},
		{"~A", []int64{6, 2}},
		{"!~N ~z >10K", []int64{6, 4, 2}},
		{"~f bob | ~f carol", []int64{3, 5}},
		{"invoice", []int64{2}}, // the store's search
		{"~d <2d", []int64{8, 7, 6}},
		{"~d 2025-12-01..2025-12-31", []int64{2}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			h := newHarness(t, newFake(), nil)
			h.keys("l", "type:"+tt.pattern, "enter")
			if got := h.shown(); !slices.Equal(got, tt.want) {
				t.Fatalf("limit %q shows %v, want %v\n%s", tt.pattern, got, tt.want, h.screen())
			}
			if !strings.Contains(h.screen(), "limit "+tt.pattern) {
				t.Errorf("the status bar does not show the limit:\n%s", h.screen())
			}
			h.keys("esc")
			if len(h.shown()) != 8 || strings.Contains(h.screen(), "limit ") {
				t.Errorf("Esc left %v shown", h.shown())
			}
		})
	}
}

// A bad pattern is one line pointing at the bad part; l again brings it
// back for fixing; an empty pattern shows all.
func TestLimitErrors(t *testing.T) {
	h := newHarness(t, newFake(), nil)
	h.keys("l", "type:~s lunch ~x", "enter")
	text, isErr := h.m.status.Message()
	if !isErr || !strings.Contains(text, "~x at column 10: unknown pattern ~x (see ? for the list)") {
		t.Fatalf("error %q (%v)", text, isErr)
	}
	if len(h.shown()) != 8 {
		t.Errorf("a bad pattern limited the index to %v", h.shown())
	}
	h.keys("l")
	if h.m.prompt.Value() != "~s lunch ~x" {
		t.Fatalf("the prompt starts with %q", h.m.prompt.Value())
	}
	h.keys("backspace", "backspace", "backspace", "enter")
	if got := h.shown(); !slices.Equal(got, []int64{8}) {
		t.Fatalf("fixed pattern shows %v", got)
	}
	h.keys("l", "ctrl+u", "enter")
	h.keys("l")
	for h.m.prompt.Value() != "" {
		h.keys("backspace")
	}
	h.keys("enter")
	if len(h.shown()) != 8 {
		t.Errorf("an empty limit shows %v", h.shown())
	}
}

// Tab jumps to the next new message (wrapping), in the index and the
// pager; O reverses the order, keeping the selection.
func TestNextNewAndReverse(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("G", "tab")
	if h.selectedID() != 8 {
		t.Fatalf("tab from the last row: %d, want 8 (wrapped)", h.selectedID())
	}
	h.keys("tab")
	if h.selectedID() != 7 {
		t.Fatalf("tab: %d, want 7", h.selectedID())
	}
	h.keys("O")
	if got := h.shown(); got[0] != 1 || got[7] != 8 || h.selectedID() != 7 {
		t.Fatalf("reversed %v, selected %d", got, h.selectedID())
	}
	if !strings.Contains(h.screen(), "by date, reversed") {
		t.Errorf("the title does not say reversed:\n%s", h.screen())
	}
	h.keys("O", "g", "enter", "tab") // open 8 (now read), tab opens 7
	if h.m.screen != screenPager || h.m.pager.ID() != 7 {
		t.Fatalf("tab in the pager opened %d", h.m.pager.ID())
	}
	h.keys("tab")
	if text, _ := h.m.status.Message(); !strings.Contains(text, "No new messages") {
		t.Errorf("no new left: %q", text)
	}
}
