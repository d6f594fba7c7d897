package main

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/config"
)

// A probe that could not connect says what to check; the command adds no
// generic hint after it.
func TestProbeFailureAddsNoGenericHint(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	a := config.NewAccount("x")
	a.Host, a.Port, a.TLS, a.Username, a.Timeout = "127.0.0.1", addr.Port, config.TLSImplicit, "u", 5*time.Second
	_, err = probeAccount(context.Background(), a, "pw")
	if err == nil || exitFor(err) != exitTryLater {
		t.Fatalf("probe of a closed port: %v (exit %d)", err, exitFor(err))
	}
	msg := probeFailure(err)
	if !strings.HasSuffix(msg, "connection refused: check the port") || strings.Contains(msg, "try again later") {
		t.Fatalf("probeFailure: %q", msg)
	}
}
