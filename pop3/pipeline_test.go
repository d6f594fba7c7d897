package pop3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// answer serves commands one by one as a plain POP3 server would (read a
// line, write the whole reply, blocking), until QUIT. It counts commands.
func answer(p *peer, capa []string, reply func(cmd string) []string, count *atomic.Int64) {
	p.send("+OK")
	for {
		cmd := p.line()
		if count != nil {
			count.Add(1)
		}
		switch cmd {
		case "CAPA":
			p.send(append(append([]string{"+OK"}, capa...), ".")...)
		case "NOOP":
			p.send("+OK")
		case "QUIT":
			p.send("+OK")
			return
		default:
			p.send(reply(cmd)...)
		}
	}
}

// topReply answers "TOP n 0" with a small header block naming n.
func topReply(cmd string) []string {
	f := strings.Fields(cmd)
	if len(f) != 3 || f[0] != "TOP" {
		return []string{"-ERR bad command " + cmd}
	}
	if f[1] == "13" {
		return []string{"-ERR [SYS/TEMP] message 13 is unlucky"}
	}
	return []string{"+OK", "Message-ID: <" + f[1] + "@test>", "..dotted", strings.Repeat("h", 2000), "", "."}
}

// TestTopManyLarge: 10,000 pipelined TOPs against a server that writes each
// reply whole before reading the next command. Without a concurrent reader
// this fills both socket buffers and deadlocks.
func TestTopManyLarge(t *testing.T) {
	for _, pipelining := range []bool{true, false} {
		t.Run(fmt.Sprintf("pipelining=%v", pipelining), func(t *testing.T) {
			capa := []string{"TOP"}
			if pipelining {
				capa = append(capa, "PIPELINING")
			}
			addr := serve(t, func(p *peer) { answer(p, capa, topReply, nil) })
			c := dial(t, addr, nil)
			if _, err := c.Capa(bg); err != nil {
				t.Fatal(err)
			}
			const total = 10000
			nums := make([]int, total)
			for i := range nums {
				nums[i] = i + 1
			}
			next, refused := 1, 0
			err := c.TopMany(bg, nums, 0, func(n int, body io.Reader, err error) error {
				if n != next {
					return fmt.Errorf("got message %d, want %d", n, next)
				}
				next++
				if err != nil {
					var se *Error
					if !errors.As(err, &se) || se.Code != CodeSysTemp || body != nil {
						return fmt.Errorf("message %d: refusal %v, body %v", n, err, body)
					}
					refused++
					return nil
				}
				b, rerr := io.ReadAll(body)
				want := "Message-ID: <" + strconv.Itoa(n) + "@test>\n.dotted\n"
				if rerr != nil || !strings.HasPrefix(string(b), want) || len(b) != len(want)+2002 {
					return fmt.Errorf("message %d: body %.60q (%d bytes), %v", n, b, len(b), rerr)
				}
				return nil
			})
			if err != nil || next != total+1 || refused != 1 {
				t.Fatalf("TopMany = %v after %d messages, %d refused", err, next-1, refused)
			}
			if err := c.Quit(bg); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestPipelineWindow: with PIPELINING, exactly PipelineWindow commands go
// out before the first reply; without it, one at a time.
func TestPipelineWindow(t *testing.T) {
	for _, tt := range []struct {
		capa   string
		window int
	}{{"PIPELINING", 4}, {"TOP", 1}} {
		t.Run(tt.capa, func(t *testing.T) {
			addr := serve(t, func(p *peer) {
				p.send("+OK")
				p.expect("CAPA")
				p.send("+OK", tt.capa, ".")
				for batch := 0; batch < 3; batch++ {
					var cmds []string
					for i := 0; i < tt.window; i++ {
						cmds = append(cmds, p.line())
					}
					// Nothing more may arrive until a reply goes out (this
					// check can only pass wrongly on a slow machine, never
					// fail wrongly).
					p.conn.SetReadDeadline(time.Now().Add(150 * time.Millisecond))
					if extra, err := p.r.ReadString('\n'); err == nil {
						p.t.Errorf("command %q sent beyond the window of %d", extra, tt.window)
						return
					}
					p.conn.SetReadDeadline(time.Time{})
					for range cmds {
						p.send("+OK")
					}
				}
				p.expect("QUIT")
				p.send("+OK")
			})
			c := dial(t, addr, &Options{PipelineWindow: 4})
			c.Capa(bg)
			nums := make([]int, 3*tt.window)
			for i := range nums {
				nums[i] = i + 1
			}
			var got []int
			err := c.DeleMany(bg, nums, func(n int, err error) error {
				got = append(got, n)
				return err
			})
			if err != nil || len(got) != len(nums) {
				t.Fatalf("DeleMany = %v, results %v", err, got)
			}
			if err := c.Quit(bg); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestBatchStop: fn's error stops sending, the replies already sent are
// drained, and the session stays usable.
func TestBatchStop(t *testing.T) {
	var count atomic.Int64
	addr := serve(t, func(p *peer) { answer(p, []string{"PIPELINING"}, topReply, &count) })
	c := dial(t, addr, &Options{PipelineWindow: 8})
	c.Capa(bg)
	nums := make([]int, 1000)
	for i := range nums {
		nums[i] = i + 1
	}
	stop := errors.New("enough")
	err := c.RetrMany(bg, nums, func(n int, body io.Reader, err error) error {
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("RetrMany = %v, want the callback's error", err)
	}
	before := count.Load()
	if err := c.Noop(bg); err != nil {
		t.Fatalf("session unusable after a stopped batch: %v", err)
	}
	// CAPA + at most 3 + window TOP... the server saw far fewer than 1000.
	if before > 1+3+8+1 {
		t.Fatalf("server received %d commands: sending did not stop", before)
	}
	if err := c.Quit(bg); err != nil {
		t.Fatal(err)
	}
}

func TestBatchCancel(t *testing.T) {
	addr := serve(t, func(p *peer) {
		p.lenient = true // the client drops the connection mid-batch
		answer(p, []string{"PIPELINING"}, topReply, nil)
	})
	c := dial(t, addr, nil)
	c.Capa(bg)
	ctx, cancel := context.WithCancel(bg)
	nums := make([]int, 5000)
	for i := range nums {
		nums[i] = i + 1
	}
	seen := 0
	err := c.TopMany(ctx, nums, 0, func(n int, body io.Reader, err error) error {
		seen++
		if n == 20 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || seen != 20 {
		t.Fatalf("TopMany = %v after %d messages, want context.Canceled after 20", err, seen)
	}
	if err := c.Noop(bg); !errors.Is(err, ErrClosed) {
		t.Fatalf("after a cancelled batch = %v, want ErrClosed", err)
	}
}

func TestBatchBrokenStream(t *testing.T) {
	addr := serve(t, func(p *peer) {
		p.send("+OK")
		p.expect("RETR 1")
		p.send("+OK", "partial")
	})
	c := dial(t, addr, nil)
	err := c.RetrMany(bg, []int{1, 2}, func(n int, body io.Reader, err error) error {
		_, rerr := io.ReadAll(body)
		return rerr
	})
	if !errors.Is(err, ErrServerClosed) {
		t.Fatalf("RetrMany = %v, want ErrServerClosed", err)
	}
	if err := c.RetrMany(bg, []int{0}, nil); err == nil {
		t.Fatal("message 0 accepted")
	}
	if err := c.RetrMany(bg, nil, nil); err != nil {
		t.Fatalf("empty batch = %v", err)
	}
}
