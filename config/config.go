// Package config reads and writes popterm's TOML configuration (accounts, UI
// settings, key bindings), resolves XDG paths and credentials (password_cmd,
// the OS keyring, OAuth2 token commands), and parses RFC 2384 POP URLs.
//
// The file is TOML v1.0 ($XDG_CONFIG_HOME/popterm/config.toml, see the XDG
// Base Directory Specification). Every error Load returns is one line naming
// file:line, the key and what was expected. Secrets never appear in the file,
// in errors or in logs: they come from password_cmd, oauth2_token_cmd or the
// OS keyring (service "popterm"; see Account.PasswordKey and
// Account.OAuth2Key for the keys).
package config

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// TLS modes.
const (
	TLSImplicit = "implicit"
	TLSStartTLS = "starttls"
	TLSNone     = "none"
)

// Authentication mechanisms accepted by the auth key.
const (
	AuthAuto        = "auto"
	AuthUser        = "user"
	AuthAPOP        = "apop"
	AuthPlain       = "plain"
	AuthLogin       = "login"
	AuthCRAMMD5     = "cram-md5"
	AuthXOAUTH2     = "xoauth2"
	AuthOAUTHBEARER = "oauthbearer"
)

// Defaults applied when a key is absent.
const (
	DefaultTimeout = 30 * time.Second
	// DefaultMinRate is the slowest a server may send a listing or a
	// message (bytes per second) before a sync gives up on it: 8KB.
	DefaultMinRate     = 8 << 10
	DefaultSessionIdle = 5 * time.Minute
	// DefaultCheckInterval is how often the reader checks an account for
	// new mail (check_interval).
	DefaultCheckInterval = 10 * time.Minute
	// MinCheckInterval is the shortest check_interval accepted (0 is off).
	MinCheckInterval = time.Minute
	// PortImplicit is the default port for TLSImplicit (RFC 8314).
	PortImplicit = 995
	// PortPlain is the default port for TLSStartTLS and TLSNone (RFC 1939).
	PortPlain = 110
)

// Config is the whole configuration file.
type Config struct {
	// Path is the file it was loaded from or will be saved to.
	Path           string
	DefaultAccount string
	Accounts       []Account
	UI             UI
	// Keys maps action names to key lists, overriding the UI's defaults.
	Keys map[string][]string
	// Warnings lists problems Load noticed that do not stop popterm, for
	// example a file readable by other users. Callers print them to stderr
	// (or the status bar) and go on. Save never writes them.
	Warnings []string
	// Backup is set by Save when it kept the previous file, which had
	// comments that the rewrite drops, under this path (Path + ".bak").
	Backup string

	// keyLines is the line of each [keys] entry, for CheckKeyActions.
	keyLines map[string]int
}

// Account is one POP3 mailbox.
type Account struct {
	Name     string
	Host     string
	Port     int    // defaulted by TLS: 995 implicit, 110 otherwise
	TLS      string // TLSImplicit, TLSStartTLS or TLSNone
	Username string
	Auth     string // auto, user, apop, plain, login, cram-md5, xoauth2, oauthbearer

	PasswordCmd    string
	OAuth2TokenCmd string
	// OAuth2 is the built-in sign-in (see OAuth2Settings); zero when the
	// account does not use it.
	OAuth2 OAuth2Settings

	CAFile                string
	TLSCertSHA256         string // hex SHA-256 of the server certificate (pin), lower case, no colons
	TLSInsecureSkipVerify bool
	AllowCleartextAuth    bool

	LeaveOnServer   bool // default true
	DeleteAfterDays int  // 0 = never
	DeleteOnServer  bool // default true
	Prefetch        Prefetch

	Timeout  time.Duration // default 30s
	MinRate  int64         // bytes per second (min_rate = "8KB"); 0 means DefaultMinRate
	StoreDir string        // default $XDG_DATA_HOME/popterm/<name>

	// CheckInterval is how often the reader checks for new mail (syncs
	// that never delete); 0 turns the checks off. Default 10m.
	CheckInterval time.Duration
	// From is the sender of messages written from this account
	// ("Alice <alice@example.org>"); "" means the username when it is an
	// address (see FromAddress).
	From string
	// SignatureFile is appended below "-- " to new messages ("" = none).
	SignatureFile string
	// SMTP is the [account.smtp] table; nil when the account cannot send.
	SMTP *SMTP

	// legacyPeers are the other accounts of the file sharing this one's
	// legacy keyring key; peersKnown is set once Parse filled it in.
	legacyPeers []string
	peersKnown  bool
}

// Themes returns the names [ui] theme accepts: "auto" (the default; also
// "default") follows the terminal's background, "dark" and "light" force
// one, "mono" uses no colour. The reader defines what they look like.
func Themes() []string { return []string{"auto", "default", "dark", "light", "mono"} }

// UI holds the [ui] table.
type UI struct {
	// Theme is one of Themes, or "" for the default.
	Theme         string
	DateFormat    string        // Go time layout for dates before this year; "" = the reader's own
	PreferHTML    bool          // show the HTML part (as text) when a message has both
	OpenCmd       string        // default xdg-open ("open" on macOS, "explorer" on Windows)
	DownloadDir   string        // "" = the desktop's download folder ($XDG_DOWNLOAD_DIR, else ~/Downloads)
	ConfirmCommit bool          // default true
	SessionIdle   time.Duration // default 5m
	Bell          bool          // ring the terminal bell on new mail; default true
	// NotifyCmd runs on new mail with three arguments: the count, the
	// first sender and the first subject (sanitized). Split into words,
	// never run through a shell. "" = none.
	NotifyCmd string
}

