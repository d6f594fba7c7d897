package postfixtest

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// StallAfter starts a TCP proxy on 127.0.0.1 in front of port that forwards
// both ways until the client has sent more than after bytes; from then on
// the server's replies are swallowed. With a message larger than after,
// the server receives the whole message (and accepts it) but the client
// never hears so: the "may have been sent" case. It returns the proxy's
// port; the proxy stops when the test ends.
func StallAfter(t testing.TB, port int, after int64) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var conns sync.Map
	t.Cleanup(func() {
		l.Close()
		conns.Range(func(k, _ any) bool { k.(net.Conn).Close(); return true })
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", Addr(port))
			if err != nil {
				c.Close()
				continue
			}
			conns.Store(c, true)
			conns.Store(s, true)
			var sent atomic.Int64
			wg.Add(2)
			go func() { // client -> server, counted
				defer wg.Done()
				io.Copy(s, countingReader{c, &sent})
				s.Close()
			}()
			go func() { // server -> client, until the limit
				defer wg.Done()
				buf := make([]byte, 32<<10)
				for {
					n, err := s.Read(buf)
					if n > 0 && sent.Load() <= after {
						c.Write(buf[:n])
					}
					if err != nil {
						c.Close()
						return
					}
				}
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
