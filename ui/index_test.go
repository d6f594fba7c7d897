package ui

import (
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
)

// The index's own keys: every movement binding, sort and threads.
func TestIndexKeys(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		want int64 // selected message ID
	}{
		{"start at newest", nil, 8},
		{"j moves down", []string{"j"}, 7},
		{"down arrow", []string{"down", "down"}, 6},
		{"k moves up", []string{"j", "j", "k"}, 7},
		{"up arrow stops at top", []string{"up", "up"}, 8},
		{"G last", []string{"G"}, 1},
		{"end last", []string{"end"}, 1},
		{"g first", []string{"G", "g"}, 8},
		{"home first", []string{"G", "home"}, 8},
		{"pgdown", []string{"pgdown"}, 1},
		{"space pages down", []string{"space"}, 1},
		{"pgup", []string{"G", "pgup"}, 8},
		{"- pages up", []string{"G", "-"}, 8},
		{"j stops at bottom", []string{"G", "j", "j"}, 1},
		{"o sorts by sender, selection kept", []string{"j", "o"}, 7},
		{"o then g: first by sender", []string{"o", "g"}, 8}, // Alice
		{"o o: by subject, first is Invoice", []string{"o", "o", "g"}, 2},
		{"o o o: by size, first is the largest", []string{"o", "o", "o", "g"}, 2},
		{"o x4: back to date", []string{"o", "o", "o", "o", "g"}, 8},
		{"t threads: the thread of the newest first", []string{"t", "g"}, 5},
		{"t threads: replies follow their root", []string{"t", "g", "j"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, newFake(), nil)
			h.keys(tt.keys...)
			if got := h.selectedID(); got != tt.want {
				t.Errorf("selected %d, want %d\n%s", got, tt.want, h.screen())
			}
		})
	}
}

func TestIndexSortCycles(t *testing.T) {
	h := newHarness(t, newFake(), nil)
	for _, want := range []sortKey{sortSender, sortSubject, sortSize, sortDate} {
		h.keys("o")
		if h.m.index.sortBy != want {
			t.Fatalf("sort = %v, want %v", h.m.index.sortBy, want)
		}
	}
}

