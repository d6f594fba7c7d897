package ui

import (
	"testing"

	"github.com/popterm/popterm/mailbox"
)

func TestSenderLabelShowsRealAddressForSpoofedNames(t *testing.T) {
	for _, tc := range []struct {
		from, name, want string
	}{
		{"Alice Chen <alice@example.org>", "Alice Chen", "Alice Chen"},
		{"bare@example.org", "", "bare@example.org"},
		{`"PayPal <service@paypal.com>" <billing@evil.example>`, "PayPal <service@paypal.com>", "billing@evil.example"},
		{`"service@paypal.com" <x@evil.example>`, "service@paypal.com", "x@evil.example"},
		{"김민준 <minjun@example.kr>", "김민준", "김민준"},
	} {
		if got := senderLabel(&mailbox.Summary{From: tc.from, FromName: tc.name}); got != tc.want {
			t.Errorf("senderLabel(%q) = %q, want %q", tc.from, got, tc.want)
		}
	}
}
