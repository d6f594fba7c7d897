package ui

import (
	"slices"
	"strings"
	"testing"
)

// U shows every account in one list with an account column; marks reach
// each message's own account; q commits every account that has marks;
// U again goes back to the first account, with its stores let go first.
func TestUnifiedView(t *testing.T) {
	work, home := newFake(), newFake()
	home.rows = home.rows[:2] // IDs 8 and 7, as in work: the view tells them apart
	home.rows[0].Subject, home.rows[1].Subject = "home eight", "home seven"
	h, opened := unifiedHarness(t, work, home)
	h.keys("U")
	s := h.screen()
	if h.m.unified == nil || h.m.index.Len() != 10 || !strings.Contains(s, "Account") || !strings.Contains(s, "home eight") ||
		!strings.Contains(s, "all accounts · 10 messages") {
		t.Fatalf("unified view (opened %v):\n%s", *opened, s)
	}
	if work.closed || home.closed {
		t.Fatal("an account's engine was closed by opening the view")
	}
	// The two newest rows are both "8": work's and home's.
	first, _ := h.m.index.Selected()
	if h.m.index.accountName(first.ID) == "" {
		t.Fatal("no account for a row")
	}
	var homeRow int
	for pos, i := range h.m.index.order {
		if h.m.index.rows[i].Subject == "home seven" {
			homeRow = pos
		}
	}
	h.m.index.sel = homeRow
	h.keys("d", "g", "F")
	if got := home.marked(); !slices.Equal(got, []int64{7}) {
		t.Errorf("home marked %v, want [7]", got)
	}
	if len(work.marked()) != 0 {
		t.Errorf("work marked %v", work.marked())
	}
	flaggedWork, flaggedHome := work.row(8).Flagged, home.row(8).Flagged
	if flaggedWork == flaggedHome {
		t.Errorf("F flagged work %v, home %v: want exactly one", flaggedWork, flaggedHome)
	}
	h.keys("a")
	if text, _ := h.m.status.Message(); !strings.Contains(text, "U goes back") {
		t.Errorf("a in the unified view: %q", text)
	}
	h.keys("q")
	if !strings.Contains(h.screen(), "Delete 1 message on the server (home 1)?") {
		t.Fatalf("q:\n%s", h.screen())
	}
	h.keys("y")
	if home.commitCount() != 1 || work.commitCount() != 0 {
		t.Errorf("commits: home %d, work %d; want 1 and 0", home.commitCount(), work.commitCount())
	}
	if !h.quit {
		t.Error("the reader did not quit after the commit")
	}
}

func TestUnifiedToggleBack(t *testing.T) {
	work, home := newFake(), newFake()
	h, opened := unifiedHarness(t, work, home)
	h.keys("U", "U")
	if !slices.Equal(*opened, []string{"home", "work"}) || h.m.unified != nil || h.m.acct.Name != "work" {
		t.Fatalf("opened %v, unified %v, account %q", *opened, h.m.unified != nil, h.m.acct.Name)
	}
	if !work.closed || !home.closed {
		t.Error("the unified view's engines were not closed")
	}
	if strings.Contains(h.screen(), "Account") {
		t.Errorf("the account column stayed:\n%s", h.screen())
	}
	// One account only: U says so.
	single := newHarness(t, newFake(), nil)
	single.keys("U")
	if text, _ := single.m.status.Message(); !strings.Contains(text, "two or more accounts") {
		t.Errorf("U with one account: %q", text)
	}
}

// unifiedHarness runs the reader on work with a second account, home; it
// records the accounts opened.
func unifiedHarness(t *testing.T, work, home *fakeEngine) (*harness, *[]string) {
	var opened []string
	h := newHarness(t, work, func(o *Options) {
		o.Accounts = []string{"work", "home"}
		o.OpenAccount = func(name string) (Account, error) {
			opened = append(opened, name)
			if name == "home" {
				return Account{Name: name, Engine: home}, nil
			}
			return Account{Name: name, Engine: newFake()}, nil
		}
	})
	return h, &opened
}
