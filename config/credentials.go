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
	pw, err := keyring.Get(a.KeyringUser())
	switch {
	case errors.Is(err, ErrNotFound):
		return "", fmt.Errorf("account %q: %w in the keyring for %s: run `popterm account passwd %s` (or set password_cmd)",
			a.Name, ErrNoPassword, a.KeyringUser(), a.Name)
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

// runSecretCmd runs command with the shell and returns the first line of its
// standard output. Errors name the key and the exit status and quote the
// start of standard error, never standard output (the secret).
func runSecretCmd(ctx context.Context, a *Account, key, command string) (string, error) {
	if _, has := ctx.Deadline(); !has {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, SecretCmdTimeout)
		defer cancel()
	}
	cmd := shellCommand(ctx, command)
	var stdout, stderr limitedBuffer
	stdout.max, stderr.max = maxSecretOutput, 4096
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A child that keeps the pipes open must not hang us after a timeout.
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	what := fmt.Sprintf("account %q: %s", a.Name, key)
	if err != nil {
		var exit *exec.ExitError
		switch {
		case ctx.Err() != nil:
			return "", fmt.Errorf("%s did not finish in time: %w", what, ctx.Err())
		case errors.As(err, &exit):
			msg := fmt.Sprintf("%s failed (%s)", what, exit.ProcessState.String())
			if s := firstLine(stderr.Bytes(), maxStderrShown); s != "" {
				msg += ": " + s
			}
			return "", errors.New(msg)
		default:
			return "", fmt.Errorf("%s could not run: %w", what, err)
		}
	}
	line := firstLine(stdout.Bytes(), -1)
	if line == "" {
		return "", fmt.Errorf("%s printed nothing on its first line: %w", what, ErrNoPassword)
	}
	return line, nil
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

// limitedBuffer keeps the first max bytes written and drops the rest.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.Len(); room > 0 {
		l.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
