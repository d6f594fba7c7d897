package ui

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/popterm/popterm/mailapi"
)

// The switcher shows each account's new and total counts; switching
// forgets the previous account's tags and limit.
func TestAccountSwitcherCounts(t *testing.T) {
	first, second := newFake(), newFake()
	h := newHarness(t, first, func(o *Options) {
		o.Accounts = []string{"work", "home", "broken"}
		o.OpenAccount = func(name string) (Account, error) { return Account{Name: name, Engine: second}, nil }
		o.Counts = func(name string) (mailapi.Stats, error) {
			if name == "broken" {
				return mailapi.Stats{}, errors.New("damaged")
			}
			return map[string]mailapi.Stats{"work": {Total: 8, Unseen: 2}, "home": {Total: 1234, Unseen: 56}}[name], nil
		}
	})
	h.keys("T", "l", "type:~N", "enter", "a")
	s := h.screen()
	for _, want := range []string{"1  * work        2 new        8 messages", "2    home       56 new     1234 messages"} {
		if !strings.Contains(s, want) {
			t.Errorf("switcher lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "broken  ") && strings.Contains(s, "broken      0 new") {
		t.Errorf("an unreadable account shows counts:\n%s", s)
	}
	h.keys("j", "enter")
	if h.m.acct.Name != "home" || len(h.m.index.tagged) != 0 || h.m.index.limit != nil || !slices.Equal(h.shown(), h.shownAll()) {
		t.Errorf("after the switch: account %s, tags %v, limit %q", h.m.acct.Name, h.m.index.tagged, h.m.index.limitText)
	}
}

// shownAll is every row's ID in the date order.
func (h *harness) shownAll() []int64 {
	var ids []int64
	for _, i := range sortedOrder(h.m.index.rows, sortDate) {
		ids = append(ids, h.m.index.rows[i].ID)
	}
	return ids
}
