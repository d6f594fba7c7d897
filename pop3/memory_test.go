package pop3

import (
	"bytes"
	"io"
	"runtime"
	"testing"
)

// TestRetrStreamsLargeMessage: a 100 MB message streams through a fixed
// buffer; the client allocates a small, constant amount whatever the size.
func TestRetrStreamsLargeMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("100 MB transfer")
	}
	line := append(bytes.Repeat([]byte("m"), 998), '\r', '\n')
	block := bytes.Repeat(line, 64) // 64,000 bytes
	const blocks = 100 << 20 / 64000
	addr := serve(t, func(p *peer) {
		p.send("+OK")
		p.expect("RETR 1")
		p.send("+OK message follows")
		for i := 0; i < blocks; i++ {
			if _, err := p.conn.Write(block); err != nil {
				p.t.Errorf("server write: %v", err)
				return
			}
		}
		p.send(".")
		p.expect("QUIT")
		p.send("+OK")
	})
	c := dial(t, addr, nil)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r, err := c.Retr(bg, 1)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 32<<10)
	var n int64
	for {
		k, err := r.Read(buf)
		n += int64(k)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	if want := int64(blocks * 64 * 999); n != want {
		t.Fatalf("read %d bytes, want %d", n, want)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Fatalf("allocated %d bytes to stream %d bytes: not streaming", alloc, n)
	}
	if err := c.Quit(bg); err != nil {
		t.Fatal(err)
	}
}
