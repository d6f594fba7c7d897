package config

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name of popterm's secrets in the keyring.
const KeyringService = AppName

// Store is the OS keyring as popterm uses it (service "popterm"). Tests may
// substitute their own implementation. Get and Delete return an error
// matching ErrNotFound when there is no such secret.
type Store interface {
	Get(user string) (string, error)
	Set(user, secret string) error
	Delete(user string) error
}

// Errors of the keyring and of credential resolution.
var (
	// ErrNoPassword: neither password_cmd nor the keyring has a password.
	ErrNoPassword = errors.New("no password")
	// ErrNotFound: the keyring has no secret for this user.
	ErrNotFound = errors.New("no secret in the keyring")
	// ErrKeyringUnavailable: there is no usable OS keyring (no Secret
	// Service, no session D-Bus, a locked collection).
	ErrKeyringUnavailable = errors.New("the OS keyring is not available")
)

// Keyring returns the real OS keyring: the Secret Service on Linux and the
// BSDs (over the session D-Bus), the Keychain on macOS, the Credential
// Manager on Windows. Its errors never contain the secret.
func Keyring() Store { return osKeyring{} }

type osKeyring struct{}

func (osKeyring) Get(user string) (string, error) {
	s, err := keyring.Get(KeyringService, user)
	if err != nil {
		return "", keyringError("reading", user, err)
	}
	return s, nil
}

func (osKeyring) Set(user, secret string) error {
	if err := keyring.Set(KeyringService, user, secret); err != nil {
		return keyringError("storing", user, err)
	}
	return nil
}

func (osKeyring) Delete(user string) error {
	if err := keyring.Delete(KeyringService, user); err != nil {
		return keyringError("deleting", user, err)
	}
	return nil
}

// keyringError turns go-keyring's errors into one readable line. A missing
// or locked Secret Service becomes ErrKeyringUnavailable with a pointer to
// password_cmd instead of a D-Bus error dump.
func keyringError(doing, user string, err error) error {
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return fmt.Errorf("keyring: %s the secret of %s: %w: %w", doing, user, ErrNotFound, err)
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("keyring: %s the secret of %s: the secret is too long for the keyring", doing, user)
	}
	return &KeyringError{Doing: doing, User: user, Reason: keyringReason(err)}
}

// KeyringError is a keyring that could not be used at all; it matches
// ErrKeyringUnavailable. Its text points at password_cmd; callers whose
// secret is not a password (a sign-in's refresh token) build their own
// sentence from Reason.
type KeyringError struct {
	Doing  string // "reading", "storing" or "deleting"
	User   string // the keyring key
	Reason string // why, in a few words, with what to do about it
}

func (e *KeyringError) Error() string {
	return fmt.Sprintf("keyring: %s the secret of %s: %v (%s); set password_cmd for the account instead, e.g. password_cmd = \"pass show mail/NAME\"",
		e.Doing, e.User, ErrKeyringUnavailable, e.Reason)
}

// Unwrap makes the error match ErrKeyringUnavailable.
func (e *KeyringError) Unwrap() error { return ErrKeyringUnavailable }

// keyringReason says in a few words why the keyring is unusable.
func keyringReason(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "dbus-launch"), strings.Contains(msg, "DBUS_SESSION_BUS_ADDRESS"),
		strings.Contains(msg, "no D-Bus"), strings.Contains(msg, "dial unix"):
		return "no session D-Bus: run inside a desktop session or dbus-run-session"
	case strings.Contains(msg, "failed to unlock correct collection"):
		return "the keyring is locked or has no login collection: unlock it, e.g. with gnome-keyring-daemon --unlock"
	case strings.Contains(msg, "org.freedesktop.secrets"), strings.Contains(msg, "ServiceUnknown"):
		return "no Secret Service on the session D-Bus: install and start gnome-keyring or KeePassXC"
	case strings.Contains(msg, "unsupported platform"):
		return "no keyring on this platform"
	}
	if i := strings.IndexAny(msg, "\r\n"); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) > 160 {
		msg = msg[:160] + "..."
	}
	return msg
}

// MemStore is an in-memory Store for tests and for the demo. It is safe for
// concurrent use; the zero value is ready.
type MemStore struct {
	mu      sync.Mutex
	secrets map[string]string
}

// NewMemStore returns an empty in-memory Store.
func NewMemStore() *MemStore { return &MemStore{} }

// Get returns the secret of user, or an error matching ErrNotFound.
func (m *MemStore) Get(user string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.secrets[user]
	if !ok {
		return "", fmt.Errorf("keyring: reading the secret of %s: %w", user, ErrNotFound)
	}
	return s, nil
}

// Set stores the secret of user, replacing any earlier one.
func (m *MemStore) Set(user, secret string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.secrets == nil {
		m.secrets = map[string]string{}
	}
	m.secrets[user] = secret
	return nil
}

// Delete removes the secret of user, or returns an error matching ErrNotFound.
func (m *MemStore) Delete(user string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.secrets[user]; !ok {
		return fmt.Errorf("keyring: deleting the secret of %s: %w", user, ErrNotFound)
	}
	delete(m.secrets, user)
	return nil
}

// Len returns the number of secrets stored.
func (m *MemStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.secrets)
}
