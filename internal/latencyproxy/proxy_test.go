package latencyproxy_test

import (
	"bytes"
	"crypto/rand"
	"io"
	"net"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/latencyproxy"
)

// echoServer echoes every connection until the client half-closes.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

func TestEchoThroughProxy(t *testing.T) {
	tests := []struct {
		name  string
		size  int
		delay time.Duration
	}{
		{"small", 10, 5 * time.Millisecond},
		{"several MB", 3 << 20, time.Millisecond},
		{"no delay", 100 << 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := latencyproxy.New(echoServer(t), tt.delay)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			c, err := net.Dial("tcp", p.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(time.Minute))
			want := make([]byte, tt.size)
			rand.Read(want)
			start := time.Now()
			go func() {
				c.Write(want)
				c.(*net.TCPConn).CloseWrite()
			}()
			got, err := io.ReadAll(c) // EOF proves the half-close went through
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("echo: got %d bytes, want %d identical bytes", len(got), len(want))
			}
			// A lower bound only: every byte is held at least the delay
			// each way.
			if rtt := time.Since(start); rtt < 2*tt.delay {
				t.Errorf("round trip %v, want at least %v", rtt, 2*tt.delay)
			}
		})
	}
}

// TestChunksOverlap checks that the proxy keeps reading while it holds
// earlier chunks: with an hour's delay, every chunk written is soon queued
// at once inside the proxy.
func TestChunksOverlap(t *testing.T) {
	p, err := latencyproxy.New(echoServer(t), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const chunks, size = 5, 1000
	for i := 0; i < chunks; i++ {
		if _, err := c.Write(make([]byte, size)); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for p.Queued() < chunks*size && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if q := p.Queued(); q != chunks*size {
		t.Fatalf("Queued = %d, want %d (all chunks held at once)", q, chunks*size)
	}
	// Close ends the held connection instead of waiting an hour.
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("read after Close returned data")
	}
}
