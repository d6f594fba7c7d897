package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/internal/testenv"
	popmailbox "github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/ui"
)

// driver runs commands as the program would (one after the other) and
// feeds their messages back; it notes when a frame first shows want.
type driver struct {
	m          tea.Model
	start      time.Time
	want       string
	firstFrame time.Duration
}

func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	default:
		var next tea.Cmd
		d.m, next = d.m.Update(msg)
		if d.firstFrame == 0 && strings.Contains(d.m.View().Content, d.want) {
			d.firstFrame = time.Since(d.start)
		}
		d.run(next)
	}
}

// benchStore makes a store in dir with n indexed messages (headers only),
// one a minute from 2026-01-01.
func benchStore(b *testing.B, dir string, n int) *cache.Store {
	b.Helper()
	st, err := cache.Open(dir, cache.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i += 5000 {
		batch := make([]cache.NewMessage, 0, 5000)
		for j := i; j < i+5000 && j < n; j++ {
			hdr := fmt.Sprintf("From: Sender %d <s%d@example.com>\nTo: me@example.org\nSubject: Message %d about 회의 🎉\n"+
				"Date: %s\nMessage-ID: <%d@bench>\n\n", j%97, j%97, j, base.Add(time.Duration(j)*time.Minute).Format(time.RFC1123Z), j)
			batch = append(batch, cache.NewMessage{UIDL: fmt.Sprintf("u%d", j), Size: int64(1000 + j%5000), Header: []byte(hdr)})
		}
		if _, err := st.Add(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	return st
}

// BenchmarkBinary100k starts the real binary under tmux on a store of
// 100,000 messages (the server unreachable: an offline start) and reports
// when the newest message is on screen (ms-first-frame, polled every 10 ms,
// process start included) and the process's resident memory once the whole
// index is loaded (MB-rss). Run with
//
//	go test ./ui/e2e -run '^$' -bench Binary100k -benchtime 3x
func BenchmarkBinary100k(b *testing.B) {
	testenv.LookPath(b, "tmux")
	const n = 100_000
	home := b.TempDir()
	store := filepath.Join(home, "store")
	benchStore(b, store, n).Close()
	cfg := filepath.Join(home, "config.toml")
	toml := fmt.Sprintf("[[account]]\nname = \"bench\"\nhost = \"127.0.0.1\"\nport = 1\ntls = \"implicit\"\n"+
		"username = \"me\"\npassword_cmd = \"echo x\"\nstore_dir = %q\n", store)
	if err := os.WriteFile(cfg, []byte(toml), 0o600); err != nil {
		b.Fatal(err)
	}
	bin := buildPopterm(b)
	want := fmt.Sprintf("Message %d about", n-1)
	var first time.Duration
	var rss float64
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		s := startCommand(b, home, bin+" --config "+cfg)
		for !strings.Contains(s.capture(), want) {
			if time.Since(start) > waitLimit {
				b.Fatalf("no first frame:\n%s", s.capture())
			}
			time.Sleep(10 * time.Millisecond)
		}
		first += time.Since(start)
		s.waitFor("100000 messages", "offline")
		pid := strings.TrimSpace(s.tmux("display-message", "-p", "-t", "e2e", "#{pane_pid}"))
		status, err := os.ReadFile("/proc/" + pid + "/status")
		if err != nil {
			b.Fatal(err)
		}
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				var kb float64
				fmt.Sscanf(strings.TrimSpace(v), "%f", &kb)
				rss = max(rss, kb/1024)
			}
		}
		s.keys("x")
		s.waitExit()
		s.tmux("kill-server")
	}
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "ms-first-frame")
	b.ReportMetric(rss, "MB-rss")
}

// BenchmarkStartRealStore100k measures the reader's start on a real store
// of 100,000 indexed messages, running Init's commands (the store's List
// and Stats) one after the other: ms-first-frame is when the newest
// message is first on screen, ns/op when the whole index is loaded, and
// MB-heap the heap in use then. Run with
//
//	go test ./ui/e2e -run '^$' -bench StartRealStore -benchtime 5x
func BenchmarkStartRealStore100k(b *testing.B) {
	const n = 100_000
	dir := b.TempDir()
	st := benchStore(b, dir, n)
	acct := &config.Account{Name: "bench", Host: "127.0.0.1", Port: 1, TLS: config.TLSNone, StoreDir: dir}
	eng := popmailbox.New(acct, st, popmailbox.Credentials{})
	defer st.Close()
	var heap uint64
	var first time.Duration
	b.ResetTimer()
	for range b.N {
		d := &driver{start: time.Now(), want: fmt.Sprintf("Message %d about", n-1)}
		m := ui.New(ui.Options{Account: ui.Account{Name: "bench", Engine: eng}, NoAutoSync: true})
		d.m, _ = m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		d.run(d.m.Init()) // reads the index and counts from the store
		if d.firstFrame == 0 || !strings.Contains(d.m.View().Content, "100000 messages") {
			b.Fatalf("no frame with the newest message and the count:\n%s", d.m.View().Content)
		}
		first += d.firstFrame
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = ms.HeapInuse
		runtime.KeepAlive(d.m)
	}
	b.ReportMetric(float64(heap)/(1<<20), "MB-heap")
	// ns/op includes the whole index (all rows) and the counts.
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "ms-first-frame")
}
