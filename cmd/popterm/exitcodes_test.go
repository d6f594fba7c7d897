package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/pop3"
	"github.com/popterm/popterm/pop3/pop3test"
)

// TestExitCodeTable walks the error kinds to exit codes: one problem, one
// exit code, whichever way it arrives (implicit TLS or STARTTLS, with or
// without a response code).
func TestExitCodeTable(t *testing.T) {
	srvTLS, _, _, err := pop3test.TLSConfigs("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	_, otherTrust, _, err := pop3test.TLSConfigs("127.0.0.1") // same name, another key
	if err != nil {
		t.Fatal(err)
	}
	implicit := pop3test.NewTest(t, pop3test.Config{TLS: srvTLS, Implicit: true})
	starttls := pop3test.NewTest(t, pop3test.Config{TLS: srvTLS})
	injecting := pop3test.NewTest(t, pop3test.Config{TLS: srvTLS, Faults: pop3test.Faults{InjectAfterSTLS: "+OK x\r\n"}})
	stripped := pop3test.NewTest(t, pop3test.Config{TLS: srvTLS, Faults: pop3test.Faults{RefuseSTLS: true}})
	plain := pop3test.NewTest(t, pop3test.Config{})
	opts := &pop3.Options{TLSConfig: otherTrust, CommandTimeout: time.Second}
	dialErr := func(dial func(context.Context, string, *pop3.Options) (*pop3.Client, error), addr string) error {
		c, err := dial(context.Background(), addr, opts)
		if c != nil {
			c.Close()
		}
		return err
	}
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"certificate refused, implicit", dialErr(pop3.DialTLS, implicit.Addr()), exitUsage},
		{"certificate refused, starttls", dialErr(pop3.DialStartTLS, starttls.Addr()), exitUsage},
		{"STARTTLS stripped", dialErr(pop3.DialStartTLS, stripped.Addr()), exitUsage},
		{"response injection", dialErr(pop3.DialStartTLS, injecting.Addr()), exitUsage},
		{"no STARTTLS", dialErr(pop3.DialStartTLS, plain.Addr()), exitUsage},
		{"starttls at an implicit port", dialErr(pop3.DialStartTLS, implicit.Addr()), exitUsage},
		{"implicit at a plain port", dialErr(pop3.DialTLS, plain.Addr()), exitUsage},
		{"no such host", &net.OpError{Op: "dial", Err: &net.DNSError{Name: "pop.exmaple.com", Err: "no such host", IsNotFound: true}}, exitUsage},
		{"resolver unreachable", &net.OpError{Op: "dial", Err: &net.DNSError{Name: "pop.example.com", Err: "i/o timeout", IsTimeout: true}}, exitTryLater},
		{"bad password, coded", &pop3.Error{Command: "PASS", Code: pop3.CodeAuth, Text: "no"}, exitCredentials},
		{"bad password, Outlook", &pop3.Error{Command: "AUTH", Mechanism: "XOAUTH2", Text: "Logon failure: unknown user name or bad password."}, exitCredentials},
		{"throttled, Outlook", &pop3.Error{Command: "AUTH", Text: "Server Unavailable. 21"}, exitTryLater},
		{"in use", &pop3.Error{Command: "PASS", Code: pop3.CodeInUse}, exitTryLater},
		{"too slow", &pop3.SlowError{Command: "RETR 1", Bytes: 10, Elapsed: time.Second, MinRate: 8 << 10}, exitTryLater},
		{"timeout", fmt.Errorf("list: %w", pop3.ErrTimeout), exitTryLater},
		{"store busy", cache.ErrLocked, exitTryLater},
		{"cancelled", &mailbox.Error{Kind: mailbox.KindOther, Msg: "sync cancelled", Err: context.Canceled}, exitFailure},
	}
	for _, tt := range tests {
		if tt.err == nil {
			t.Errorf("%s: no error to classify", tt.name)
			continue
		}
		if got := exitFor(tt.err); got != tt.want {
			t.Errorf("%s: exit %d for %v, want %d", tt.name, got, tt.err, tt.want)
		}
		if strings.Contains(tt.err.Error(), "possibly because of") {
			t.Errorf("%s: crypto/x509 diagnostics in %q", tt.name, tt.err)
		}
	}
	if !errors.Is(dialErr(pop3.DialStartTLS, implicit.Addr()), pop3.ErrWantsTLS) {
		t.Error("starttls at an implicit port is not reported as such")
	}
}

