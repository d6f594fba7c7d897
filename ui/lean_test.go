package ui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
)

// shownIDs are the message IDs in display order.
func shownIDs(m indexModel) []int64 {
	ids := make([]int64, len(m.order))
	for pos, i := range m.order {
		ids[pos] = m.rows[i].ID
	}
	return ids
}

// `o` orders the rows in a command: Update returns at once with the rows
// and the title as they were, and the new order shows when the command's
// result comes back.
func TestSortRunsInACommand(t *testing.T) {
	h := newHarness(t, newFake(), nil)
	before := shownIDs(h.m.index)
	nm, cmd := h.m.Update(keyPress("o"))
	h.m = nm.(App)
	if cmd == nil {
		t.Fatal("o returned no command: the sort ran inside Update")
	}
	if got := shownIDs(h.m.index); !equalIDs(got, before) || !strings.Contains(h.screen(), "(by date)") {
		t.Fatalf("Update reordered the rows itself: %v, want %v\n%s", got, before, h.screen())
	}
	h.send(cmd())
	if !strings.Contains(h.screen(), "(by sender)") || equalIDs(shownIDs(h.m.index), before) {
		t.Errorf("the sort's result did not show:\n%s", h.screen())
	}
}

// An order computed for an older request (a sort key pressed before, rows
// of an older load) is dropped when it arrives after a newer one.
func TestStaleArrangementDropped(t *testing.T) {
	h := newHarness(t, newFake(), nil)
	nm, bySender := h.m.Update(keyPress("o"))
	h.m = nm.(App)
	stale := bySender() // computed, not yet delivered
	h.keys("o")         // by subject, delivered
	want := shownIDs(h.m.index)
	h.send(stale)
	if got := shownIDs(h.m.index); !equalIDs(got, want) || !strings.Contains(h.screen(), "(by subject)") {
		t.Errorf("a late sort replaced a newer one: %v, want %v\n%s", got, want, h.screen())
	}

	// Rows of an older load, ordered after a newer load was shown.
	old := h.m.searchGen
	nm, arrange := h.m.Update(listMsg{session: h.m.session, gen: old, rows: newFake().rows[:2], total: 2})
	h.m = nm.(App)
	late := arrange()
	h.keys("esc") // no search: nothing changes
	reload := h.m.reload()
	h.run(reload, 0)
	want = shownIDs(h.m.index)
	h.send(late)
	if got := shownIDs(h.m.index); !equalIDs(got, want) || len(got) != 8 {
		t.Errorf("a late load replaced a newer one: %v, want %v", got, want)
	}
}

// A search shows its first page with the count of all its results, read
// beside it; the count in the label always matches the result, also while
// the remaining rows are still being read.
func TestSearchCountMatchesResult(t *testing.T) {
	f := manyFake(1000)
	h := newHarness(t, f, nil)
	held := holdWholeLists(h)
	f.rows[500].Subject = "Quarterly numbers" // one row that "about" misses
	want := len(f.matching("about"))
	h.keys("/", "type:about", "enter")
	if n := h.m.index.Len(); n != firstPage || want <= firstPage {
		t.Fatalf("the first page has %d rows, want %d (of %d)", n, firstPage, want)
	}
	label := "“about”: " + plural(want, "message")
	if !strings.Contains(h.screen(), label) {
		t.Errorf("the first page's label is not %q:\n%s", label, h.screen())
	}
	if len(*held) == 0 || (*held)[len(*held)-1].gen != h.m.searchGen {
		t.Fatalf("the whole result of the search was not read after its first page")
	}
	h.hold = nil
	for _, l := range *held { // the older ones are dropped
		h.send(l)
	}
	if n := h.m.index.Len(); n != want || !strings.Contains(h.screen(), label) {
		t.Errorf("whole result: %d rows, want %d\n%s", n, want, h.screen())
	}
}

// Without a count from the engine, the label waits for the whole result
// instead of showing the first page's size.
func TestSearchLabelWithoutCount(t *testing.T) {
	f := manyFake(1000)
	h := newHarness(t, noCount{f}, nil)
	held := holdWholeLists(h)
	h.keys("/", "type:about", "enter")
	if !strings.Contains(h.screen(), "“about”: searching…") {
		t.Errorf("no count known, yet the label shows one:\n%s", h.screen())
	}
	h.hold = nil
	for _, l := range *held {
		h.send(l)
	}
	if want := len(f.matching("about")); !strings.Contains(h.screen(), "“about”: "+plural(want, "message")) {
		t.Errorf("whole result: label not %d messages\n%s", want, h.screen())
	}
}

// holdWholeLists keeps the whole lists read for the current query from the
// reader (not their first pages), to send them later.
func holdWholeLists(h *harness) *[]listMsg {
	var held []listMsg
	h.hold = func(msg tea.Msg) bool {
		if l, ok := msg.(listMsg); ok && !l.partial && l.gen == h.m.searchGen {
			held = append(held, l)
			return true
		}
		return false
	}
	return &held
}

// noCount is an engine without Count.
type noCount struct{ *fakeEngine }

// Count hides the fake's: this one is not a counter.
func (noCount) Count() {}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The unified view counts a search over every account, and says the count
// is unknown when an account cannot count.
func TestUnifiedCount(t *testing.T) {
	work, home := newFake(), newFake()
	home.rows = home.rows[:2]
	h, _ := unifiedHarness(t, work, home)
	h.keys("U")
	u, ok := h.m.acct.Engine.(counter)
	if !ok {
		t.Fatal("the unified engine does not count")
	}
	want := len(work.matching("e")) + len(home.matching("e"))
	if n, err := u.Count(t.Context(), mailapi.Query{Search: "e"}); err != nil || n != want {
		t.Errorf("Count = %d, %v; want %d", n, err, want)
	}
	h.m.unified.engines[1] = noCount{home}
	if n, err := u.Count(t.Context(), mailapi.Query{Search: "e"}); err != nil || n != -1 {
		t.Errorf("with an account that cannot count: %d, %v; want -1", n, err)
	}
}

// lagging is an engine whose body indexer is behind by n messages.
type lagging struct {
	*fakeEngine
	n int
}

func (l lagging) UnindexedBodies(context.Context) (int, error) { return l.n, nil }

// While the body indexer has not caught up, a search says its result may
// be incomplete; a caught-up index, or no search, says nothing of it.
func TestSearchSaysIncompleteWhileIndexing(t *testing.T) {
	const note = "Results may be incomplete: 7 messages still waiting for the search index"
	for _, tc := range []struct {
		behind int
		want   bool
	}{{7, true}, {0, false}} {
		h := newHarness(t, lagging{manyFake(50), tc.behind}, nil)
		if strings.Contains(h.screen(), "may be incomplete") {
			t.Fatalf("behind %d: the note shows without a search:\n%s", tc.behind, h.screen())
		}
		h.keys("/", "type:about", "enter")
		if got := strings.Contains(h.screen(), note); got != tc.want {
			t.Errorf("behind %d: note shown %v, want %v:\n%s", tc.behind, got, tc.want, h.screen())
		}
	}
}
