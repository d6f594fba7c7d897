package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/mailbox"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/ui/setup"
)

const accountUsage = `usage: popterm account COMMAND
  add [flags] [POP-URL]   add an account (interactive without flags)
  list                    list the accounts
  remove NAME             remove an account and its keyring secret
  passwd NAME             store the password in the OS keyring
  login [--device] NAME   sign in with OAuth 2.0 (accounts with oauth2 set)
  test NAME               connect, log in and report what the server offers`

// cmdAccount dispatches the account subcommands.
func cmdAccount(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, accountUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	sub := map[string]func(context.Context, *env, []string) int{
		"add":    cmdAccountAdd,
		"list":   cmdAccountList,
		"ls":     cmdAccountList,
		"remove": cmdAccountRemove,
		"rm":     cmdAccountRemove,
		"passwd": cmdAccountPasswd,
		"login":  cmdAccountLogin,
		"test":   cmdAccountTest,
	}[args[0]]
	if sub == nil {
		return fail(e, exitUsage, "account: unknown command %q\n%s", args[0], accountUsage)
	}
	return sub(ctx, e, args[1:])
}

// secrets returns the keyring the commands use: e.keyring in tests, else
// the OS keyring.
func (e *env) secrets() config.Store {
	if e.keyring != nil {
		return e.keyring
	}
	return config.Keyring()
}

// accountConfigPath is --config or the default path.
func accountConfigPath(e *env) (string, error) {
	if e.configPath != "" {
		return e.configPath, nil
	}
	p, err := config.DefaultPath()
	if err != nil {
		return "", fmt.Errorf("find the config file: %w", err)
	}
	return p, nil
}

// loadOrNewConfig loads the config, or starts an empty one when the file
// does not exist yet. Warnings go to stderr.
func loadOrNewConfig(e *env) (*config.Config, error) {
	path, err := accountConfigPath(e)
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(path)
	if config.IsNotExist(err) {
		return config.New(path), nil
	}
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(e.stderr, "popterm: warning: %s\n", w)
	}
	return cfg, nil
}

// loadExistingConfig loads the config for commands that need accounts.
func loadExistingConfig(e *env) (*config.Config, int) {
	cfg, err := loadOrNewConfig(e)
	if err != nil {
		return nil, fail(e, exitUsage, "%v", err)
	}
	if len(cfg.Accounts) == 0 {
		return nil, fail(e, exitUsage, "no accounts in %s: add one with `popterm account add`", cfg.Path)
	}
	return cfg, exitOK
}

// addFlags are the flags of `account add`.
type addFlags struct {
	name, host, tls, user, auth, caFile, pin, passwordCmd, tokenCmd string
	port                                                            int
	passwordStdin, noProbe, cleartext, makeDefault                  bool
	oauth2                                                          oauth2Flags
	sending                                                         sendFlags
}

func (f *addFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.name, "name", "", "account name (letters, digits, . _ -)")
	fs.StringVar(&f.host, "host", "", "POP3 server host name")
	fs.IntVar(&f.port, "port", 0, "port (default 995 with implicit TLS, 110 otherwise)")
	fs.StringVar(&f.tls, "tls", "", "implicit, starttls or none (default implicit)")
	fs.StringVar(&f.user, "user", "", "user name")
	fs.StringVar(&f.auth, "auth", "", "auto, user, apop, plain, login, cram-md5, xoauth2, oauthbearer")
	fs.StringVar(&f.caFile, "ca-file", "", "extra CA certificates (PEM) to trust")
	fs.StringVar(&f.pin, "tls-cert-sha256", "", "pin the server certificate by its SHA-256 (hex)")
	fs.StringVar(&f.passwordCmd, "password-cmd", "", "command printing the password (instead of the keyring)")
	fs.StringVar(&f.tokenCmd, "oauth2-token-cmd", "", "command printing an OAuth2 access token")
	fs.BoolVar(&f.passwordStdin, "password-stdin", false, "read the password from the first line of stdin")
	fs.BoolVar(&f.noProbe, "no-probe", false, "save without testing the server")
	fs.BoolVar(&f.cleartext, "allow-cleartext-auth", false, "allow the password over a connection without TLS")
	fs.BoolVar(&f.makeDefault, "default", false, "make it the default account")
	f.oauth2.register(fs)
	f.sending.register(fs)
}

