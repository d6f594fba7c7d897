package config

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// Bounds of password_cmd and oauth2_token_cmd.
const (
	// SecretCmdTimeout bounds a command when ctx has no earlier deadline.
	// It leaves time for a pinentry prompt.
	SecretCmdTimeout = 2 * time.Minute
	maxSecretOutput  = 64 << 10
	maxStderrShown   = 200
)

// Password resolves the account's password: password_cmd if set, else the
// keyring. It returns an error wrapping ErrNoPassword when there is none
// (saying to run `popterm account passwd NAME`), and a readable error
// (wrapping ErrKeyringUnavailable and pointing at password_cmd) when there is
// no keyring. A nil keyring means the OS keyring.
func Password(ctx context.Context, a *Account, keyring Store) (string, error) {
	if a.PasswordCmd != "" {
		return runSecretCmd(ctx, a, "password_cmd", a.PasswordCmd)
	}
	if keyring == nil {
		keyring = Keyring()
	}
	pw, err := readPassword(keyring, a)
	switch {
	case errors.Is(err, ErrNotFound):
		return "", fmt.Errorf("account %q: %w in the keyring (key %s): run `popterm account passwd %s` (or set password_cmd)",
			a.Name, ErrNoPassword, a.PasswordKey(), a.Name)
	case err != nil:
		return "", fmt.Errorf("account %q: %w", a.Name, err)
	case pw == "":
		return "", fmt.Errorf("account %q: %w (the keyring entry is empty): run `popterm account passwd %s`", a.Name, ErrNoPassword, a.Name)
	}
	return pw, nil
}

// Token runs oauth2_token_cmd and returns the first line of its output.
// Tokens stay in memory only.
func Token(ctx context.Context, a *Account) (string, error) {
	if a.OAuth2TokenCmd == "" {
		return "", fmt.Errorf("account %q: auth %q needs oauth2_token_cmd, a command that prints a fresh access token", a.Name, a.Auth)
	}
	return runSecretCmd(ctx, a, "oauth2_token_cmd", a.OAuth2TokenCmd)
}

// shellCommand runs command with sh -c (cmd /C on Windows).
func shellCommand(ctx context.Context, command string) *exec.Cmd {
	if runtime.GOOS == "windows" {
		return exec.CommandContext(ctx, "cmd", "/C", command)
	}
	return exec.CommandContext(ctx, "sh", "-c", command)
}

// firstLine returns the first line of b without its line ending; limit > 0
// truncates it and replaces control characters (for messages).
func firstLine(b []byte, limit int) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), maxSecretOutput+1)
	if !sc.Scan() {
		return ""
	}
	line := strings.TrimSuffix(sc.Text(), "\r")
	if limit > 0 {
		line = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				return '?'
			}
			return r
		}, strings.TrimSpace(line))
		if len(line) > limit {
			line = line[:limit] + "..."
		}
	}
	return line
}
