package pop3

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// TestStalledServer: a server that stops sending gives ErrTimeout, never a
// hang, and the connection is closed afterwards.
func TestStalledServer(t *testing.T) {
	tests := []struct {
		name string
		cmd  string
		send []string
		run  func(c *Client) error
	}{
		{name: "status", cmd: "NOOP", run: func(c *Client) error { return c.Noop(bg) }},
		{name: "listing", cmd: "UIDL", send: []string{"+OK", "1 a"}, run: func(c *Client) error { _, err := c.UIDL(bg); return err }},
		{name: "body", cmd: "RETR 1", send: []string{"+OK", "Subject: x", ""}, run: func(c *Client) error {
			_, err := io.Copy(io.Discard, must(c.Retr(bg, 1)))
			return err
		}},
		{name: "body line without end", cmd: "RETR 1", send: []string{"+OK", "Subject: x"}, run: func(c *Client) error {
			r := must(c.Retr(bg, 1))
			_, err := io.ReadAll(r)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, func(p *peer) {
				p.send("+OK")
				p.expect(tt.cmd)
				if tt.send != nil {
					p.send(tt.send...)
				}
				p.eof() // stall until the client gives up and closes
			})
			c := dial(t, addr, &Options{CommandTimeout: 150 * time.Millisecond})
			err := tt.run(c)
			var pe *ProtocolError
			if !errors.Is(err, ErrTimeout) || !errors.As(err, &pe) {
				t.Fatalf("err = %v, want ErrTimeout", err)
			}
			if !strings.Contains(err.Error(), "timed out") {
				t.Fatalf("unclear message %q", err)
			}
			if err := c.Noop(bg); !errors.Is(err, ErrClosed) {
				t.Fatalf("next command = %v, want ErrClosed", err)
			}
		})
	}
}

// TestSlowServer: a slow but steady server is not a stalled one: a body
// that keeps the minimum rate may take longer than the command timeout.
func TestSlowServer(t *testing.T) {
	addr := serve(t, func(p *peer) {
		p.send("+OK")
		p.expect("RETR 1")
		p.send("+OK")
		for i := 0; i < 6; i++ {
			time.Sleep(250 * time.Millisecond)
			p.send("chunk")
		}
		p.send(".")
	})
	c := dial(t, addr, &Options{CommandTimeout: time.Second, MinRate: 16})
	if got := readAll(t)(c.Retr(bg, 1)); got != strings.Repeat("chunk\n", 6) {
		t.Fatalf("body = %q", got)
	}
}