// cmdAccountAdd adds an account: the interactive form without arguments on
// a terminal, else from flags or a POP URL.
func cmdAccountAdd(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		if !readerIsTerminal(e.stdin) || !isTerminal(e.stdout) {
			return fail(e, exitUsage, "account add: the form needs a terminal; in scripts use: popterm account add --name N --host H --user U --password-stdin")
		}
		_, code := runSetup(ctx, e, "")
		return code
	}
	fs := newFlagSet(e, "account add", "account add --name N --host H [--port P] [--tls MODE] --user U [--auth M] [--ca-file F] [--tls-cert-sha256 HEX] [--password-stdin | --password-cmd CMD] [--no-probe] [--allow-cleartext-auth] [--from ADDR] [--smtp-host H [--smtp-port P] [--smtp-tls MODE] [--smtp-user U]] [POP-URL]")
	var f addFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	var popURL string
	if rest := fs.Args(); len(rest) > 0 {
		popURL = rest[0]
		if err := fs.Parse(rest[1:]); err != nil {
			return exitUsage
		}
		if len(fs.Args()) > 0 {
			return fail(e, exitUsage, "account add: unexpected argument %q", message.Sanitize(fs.Args()[0]))
		}
	}
	acct, err := f.account(popURL)
	if err != nil {
		return fail(e, exitUsage, "account add: %v", err)
	}
	if acct.OAuth2.Provider == "" && acct.OAuth2TokenCmd == "" {
		if advice, needed := providerAdvice(acct.Username, acct.Host); needed {
			return fail(e, exitUsage, "account add: %s", advice)
		} else if advice != "" {
			fmt.Fprintf(e.stderr, "popterm: note: %s\n", advice)
		}
	}
	cfg, err := loadOrNewConfig(e)
	if err != nil {
		return fail(e, exitUsage, "%v", err)
	}
	if slices.Contains(cfg.AccountNames(), acct.Name) {
		return fail(e, exitUsage, "account add: an account named %q already exists (choose another --name, or `popterm account remove %s` first)", acct.Name, acct.Name)
	}

	if acct.OAuth2.Provider != "" {
		return addSignin(ctx, e, cfg, acct, f)
	}
	password, code := f.readPassword(ctx, e, &acct)
	if code != exitOK {
		return code
	}
	if !f.noProbe {
		if code := runProbe(ctx, e, acct, password); code != exitOK {
			return code
		}
	}
	if code := f.sending.apply(ctx, e, &acct, password, f.noProbe); code != exitOK {
		return code
	}
	storeInKeyring := acct.PasswordCmd == "" && password != ""
	if err := saveNewAccount(e, cfg, acct, password, storeInKeyring, f.makeDefault); err != nil {
		return fail(e, exitFailure, "account add: %v", err)
	}
	noteBackup(e, cfg)
	where := "password stored in the OS keyring"
	switch {
	case acct.PasswordCmd != "":
		where = "password from password_cmd"
	case acct.UsesToken():
		where = "tokens from oauth2_token_cmd"
	case password == "":
		where = fmt.Sprintf("no password stored yet: run `popterm account passwd %s`", acct.Name)
	}
	fmt.Fprintf(e.stdout, "added account %s (%s, %s) to %s; %s\n", acct.Name, acct.KeyringUser(), config.TLSModeName(acct.TLS), cfg.Path, where)
	return exitOK
}

// account builds the account from a POP URL and the flags (flags win).
func (f *addFlags) account(popURL string) (config.Account, error) {
	if f.name == "" {
		return config.Account{}, errors.New("--name is required")
	}
	acct := config.NewAccount(f.name)
	if popURL != "" {
		u, err := config.ParseURL(popURL)
		if err != nil {
			return acct, err
		}
		u.Name, u.StoreDir = acct.Name, acct.StoreDir
		acct = u
	}
	if f.tls != "" {
		acct.TLS = strings.ToLower(f.tls)
		if u, err := url.Parse(popURL); popURL == "" || err == nil && u.Port() == "" {
			acct.Port = config.DefaultPort(acct.TLS)
		}
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&acct.Host, f.host)
	set(&acct.Username, f.user)
	set(&acct.Auth, strings.ToLower(f.auth))
	set(&acct.PasswordCmd, f.passwordCmd)
	set(&acct.OAuth2TokenCmd, f.tokenCmd)
	set(&acct.TLSCertSHA256, f.pin)
	if f.port != 0 {
		acct.Port = f.port
	}
	if f.caFile != "" {
		ca, err := absPath(f.caFile)
		if err != nil {
			return acct, err
		}
		acct.CAFile = ca
	}
	acct.AllowCleartextAuth = f.cleartext
	if acct.Host == "" {
		return acct, errors.New("--host (or a POP URL) is required")
	}
	if acct.Username == "" {
		return acct, errors.New("--user (or a POP URL with a user) is required")
	}
	if f.passwordStdin && f.passwordCmd != "" {
		return acct, errors.New("give --password-stdin or --password-cmd, not both")
	}
	f.oauth2.apply(&acct)
	return acct, acct.Validate()
}

