package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const twoAccounts = `
[[account]]
name = "a"
host = "pop.example.com"
username = "alice@example.com"
signature_file = "sig.txt"

[account.smtp]
host = "smtp.example.com"

[[account]]
name = "b"
host = "pop.example.org"
username = "bob"
from = "Bøb Example <bob@example.org>"
timeout = "10s"
oauth2_token_cmd = "token"

[account.smtp]
host = "smtp.example.org"
tls = "starttls"
username = "bob@example.org"
auth = "xoauth2"
password_cmd = "echo pw"
tls_cert_sha256 = "5E:88:48:98:DA:28:04:71:51:D0:E5:6F:8D:C6:29:27:73:60:3D:0D:6A:AB:BD:D6:2A:11:EF:72:1D:15:42:D8"
`

func TestLoadSMTP(t *testing.T) {
	path := writeConfig(t, twoAccounts)
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	a, b := &cfg.Accounts[0], &cfg.Accounts[1]
	if s := a.SMTP; s == nil || s.Host != "smtp.example.com" || s.Port != 465 || s.TLS != TLSImplicit || s.Auth != AuthAuto {
		t.Errorf("a.SMTP = %+v", a.SMTP)
	}
	if a.SMTPUsername() != "alice@example.com" || a.SMTPTimeout() != DefaultTimeout || a.SMTPPasswordKey() != "smtp-password:a" {
		t.Errorf("a: user %q timeout %v keyring %q", a.SMTPUsername(), a.SMTPTimeout(), a.SMTPPasswordKey())
	}
	if a.SignatureFile != filepath.Join(filepath.Dir(path), "sig.txt") {
		t.Errorf("signature_file = %q, want it next to the config", a.SignatureFile)
	}
	if from, err := a.FromAddress(); err != nil || from.Address != "alice@example.com" || from.Name != "" {
		t.Errorf("a.FromAddress() = %v, %v: want the username", from, err)
	}
	if s := b.SMTP; s.Port != 587 || s.TLS != TLSStartTLS || s.Auth != AuthXOAUTH2 || s.TLSCertSHA256 != "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8" {
		t.Errorf("b.SMTP = %+v", b.SMTP)
	}
	if b.SMTPTimeout() != 10*time.Second {
		t.Errorf("b's SMTP timeout %v, want the account's", b.SMTPTimeout())
	}
	if from, err := b.FromAddress(); err != nil || from.Name != "Bøb Example" || from.Address != "bob@example.org" {
		t.Errorf("b.FromAddress() = %v, %v", from, err)
	}
	if _, err := (&Account{Name: "x", Username: "bob"}).FromAddress(); !errors.Is(err, ErrNoFrom) {
		t.Errorf("no from and a plain username: %v, want ErrNoFrom", err)
	}
	cfgTLS, err := b.SMTPTLSConfig()
	if err != nil || cfgTLS.ServerName != "smtp.example.org" || cfgTLS.VerifyConnection == nil {
		t.Errorf("SMTPTLSConfig = %+v, %v: want the pin checked", cfgTLS, err)
	}
	if _, err := (&Account{Name: "x"}).SMTPTLSConfig(); err == nil || !strings.Contains(err.Error(), "[account.smtp]") {
		t.Errorf("no smtp table: %v", err)
	}

	// Save and load again: the same accounts.
	cfg.Path = filepath.Join(t.TempDir(), "config.toml")
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	again, err := Load(cfg.Path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Accounts {
		got, want := again.Accounts[i], cfg.Accounts[i]
		if *got.SMTP != *want.SMTP || got.From != want.From || got.SignatureFile != want.SignatureFile {
			t.Errorf("account %d after Save+Load: %+v %+v, want %+v %+v", i, got, got.SMTP, want, want.SMTP)
		}
	}
}

func TestSMTPErrors(t *testing.T) {
	base := "[[account]]\nname = \"a\"\nhost = \"pop.example.com\"\nusername = \"u\"\n"
	tests := []struct {
		doc  string
		want []string
	}{
		{base + "from = \"not an address\"\n", []string{":5:", `account "a": from: expected an address`}},
		{base + "[account.smtp]\nport = 25\n", []string{":5:", "smtp.host: missing"}},
		{base + "[account.smtp]\nhost = \"smtp.x\"\ntls = \"ssl\"\n", []string{":7:", "smtp.tls: expected"}},
		{base + "[account.smtp]\nhost = \"smtp.x\"\nauth = \"plian\"\n", []string{":7:", `did you mean "plain"?`}},
		{base + "[account.smtp]\nhost = \"smtp.x\"\nauth = \"xoauth2\"\n", []string{"oauth2_token_cmd"}},
		{base + "[account.smtp]\nhost = \"smtp.x\"\ntls = \"none\"\n", []string{"smtp.tls", "cleartext"}},
		{base + "[account.smtp]\nhost = \"smtp.x\"\nhots = 1\n", []string{":7:", "unknown key in [account.smtp]", `did you mean "host"?`}},
		{base + "[account.smtp]\nhost = \"smtp.x\"\nport = \"587\"\n", []string{":7:", "expected a port number"}},
		{base + "[account.smtp]\nhost = \"smtp.x\"\npassword = \"x\"\n", []string{":7:", "unknown key"}},
		{base + "[account.smtp]\nhost = \"smtp.x\"\ntimeout = \"5\"\n", []string{":7:", "smtp.timeout"}},
		// The second account's table: the line is its own, not the first's.
		{base + "[account.smtp]\nhost = \"smtp.x\"\n[[account]]\nname = \"b\"\nhost = \"p\"\nusername = \"u\"\n[account.smtp]\nhost = \"bad host\"\n", []string{":12:", `account "b": smtp.host`}},
	}
	for _, tt := range tests {
		_, err := Parse("/c/config.toml", []byte(tt.doc))
		if err == nil {
			t.Errorf("accepted:\n%s", tt.doc)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
	}
	// tls = "none" is fine for a server that needs no login.
	if _, err := Parse("/c/config.toml", []byte(base+"[account.smtp]\nhost = \"localhost\"\ntls = \"none\"\nauth = \"none\"\n")); err != nil {
		t.Errorf("a local relay without login: %v", err)
	}
}

func TestSMTPPassword(t *testing.T) {
	ctx := context.Background()
	a := NewAccount("a")
	a.Host, a.Username = "pop.example.com", "alice"
	a.SMTP = &SMTP{Host: "smtp.example.com", Port: 465, TLS: TLSImplicit, Auth: AuthAuto}
	store := NewMemStore()

	if _, err := SMTPPassword(ctx, &a, store); !errors.Is(err, ErrNoPassword) {
		t.Errorf("nothing anywhere: %v, want ErrNoPassword", err)
	}
	store.Set(a.PasswordKey(), "pop-pw")
	if pw, err := SMTPPassword(ctx, &a, store); err != nil || pw != "pop-pw" {
		t.Errorf("falls back to the POP3 password: %q, %v", pw, err)
	}
	store.Set(a.SMTPPasswordKey(), "smtp-pw")
	if pw, err := SMTPPassword(ctx, &a, store); err != nil || pw != "smtp-pw" {
		t.Errorf("the SMTP secret: %q, %v", pw, err)
	}
	a.SMTP.PasswordCmd = "printf 'cmd-pw\\nrest'"
	if pw, err := SMTPPassword(ctx, &a, store); err != nil || pw != "cmd-pw" {
		t.Errorf("smtp.password_cmd: %q, %v", pw, err)
	}
	a.SMTP.PasswordCmd = ""
	a.PasswordCmd = "echo pop-cmd"
	if pw, err := SMTPPassword(ctx, &a, unavailable{}); err != nil || pw != "pop-cmd" {
		t.Errorf("no keyring: %q, %v, want the account's password_cmd", pw, err)
	}
	a.SMTP = nil
	if _, err := SMTPPassword(ctx, &a, store); err == nil {
		t.Error("an account without [account.smtp] has an SMTP password")
	}
}

// unavailable is a keyring that cannot be reached.
type unavailable struct{}

func (unavailable) Get(string) (string, error) {
	return "", fmt.Errorf("keyring: %w", ErrKeyringUnavailable)
}
func (unavailable) Set(string, string) error { return ErrKeyringUnavailable }
func (unavailable) Delete(string) error      { return ErrKeyringUnavailable }

func TestSignature(t *testing.T) {
	dir := t.TempDir()
	a := Account{Name: "a"}
	if s, err := a.Signature(); s != "" || err != nil {
		t.Errorf("no signature_file: %q, %v", s, err)
	}
	a.SignatureFile = filepath.Join(dir, "sig")
	if _, err := a.Signature(); err == nil {
		t.Error("a missing signature file gave no error")
	}
	os.WriteFile(a.SignatureFile, []byte("Alice\n"), 0o600)
	if s, err := a.Signature(); s != "Alice\n" || err != nil {
		t.Errorf("Signature = %q, %v", s, err)
	}
	os.WriteFile(a.SignatureFile, make([]byte, maxSignature+1), 0o600)
	if _, err := a.Signature(); err == nil {
		t.Error("an oversized signature was read")
	}
}

func TestSampleSMTP(t *testing.T) {
	cfg, err := Load(filepath.Join("..", "docs", "config.sample.toml"))
	if err != nil {
		t.Fatal(err)
	}
	w, _ := cfg.Account("work")
	if w.SMTP == nil || w.SMTP.Host != "smtp.example.com" || w.SMTP.Port != 465 || w.From != "Alice Example <alice@example.com>" {
		t.Errorf("the sample's work account: from %q smtp %+v", w.From, w.SMTP)
	}
	if h, _ := cfg.Account("home"); h.SMTP != nil {
		t.Error("the [account.smtp] table went to the wrong account")
	}
}

func TestGuessSMTP(t *testing.T) {
	tests := []struct {
		user, host string
		want       string
	}{
		{"alice@example.org", "pop.example.org", "smtp.example.org:465 implicit, smtp.example.org:587 starttls"},
		{"alice", "pop3.mail-host.net", "smtp.mail-host.net:465 implicit, smtp.mail-host.net:587 starttls"},
		{"bob@gmail.com", "pop.gmail.com", "smtp.gmail.com:465 implicit"},
		{"bob@Outlook.com", "outlook.office365.com", "smtp-mail.outlook.com:587 starttls"},
		{"alice", "127.0.0.1", ""},
		{"alice", "localhost", ""},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range GuessSMTP(tt.user, tt.host) {
			got = append(got, fmt.Sprintf("%s:%d %s", s.Host, s.Port, s.TLS))
		}
		if strings.Join(got, ", ") != tt.want {
			t.Errorf("GuessSMTP(%q, %q) = %q, want %q", tt.user, tt.host, got, tt.want)
		}
	}
}
