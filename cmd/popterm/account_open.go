package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/message"
)

// Opening the config and an account: every command reaches the account's
// store and server through the engine it opens here.

// session is an opened account: its config and its engine, which owns the
// store.
type session struct {
	cfg    *config.Config
	acct   *config.Account
	engine *mailbox.Engine
}

// Close closes the engine (without committing anything) and its store.
func (s *session) Close() error { return s.engine.Close() }

// How a command opens the store (see mailbox.StoreMode).
const (
	storeWrite    = mailbox.StoreWrite    // the write lock, or "busy"
	storeRead     = mailbox.StoreRead     // read-only, no lock
	storeAnyWrite = mailbox.StoreAnyWrite // the write lock when free, else read-only
	storeReader   = mailbox.StoreReader   // storeAnyWrite, naming the reader in the lock
)

// busyWait is how long a command that must write waits for another popterm
// to let go of the account before it says the account is busy.
const busyWait = 2 * time.Second

// loadConfig loads the config named by --config or the default one.
func loadConfig(e *env) (*config.Config, int, error) {
	path := e.configPath
	if path == "" {
		p, err := config.DefaultPath()
		if err != nil {
			return nil, exitUsage, fmt.Errorf("find the config file: %w", err)
		}
		path = p
	}
	cfg, err := config.Load(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, exitUsage, fmt.Errorf("no config file at %s: add an account with `popterm account add` (or try `popterm --demo`)", path)
		}
		return nil, exitUsage, err
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(e.stderr, "popterm: warning: %s\n", w)
	}
	return cfg, exitOK, nil
}

// openAccount opens the named account ("" for --account or the default):
// config, engine and store. On failure it prints one line and returns the
// exit code.
func openAccount(e *env, name string, mode mailbox.StoreMode) (*session, int) {
	cfg, code, err := loadConfig(e)
	if err != nil {
		return nil, fail(e, code, "%v", err)
	}
	return openConfigAccount(e, cfg, name, mode)
}

// openConfigAccount is openAccount with the config already loaded.
func openConfigAccount(e *env, cfg *config.Config, name string, mode mailbox.StoreMode) (*session, int) {
	if name == "" {
		name = e.account
	}
	s, err := openSession(cfg, name, mode, func(a *config.Account) mailbox.Credentials { return credentials(e, a) })
	if err != nil {
		return nil, fail(e, exitFor(err), "%s", message.SanitizeLine(err.Error()))
	}
	if s.engine.ReadOnly() && mode != storeRead {
		if w := s.engine.Warning(); w != "" { // a store that cannot be written
			fmt.Fprintf(e.stderr, "popterm: note: %s\n", message.SanitizeLine(w))
		}
	}
	return s, exitOK
}

// openSession opens the named account's engine over its store with the
// credentials creds gives for it. It prints nothing: its errors are values
// with a kind (see exitFor) and say what to do.
func openSession(cfg *config.Config, name string, mode mailbox.StoreMode, creds func(*config.Account) mailbox.Credentials) (*session, error) {
	acct, err := cfg.Account(name)
	if err != nil {
		return nil, &mailapi.Error{Kind: mailapi.KindConfig, Err: err}
	}
	eng, err := mailbox.OpenAccount(acct, creds(acct), mailbox.OpenOptions{Mode: mode, LockWait: busyWait, SessionIdle: cfg.UI.SessionIdle})
	if err != nil {
		return nil, err
	}
	return &session{cfg: cfg, acct: acct, engine: eng}, nil
}

// credentials resolves secrets through config: password_cmd or the keyring
// (e.keyring in tests), and the OAuth2 token command.
func credentials(e *env, acct *config.Account) mailbox.Credentials {
	if acct.OAuth2.Provider != "" {
		return signinCredentials(e, acct)
	}
	return mailbox.Credentials{
		Password: func(ctx context.Context) (string, error) {
			return config.Password(ctx, acct, e.keyring) // nil: the OS keyring
		},
		Token: func(ctx context.Context) (string, error) {
			return config.Token(ctx, acct)
		},
	}
}