// readPassword gets the password for the probe and the keyring: from
// password_cmd, stdin, or a masked prompt on a terminal. OAuth2 accounts and
// --no-probe without a source need none.
func (f *addFlags) readPassword(ctx context.Context, e *env, acct *config.Account) (string, int) {
	switch {
	case acct.UsesToken():
		return "", exitOK
	case acct.PasswordCmd != "":
		if f.noProbe {
			return "", exitOK
		}
		pw, err := config.Password(ctx, acct, e.secrets())
		if err != nil {
			return "", fail(e, exitFailure, "account add: %v", err)
		}
		return pw, exitOK
	case f.passwordStdin:
		pw, err := readSecretLine(e.stdin)
		if err != nil {
			return "", fail(e, exitUsage, "account add: --password-stdin: %v", err)
		}
		return pw, exitOK
	case readerIsTerminal(e.stdin):
		pw, err := promptPassword(e, fmt.Sprintf("Password for %s: ", acct.KeyringUser()))
		if err != nil {
			return "", fail(e, exitUsage, "account add: %v", err)
		}
		return pw, exitOK
	case f.noProbe:
		return "", exitOK
	}
	return "", fail(e, exitUsage, "account add: no password: use --password-stdin, --password-cmd CMD, or run on a terminal (or --no-probe, then `popterm account passwd %s`)", acct.Name)
}

// saveNewAccount adds the account to cfg (which checks the name is free),
// stores the password (a keyring that fails leaves nothing behind), then
// saves the config; if saving fails the secret is removed again.
func saveNewAccount(e *env, cfg *config.Config, acct config.Account, password string, storeInKeyring, makeDefault bool) error {
	if err := cfg.AddAccount(acct); err != nil {
		return err
	}
	if makeDefault {
		cfg.DefaultAccount = acct.Name
	}
	ks := e.secrets()
	if storeInKeyring {
		if err := ks.Set(acct.PasswordKey(), password); err != nil {
			cfg.RemoveAccount(acct.Name)
			return fmt.Errorf("nothing saved: %w", err)
		}
	}
	if err := cfg.Save(); err != nil {
		cfg.RemoveAccount(acct.Name)
		if storeInKeyring {
			ks.Delete(acct.PasswordKey())
		}
		return err
	}
	return nil
}

// noteBackup says where Save kept the previous, commented config file.
func noteBackup(e *env, cfg *config.Config) {
	if cfg.Backup != "" {
		fmt.Fprintf(e.stderr, "popterm: note: %s was rewritten without its comments; the previous file is kept as %s\n", cfg.Path, cfg.Backup)
	}
}

// runProbe tests the account and prints what the server offers, or one
// line saying why it failed.
func runProbe(ctx context.Context, e *env, acct config.Account, password string) int {
	fmt.Fprintf(e.stderr, "testing %s (%s)...\n", acct.Addr(), config.TLSModeName(acct.TLS))
	res, err := probeAccount(ctx, acct, password)
	if err != nil {
		return fail(e, exitFor(err), "account %s: test failed, nothing saved: %s", acct.Name, probeFailure(err))
	}
	for _, l := range res.Lines() {
		fmt.Fprintf(e.stdout, "  %s\n", message.Sanitize(l))
	}
	return exitOK
}

// probeFailure says in one line why a probe failed and what to do.
func probeFailure(err error) string {
	msg := message.SanitizeLine(err.Error())
	var uc *mailapi.UntrustedCertError
	switch {
	case errors.As(err, &uc):
		msg = clause(msg, "if it is your server's certificate (compare: openssl x509 -noout -fingerprint -sha256 -in CERT), pin it with --tls-cert-sha256 "+uc.SHA256)
	case hint(err) != "":
		msg = clause(msg, hint(err))
	}
	return msg
}

