package config

import (
	"context"
	"errors"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

func testAccount() *Account {
	a := NewAccount("work")
	a.Host, a.Username = "pop.example.com", "alice"
	return &a
}

func TestKeyringUser(t *testing.T) {
	a := testAccount()
	if got := a.KeyringUser(); got != "alice@pop.example.com:995" {
		t.Errorf("KeyringUser = %q", got)
	}
	a.Host, a.Port = "::1", 110
	if got := a.KeyringUser(); got != "alice@[::1]:110" {
		t.Errorf("KeyringUser = %q", got)
	}
}

func TestPasswordFromStore(t *testing.T) {
	ctx := context.Background()
	a := testAccount()
	ks := NewMemStore()
	_, err := Password(ctx, a, ks)
	if !errors.Is(err, ErrNoPassword) || !strings.Contains(err.Error(), "popterm account passwd work") {
		t.Fatalf("empty store: err = %v", err)
	}
	ks.Set(a.KeyringUser(), "s3cret")
	if pw, err := Password(ctx, a, ks); err != nil || pw != "s3cret" {
		t.Fatalf("Password = %q, %v", pw, err)
	}
	if err := ks.Delete(a.KeyringUser()); err != nil {
		t.Fatal(err)
	}
	if err := ks.Delete(a.KeyringUser()); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}

func TestPasswordCmd(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil || runtime.GOOS == "windows" {
		t.Skip("needs sh")
	}
	ctx := context.Background()
	ks := NewMemStore()
	tests := []struct {
		name, cmd, want, err string
		notInErr             string
	}{
		{"first line", "printf 'pa ss\\nsecond\\n'", "pa ss", "", ""},
		{"crlf", "printf 'pw\\r\\n'", "pw", "", ""},
		{"no newline", "printf pw", "pw", "", ""},
		{"preferred over keyring", "echo fromcmd", "fromcmd", "", ""},
		{"failure names key and status", "echo leaked-secret; echo 'gpg: decryption failed' >&2; exit 3", "", `password_cmd failed (exit status 3): gpg: decryption failed`, "leaked-secret"},
		{"empty output", "true", "", "printed nothing", ""},
		{"not found", "/nonexistent/cmd", "", "exit status 127", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testAccount()
			a.PasswordCmd = tt.cmd
			ks.Set(a.KeyringUser(), "fromkeyring")
			got, err := Password(ctx, a, ks)
			if tt.err == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Password = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), `account "work"`) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.err)
			}
			if tt.notInErr != "" && strings.Contains(err.Error(), tt.notInErr) {
				t.Errorf("the error leaks stdout: %v", err)
			}
		})
	}
}

func TestSecretCmdTimeout(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs sh")
	}
	a := testAccount()
	a.PasswordCmd = "sleep 30"
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := Password(ctx, a, NewMemStore())
	if err == nil || !strings.Contains(err.Error(), "did not finish in time") {
		t.Fatalf("err = %v", err)
	}
}

func TestToken(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs sh")
	}
	a := testAccount()
	a.Auth = AuthXOAUTH2
	if _, err := Token(context.Background(), a); err == nil || !strings.Contains(err.Error(), "oauth2_token_cmd") {
		t.Errorf("no command: %v", err)
	}
	a.OAuth2TokenCmd = "echo ya29.token"
	if tok, err := Token(context.Background(), a); err != nil || tok != "ya29.token" {
		t.Errorf("Token = %q, %v", tok, err)
	}
	a.OAuth2TokenCmd = "exit 1"
	if _, err := Token(context.Background(), a); err == nil || !strings.Contains(err.Error(), "oauth2_token_cmd failed") {
		t.Errorf("failing command: %v", err)
	}
}

func TestKeyringErrorMessages(t *testing.T) {
	tests := []struct{ raw, want string }{
		{`exec: "dbus-launch": executable file not found in $PATH`, "no session D-Bus"},
		{"failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'", "locked"},
		{"The name org.freedesktop.secrets was not provided by any .service files", "no Secret Service"},
		{"something odd\nwith a second line", "something odd"},
	}
	for _, tt := range tests {
		err := keyringError("reading", "u@h:995", errors.New(tt.raw))
		msg := err.Error()
		if !errors.Is(err, ErrKeyringUnavailable) || !strings.Contains(msg, tt.want) || !strings.Contains(msg, "password_cmd") || strings.Contains(msg, "\n") {
			t.Errorf("keyringError(%q) = %q", tt.raw, msg)
		}
	}
}