// TestContextCancel: cancelling the context unblocks a read in progress.
func TestContextCancel(t *testing.T) {
	got := make(chan struct{})
	addr := serve(t, func(p *peer) {
		p.send("+OK")
		p.expect("NOOP")
		close(got)
		p.eof()
	})
	c := dial(t, addr, &Options{CommandTimeout: time.Hour})
	ctx, cancel := context.WithCancel(bg)
	go func() {
		<-got
		cancel()
	}()
	err := c.Noop(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if err := c.Noop(bg); !errors.Is(err, ErrClosed) {
		t.Fatalf("after cancel = %v, want ErrClosed", err)
	}
}

// TestContextDoneBeforeCommand: nothing is sent and the session survives.
func TestContextDoneBeforeCommand(t *testing.T) {
	addr := serve(t, func(p *peer) {
		p.send("+OK")
		p.expect("NOOP") // the DELE was never sent
		p.send("+OK")
	})
	c := dial(t, addr, nil)
	ctx, cancel := context.WithCancel(bg)
	cancel()
	if err := c.Dele(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("Dele = %v", err)
	}
	if err := c.Noop(bg); err != nil {
		t.Fatal(err)
	}
}

// TestContextCancelBody: the Retr context also bounds reading the body.
func TestContextCancelBody(t *testing.T) {
	addr := serve(t, func(p *peer) {
		p.send("+OK")
		p.expect("RETR 1")
		p.send("+OK", "first line")
		p.eof()
	})
	c := dial(t, addr, &Options{CommandTimeout: time.Hour})
	ctx, cancel := context.WithCancel(bg)
	r, err := c.Retr(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 11)
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := r.Read(buf); !errors.Is(err, context.Canceled) {
		t.Fatalf("Read after cancel = %v", err)
	}
}

// TestCloseAborts: Close from another goroutine aborts a blocked command.
func TestCloseAborts(t *testing.T) {
	got := make(chan struct{})
	addr := serve(t, func(p *peer) {
		p.send("+OK")
		p.expect("STAT")
		close(got)
		p.eof()
	})
	c := dial(t, addr, &Options{CommandTimeout: time.Hour})
	go func() {
		<-got
		c.Close()
	}()
	if _, _, err := c.Stat(bg); !errors.Is(err, ErrClosed) {
		t.Fatalf("Stat = %v, want ErrClosed", err)
	}
}

// TestErrorKinds: timeouts and dropped connections also match the
// standard library's errors, which callers check generically.
func TestErrorKinds(t *testing.T) {
	n := &netIO{timeout: time.Second}
	if err := n.classify(os.ErrDeadlineExceeded, true); !errors.Is(err, ErrTimeout) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("timeout = %v", err)
	}
	if err := n.classify(io.EOF, true); !errors.Is(err, ErrServerClosed) || !errors.Is(err, io.ErrUnexpectedEOF) || err.Error() != ErrServerClosed.Error() {
		t.Fatalf("EOF = %v", err)
	}
}

// TestTricklingServer: a server that keeps sending, but too little, no
// longer holds a command forever: a status line must arrive whole within
// the command timeout, and a body must keep the minimum rate. The error
// names the command, says "server too slow", and matches ErrTimeout.
func TestTricklingServer(t *testing.T) {
	tests := []struct {
		name, cmd, want string
		reply           string // sent a byte at a time
		run             func(c *Client) error
	}{
		{name: "status line", cmd: "NOOP", want: "server too slow: NOOP sent", reply: "+OK fine, eventually, after a long long time\r\n",
			run: func(c *Client) error { return c.Noop(bg) }},
		{name: "listing", cmd: "UIDL", want: "server too slow: UIDL sent", reply: "+OK\r\n1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n.\r\n",
			run: func(c *Client) error { _, err := c.UIDL(bg); return err }},
		{name: "body", cmd: "RETR 1", want: "server too slow: RETR 1 sent", reply: "+OK\r\n" + strings.Repeat("Subject: slow\r\n", 20) + ".\r\n",
			run: func(c *Client) error { _, err := io.Copy(io.Discard, must(c.Retr(bg, 1))); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, func(p *peer) {
				p.send("+OK")
				p.expect(tt.cmd)
				for i := 0; i < len(tt.reply); i++ {
					time.Sleep(20 * time.Millisecond) // 50 bytes/s
					if _, err := p.conn.Write([]byte{tt.reply[i]}); err != nil {
						return
					}
				}
			})
			c := dial(t, addr, &Options{CommandTimeout: 300 * time.Millisecond, MinRate: 1024})
			start := time.Now()
			err := tt.run(c)
			var slow *SlowError
			if !errors.As(err, &slow) || !errors.Is(err, ErrTimeout) {
				t.Fatalf("err = %v, want a *SlowError matching ErrTimeout", err)
			}
			if !strings.Contains(err.Error(), tt.want) || strings.Count(err.Error(), tt.cmd) != 1 {
				t.Fatalf("message %q, want %q naming the command once", err, tt.want)
			}
			if time.Since(start) > 20*time.Second { // a guard, not a measurement
				t.Fatalf("the trickle held the command for %v", time.Since(start))
			}
			if err := c.Noop(bg); !errors.Is(err, ErrClosed) {
				t.Fatalf("next command = %v, want ErrClosed", err)
			}
		})
	}
}
