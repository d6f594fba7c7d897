// Package config reads and writes popterm's TOML configuration (accounts, UI
// settings, key bindings), resolves XDG paths and credentials (password_cmd,
// the OS keyring, OAuth2 token commands), and parses RFC 2384 POP URLs.
package config

// CONTRACT STUB: the exported names below are the package's contract with the
// rest of popterm. The config owner replaces the bodies and may add to the
// API, but must not remove or rename these names.

import (
	"context"
	"crypto/tls"
	"time"
)

// TLS modes.
const (
	TLSImplicit = "implicit"
	TLSStartTLS = "starttls"
	TLSNone     = "none"
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

	CAFile                string
	TLSCertSHA256         string // hex SHA-256 of the server certificate (pin)
	TLSInsecureSkipVerify bool
	AllowCleartextAuth    bool

	LeaveOnServer   bool // default true
	DeleteAfterDays int  // 0 = never
	DeleteOnServer  bool // default true
	Prefetch        Prefetch

	Timeout  time.Duration // default 30s
	StoreDir string        // default $XDG_DATA_HOME/popterm/<name>
}

// Prefetch is the body download policy: "all", "none",
// "newer_than:30d" or "smaller_than:1MB".
type Prefetch struct {
	Mode        string // "all", "none", "newer_than", "smaller_than"
	NewerThan   time.Duration
	SmallerThan int64
}

// Wants reports whether a message of this size and date should be prefetched.
func (p Prefetch) Wants(size int64, date time.Time, now time.Time) bool { panic("unimplemented") }

// UI holds the [ui] table.
type UI struct {
	Theme         string
	DateFormat    string
	PreferHTML    bool
	OpenCmd       string
	DownloadDir   string
	ConfirmCommit bool          // default true
	SessionIdle   time.Duration // default 5m
}

// DefaultPath returns $XDG_CONFIG_HOME/popterm/config.toml.
func DefaultPath() (string, error) { panic("unimplemented") }

// Load reads and validates a config file. A missing file returns an error
// matching errors.Is(err, fs.ErrNotExist); other errors are one line naming
// file:line, the key and what was expected.
func Load(path string) (*Config, error) { panic("unimplemented") }

// Save writes the file atomically with mode 0600 (its folder 0700).
func (c *Config) Save() error { panic("unimplemented") }

// Account returns the named account, or the default one when name is "".
func (c *Config) Account(name string) (*Account, error) { panic("unimplemented") }

// ParseURL parses an RFC 2384 POP URL (pop://user;auth=mech@host:port).
func ParseURL(s string) (Account, error) { panic("unimplemented") }

// Addr returns host:port.
func (a *Account) Addr() string { panic("unimplemented") }

// TLSConfig builds the verified TLS configuration for the account (CA file,
// certificate pin, the explicit insecure option).
func (a *Account) TLSConfig() (*tls.Config, error) { panic("unimplemented") }

// KeyringUser is the key of the account's secret in the keyring: user@host:port.
func (a *Account) KeyringUser() string { panic("unimplemented") }

// Store is the OS keyring as popterm uses it (service "popterm"). Tests may
// substitute their own implementation.
type Store interface {
	Get(user string) (string, error)
	Set(user, secret string) error
	Delete(user string) error
}

// ErrNoPassword: neither password_cmd nor the keyring has a password.
var ErrNoPassword error

// Keyring returns the real OS keyring.
func Keyring() Store { panic("unimplemented") }

// Password resolves the account's password: password_cmd if set, else the
// keyring. It returns an error wrapping ErrNoPassword when there is none, and
// a readable error (pointing at password_cmd) when there is no keyring.
func Password(ctx context.Context, a *Account, keyring Store) (string, error) {
	panic("unimplemented")
}

// Token runs oauth2_token_cmd and returns the first line of its output.
func Token(ctx context.Context, a *Account) (string, error) { panic("unimplemented") }
