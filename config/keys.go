package config

import (
	"errors"
	"fmt"
)

// Keyring keys. Every secret is keyed by the account's name, so two accounts
// of one user on one server keep their own secrets. No key of one kind can
// equal a key of another: account names have no ":" or "@", and the keys of
// older popterm versions (user@host:port) always have an "@".
const (
	passwordKeyPrefix = "password:"
	oauth2KeyPrefix   = "oauth2:"
)

// PasswordKey is the keyring key of the account's password: "password:NAME".
func (a *Account) PasswordKey() string { return passwordKeyPrefix + a.Name }

// OAuth2Key is the keyring key of the account's OAuth2 refresh token:
// "oauth2:NAME". Only the refresh token is stored; access tokens stay in
// memory.
func (a *Account) OAuth2Key() string { return oauth2KeyPrefix + a.Name }

// LegacyPasswordKey is where popterm before per-account keys kept the
// password: user@host:port (KeyringUser), shared by every account of that
// user on that server.
func (a *Account) LegacyPasswordKey() string { return a.KeyringUser() }

// usesKeyringPassword reports whether the account's password comes from the
// keyring (no password_cmd, no token).
func (a *Account) usesKeyringPassword() bool {
	return a.PasswordCmd == "" && !a.UsesToken()
}

// setLegacyPeers records, for each account, the other accounts of the file
// that read their password from the keyring under the same legacy key, so
// that the migration never deletes a secret another account still needs.
func setLegacyPeers(accts []Account) {
	for i := range accts {
		accts[i].peersKnown = true
		accts[i].legacyPeers = nil
		for j := range accts {
			if i != j && accts[j].usesKeyringPassword() && accts[j].LegacyPasswordKey() == accts[i].LegacyPasswordKey() {
				accts[i].legacyPeers = append(accts[i].legacyPeers, accts[j].Name)
			}
		}
	}
}

// legacyInUse reports whether one of the named accounts still reads its
// password from the legacy key (it has no per-account key yet).
func legacyInUse(ks Store, peers []string) bool {
	for _, p := range peers {
		if _, err := ks.Get(passwordKeyPrefix + p); err != nil {
			return true // missing, or unreadable: keep the shared secret
		}
	}
	return false
}

// readPassword reads the account's password from the keyring, migrating it
// once from the legacy key: when "password:NAME" is missing and
// user@host:port exists, the secret is copied to the new key, and the old
// key is deleted unless another account of the config still uses it.
func readPassword(ks Store, a *Account) (string, error) {
	pw, err := ks.Get(a.PasswordKey())
	if !errors.Is(err, ErrNotFound) {
		return pw, err
	}
	old, oldErr := ks.Get(a.LegacyPasswordKey())
	if oldErr != nil {
		return "", err // report the new key as missing
	}
	if ks.Set(a.PasswordKey(), old) == nil && a.peersKnown && !legacyInUse(ks, a.legacyPeers) {
		_ = ks.Delete(a.LegacyPasswordKey()) // a leftover only costs a stale entry
	}
	return old, nil
}

// SetPassword stores the account's password under its own key and releases
// the legacy shared key when no other account in accounts still uses it.
func SetPassword(ks Store, a *Account, password string, accounts []Account) error {
	if err := ks.Set(a.PasswordKey(), password); err != nil {
		return err
	}
	_, err := releaseLegacy(ks, a, accounts)
	return err
}

// DeleteSecrets deletes the account's password and OAuth2 refresh token
// from the keyring, and its legacy key when none of others (the accounts
// that remain) still uses it. It returns what it deleted, in words; missing
// secrets are not errors.
func DeleteSecrets(ks Store, a *Account, others []Account) ([]string, error) {
	var deleted []string
	for _, k := range []struct{ key, what string }{{a.PasswordKey(), "password"}, {a.OAuth2Key(), "OAuth2 refresh token"}, {a.SMTPPasswordKey(), "SMTP password"}} {
		err := ks.Delete(k.key)
		switch {
		case err == nil:
			deleted = append(deleted, k.what)
		case !errors.Is(err, ErrNotFound):
			return deleted, err
		}
	}
	gone, err := releaseLegacy(ks, a, others)
	if gone {
		deleted = append(deleted, "password (stored by an older popterm under "+a.LegacyPasswordKey()+")")
	}
	return deleted, err
}

// releaseLegacy deletes a's legacy key unless another account in accounts
// (a itself excluded) still reads its password from it.
func releaseLegacy(ks Store, a *Account, accounts []Account) (bool, error) {
	var peers []string
	for i := range accounts {
		o := &accounts[i]
		if o.Name != a.Name && o.usesKeyringPassword() && o.LegacyPasswordKey() == a.LegacyPasswordKey() {
			peers = append(peers, o.Name)
		}
	}
	if legacyInUse(ks, peers) {
		return false, nil
	}
	err := ks.Delete(a.LegacyPasswordKey())
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	}
	return false, fmt.Errorf("deleting the old shared keyring entry: %w", err)
}
