package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/pop3"
)

// session is an opened account: its config, store and engine.
type session struct {
	cfg    *config.Config
	acct   *config.Account
	store  *cache.Store
	engine *mailbox.Engine
	// readOnly is set when the store was opened without the write lock.
	readOnly bool
}

// Close closes the engine (without committing anything) and the store.
func (s *session) Close() error {
	s.engine.Close()
	return s.store.Close()
}

// storeMode says how a command opens the store.
type storeMode int

const (
	storeWrite    storeMode = iota // the write lock, or "busy"
	storeRead                      // read-only, no lock
	storeAnyWrite                  // the write lock when free, else read-only
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
// config, store and engine. On failure it prints one line and returns the
// exit code.
func openAccount(e *env, name string, mode storeMode) (*session, int) {
	cfg, code, err := loadConfig(e)
	if err != nil {
		return nil, fail(e, code, "%v", err)
	}
	return openConfigAccount(e, cfg, name, mode)
}

// openConfigAccount is openAccount with the config already loaded.
func openConfigAccount(e *env, cfg *config.Config, name string, mode storeMode) (*session, int) {
	s, code := openStore(e, cfg, name, mode)
	if s != nil {
		s.engine = newEngine(cfg, s.acct, s.store, credentials(e, s.acct))
	}
	return s, code
}

// newEngine is the account's engine over its opened store.
func newEngine(cfg *config.Config, acct *config.Account, st *cache.Store, creds mailbox.Credentials) *mailbox.Engine {
	eng := mailbox.New(acct, st, creds)
	eng.SetSessionIdle(cfg.UI.SessionIdle)
	return eng
}

// openStore opens the account's store; the session it returns has no
// engine yet. On failure it prints one line and returns the exit code.
func openStore(e *env, cfg *config.Config, name string, mode storeMode) (*session, int) {
	if name == "" {
		name = e.account
	}
	acct, err := cfg.Account(name)
	if err != nil {
		return nil, fail(e, exitUsage, "%v", err)
	}
	if acct.StoreDir == "" {
		return nil, fail(e, exitUsage, "account %s: no store folder (set store_dir)", acct.Name)
	}
	readOnly := mode == storeRead
	var wait time.Duration
	if mode == storeWrite {
		wait = busyWait
	}
	st, err := cache.Open(acct.StoreDir, cache.Options{ReadOnly: readOnly, LockWait: wait})
	if readOnly && errors.Is(err, fs.ErrNotExist) {
		// Never synced: create the empty store rather than fail.
		readOnly = false
		st, err = cache.Open(acct.StoreDir, cache.Options{})
	}
	if errors.Is(err, cache.ErrLocked) && mode == storeAnyWrite {
		readOnly = true
		st, err = cache.Open(acct.StoreDir, cache.Options{ReadOnly: true})
	}
	if err != nil {
		if errors.Is(err, cache.ErrLocked) {
			return nil, fail(e, exitTryLater, "account %s is busy: another popterm is using it; try again when it is done", acct.Name)
		}
		return nil, fail(e, exitFailure, "open the store of account %s: %v", acct.Name, err)
	}
	return &session{cfg: cfg, acct: acct, store: st, readOnly: readOnly}, exitOK
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

// exitFor maps an engine error to an exit status.
func exitFor(err error) int {
	switch mailbox.Classify(err) {
	case mailbox.KindCredentials:
		return exitCredentials
	case mailbox.KindTryLater:
		return exitTryLater
	case mailbox.KindConfig:
		return exitUsage
	}
	return exitFailure
}

// hint says what to do about an engine error of this kind (nothing when the
// engine's own message already says it).
func hint(err error) string {
	var own *mailbox.Error
	if errors.As(err, &own) {
		return ""
	}
	var pe *pop3.Error
	if errors.As(err, &pe) {
		switch pe.Code {
		case pop3.CodeInUse:
			return "another mail client is using this mailbox on the server; try again when it is done"
		case pop3.CodeSysPerm:
			return "the server will not let this account in; ask the mail provider"
		}
	}
	switch mailbox.Classify(err) {
	case mailbox.KindCredentials:
		return "check the user name and the password (popterm account passwd NAME, or password_cmd)"
	case mailbox.KindTryLater:
		return "try again later"
	case mailbox.KindConfig:
		return "fix the account in the config file"
	}
	return ""
}

// failErr prints err (sanitized, with a hint) and returns its exit status.
func failErr(e *env, what string, err error) int {
	msg := message.SanitizeLine(err.Error())
	if h := hint(err); h != "" {
		msg += "; " + h
	}
	return fail(e, exitFor(err), "%s: %s", what, msg)
}

// parseFlags parses a subcommand's flags, which may stand before, between
// or after its arguments, and returns the arguments. Errors are one line on
// stderr; -h prints the usage line, help text and flags on stdout. done
// reports that the command should return code now.
func parseFlags(e *env, fs *flag.FlagSet, args []string, usageLine, help string) (rest []string, done bool, code int) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(e.stdout, "usage: popterm %s\n\n%s\n", usageLine, help)
			fs.SetOutput(e.stdout)
			fs.PrintDefaults()
			return nil, true, exitOK
		}
		if err != nil {
			name := fs.Name()
			return nil, true, fail(e, exitUsage, "%s: %s (see popterm %s -h)", name, message.SanitizeLine(err.Error()), name)
		}
		left := fs.Args()
		if used := len(args) - len(left); used > 0 && args[used-1] == "--" {
			return append(rest, left...), false, exitOK // "--" ends the flags
		}
		if len(left) == 0 {
			return rest, false, exitOK
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

// parseIDs reads message IDs as list shows them.
func parseIDs(args []string) ([]int64, error) {
	if len(args) == 0 {
		return nil, errors.New("no message ID given (see popterm list)")
	}
	ids := make([]int64, 0, len(args))
	for _, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%q is not a message ID (a positive number, see popterm list)", message.Sanitize(a))
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// terminalFd returns the file descriptor of w when it is a terminal.
func terminalFd(w io.Writer) (uintptr, bool) {
	f, ok := w.(*os.File)
	if !ok {
		return 0, false
	}
	fd := f.Fd()
	return fd, term.IsTerminal(fd)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	_, ok := terminalFd(w)
	return ok
}

// termWidth is w's width when it is a terminal, else def.
func termWidth(w io.Writer, def int) int {
	fd, ok := terminalFd(w)
	if !ok {
		return def
	}
	width, _, err := term.GetSize(fd)
	if err != nil || width <= 0 {
		return def
	}
	return width
}
