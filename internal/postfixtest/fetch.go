package postfixtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/testproc"
	"github.com/popterm/popterm/pop3"
)

// deliveryTimeout bounds how long Fetch waits for Postfix to deliver.
const deliveryTimeout = 20 * time.Second

// Fetch waits until user's Maildir holds n messages, reads them back over
// POP3 (implicit TLS, RETR), oldest first, deletes them (DELE, QUIT) and
// returns them without the trace fields Postfix added (StripTrace).
func (s *Server) Fetch(t testing.TB, user, password string, n int) [][]byte {
	t.Helper()
	dove := s.dove
	deadline := time.Now().Add(deliveryTimeout)
	for dove.Count(user) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s has %d messages after %v, want %d; postfix log:\n%s", user, dove.Count(user), deliveryTimeout, n, testproc.Tail(s.Log(), 20))
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fetchPOP3(t, dove, user, password, n)
}

func fetchPOP3(t testing.TB, dove *dovecottest.Server, user, password string, n int) [][]byte {
	t.Helper()
	ctx := context.Background()
	c, err := pop3.DialTLS(ctx, dove.TLSAddr(), &pop3.Options{TLSConfig: dove.TLSConfig()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Login(ctx, pop3.Credentials{Username: user, Password: password}); err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for i := 1; i <= n; i++ {
		body, err := c.Retr(ctx, i)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, StripTrace(b))
		if err := c.Dele(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	return out
}

// StripTrace removes the header fields Postfix puts in front of a delivered
// message (Return-Path, X-Original-To, Delivered-To, Received with its
// continuation lines), leaving what the client submitted.
func StripTrace(raw []byte) []byte {
	for {
		line, rest, _ := bytes.Cut(raw, []byte("\n"))
		switch {
		case bytes.HasPrefix(line, []byte("Return-Path:")), bytes.HasPrefix(line, []byte("X-Original-To:")),
			bytes.HasPrefix(line, []byte("Delivered-To:")), bytes.HasPrefix(line, []byte("Received:")):
			raw = rest
			for bytes.HasPrefix(raw, []byte(" ")) || bytes.HasPrefix(raw, []byte("\t")) {
				_, raw, _ = bytes.Cut(raw, []byte("\n"))
			}
		default:
			return raw
		}
	}
}

// FirstDiff describes where two messages first differ, for test failures.
func FirstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(g) && i < len(w); i++ {
		if !bytes.Equal(g[i], w[i]) {
			return fmt.Sprintf("line %d: got %q, want %q", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("got %d lines, want %d", len(g), len(w))
}
