package pop3

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// evil is server text meant to take over a terminal: colours, a window
// title, a bell, a bidirectional override, a C1 CSI and invalid UTF-8.
const evil = "no \x1b[31mred\x1b[0m \x1b]0;pwned\x07 \u202egnp.exe \x9b2J bad\xff\xfe end"

// checkClean fails when err's text could drive a terminal.
func checkClean(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", what)
	}
	msg := err.Error()
	for _, r := range msg {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' {
			t.Fatalf("%s: error %q carries control %U", what, msg, r)
		}
	}
	if !strings.Contains(msg, "red") || !strings.Contains(msg, "end") {
		t.Fatalf("%s: error %q lost the server's words", what, msg)
	}
}

// TestServerTextInErrorsIsSanitized: a server that answers every command
// with -ERR and escape sequences gets errors safe to print, for every
// command, single or pipelined.
func TestServerTextInErrorsIsSanitized(t *testing.T) {
	cmds := []struct {
		name string
		run  func(c *Client) error
	}{
		{"UTF8", func(c *Client) error { return c.UTF8(bg) }},
		{"STLS", func(c *Client) error { return c.StartTLS(bg, nil) }},
		{"USER", func(c *Client) error {
			_, err := c.Login(bg, Credentials{Username: "u", Password: "p", Mechanism: MechUser, AllowCleartext: true})
			return err
		}},
		{"AUTH", func(c *Client) error {
			_, err := c.Login(bg, Credentials{Username: "u", Password: "p", Mechanism: "plain", AllowCleartext: true})
			return err
		}},
		{"STAT", func(c *Client) error { _, _, err := c.Stat(bg); return err }},
		{"LIST", func(c *Client) error { _, err := c.List(bg); return err }},
		{"LIST 1", func(c *Client) error { _, err := c.ListOne(bg, 1); return err }},
		{"UIDL", func(c *Client) error { _, err := c.UIDL(bg); return err }},
		{"UIDL 1", func(c *Client) error { _, err := c.UIDLOne(bg, 1); return err }},
		{"RETR 1", func(c *Client) error { _, err := c.Retr(bg, 1); return err }},
		{"TOP 1 0", func(c *Client) error { _, err := c.Top(bg, 1, 0); return err }},
		{"DELE 1", func(c *Client) error { return c.Dele(bg, 1) }},
		{"NOOP", func(c *Client) error { return c.Noop(bg) }},
		{"RSET", func(c *Client) error { return c.Rset(bg) }},
		{"RETR 1 (pipelined)", func(c *Client) error { return c.RetrMany(bg, []int{1}, firstErr) }},
		{"TOP 1 0 (pipelined)", func(c *Client) error { return c.TopMany(bg, []int{1}, 0, firstErr) }},
		{"DELE 1 (pipelined)", func(c *Client) error {
			return c.DeleMany(bg, []int{1}, func(_ int, err error) error { return err })
		}},
		{"QUIT", func(c *Client) error { return c.Quit(bg) }},
	}
	for _, tt := range cmds {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, func(p *peer) {
				p.lenient = true
				p.send("+OK hi")
				for {
					if p.line() == "CAPA" {
						p.send("+OK", "USER", "SASL PLAIN", ".")
						continue
					}
					p.send("-ERR " + evil)
				}
			})
			c := dial(t, addr, nil)
			defer c.Close()
			err := tt.run(c)
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want the server's refusal", err)
			}
			checkClean(t, tt.name, err)
		})
	}
}

// firstErr is a BodyFunc that returns the refusal it gets.
func firstErr(_ int, _ io.Reader, err error) error { return err }

// TestServerTextInBrokenRepliesIsSanitized: replies that break the
// protocol are quoted sanitized too: a refused greeting, a malformed status
// line, malformed listing entries.
func TestServerTextInBrokenRepliesIsSanitized(t *testing.T) {
	tests := []struct {
		name, greeting, cmd string
		reply               []string
		run                 func(c *Client) error
	}{
		{name: "greeting", greeting: "-ERR " + evil},
		{name: "status line", greeting: "+OK", cmd: "NOOP", reply: []string{"?? " + evil}, run: func(c *Client) error { return c.Noop(bg) }},
		{name: "STAT", greeting: "+OK", cmd: "STAT", reply: []string{"+OK " + evil}, run: func(c *Client) error { _, _, err := c.Stat(bg); return err }},
		{name: "LIST entry", greeting: "+OK", cmd: "LIST", reply: []string{"+OK", "x " + evil, "."}, run: func(c *Client) error { _, err := c.List(bg); return err }},
		{name: "UIDL entry", greeting: "+OK", cmd: "UIDL", reply: []string{"+OK", "x " + evil, "."}, run: func(c *Client) error { _, err := c.UIDL(bg); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, func(p *peer) {
				p.lenient = true
				p.send(tt.greeting)
				if tt.cmd != "" {
					p.expect(tt.cmd)
					p.send(tt.reply...)
				}
			})
			if tt.run == nil {
				_, err := Dial(context.Background(), addr, nil)
				checkClean(t, tt.name, err)
				return
			}
			c := dial(t, addr, nil)
			defer c.Close()
			checkClean(t, tt.name, tt.run(c))
		})
	}
}