// kindNames names every error kind as the README does.
var kindNames = map[string]mailapi.Kind{
	"KindOther": mailapi.KindOther, "KindCredentials": mailapi.KindCredentials, "KindTryLater": mailapi.KindTryLater,
	"KindConfig": mailapi.KindConfig, "KindNotFound": mailapi.KindNotFound,
}

// TestExitCodeTableIsTheREADMEs walks every error kind: each has its exit
// status in exitKinds (the one table TestExitCodeTable's problems go
// through), exitFor gives it for an engine error of that kind, and the
// README's "Exit status" table says the same.
func TestExitCodeTableIsTheREADMEs(t *testing.T) {
	table := exitKinds()
	for k := mailapi.KindOther; k <= mailapi.KindNotFound; k++ {
		code, ok := table[k]
		if !ok {
			t.Errorf("kind %d has no exit status", k)
			continue
		}
		err := &mailapi.Error{Kind: k, Msg: "x"}
		if got := exitFor(err); got != code {
			t.Errorf("kind %d: exitFor = %d, table says %d", k, got, code)
		}
		if got := exitFor(&mailapi.Error{Kind: mailapi.KindOther, Msg: "outer", Err: err}); got != exitFailure {
			t.Errorf("the outer kind decides: got %d", got)
		}
	}
	if len(kindNames) != int(mailapi.KindNotFound)+1 {
		t.Fatalf("kindNames lists %d kinds", len(kindNames))
	}

	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Exit status\n")
	if !ok {
		t.Fatal("the README has no Exit status section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	row := regexp.MustCompile("(?m)^\\| ([0-9]) \\|.*\\| (.*) \\|$")
	kindRef := regexp.MustCompile("`(Kind[A-Za-z]+)`")
	seen := map[mailapi.Kind]bool{}
	codes := map[int]bool{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		code, _ := strconv.Atoi(m[1])
		codes[code] = true
		for _, ref := range kindRef.FindAllStringSubmatch(m[2], -1) {
			k, ok := kindNames[ref[1]]
			if !ok {
				t.Errorf("README names an unknown kind %s", ref[1])
				continue
			}
			seen[k] = true
			if table[k] != code {
				t.Errorf("README: %s exits %d, the code says %d", ref[1], code, table[k])
			}
		}
	}
	for name, k := range kindNames {
		if !seen[k] {
			t.Errorf("README's Exit status table does not place %s", name)
		}
	}
	for _, c := range []int{exitOK, exitFailure, exitUsage, exitCredentials, exitTryLater, exitPending} {
		if !codes[c] {
			t.Errorf("README's Exit status table lacks status %d", c)
		}
	}
}

// TestSyncErrorOutput: what `popterm sync` prints for server refusals and a
// too-slow server: one sanitized line and the exit code of its kind.
func TestSyncErrorOutput(t *testing.T) {
	tests := []struct {
		name   string
		faults pop3test.Faults
		extra  string
		code   int
		want   string
	}{
		{"credentials with escapes", pop3test.Faults{LoginError: "[AUTH] \x1b[31mno\x1b]0;pwned\x07 way"}, "", exitCredentials, "pwned way"},
		{"throttled without code", pop3test.Faults{LoginError: "Exceeded the login limit for a 15 minute period."}, "", exitTryLater, "Exceeded the login limit"},
		{"too slow", pop3test.Faults{Trickle: 40}, "timeout = \"1s\"\nmin_rate = \"1KB\"\n", exitTryLater, "server too slow: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLIServer(t, pop3test.Config{Faults: tt.faults}, tt.extra, testMail("a", "first"))
			code, _, stderr := c.run("sync")
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.want)
			}
			if strings.ContainsAny(stderr, "\x1b\x07") || strings.Count(stderr, "\n") != 1 {
				t.Fatalf("stderr is not one clean line: %q", stderr)
			}
		})
	}
}
