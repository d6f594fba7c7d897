package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/popterm/popterm/mailapi"
)

// TestFailErrJoinsClausesCleanly: a server text ending in "." followed by
// the hint read "Authentication failed.; check ...".
func TestFailErrJoinsClausesCleanly(t *testing.T) {
	var errOut bytes.Buffer
	e := &env{stdout: &bytes.Buffer{}, stderr: &errOut}
	err := &mailapi.Error{Kind: mailapi.KindCredentials, Err: errors.New("-ERR [AUTH] Authentication failed.")}
	if code := failErr(e, "sync work", err); code != exitCredentials {
		t.Errorf("exit %d, want %d", code, exitCredentials)
	}
	got := errOut.String()
	for _, slip := range []string{".;", ";;", ":;", " ;"} {
		if strings.Contains(got, slip) {
			t.Errorf("stderr %q contains %q", got, slip)
		}
	}
	if !strings.Contains(got, "Authentication failed; check the user name") {
		t.Errorf("stderr %q", got)
	}
	if got := clause("no answer.", "try again"); got != "no answer; try again" {
		t.Errorf("clause = %q", got)
	}
}
