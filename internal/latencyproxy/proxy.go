// Package latencyproxy is a TCP proxy on 127.0.0.1 that adds a fixed delay
// to every chunk of data in each direction, to measure protocols over a
// realistic round trip on a machine whose kernel has no netem.
//
// Chunks are not serialized: each direction reads continuously and stamps
// every chunk with its arrival time, and a writer forwards each chunk at
// arrival + delay, so many chunks are in flight at once, as on a real link.
// With a one-way delay d the round-trip time is 2d.
package latencyproxy

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// chunkSize is the most bytes read into one chunk.
	chunkSize = 32 << 10
	// queueChunks bounds the chunks held per direction (back-pressure, like
	// a link's buffers): at most queueChunks*chunkSize bytes in flight.
	queueChunks = 512
)

// Proxy forwards connections on Addr to a target with a delay.
type Proxy struct {
	ln     net.Listener
	target string
	delay  time.Duration

	queued atomic.Int64 // bytes read but not yet forwarded
	done   chan struct{}
	wg     sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

// New listens on a free port of 127.0.0.1 and forwards every connection to
// target, holding each chunk for oneWay in each direction. Close it when done.
func New(target string, oneWay time.Duration) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("latency proxy: listen: %w", err)
	}
	p := &Proxy{ln: ln, target: target, delay: oneWay, done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// Addr returns the address clients connect to.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Queued returns how many bytes the proxy holds at this moment, read from
// one side and not yet written to the other, over all connections.
func (p *Proxy) Queued() int64 { return p.queued.Load() }

// Close stops listening, closes every proxied connection and waits for the
// proxy's goroutines to end.
func (p *Proxy) Close() error {
	select {
	case <-p.done:
		return nil
	default:
	}
	close(p.done)
	err := p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

// track registers c for Close; it reports false (and closes c) when the
// proxy is already closing.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.done:
		c.Close()
		return false
	default:
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go p.handle(client)
	}
}

// handle proxies one connection until both directions have ended.
func (p *Proxy) handle(client net.Conn) {
	defer p.wg.Done()
	if !p.track(client) {
		return
	}
	defer p.untrack(client)
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	if !p.track(server) {
		return
	}
	defer p.untrack(server)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.pipe(server, client) }()
	go func() { defer wg.Done(); p.pipe(client, server) }()
	wg.Wait()
}

// chunk is data read at a given time; data nil marks the end of the stream.
type chunk struct {
	data []byte
	at   time.Time
}

// pipe copies src to dst, each chunk delayed by p.delay from its arrival.
// A reader goroutine keeps reading while the writer waits, so chunks overlap.
func (p *Proxy) pipe(dst, src net.Conn) {
	q := make(chan chunk, queueChunks)
	go func() {
		defer close(q)
		for {
			buf := make([]byte, chunkSize)
			n, err := src.Read(buf)
			if n > 0 {
				p.queued.Add(int64(n))
				select {
				case q <- chunk{data: buf[:n], at: time.Now()}:
				case <-p.done:
					return
				}
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					select {
					case q <- chunk{at: time.Now()}:
					case <-p.done:
					}
				}
				return
			}
		}
	}()
	timer := time.NewTimer(0)
	<-timer.C
	sawEOF := false
	for c := range q {
		if wait := time.Until(c.at.Add(p.delay)); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-p.done:
				return
			}
		}
		if c.data == nil {
			// The sender finished: pass the half-close on.
			sawEOF = true
			if tc, ok := dst.(*net.TCPConn); ok {
				tc.CloseWrite()
			}
			continue
		}
		_, err := dst.Write(c.data)
		p.queued.Add(-int64(len(c.data)))
		if err != nil {
			// The receiver is gone: stop the other side too.
			src.Close()
			dst.Close()
			for c := range q {
				p.queued.Add(-int64(len(c.data)))
			}
			return
		}
	}
	if !sawEOF {
		// Reading failed: make sure the peer sees the end.
		dst.Close()
	}
}