func TestThreadOrder(t *testing.T) {
	h := newHarness(t, newFake(), nil)
	h.keys("t")
	var got []int64
	for _, i := range h.m.index.order {
		got = append(got, h.m.index.rows[i].ID)
	}
	// 8 and 3 reply to 5: the thread stands where its newest message does,
	// replies oldest first under the root.
	want := []int64{5, 3, 8, 7, 6, 4, 2, 1}
	if len(got) != len(want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
	if d := h.m.index.depth; d[0] != 0 || d[1] != 1 || d[2] != 1 || d[3] != 0 {
		t.Errorf("depths %v", d)
	}
	h.keys("t")
	if h.m.index.depth != nil {
		t.Error("t again should leave thread view")
	}
}

func TestThreadCycleDoesNotHang(t *testing.T) {
	f := newFake()
	f.rows[0].References = []string{"<m3@x>"}
	f.rows[0].InReplyTo = "<m3@x>"
	f.rows[5].InReplyTo = "<m8@x>"
	f.rows[5].References = []string{"<m8@x>"}
	h := newHarness(t, f, nil)
	h.keys("t")
	if n := len(h.m.index.order); n != 8 {
		t.Fatalf("thread view shows %d of 8 messages", n)
	}
}

func TestNewMailKeepsSelection(t *testing.T) {
	f := manyFake(200)
	h := newHarness(t, f, nil)
	for range 30 {
		h.keys("j")
	}
	id, line := h.selectedID(), h.m.index.sel-h.m.index.top
	f.mu.Lock()
	f.rows = append(sampleRowsNewer(), f.rows...)
	f.mu.Unlock()
	h.keys("$") // a sync, then a reload
	if got := h.selectedID(); got != id {
		t.Fatalf("selection moved from %d to %d after new mail", id, got)
	}
	if l := h.m.index.sel - h.m.index.top; l != line {
		t.Errorf("selected row moved from screen line %d to %d", line, l)
	}
	if h.m.index.Len() != 202 {
		t.Errorf("index shows %d rows, want 202", h.m.index.Len())
	}
}

func sampleRowsNewer() []mailapi.Summary {
	r := sampleRows()[:2]
	r[0].ID, r[0].Subject, r[0].Date = 1009, "New one", fixedNow.Add(time.Minute)
	r[1].ID, r[1].Subject, r[1].Date = 1010, "Newer one", fixedNow.Add(2*time.Minute)
	return r
}

func TestRowAtAndScroll(t *testing.T) {
	h := newHarness(t, manyFake(500), nil)
	if pos := h.m.index.RowAt(0); pos != -1 {
		t.Errorf("the title line is row %d", pos)
	}
	if pos := h.m.index.RowAt(3); pos != 2 {
		t.Errorf("line 3 is row %d, want 2", pos)
	}
	h.send(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if h.m.index.top != 3 || h.m.index.sel != 3 {
		t.Errorf("wheel down: top %d sel %d, want 3 3", h.m.index.top, h.m.index.sel)
	}
	h.send(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if h.m.index.top != 0 {
		t.Errorf("wheel up: top %d", h.m.index.top)
	}
}

// The first frame shows the newest page before the whole index arrives,
// and a late page never replaces the whole index.
func TestFirstPageThenWholeIndex(t *testing.T) {
	f := manyFake(1000)
	var full []listMsg
	h := &harness{t: t, m: New(Options{Account: Account{Name: "w", Engine: f}, Now: func() time.Time { return fixedNow }, NoAutoSync: true})}
	h.hold = func(msg tea.Msg) bool {
		if l, ok := msg.(listMsg); ok && !l.partial {
			full = append(full, l)
			return true
		}
		return false
	}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(h.m.Init(), 0)
	if n := h.m.index.Len(); n != firstPage || len(full) != 1 {
		t.Fatalf("first frame has %d rows (want %d), %d whole lists pending", n, firstPage, len(full))
	}
	if h.selectedID() != 1000 {
		t.Errorf("first page does not start with the newest: %d", h.selectedID())
	}
	h.hold = nil
	h.send(full[0])
	if n := h.m.index.Len(); n != 1000 {
		t.Fatalf("whole index has %d rows", n)
	}
	h.send(listMsg{session: h.m.session, gen: h.m.searchGen, rows: f.rows[:firstPage], partial: true})
	if n := h.m.index.Len(); n != 1000 {
		t.Errorf("a late first page replaced the whole index: %d rows", n)
	}
}

func TestFit(t *testing.T) {
	tests := []struct {
		in   string
		w    int
		want string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 4, "abc…"},
		{"abcd", 4, "abcd"},
		{"회의 일정", 5, "회의…"},
		{"회의", 3, "회…"},
		{"🎉x", 3, "🎉x"},
		{"日本語", 1, "…"},
		{"", 2, "  "},
		{"abc", 0, ""},
	}
	for _, tt := range tests {
		got := fit(tt.in, tt.w)
		if got != tt.want || (tt.w > 0 && stringWidth(got) != tt.w) {
			t.Errorf("fit(%q, %d) = %q (%d cells), want %q", tt.in, tt.w, got, stringWidth(got), tt.want)
		}
	}
}

// Sorting by sender uses what the index shows: the display name, else the
// address.
func TestSortBySenderFallsBackToAddress(t *testing.T) {
	rows := []mailapi.Summary{
		{ID: 1, FromName: "Zoe", From: "zoe@example.org"},
		{ID: 2, From: "adam@example.org"},
		{ID: 3, FromName: "Mia", From: "mia@example.org"},
	}
	var got []int64
	for _, i := range sortedOrder(rows, sortSender) {
		got = append(got, rows[i].ID)
	}
	if !slices.Equal(got, []int64{2, 3, 1}) {
		t.Errorf("order %v, want adam, Mia, Zoe", got)
	}
}
