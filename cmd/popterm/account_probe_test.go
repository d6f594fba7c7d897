package main

import (
	"strings"
	"testing"

	"github.com/popterm/popterm/mailapi"
)

// A probe that could not connect says what to check (the engine's own
// sentence); the command adds no generic hint after it, but keeps the exit
// status of its kind.
func TestProbeFailureAddsNoGenericHint(t *testing.T) {
	err := &mailapi.Error{Kind: mailapi.KindTryLater, Whole: true,
		Msg: "connect to 127.0.0.1:1 (implicit TLS): connection refused: check the port"}
	msg := probeFailure(err)
	if !strings.HasSuffix(msg, "connection refused: check the port") || strings.Contains(msg, "try again later") {
		t.Fatalf("probeFailure: %q", msg)
	}
	if exitFor(err) != exitTryLater {
		t.Errorf("exit %d", exitFor(err))
	}
	if msg := probeFailure(&mailapi.Error{Kind: mailapi.KindCredentials}); !strings.Contains(msg, "check the user name") {
		t.Errorf("a refused login gets the credentials hint: %q", msg)
	}
}
