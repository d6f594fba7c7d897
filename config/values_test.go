package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"30s", 30 * time.Second, ""},
		{"5m", 5 * time.Minute, ""},
		{"2h", 2 * time.Hour, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"30d", 30 * 24 * time.Hour, ""},
		{"0s", 0, ""},
		{"30", 0, "no unit"},
		{"1.5", 0, "no unit"},
		{"", 0, "empty"},
		{"-5m", 0, "negative"},
		{"xd", 0, "days"},
		{"5 minutes", 0, "bad duration"},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseDuration(%q) = %v, %v; want error with %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if back, err := ParseDuration(FormatDuration(got)); err != nil || back != got {
			t.Errorf("FormatDuration(%v) = %q does not parse back", got, FormatDuration(got))
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"512KB", 512 << 10, true},
		{"10MB", 10 << 20, true},
		{"1gb", 1 << 30, true},
		{"1MiB", 1 << 20, true},
		{"100B", 100, true},
		{"2K", 2 << 10, true},
		{"10", 0, false},
		{"MB", 0, false},
		{"-1MB", 0, false},
		{"99999999999999GB", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if tt.ok {
			if back, _ := ParseSize(FormatSize(got)); back != got {
				t.Errorf("FormatSize(%d) = %q", got, FormatSize(got))
			}
		}
	}
}

func TestPrefetch(t *testing.T) {
	now := time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
	old, recent := now.AddDate(0, 0, -40), now.AddDate(0, 0, -2)
	tests := []struct {
		in    string
		size  int64
		date  time.Time
		wants bool
	}{
		{"all", 1 << 30, old, true},
		{"none", 1, recent, false},
		{"newer_than:30d", 1, recent, true},
		{"newer_than:30d", 1, old, false},
		{"newer_than:30d", 1, time.Time{}, true},
		{"smaller_than:1MB", 1<<20 - 1, old, true},
		{"smaller_than:1MB", 1 << 20, recent, false},
	}
	for _, tt := range tests {
		p, err := ParsePrefetch(tt.in)
		if err != nil {
			t.Fatalf("ParsePrefetch(%q): %v", tt.in, err)
		}
		if got := p.Wants(tt.size, tt.date, now); got != tt.wants {
			t.Errorf("%s.Wants(%d, %v) = %v", tt.in, tt.size, tt.date, got)
		}
		if p.String() != tt.in {
			t.Errorf("String() = %q, want %q", p.String(), tt.in)
		}
	}
	if !(Prefetch{}).Wants(5, now, now) {
		t.Error("the zero Prefetch should mean all")
	}
	for _, bad := range []string{"some", "all:1", "newer_than", "newer_than:30", "smaller_than:big"} {
		if _, err := ParsePrefetch(bad); err == nil {
			t.Errorf("ParsePrefetch(%q) accepted", bad)
		}
	}
}

func TestValidName(t *testing.T) {
	for _, ok := range []string{"work", "a.b_c-d", "A1", strings.Repeat("x", 64)} {
		if err := ValidName(ok); err != nil {
			t.Errorf("ValidName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", ".x", "a/b", "a b", "é", "a\\b", "a\x00", strings.Repeat("x", 65)} {
		if ValidName(bad) == nil {
			t.Errorf("ValidName(%q) accepted", bad)
		}
	}
	for in, want := range map[string]string{"alice@example.com": "alice-example.com", "..x": "x", "": "mail", "메일": "--"} {
		if got := SafeName(in); got != want || ValidName(got) != nil {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeFingerprint(t *testing.T) {
	hex := strings.Repeat("Ab", 32)
	colons := strings.TrimSuffix(strings.Repeat("AB:", 32), ":")
	for _, in := range []string{hex, colons, " " + hex + " "} {
		got, err := NormalizeFingerprint(in)
		if err != nil || got != strings.Repeat("ab", 32) {
			t.Errorf("NormalizeFingerprint(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "ab", strings.Repeat("zz", 32), strings.Repeat("a", 63)} {
		if _, err := NormalizeFingerprint(bad); err == nil {
			t.Errorf("NormalizeFingerprint(%q) accepted", bad)
		}
	}
}

func TestSuggest(t *testing.T) {
	keys := keyNames(accountKeys())
	for in, want := range map[string]string{"usernme": "username", "hots": "host", "tls_cert_sha": "tls_cert_sha256", "passwordcmd": "password_cmd", "zzzzzz": ""} {
		if got := suggest(in, keys); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		in                      string
		user, host, auth, tlsMd string
		port                    int
	}{
		{"pop://alice;auth=*@mail.example.com:995", "alice", "mail.example.com", AuthAuto, TLSImplicit, 995},
		{"pop://alice@mail.example.com", "alice", "mail.example.com", AuthAuto, TLSImplicit, 995},
		{"pop://bob;AUTH=+APOP@h:110", "bob", "h", AuthAPOP, TLSStartTLS, 110},
		{"POP://bob;auth=CRAM-MD5@h:1110", "bob", "h", AuthCRAMMD5, TLSStartTLS, 1110},
		{"pops://alice%40example.com;auth=PLAIN@[::1]:2995", "alice@example.com", "::1", AuthPlain, TLSImplicit, 2995},
		{"pop://a%3Bb@h", "a;b", "h", AuthAuto, TLSImplicit, 995},
	}
	for _, tt := range tests {
		a, err := ParseURL(tt.in)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", tt.in, err)
			continue
		}
		if a.Username != tt.user || a.Host != tt.host || a.Auth != tt.auth || a.TLS != tt.tlsMd || a.Port != tt.port {
			t.Errorf("ParseURL(%q) = %+v", tt.in, a)
		}
		back, err := ParseURL(a.URL())
		if err != nil || back.Username != a.Username || back.Host != a.Host || back.Port != a.Port || back.Auth != a.Auth {
			t.Errorf("URL() = %q does not round-trip: %+v %v", a.URL(), back, err)
		}
	}
	for _, bad := range []string{"imap://a@h", "pop://h", "pop://a:secret@h", "pop://a;auth=NTLM@h", "pop://a@h:0", "pop://a@h/INBOX", "pop://a;x=y@h", "not a url"} {
		_, err := ParseURL(bad)
		if err == nil {
			t.Errorf("ParseURL(%q) accepted", bad)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("ParseURL error leaks the password: %v", err)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"pop://a:secret@h":    "pop://a:REDACTED@h",
		"pop://a@h":           "pop://a@h",
		"0@://0":              "0@://0",
		"pop://a:sec ret%@h":  "pop://REDACTED@h",
		"pop://x%zz:secret@h": "pop://REDACTED@h",
	} {
		if got := redactURL(in); got != want || strings.Contains(got, "secret") {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
