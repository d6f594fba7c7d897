package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
)

// accountCountsMsg carries every account's counts for the switcher.
type accountCountsMsg struct {
	counts map[string]mailapi.Stats
}

// loadCounts reads every account's new and total counts (Options.Counts)
// in a command; an account that cannot be read shows none.
func (m App) loadCounts() tea.Cmd {
	count, names := m.opts.Counts, m.opts.Accounts
	if count == nil {
		return nil
	}
	return func() tea.Msg {
		out := make(map[string]mailapi.Stats, len(names))
		for _, n := range names {
			if st, err := count(n); err == nil {
				out[n] = st
			}
		}
		return accountCountsMsg{counts: out}
	}
}
