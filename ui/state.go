package ui

import "github.com/popterm/popterm/mailapi"

// stateLegend is the state column's legend, one entry per cell, for the
// help: D or N, then F, then the tag mark, then A, then +.
var stateLegend = [...]string{
	"N new · D marked for deletion (in N's place; u brings N back)",
	"F flagged",
	"* tagged",
	"A attachments",
	"+ stored offline",
}

// stateColumn is the index's state cells for a row: D (marked for
// deletion) or N (new), F (flagged), * (tagged), A (attachments), +
// (body stored).
func stateColumn(r *mailapi.Summary, tagged bool) []byte {
	state := []byte("     ")
	switch {
	case r.Deleted:
		state[0] = 'D'
	case !r.Seen:
		state[0] = 'N'
	}
	if r.Flagged {
		state[1] = 'F'
	}
	if tagged {
		state[2] = '*'
	}
	if r.HasAttachments {
		state[3] = 'A'
	}
	if r.Cached {
		state[4] = '+'
	}
	return state
}
