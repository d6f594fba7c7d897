package cache

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/bench/benchmail"
)

// Benchmarks for the figures the issue asks for (run them by hand, not in
// CI):
//
//	go test -run '^$' -bench . -benchtime 1x ./cache/
//
// BenchmarkAdd100k indexes 100,000 headers in batches of 1,000;
// BenchmarkStore100k measures listing and search on a store of 100,000
// messages with 10% of the bodies in the search index.

// benchWords is a vocabulary for synthetic subjects and bodies: 20,000
// random words of 3 to 10 letters, a few real ones first.
func benchWords(rng *rand.Rand) []string {
	words := []string{"meeting", "report", "invoice", "회의", "일정", "안녕하세요", "보고서"}
	for len(words) < 20000 {
		b := make([]byte, 3+rng.IntN(8))
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		words = append(words, string(b))
	}
	return words
}

func benchSentence(rng *rand.Rand, words []string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		// Zipf-like: low indexes are common.
		parts[i] = words[int(float64(len(words))*rng.Float64()*rng.Float64()*rng.Float64())]
	}
	return strings.Join(parts, " ")
}

// fillStore adds n messages in batches of 1,000.
func fillStore(tb testing.TB, s *Store, n int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	words := benchWords(rng)
	ctx := context.Background()
	for start := 0; start < n; start += 1000 {
		batch := make([]NewMessage, 0, 1000)
		for i := start; i < min(start+1000, n); i++ {
			batch = append(batch, NewMessage{UIDL: fmt.Sprintf("%d-%x", i, rng.Uint32()), Size: int64(2000 + rng.IntN(50000)), Header: benchmail.Header(rng, i, benchSentence(rng, words, 3+rng.IntN(6)))})
		}
		if _, err := s.Add(ctx, batch); err != nil {
			tb.Fatal(err)
		}
	}
}

func BenchmarkAdd100k(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		s, err := Open(filepath.Join(b.TempDir(), "acct"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cpu0 := cpuTime()
		start := time.Now()
		fillStore(b, s, 100_000, 1)
		b.ReportMetric(float64(100_000)/time.Since(start).Seconds(), "rows/s")
		b.ReportMetric(float64(cpuTime()-cpu0)/1e6, "cpu-ms/100k")
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}

func BenchmarkStore100k(b *testing.B) {
	const n = 100_000
	// POPTERM_BENCH_STORE keeps the store between runs (it takes a while to
	// build); by default it lives in a temporary folder.
	dir := os.Getenv("POPTERM_BENCH_STORE")
	if dir == "" {
		dir = filepath.Join(b.TempDir(), "acct")
	}
	s, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	words := benchWords(rand.New(rand.NewPCG(3, 4)))
	if st, _ := s.Stats(context.Background()); st.Total != n {
		seedBench(b, s, n)
	}
	ctx := context.Background()
	list := func(q Query, wantMin int) func(*testing.B) {
		return func(b *testing.B) {
			got := 0
			defer reportCPU(b)()
			for b.Loop() {
				l, err := s.List(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				got = len(l)
			}
			if got < wantMin {
				b.Fatalf("%+v: %d results, want at least %d", q, got, wantMin)
			}
			b.ReportMetric(float64(got), "results")
		}
	}
	b.Run("List/first-page-50", list(Query{Limit: 50}, 50))
	b.Run("List/page-50-at-50000", list(Query{Limit: 50, Offset: 50_000}, 50))
	b.Run("List/all", list(Query{}, n))
	b.Run("Search/common-word", list(Query{Search: "meeting", Limit: 50}, 50))
	b.Run("Search/common-word-all", list(Query{Search: "meeting"}, 50))
	b.Run("Search/two-words", list(Query{Search: "meeting report", Limit: 50}, 50))
	b.Run("Search/rare-word", list(Query{Search: words[15000], Limit: 50}, 0))
	b.Run("Search/substring", list(Query{Search: words[30][1:], Limit: 50}, 1))
	b.Run("Search/address", list(Query{Search: "sender42@", Limit: 50}, 1))
	b.Run("Search/korean-2-chars-LIKE", list(Query{Search: "회의", Limit: 50}, 1))
	b.Run("Search/no-match", list(Query{Search: "zzzzqqq", Limit: 50}, 0))
	b.Run("Stats", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := s.Stats(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("All", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := s.All(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Check of the whole store (the seeded bodies have no files, so it
	// reports them; it is run without repair).
	b.Run("Check", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := s.Check(ctx, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	s.Close()
	// What `popterm list` pays: open the store (lock, schema check) and read
	// the first page.
	b.Run("OpenListFirstPageClose", func(b *testing.B) {
		defer reportCPU(b)()
		for b.Loop() {
			s, err := Open(dir, Options{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.List(ctx, Query{Limit: 50}); err != nil {
				b.Fatal(err)
			}
			s.Close()
		}
	})
}

// seedBench fills a store with n messages, 10% with body text in the search
// index (straight into the index: the files take no part in listing or
// search).
func seedBench(b *testing.B, s *Store, n int) {
	fillStore(b, s, n, 2)
	rng := rand.New(rand.NewPCG(3, 4))
	words := benchWords(rng)
	tx, err := s.db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	for id := 1; id <= n; id += 10 {
		text := benchSentence(rng, words, 300+rng.IntN(700))
		if _, err := tx.Exec(`UPDATE search SET body = ? WHERE rowid = ?`, text, id); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`UPDATE messages SET cached = 1 WHERE id = ?`, id); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// reportCPU reports CPU milliseconds per operation when the returned func
// runs (wall time suffers when the machine is shared).
func reportCPU(b *testing.B) func() {
	cpu0 := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
		}
	}
}