// cmdAccountList prints the accounts, the default marked with "*".
func cmdAccountList(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "account list", "account list")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	cfg, err := loadOrNewConfig(e)
	if err != nil {
		return fail(e, exitUsage, "%v", err)
	}
	if len(cfg.Accounts) == 0 {
		fmt.Fprintf(e.stdout, "no accounts in %s: add one with `popterm account add`\n", cfg.Path)
		return exitOK
	}
	def := cfg.DefaultName()
	width := 4
	for _, a := range cfg.Accounts {
		width = max(width, len(a.Name))
	}
	for _, a := range cfg.Accounts {
		mark := " "
		if a.Name == def {
			mark = "*"
		}
		fmt.Fprintf(e.stdout, "%s %-*s  %s  %s  password: %s\n", mark, width, a.Name,
			message.Sanitize(a.KeyringUser()), config.TLSModeName(a.TLS), a.PasswordSource())
	}
	return exitOK
}

// accountArg is the NAME argument (or --account).
func accountArg(e *env, fs *flag.FlagSet, what string) (string, int) {
	switch {
	case fs.NArg() > 1:
		return "", fail(e, exitUsage, "account %s: one account name expected", what)
	case fs.NArg() == 1:
		return fs.Arg(0), exitOK
	case e.account != "":
		return e.account, exitOK
	}
	return "", fail(e, exitUsage, "account %s: which account? usage: popterm account %s NAME", what, what)
}

// parseNamedAccount parses the flags of `account WHAT NAME`, then loads the
// config, which must have accounts.
func parseNamedAccount(e *env, fs *flag.FlagSet, args []string, what string) (*config.Config, string, int) {
	if err := fs.Parse(args); err != nil {
		return nil, "", exitUsage
	}
	name, code := accountArg(e, fs, what)
	if code != exitOK {
		return nil, "", code
	}
	cfg, code := loadExistingConfig(e)
	return cfg, name, code
}

// parseAccount is parseNamedAccount that also finds the account.
func parseAccount(e *env, fs *flag.FlagSet, args []string, what string) (*config.Config, *config.Account, int) {
	cfg, name, code := parseNamedAccount(e, fs, args, what)
	if code != exitOK {
		return nil, nil, code
	}
	acct, err := cfg.Account(name)
	if err != nil {
		return nil, nil, fail(e, exitUsage, "account %s: %v", what, err)
	}
	return cfg, acct, exitOK
}

// cmdAccountRemove removes the account from the config and deletes its
// keyring secret; the local store is kept.
func cmdAccountRemove(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "account remove", "account remove NAME")
	cfg, name, code := parseNamedAccount(e, fs, args, "remove")
	if code != exitOK {
		return code
	}
	acct, err := cfg.RemoveAccount(name)
	if err != nil {
		return fail(e, exitUsage, "account remove: %v", err)
	}
	if err := cfg.Save(); err != nil {
		return fail(e, exitFailure, "account remove: %v", err)
	}
	noteBackup(e, cfg)
	fmt.Fprintf(e.stdout, "removed account %s from %s\n", acct.Name, cfg.Path)
	if _, err := os.Stat(acct.StoreDir); acct.StoreDir != "" && err == nil {
		fmt.Fprintf(e.stdout, "its mail stays in %s (delete that folder to free the space)\n", acct.StoreDir)
	}
	revokeSignin(ctx, e, &acct)
	deleted, err := config.DeleteSecrets(e.secrets(), &acct, cfg.Accounts)
	for _, what := range deleted {
		fmt.Fprintf(e.stdout, "deleted its %s from the OS keyring\n", what)
	}
	var ke *config.KeyringError
	switch {
	case err == nil:
	case acct.PasswordCmd != "" && errors.Is(err, config.ErrKeyringUnavailable):
	case acct.OAuth2.Provider != "" && errors.As(err, &ke):
		return fail(e, exitFailure, "account remove: the account is removed, but its refresh token is still in the OS keyring, which is not available (%s): unlock it, then delete service %s, key %s (e.g. secret-tool clear service %s username %s)",
			ke.Reason, config.KeyringService, acct.OAuth2Key(), config.KeyringService, acct.OAuth2Key())
	default:
		return fail(e, exitFailure, "account remove: the account is removed, but its keyring secret was not deleted: %v", err)
	}
	return exitOK
}

