package mailapi

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestErrorKindsAndAdvice(t *testing.T) {
	cause := errors.New("dial tcp: connection refused")
	classified := &Error{Kind: KindTryLater, Err: cause}
	advised := &Error{Kind: KindConfig, Msg: "account x: no password source (set password_cmd)"}
	whole := &Error{Kind: KindTryLater, Msg: "connect to h:995 (implicit TLS): connection refused: check the port", Err: cause, Whole: true}
	tests := []struct {
		err     error
		kind    Kind
		advises bool
		text    string
	}{
		{nil, KindOther, false, ""},
		{cause, KindOther, false, cause.Error()},
		{classified, KindTryLater, false, cause.Error()},
		{fmt.Errorf("sync: %w", classified), KindTryLater, false, "sync: " + cause.Error()},
		{advised, KindConfig, true, advised.Msg},
		{&Error{Kind: KindOther, Err: advised}, KindOther, true, advised.Msg},
		{whole, KindTryLater, true, whole.Msg},
	}
	for _, tt := range tests {
		if got := KindOf(tt.err); got != tt.kind {
			t.Errorf("KindOf(%v) = %v, want %v", tt.err, got, tt.kind)
		}
		if got := Advises(tt.err); got != tt.advises {
			t.Errorf("Advises(%v) = %v, want %v", tt.err, got, tt.advises)
		}
		if tt.err != nil && tt.err.Error() != tt.text {
			t.Errorf("text %q, want %q", tt.err.Error(), tt.text)
		}
	}
	if !errors.Is(whole, cause) {
		t.Error("a whole message drops the cause from the chain")
	}
}

func TestProbeResultWarnings(t *testing.T) {
	r := ProbeResult{Addr: "h:110", TLSVersion: "none", Mechanism: "user"}
	lines := strings.Join(r.Lines(), "\n")
	for _, want := range []string{"no UIDL", "no TOP", "no TLS", "with USER"} {
		if !strings.Contains(lines, want) {
			t.Errorf("lines lack %q:\n%s", want, lines)
		}
	}
	if w := (ProbeResult{TLSVersion: "TLS 1.3", Top: true, UIDL: true}).Warnings(); len(w) != 0 {
		t.Errorf("warnings for a good server: %v", w)
	}
}
