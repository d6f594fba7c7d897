package setup

import (
	"errors"
	"strings"

	"github.com/popterm/popterm/config"
)

// shown reports whether the form shows field f: the client ID only for a
// provider with a built-in sign-in.
func (m Model) shown(f field) bool {
	return f != fieldClientID || m.provider.OAuth2 != ""
}

// submitsOn reports whether enter on field f submits the form: on the last
// field, and on a filled-in password (the client ID is then not needed).
func (m Model) submitsOn(f field) bool {
	if f == fieldPassword && m.inputs[fieldPassword].Value() != "" {
		return true
	}
	if m.shown(fieldClientID) {
		return f == fieldClientID
	}
	return f == fieldPassword
}

// nextField is the next shown field in direction dir (1 or -1), wrapping.
func (m Model) nextField(f field, dir int) field {
	for {
		f = field((int(f) + dir + int(fieldCount)) % int(fieldCount))
		if m.shown(f) {
			return f
		}
	}
}

// oauth2 sets the account's sign-in when a client ID was entered (the
// password must then stay empty), and refuses a password alone for a
// provider that accepts only OAuth 2.0.
func (m Model) oauth2(a *config.Account) error {
	id := strings.TrimSpace(m.inputs[fieldClientID].Value())
	if !m.shown(fieldClientID) || a.Host != m.provider.Host {
		return nil
	}
	switch {
	case id == "" && m.provider.PasswordRefused:
		return errors.New("this provider accepts only OAuth 2.0: enter your client ID (docs/config.md explains how to register one)")
	case id == "":
		return nil
	case m.inputs[fieldPassword].Value() != "":
		return errors.New("with a client ID popterm signs in with your browser: leave the password empty")
	}
	a.OAuth2 = config.OAuth2Settings{Provider: m.provider.OAuth2, ClientID: id}
	return a.Validate()
}

// signinNote says what happens after saving an account that signs in.
func signinNote(provider string) string {
	return "Saving the account, then popterm opens your browser to sign in with " + provider +
		" (the refresh token goes to the OS keyring). Later: popterm account login NAME."
}