// cmdAccountPasswd stores the account's password in the keyring.
func cmdAccountPasswd(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "account passwd", "account passwd [--password-stdin] [--no-probe] [--smtp] NAME")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin")
	noProbe := fs.Bool("no-probe", false, "store the password without testing it against the server")
	smtp := fs.Bool("smtp", false, "store the SMTP password, when it differs from the POP3 one (not tested)")
	cfg, acct, code := parseAccount(e, fs, args, "passwd")
	if code != exitOK {
		return code
	}
	if *smtp {
		return storeSMTPPassword(e, acct, *fromStdin)
	}
	var pw string
	var err error
	switch {
	case *fromStdin:
		pw, err = readSecretLine(e.stdin)
	case readerIsTerminal(e.stdin):
		pw, err = promptNewPassword(e, acct.KeyringUser())
	default:
		err = errors.New("stdin is not a terminal: use --password-stdin")
	}
	if err != nil {
		return fail(e, exitUsage, "account passwd: %v", err)
	}
	if !*noProbe && !acct.UsesToken() {
		// The new password is tried before it replaces the old one.
		fmt.Fprintf(e.stderr, "testing the new password on %s (%s)...\n", acct.Addr(), config.TLSModeName(acct.TLS))
		if _, err := probeAccount(ctx, *acct, pw); err != nil {
			if exitFor(err) == exitCredentials {
				return fail(e, exitCredentials, "account passwd: the server refused the new password (%s); the old one is kept", message.SanitizeLine(err.Error()))
			}
			return fail(e, exitFor(err), "account passwd: could not test the new password: %s; the old one is kept (--no-probe stores it untested)", probeFailure(err))
		}
	}
	if err := config.SetPassword(e.secrets(), acct, pw, cfg.Accounts); err != nil {
		return fail(e, exitFailure, "account passwd: %v", err)
	}
	fmt.Fprintf(e.stdout, "stored the password of %s in the OS keyring (service %s, user %s)\n", acct.Name, config.KeyringService, acct.PasswordKey())
	if acct.PasswordCmd != "" {
		fmt.Fprintf(e.stderr, "popterm: note: account %s has password_cmd, which takes precedence over the keyring\n", acct.Name)
	}
	return exitOK
}

// promptNewPassword asks for a new password twice, masked, and refuses two
// that differ.
func promptNewPassword(e *env, user string) (string, error) {
	pw, err := promptPassword(e, fmt.Sprintf("New password for %s: ", user))
	if err != nil {
		return "", err
	}
	again, err := promptPassword(e, "The same password again: ")
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", errors.New("the two passwords differ; nothing was changed")
	}
	return pw, nil
}

// cmdAccountTest runs the probe with the stored credentials.
func cmdAccountTest(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "account test", "account test NAME")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	name := ""
	if fs.NArg() > 0 || e.account != "" {
		var code int
		if name, code = accountArg(e, fs, "test"); code != exitOK {
			return code
		}
	}
	cfg, code := loadExistingConfig(e)
	if code != exitOK {
		return code
	}
	acct, err := cfg.Account(name)
	if err != nil {
		return fail(e, exitUsage, "account test: %v", err)
	}
	return testAccountNamed(ctx, e, acct)
}

// testAccountNamed runs the probe of one account with the credentials and
// the login of every sync, and prints what the server offers. A missing
// password is said before any network.
func testAccountNamed(ctx context.Context, e *env, acct *config.Account) int {
	creds := credentials(e, acct)
	if !acct.UsesToken() {
		pw, err := creds.Password(ctx)
		if err != nil {
			return fail(e, exitFor(err), "account test: %v", err)
		}
		creds.Password = func(context.Context) (string, error) { return pw, nil }
	}
	fmt.Fprintf(e.stderr, "testing %s (%s)...\n", acct.Addr(), config.TLSModeName(acct.TLS))
	if acct.OAuth2.Provider != "" {
		token, err := testSignin(ctx, e, acct)
		if err != nil {
			return fail(e, exitFor(err), "account %s: test failed: %s", acct.Name, message.SanitizeLine(err.Error()))
		}
		creds.Token = token
	}
	res, err := mailbox.Probe(ctx, acct, creds)
	if err != nil {
		return fail(e, exitFor(err), "account %s: test failed: %s", acct.Name, probeFailure(err))
	}
	for _, l := range res.Lines() {
		fmt.Fprintf(e.stdout, "  %s\n", message.Sanitize(l))
	}
	fmt.Fprintf(e.stdout, "account %s works\n", acct.Name)
	return testSubmission(ctx, e, acct)
}

