package mailbox

import (
	"context"
	"testing"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/pop3/pop3test"
)

// benchEngine makes an engine with a fresh store for the server at addr.
func benchEngine(b *testing.B, addr string) *Engine {
	acct := account(b, addr)
	acct.Prefetch.Mode = "none"
	st, err := cache.Open(acct.StoreDir, cache.Options{})
	if err != nil {
		b.Fatal(err)
	}
	e := New(acct, st, Credentials{Password: func(context.Context) (string, error) { return pop3test.DefaultPassword, nil }})
	b.Cleanup(func() {
		e.Close()
		st.Close()
	})
	return e
}

// benchSync measures a headers-only sync of n messages: the first one
// (fresh) or one with no new mail.
func benchSync(b *testing.B, n int, fresh bool) {
	srv := pop3test.NewTest(b, pop3test.Config{Maildrop: pop3test.NewMaildrop(mails("b", n)...)})
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := benchEngine(b, srv.Addr())
		if !fresh {
			if _, err := e.Sync(context.Background(), SyncOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		res, err := e.Sync(context.Background(), SyncOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if fresh && res.New != n {
			b.Fatalf("%d new, want %d", res.New, n)
		}
	}
}

// BenchmarkFirstSync10k is a first, headers-only sync of 10,000 messages
// over loopback (no added round-trip time; see scripts/bench-sync.sh).
func BenchmarkFirstSync10k(b *testing.B) { benchSync(b, 10000, true) }

// BenchmarkNoNewMail10k is a sync of 10,000 stored messages with nothing new.
func BenchmarkNoNewMail10k(b *testing.B) { benchSync(b, 10000, false) }
