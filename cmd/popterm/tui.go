package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/ui"
)

// runUI loads the config (or opens the first-run setup) and starts the reader.
func runUI(ctx context.Context, e *env) int {
	path, err := accountConfigPath(e)
	if err != nil {
		return fail(e, exitUsage, "%v", err)
	}
	cfg, err := config.Load(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) || (err == nil && len(cfg.Accounts) == 0):
		if !readerIsTerminal(e.stdin) || !isTerminal(e.stdout) {
			return fail(e, exitUsage, "no account configured in %s: add one with `popterm account add` (or try `popterm --demo`)", path)
		}
		var code int
		if cfg, code = runSetup(ctx, e, ""); code != exitOK {
			return code
		}
	case err != nil:
		return fail(e, exitUsage, "%v", err)
	}
	if err := cfg.CheckKeyActions(ui.Actions()); err != nil {
		return fail(e, exitUsage, "%v", err)
	}
	if cs := ui.KeyConflicts(cfg.Keys); len(cs) > 0 {
		c := cs[0]
		return fail(e, exitUsage, "%v", cfg.KeyConflictError(c.Key, c.Screen, c.Action[0], c.Action[1]))
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(e.stderr, "popterm: warning: %s\n", w)
	}
	return startReader(ctx, e, cfg, e.account, mailbox.Credentials{})
}

// startReader opens the account's store and engine and runs the Bubble Tea
// reader until the user quits. The demo calls it with its own config and
// in-memory credentials; empty creds mean password_cmd or the keyring.
func startReader(ctx context.Context, e *env, cfg *config.Config, account string, creds mailbox.Credentials) int {
	r := &reader{e: e, cfg: cfg, creds: creds, typed: map[string]string{}}
	if account == "" {
		account = e.account
	}
	first, err := r.open(account)
	if err != nil {
		return fail(e, exitFor(err), "%s", message.SanitizeLine(err.Error()))
	}
	uiCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	limitReaderMemory(uiCtx, cfg)
	lk := termLook(e.stdout)
	model := ui.New(ui.Options{
		Context:     uiCtx,
		Account:     first,
		Accounts:    cfg.AccountNames(),
		OpenAccount: r.open,
		Counts:      func(name string) (mailbox.Stats, error) { return accountCounts(uiCtx, cfg, name) },
		OpenFolder:  openFolder,
		SetPassword: r.setPassword,
		SignIn:      r.signIn,
		UI:          cfg.UI,
		Keys:        cfg.Keys,
		NoColor:     lk.noColor,
		ASCII:       lk.ascii,
	})
	p := tea.NewProgram(model, tea.WithContext(uiCtx), tea.WithInput(e.stdin), tea.WithOutput(e.stdout), tea.WithColorProfile(lk.profile))
	final, runErr := p.Run()
	cancel() // stops a sync still running before its engine closes
	app, ok := final.(ui.App)
	if !ok {
		first.Engine.Close()
		return fail(e, exitFailure, "the reader: %v", runErr)
	}
	app.Cleanup()
	closeErr := app.Account().Engine.Close()
	if runErr != nil && !errors.Is(runErr, tea.ErrProgramKilled) {
		return fail(e, exitFailure, "the reader: %v", runErr)
	}
	if msg := app.Farewell(); msg != "" {
		fmt.Fprintln(e.stdout, msg)
	}
	if closeErr != nil {
		return fail(e, exitFailure, "closing the store: %s", message.SanitizeLine(closeErr.Error()))
	}
	return exitOK
}

// reader opens accounts for the UI and holds the passwords typed into it
// (in memory only, for this run).
type reader struct {
	e     *env
	cfg   *config.Config
	creds mailbox.Credentials // for the first account, when set (demo)

	mu     sync.Mutex
	typed  map[string]string // account name -> password typed in the reader
	first  string
	warned bool // the store's warning was shown
}

// open opens an account's engine and store (read-only when another
// popterm holds it). Nothing is printed, since the reader may own the
// terminal: its errors are values that say what to do.
func (r *reader) open(name string) (ui.Account, error) {
	if name == "" {
		name = r.e.account
	}
	s, err := openSession(r.cfg, name, storeReader, r.credentials)
	if err != nil {
		return ui.Account{}, err
	}
	s.engine.SetSubmitCredentials(smtpCredentials(r.e, s.acct))
	var notices []string
	if s.engine.ReadOnly() && s.engine.Warning() == "" { // else the warning says why
		notices = append(notices, "Another popterm is using this account: showing it read-only (no sync, no marks).")
	}
	r.mu.Lock()
	if r.first == "" {
		r.first = s.acct.Name
	}
	if w := s.engine.Warning(); w != "" && !r.warned {
		r.warned = true // the store's caveat is the same for every account: said once
		notices = append(notices, message.SanitizeLine(w))
	}
	r.mu.Unlock()
	return ui.Account{Name: s.acct.Name, Engine: s.engine, ReadOnly: s.engine.ReadOnly(), Notice: strings.Join(notices, " "),
		SignIn: s.acct.OAuth2.Provider != "", CheckEvery: s.acct.CheckInterval}, nil
}

// credentials are, in order: a password typed in the reader, the demo's
// in-memory credentials (first account), password_cmd or the keyring.
func (r *reader) credentials(acct *config.Account) mailbox.Credentials {
	base := credentials(r.e, acct)
	r.mu.Lock()
	if acct.Name == r.first && r.creds.Password != nil {
		base.Password = r.creds.Password
	}
	if acct.Name == r.first && r.creds.Token != nil {
		base.Token = r.creds.Token
	}
	r.mu.Unlock()
	name := acct.Name
	return mailbox.Credentials{
		Password: func(ctx context.Context) (string, error) {
			r.mu.Lock()
			pw, ok := r.typed[name]
			r.mu.Unlock()
			if ok {
				return pw, nil
			}
			if base.Password == nil {
				return "", fmt.Errorf("account %s signs in with OAuth 2.0 and has no password", name)
			}
			return base.Password(ctx)
		},
		Token:   base.Token,
		Refresh: base.Refresh,
	}
}

// setPassword remembers a password typed in the reader and, when asked,
// stores it in the keyring.
func (r *reader) setPassword(account, password string, keep bool) error {
	r.mu.Lock()
	r.typed[account] = password
	r.mu.Unlock()
	if !keep {
		return nil
	}
	acct, err := r.cfg.Account(account)
	if err != nil {
		return err
	}
	if err := config.SetPassword(r.e.secrets(), acct, password, r.cfg.Accounts); err != nil {
		return fmt.Errorf("store the password in the keyring (it is used for this run only): %w", err)
	}
	return nil
}
