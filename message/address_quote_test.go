package message

import "testing"

func TestAddressStringQuotesSpoofedNames(t *testing.T) {
	for _, tc := range []struct {
		a    Address
		want string
	}{
		{Address{Name: "Alice Chen", Addr: "alice@example.org"}, "Alice Chen <alice@example.org>"},
		{Address{Name: "PayPal <service@paypal.com>", Addr: "billing@evil.example"}, `"PayPal <service@paypal.com>" <billing@evil.example>`},
		{Address{Name: "service@paypal.com", Addr: "x@evil.example"}, `"service@paypal.com" <x@evil.example>`},
		{Address{Name: `Say "hi"`, Addr: "h@example.org"}, `"Say \"hi\"" <h@example.org>`},
		{Address{Name: "Chen, Alice", Addr: "alice@example.org"}, `"Chen, Alice" <alice@example.org>`},
		{Address{Name: "김민준", Addr: "minjun@example.kr"}, "김민준 <minjun@example.kr>"},
		{Address{Addr: "bare@example.org"}, "bare@example.org"},
	} {
		if got := tc.a.String(); got != tc.want {
			t.Errorf("%+v.String() = %s, want %s", tc.a, got, tc.want)
		}
	}
}

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
		if got := SenderLabel(tc.from, tc.name); got != tc.want {
			t.Errorf("SenderLabel(%q, %q) = %q, want %q", tc.from, tc.name, got, tc.want)
		}
	}
}
