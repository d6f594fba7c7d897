package cache

import "github.com/popterm/popterm/mailapi"

// SortKey is the time, in Unix milliseconds, a message sorts by
// (mailapi.SortKey): its Date, else when it was first stored. It equals
// the index's sort_key column, which the listing SQL orders by.
func (m *Message) SortKey() int64 { return mailapi.SortKey(m.Date, m.FirstSeen) }

// CompareNewest orders two messages in the one list order
// (mailapi.CompareNewest): negative when m comes before o. The SQL orderBy
// is the same rule for pages read straight from the index.
func (m *Message) CompareNewest(o *Message) int {
	return mailapi.CompareNewest(m.SortKey(), m.ID, o.SortKey(), o.ID)
}
