package ui

import (
	"slices"
	"testing"
	"time"

	"github.com/popterm/popterm/mailapi"
)

// The index's date order is the store's list order (popterm list prints the
// same): a message without a Date sorts by when it was stored, not last.
func TestDateOrderIsTheListOrder(t *testing.T) {
	stored := fixedNow.Add(-2 * time.Hour)
	rows := []mailapi.Summary{
		{ID: 1, Subject: "old", Date: fixedNow.Add(-72 * time.Hour), FirstSeen: stored},
		{ID: 2, Subject: "undated, stored two hours ago", FirstSeen: stored},
		{ID: 3, Subject: "an hour ago", Date: fixedNow.Add(-time.Hour), FirstSeen: stored},
		{ID: 4, Subject: "tie", Date: fixedNow.Add(-72 * time.Hour), FirstSeen: stored},
	}
	var got []int64
	for _, i := range sortedOrder(rows, sortDate) {
		got = append(got, rows[i].ID)
	}
	if want := []int64{3, 2, 4, 1}; !slices.Equal(got, want) {
		t.Errorf("date order %v, want %v", got, want)
	}
	byList := slices.Clone(rows)
	slices.SortFunc(byList, func(a, b mailapi.Summary) int { return a.CompareNewest(&b) })
	for i, pos := range sortedOrder(rows, sortDate) {
		if rows[pos].ID != byList[i].ID {
			t.Fatalf("position %d: index shows %d, the store's order has %d", i, rows[pos].ID, byList[i].ID)
		}
	}
	// Ties of another key fall back to the same rule.
	got = got[:0]
	for _, i := range sortedOrder(rows, sortSize) {
		got = append(got, rows[i].ID)
	}
	if want := []int64{3, 2, 4, 1}; !slices.Equal(got, want) {
		t.Errorf("size order with equal sizes %v, want the list order %v", got, want)
	}
}
