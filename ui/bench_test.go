package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Speed with 100,000 messages (the targets: a keypress re-rendered
// in under 16 ms, the first frame in under 300 ms). Run with
//
//	go test ./ui -run '^$' -bench . -benchmem

const benchRows = 100_000

// BenchmarkIndexKeypress is one `j` through Update plus the View of the
// frame it produces.
func BenchmarkIndexKeypress(b *testing.B) {
	h := newHarness(b, manyFake(benchRows), nil)
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	down, up := keyPress("j"), keyPress("k")
	b.ResetTimer()
	for i := range b.N {
		k := down
		if i%2000 >= 1000 {
			k = up
		}
		nm, _ := h.m.Update(k)
		h.m = nm.(App)
		_ = h.m.View()
	}
}

// BenchmarkIndexPageDown pages through the whole index.
func BenchmarkIndexPageDown(b *testing.B) {
	h := newHarness(b, manyFake(benchRows), nil)
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	k := keyPress("pgdown")
	b.ResetTimer()
	for range b.N {
		nm, _ := h.m.Update(k)
		h.m = nm.(App)
		_ = h.m.View()
	}
}

// BenchmarkFirstFrame is New, the rows arriving from the store, and the
// first View (the store's own read time is measured by the cache package).
func BenchmarkFirstFrame(b *testing.B) {
	f := manyFake(benchRows)
	rows := f.rows
	b.ResetTimer()
	for range b.N {
		m := New(Options{Account: Account{Name: "bench", Engine: f}, Now: func() time.Time { return fixedNow }, NoAutoSync: true})
		nm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		nm, cmd := nm.Update(listMsg{rows: rows})
		nm, _ = nm.Update(cmd()) // the order, computed in a command
		_ = nm.View()
	}
}

// BenchmarkSortBySender is `o` on 100,000 messages.
func BenchmarkSortBySender(b *testing.B) {
	h := newHarness(b, manyFake(benchRows), nil)
	b.ResetTimer()
	for range b.N {
		h.m.index.sortBy = sortDate
		h.m.index.SetRows(h.m.index.rows)
		h.m.index.sortBy = sortSender
		h.m.index.SetRows(h.m.index.rows)
	}
}

// BenchmarkThreads is `t` on 100,000 messages.
func BenchmarkThreads(b *testing.B) {
	h := newHarness(b, manyFake(benchRows), nil)
	b.ResetTimer()
	for range b.N {
		h.m.index.threads = true
		h.m.index.SetRows(h.m.index.rows)
	}
}
