package config

import (
	"os"
	"strings"
	"testing"
)

// FuzzParse checks that no config file crashes Load's parser and that every
// error is one line.
func FuzzParse(f *testing.F) {
	if sample, err := os.ReadFile("../docs/config.sample.toml"); err == nil {
		f.Add(string(sample))
	}
	f.Add("[[account]]\nname = \"w\"\nhost = \"h\"\nusername = \"u\"\ntimeout = 30\n")
	f.Add("[[account]]\nurl = \"pop://a;auth=*@h:995\"\nname = \"x\"\ntls = \"starttls\"\n")
	f.Add("[ui]\nsession_idle = \"5d\"\n[keys]\nquit = [\"q\"]\n")
	f.Add("a.b.c = 1\n[x.y]\n[[z]]\n")
	f.Fuzz(func(t *testing.T, doc string) {
		cfg, err := Parse("config.toml", []byte(doc))
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("multi-line error: %q", err)
			}
			return
		}
		for i := range cfg.Accounts {
			a := &cfg.Accounts[i]
			if err := a.Validate(); err != nil {
				t.Fatalf("Parse accepted an invalid account: %v", err)
			}
			if _, err := a.TLSConfig(); err != nil && a.CAFile == "" {
				t.Fatalf("TLSConfig: %v", err)
			}
		}
		if _, err := cfg.Marshal(); err != nil {
			t.Fatalf("Marshal: %v", err)
		}
	})
}

// FuzzParseURL checks that POP URLs never crash the parser and that a
// parsed URL round-trips through Account.URL.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"pop://alice;auth=*@mail.example.com:995", "pop://a%3Bb;AUTH=+APOP@[::1]:110", "pops://x@h", "pop://a:pw@h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseURL(s)
		if err != nil {
			return
		}
		b, err := ParseURL(a.URL())
		if err != nil {
			t.Fatalf("URL() of %q = %q does not parse: %v", s, a.URL(), err)
		}
		if a.Username != b.Username || a.Host != b.Host || a.Port != b.Port || a.Auth != b.Auth {
			t.Fatalf("round trip of %q: %+v != %+v", s, a, b)
		}
	})
}
