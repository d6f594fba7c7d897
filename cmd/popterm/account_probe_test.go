package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/pop3/pop3test"
)

// timeoutErr is a net.Error that timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestConnectErrorSaysWhatToCheck(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"unknown host", fmt.Errorf("pop3: connecting: %w", &net.DNSError{Err: "no such host", Name: "pop.example.org", Server: "10.0.0.53:53", IsNotFound: true}),
			"no host named pop.example.org: check the host name"},
		{"timeout", fmt.Errorf("pop3: greeting: %w", timeoutErr{}), "check the port and TLS mode"},
		{"other", errors.New("pop3: greeting: -ERR go away"), "-ERR go away"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := (&connectError{addr: "h:995", mode: config.TLSImplicit, err: tt.err}).Error()
			if !strings.HasPrefix(msg, "connect to h:995 (implicit TLS): ") || !strings.Contains(msg, tt.want) {
				t.Fatalf("message %q, want it to contain %q", msg, tt.want)
			}
			if strings.Contains(msg, "10.0.0.53") {
				t.Fatalf("message names the resolver: %q", msg)
			}
		})
	}
}

func TestProbeRefusedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	a := config.NewAccount("x")
	a.Host, a.Port, a.TLS, a.Username, a.Timeout = "127.0.0.1", addr.Port, config.TLSImplicit, "u", 5*time.Second
	_, err = probeAccount(context.Background(), a, "pw")
	var ce *connectError
	if !errors.As(err, &ce) || !strings.HasSuffix(err.Error(), "connection refused: check the port") {
		t.Fatalf("probe of a closed port: %v", err)
	}
	if msg := probeFailure(err); strings.Contains(msg, "try again later") {
		t.Fatalf("probeFailure adds a generic hint: %q", msg)
	}
}

func TestProbeImplicitTLSOnPlainPort(t *testing.T) {
	s := pop3test.NewTest(t, pop3test.Config{})
	host, port := hostPort(t, s.Addr())
	a := config.NewAccount("x")
	a.Host, a.TLS, a.Username, a.Timeout = host, config.TLSImplicit, "u", 5*time.Second
	a.Port, _ = strconv.Atoi(port)
	_, err := probeAccount(context.Background(), a, "pw")
	if err == nil || !strings.Contains(err.Error(), "does not speak TLS") {
		t.Fatalf("implicit TLS to a plain POP3 port: %v", err)
	}
}