// readSecretLine reads the first line of r (bounded), without its line end.
func readSecretLine(r io.Reader) (string, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, 64<<10), 4096)
	line, err := br.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("empty password on stdin")
	}
	return line, nil
}

// promptPassword reads a password from the terminal without echo.
func promptPassword(e *env, prompt string) (string, error) {
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return "", errors.New("stdin is not a terminal: use --password-stdin")
	}
	fmt.Fprint(e.stderr, prompt)
	b, err := term.ReadPassword(f.Fd())
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	if len(b) == 0 {
		return "", errors.New("empty password")
	}
	return string(b), nil
}

// runSetup runs the interactive setup form (first start, or `account add`
// on a terminal). cfgPath "" means --config or the default path. On success
// it returns the saved config (reloaded) and exitOK; if the user cancels it
// returns nil and exitFailure after saying that nothing was saved.
func runSetup(ctx context.Context, e *env, cfgPath string) (*config.Config, int) {
	if cfgPath != "" {
		e2 := *e
		e2.configPath = cfgPath
		e = &e2
	}
	cfg, err := loadOrNewConfig(e)
	if err != nil {
		return nil, fail(e, exitUsage, "%v", err)
	}
	intro := ""
	if len(cfg.Accounts) == 0 {
		intro = "Welcome! No account yet: enter your email address and popterm finds the server."
	}
	lk := termLook(e.stdout)
	form := setup.New(setupOptions(e, cfg, intro, lk))
	p := tea.NewProgram(form, tea.WithContext(ctx), tea.WithInput(e.stdin), tea.WithOutput(e.stdout), tea.WithColorProfile(lk.profile))
	final, err := p.Run()
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return nil, fail(e, exitFailure, "setup: %v", err)
	}
	m, _ := final.(setup.Model)
	acct, ok := m.Saved()
	if !ok {
		return nil, fail(e, exitFailure, "setup cancelled: nothing saved")
	}
	if acct.OAuth2.Provider != "" {
		fmt.Fprintf(e.stdout, "added account %s (%s) to %s; signing in with %s...\n", acct.Name, acct.KeyringUser(), cfg.Path, acct.OAuth2.Provider)
		noteSending(e, acct)
		noteBackup(e, cfg)
		return cfg, signinSaved(ctx, e, cfg, acct.Name, false, true)
	}
	fmt.Fprintf(e.stdout, "added account %s (%s) to %s; password stored in the OS keyring\n", acct.Name, acct.KeyringUser(), cfg.Path)
	noteSending(e, acct)
	noteBackup(e, cfg)
	return cfg, exitOK
}

// noteSending says how an account added by the form sends.
func noteSending(e *env, acct config.Account) {
	if acct.SMTP == nil {
		fmt.Fprintf(e.stdout, "  no sending: add an [account.smtp] table to send from %s (see docs/config.md)\n", acct.Name)
		return
	}
	fmt.Fprintf(e.stdout, "  sends through %s (%s)\n", net.JoinHostPort(acct.SMTP.Host, strconv.Itoa(acct.SMTP.Port)), config.TLSModeName(acct.SMTP.TLS))
}

// setupOptions wire the setup form to the real probes (POP3, then the
// submission server) and to saving in cfg (and the password in the
// keyring).
func setupOptions(e *env, cfg *config.Config, intro string, lk look) setup.Options {
	return setup.Options{
		Probe:     probeAccount,
		ProbeSMTP: probeSubmitAccount,
		Save: func(a config.Account, password string) error {
			return saveNewAccount(e, cfg, a, password, password != "", false)
		},
		Taken:   cfg.AccountNames(),
		Intro:   intro,
		UI:      cfg.UI,
		Keys:    cfg.Keys,
		NoColor: lk.noColor,
		ASCII:   lk.ascii,
	}
}

// absPath makes a command-line path absolute (the config may live
// elsewhere), expanding a leading "~/".
func absPath(p string) (string, error) {
	return filepath.Abs(config.ExpandHome(p))
}

// readerIsTerminal reports whether r is a terminal.
func readerIsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}
