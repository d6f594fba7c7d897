package pop3test

import (
	"crypto/hmac"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func unb64(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("bad base64 %q: %v", s, err)
	}
	return string(b)
}

// challenge expects a "+ " continuation and returns its decoded text.
func (c *client) challenge(t *testing.T) string {
	t.Helper()
	line := c.readLine()
	text, ok := strings.CutPrefix(line, "+ ")
	if !ok && line != "+" {
		t.Fatalf("want a continuation, got %q", line)
	}
	return unb64(t, text)
}

func TestSASL(t *testing.T) {
	cfg := Config{
		Users:  map[string]string{"alice": "wonder land", "bob": "pw"},
		Tokens: map[string]string{"alice": "ya29.token"},
	}
	tests := []struct {
		name string
		run  func(t *testing.T, c *client) string // returns the final status
	}{
		{"PLAIN initial response", func(t *testing.T, c *client) string {
			return c.cmd("AUTH PLAIN " + b64("\x00alice\x00wonder land"))
		}},
		{"PLAIN after challenge", func(t *testing.T, c *client) string {
			c.tp.PrintfLine("AUTH plain")
			if ch := c.challenge(t); ch != "" {
				t.Errorf("PLAIN challenge %q", ch)
			}
			return c.cmd(b64("alice\x00alice\x00wonder land"))
		}},
		{"LOGIN", func(t *testing.T, c *client) string {
			c.tp.PrintfLine("AUTH LOGIN")
			if ch := c.challenge(t); ch != "Username:" {
				t.Errorf("first challenge %q", ch)
			}
			c.tp.PrintfLine("%s", b64("alice"))
			if ch := c.challenge(t); ch != "Password:" {
				t.Errorf("second challenge %q", ch)
			}
			return c.cmd(b64("wonder land"))
		}},
		{"LOGIN initial response", func(t *testing.T, c *client) string {
			c.tp.PrintfLine("AUTH LOGIN %s", b64("alice"))
			c.challenge(t)
			return c.cmd(b64("wonder land"))
		}},
		{"CRAM-MD5", func(t *testing.T, c *client) string {
			c.tp.PrintfLine("AUTH CRAM-MD5")
			ch := c.challenge(t)
			if !regexp.MustCompile(`^<[^>]+@[^>]+>$`).MatchString(ch) {
				t.Errorf("CRAM-MD5 challenge %q", ch)
			}
			mac := hmac.New(md5.New, []byte("wonder land"))
			mac.Write([]byte(ch))
			return c.cmd(b64("alice " + hex.EncodeToString(mac.Sum(nil))))
		}},
		{"XOAUTH2", func(t *testing.T, c *client) string {
			return c.cmd("AUTH XOAUTH2 " + b64("user=alice\x01auth=Bearer ya29.token\x01\x01"))
		}},
		{"XOAUTH2 two steps", func(t *testing.T, c *client) string {
			c.tp.PrintfLine("AUTH XOAUTH2")
			c.challenge(t)
			return c.cmd(b64("user=alice\x01auth=Bearer ya29.token\x01\x01"))
		}},
		{"OAUTHBEARER", func(t *testing.T, c *client) string {
			return c.cmd("AUTH OAUTHBEARER " + b64("n,a=alice,\x01host=127.0.0.1\x01port=110\x01auth=Bearer ya29.token\x01\x01"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := NewTest(t, cfg)
			c, _ := dial(t, srv)
			if got := tt.run(t, c); !strings.HasPrefix(got, "+OK") {
				t.Fatalf("final reply %q, want +OK", got)
			}
			c.ok("STAT")
			for _, cmd := range srv.Log() {
				if strings.Contains(cmd.Line, b64("\x00alice\x00wonder land")) || strings.Contains(cmd.Line, "ya29") {
					t.Errorf("log shows a secret: %q", cmd.Line)
				}
			}
			if got := srv.Commands(); got[0] != "AUTH" || len(got) != 2 {
				t.Errorf("commands %q: SASL responses must not be logged as commands", got)
			}
		})
	}
}

func TestSASLRefusals(t *testing.T) {
	cfg := Config{Users: map[string]string{"alice": "pw"}, Tokens: map[string]string{"alice": "good"}}
	srv := NewTest(t, cfg)
	c, _ := dial(t, srv)
	if got := c.cmd("AUTH PLAIN " + b64("\x00alice\x00bad")); !strings.HasPrefix(got, "-ERR [AUTH]") {
		t.Errorf("bad PLAIN = %q", got)
	}
	if got := c.cmd("AUTH PLAIN " + b64("bob\x00alice\x00pw")); !strings.HasPrefix(got, "-ERR [AUTH]") {
		t.Errorf("PLAIN with a foreign authzid = %q", got)
	}
	if got := c.cmd("AUTH DIGEST-MD5"); !strings.HasPrefix(got, "-ERR") {
		t.Errorf("unknown mechanism = %q", got)
	}
	if got := c.cmd("AUTH PLAIN !!!"); !strings.HasPrefix(got, "-ERR") {
		t.Errorf("bad base64 = %q", got)
	}
	c.tp.PrintfLine("AUTH LOGIN")
	c.challenge(t)
	if got := c.cmd("*"); !strings.HasPrefix(got, "-ERR") {
		t.Errorf("cancelled exchange = %q", got)
	}
	// A refused token gets a JSON challenge first, then -ERR (Gmail style).
	c.tp.PrintfLine("AUTH XOAUTH2 %s", b64("user=alice\x01auth=Bearer bad\x01\x01"))
	if ch := c.challenge(t); !strings.Contains(ch, `"status":"401"`) {
		t.Errorf("token error challenge %q", ch)
	}
	if got := c.cmd(""); !strings.HasPrefix(got, "-ERR [AUTH]") {
		t.Errorf("refused token = %q", got)
	}
	c.tp.PrintfLine("AUTH OAUTHBEARER %s", b64("n,a=alice,\x01auth=Bearer bad\x01\x01"))
	c.challenge(t)
	if got := c.cmd(b64("\x01")); !strings.HasPrefix(got, "-ERR [AUTH]") {
		t.Errorf("refused OAUTHBEARER token = %q", got)
	}
	if got := c.multi("AUTH"); !slices.Equal(got, []string{"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER"}) {
		t.Errorf("AUTH listing = %q", got)
	}
	c.ok("AUTH PLAIN " + b64("\x00alice\x00pw"))
}

func TestAPOP(t *testing.T) {
	srv := NewTest(t, Config{APOP: true, Users: map[string]string{"alice": "tanstaaf"}})
	c, greeting := dial(t, srv)
	stamp := regexp.MustCompile(`<[^>]+>`).FindString(greeting)
	if stamp == "" {
		t.Fatalf("greeting %q has no APOP timestamp", greeting)
	}
	if got := c.cmd("APOP alice " + strings.Repeat("0", 32)); !strings.HasPrefix(got, "-ERR [AUTH]") {
		t.Errorf("bad APOP = %q", got)
	}
	sum := md5.Sum([]byte(stamp + "tanstaaf"))
	c.ok(fmt.Sprintf("APOP alice %x", sum))
	if got := srv.Log()[1].Line; got != "APOP alice ***" {
		t.Errorf("APOP logged as %q", got)
	}
}

func TestUTF8(t *testing.T) {
	srv := NewTest(t, Config{UTF8: true, Users: map[string]string{"jörg": "pässwort"}})
	c, _ := dial(t, srv)
	c.ok("UTF8")
	c.login("jörg", "pässwort")
}
