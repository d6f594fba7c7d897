package mailapi

import (
	"cmp"
	"time"
)

// SortKey is the time, in Unix milliseconds, a message sorts by in every
// list: its Date when it has one, else when it was first stored. The
// store's sort_key column holds the same value.
func SortKey(date, firstSeen time.Time) int64 {
	if !date.IsZero() {
		return date.UnixMilli()
	}
	return firstSeen.UnixMilli()
}

// CompareNewest is the one list order of popterm (the reader's index,
// popterm list, the store's listing): newest sort key first, ties by the
// higher ID first. It is negative when (aKey, aID) comes before (bKey, bID).
func CompareNewest(aKey, aID, bKey, bID int64) int {
	if c := cmp.Compare(bKey, aKey); c != 0 {
		return c
	}
	return cmp.Compare(bID, aID)
}

// SortKey is the row's sort time (see the function SortKey).
func (s *Summary) SortKey() int64 { return SortKey(s.Date, s.FirstSeen) }

// CompareNewest orders two rows in the list order: negative when s comes
// before o.
func (s *Summary) CompareNewest(o *Summary) int {
	return CompareNewest(s.SortKey(), s.ID, o.SortKey(), o.ID)
}
