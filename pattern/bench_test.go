package pattern

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/popterm/popterm/mailapi"
)

// BenchmarkFilter100k matches a typical limit against 100,000 index rows
// (what l costs on a large mailbox, searches aside).
func BenchmarkFilter100k(b *testing.B) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	rows := make([]mailapi.Summary, 100_000)
	for i := range rows {
		rows[i] = mailapi.Summary{ID: int64(i + 1), From: fmt.Sprintf("Sender %d <s%d@example.org>", i%500, i%500),
			To: []string{"me@example.org"}, Subject: fmt.Sprintf("Message %d about the weekly report", i),
			Date: now.Add(-time.Duration(i) * time.Minute), Size: int64(1000 + i), Seen: i%3 != 0}
	}
	p, err := Parse(`~f "sender 42" (~N | ~z >50K) ~d <30d !~s invoice`, now)
	if err != nil {
		b.Fatal(err)
	}
	match, err := Filter(context.Background(), nil, p, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		n := 0
		for i := range rows {
			if match(&rows[i]) {
				n++
			}
		}
		if n == 0 {
			b.Fatal("nothing matched")
		}
	}
}