// New returns an empty configuration for path with the default UI
// settings, as used by the first-run setup before the first Save.
func New(path string) *Config {
	return &Config{Path: path, UI: DefaultUI(), Keys: map[string][]string{}}
}

// NewAccount returns an account named name with every default applied
// (implicit TLS on port 995, auth auto, 30s timeout, leave and delete on
// server, prefetch all, store in $XDG_DATA_HOME/popterm/<name>). Callers set
// Host and Username and then call Validate.
func NewAccount(name string) Account {
	a := Account{
		Name:           name,
		TLS:            TLSImplicit,
		Auth:           AuthAuto,
		LeaveOnServer:  true,
		DeleteOnServer: true,
		Prefetch:       Prefetch{Mode: PrefetchAll},
		Timeout:        DefaultTimeout,
		MinRate:        DefaultMinRate,
		CheckInterval:  DefaultCheckInterval,
	}
	a.Port = DefaultPort(a.TLS)
	if dir, err := DefaultStoreDir(name); err == nil && name != "" {
		a.StoreDir = dir
	}
	return a
}

// DefaultPort is the port used when none is given: 995 for implicit TLS,
// 110 otherwise.
func DefaultPort(tlsMode string) int {
	if tlsMode == TLSStartTLS || tlsMode == TLSNone {
		return PortPlain
	}
	return PortImplicit
}

// Account returns the named account, or the default one when name is "".
func (c *Config) Account(name string) (*Account, error) {
	if len(c.Accounts) == 0 {
		return nil, fmt.Errorf("%s: no account configured (run `popterm account add`)", c.Path)
	}
	if name == "" {
		name = c.DefaultAccount
	}
	if name == "" {
		if len(c.Accounts) == 1 {
			return &c.Accounts[0], nil
		}
		return nil, fmt.Errorf("%s: several accounts and no default_account: pass --account NAME or set default_account", c.Path)
	}
	for i := range c.Accounts {
		if c.Accounts[i].Name == name {
			return &c.Accounts[i], nil
		}
	}
	msg := fmt.Sprintf("no account named %q in %s", name, c.Path)
	if s := suggest(name, c.AccountNames()); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	} else {
		msg += fmt.Sprintf(" (accounts: %s)", quoteList(c.AccountNames()))
	}
	return nil, fmt.Errorf("%s", msg)
}

// AccountNames returns the names of the accounts in file order.
func (c *Config) AccountNames() []string {
	names := make([]string, len(c.Accounts))
	for i, a := range c.Accounts {
		names[i] = a.Name
	}
	return names
}

// DefaultName returns the name of the account used when none is named: the
// default_account, else the only account, else "".
func (c *Config) DefaultName() string {
	if c.DefaultAccount != "" {
		return c.DefaultAccount
	}
	if len(c.Accounts) == 1 {
		return c.Accounts[0].Name
	}
	return ""
}

// AddAccount validates a and appends it. The name must be new; the first
// account becomes the default.
func (c *Config) AddAccount(a Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if slices.Contains(c.AccountNames(), a.Name) {
		return fmt.Errorf("an account named %q already exists in %s (choose another --name, or `popterm account remove %s` first)", a.Name, c.Path, a.Name)
	}
	c.Accounts = append(c.Accounts, a)
	if c.DefaultAccount == "" && len(c.Accounts) == 1 {
		c.DefaultAccount = a.Name
	}
	return nil
}

// RemoveAccount removes the named account and returns it. When it was the
// default, the first remaining account (if any) becomes the default.
func (c *Config) RemoveAccount(name string) (Account, error) {
	for i, a := range c.Accounts {
		if a.Name != name {
			continue
		}
		c.Accounts = slices.Delete(c.Accounts, i, i+1)
		if c.DefaultAccount == name {
			c.DefaultAccount = ""
			if len(c.Accounts) > 0 {
				c.DefaultAccount = c.Accounts[0].Name
			}
		}
		return a, nil
	}
	_, err := c.Account(name)
	if err == nil {
		err = fmt.Errorf("no account named %q", name)
	}
	return Account{}, err
}

// Addr returns host:port.
func (a *Account) Addr() string {
	return joinHostPort(a.Host, a.Port)
}

// KeyringUser is the login as people read it: user@host:port. Older popterm
// versions used it as the keyring key (see LegacyPasswordKey).
func (a *Account) KeyringUser() string {
	return a.Username + "@" + a.Addr()
}

// UsesToken reports whether the account signs in with an OAuth2 token
// (the built-in sign-in or oauth2_token_cmd) rather than a password: auth
// is xoauth2 or oauthbearer, or auth is auto and oauth2 or a token command
// is set. It is the one
// rule the engine, the probe and the commands follow.
func (a *Account) UsesToken() bool {
	switch strings.ToLower(a.Auth) {
	case AuthXOAUTH2, AuthOAUTHBEARER:
		return true
	case "", AuthAuto:
		return a.OAuth2TokenCmd != "" || a.OAuth2.Provider != ""
	}
	return false
}

// TLSModeName says a TLS mode in words ("implicit TLS", "STARTTLS", "no
// TLS"), for messages.
func TLSModeName(mode string) string {
	switch mode {
	case TLSImplicit, "":
		return "implicit TLS"
	case TLSStartTLS:
		return "STARTTLS"
	}
	return "no TLS"
}

// PasswordSource says in a few words where the password comes from:
// "password_cmd", "oauth2_token_cmd", "oauth2 sign-in" or "keyring".
func (a *Account) PasswordSource() string {
	switch {
	case a.OAuth2.Provider != "":
		return "oauth2 sign-in (" + a.OAuth2.Provider + ")"
	case a.UsesToken():
		return "oauth2_token_cmd"
	case a.PasswordCmd != "":
		return "password_cmd"
	default:
		return "keyring"
	}
}
