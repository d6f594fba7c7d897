package signin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/popterm/popterm/config"
)

// Bounds of the token source.
const (
	// RefreshBefore is how long before its expiry an access token is
	// replaced: a login that starts with it must not see it expire.
	RefreshBefore = 2 * time.Minute
	// httpTimeout bounds one request to the provider.
	httpTimeout = 30 * time.Second
)

// ErrNotSignedIn: the keyring has no refresh token for the account (the
// same value as config.ErrNotSignedIn, which the reader can see).
var ErrNotSignedIn = config.ErrNotSignedIn

// Info describes the access token in use.
type Info struct {
	// Expiry is when the access token expires (zero when the provider did
	// not say).
	Expiry time.Time
	// Scopes are the scopes the provider granted, as it reported them
	// (empty when it did not say).
	Scopes []string
}

// Source hands out access tokens for one account: cached in memory,
// refreshed with the refresh token from the keyring shortly before they
// expire. When the provider rotates the refresh token, the new one replaces
// the old one in the keyring. It is safe for concurrent use; one Source
// serves every protocol of the account (POP3, SMTP).
type Source struct {
	acct *config.Account
	keys config.Store
	// Now is the clock (time.Now when nil); tests move it forward.
	Now func() time.Time
	// HTTPClient talks to the token endpoint (a client with a 30 s timeout
	// when nil).
	HTTPClient *http.Client

	mu     sync.Mutex
	access *oauth2.Token // in memory only
	info   Info
}

// NewSource returns the token source of an account with oauth2 set, reading
// the refresh token from keys (the OS keyring when nil).
func NewSource(acct *config.Account, keys config.Store) *Source {
	if keys == nil {
		keys = config.Keyring()
	}
	return &Source{acct: acct, keys: keys}
}

func (s *Source) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Token returns a valid access token, refreshing it when it expires within
// RefreshBefore (or was never fetched).
func (s *Source) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.access != nil && (s.access.Expiry.IsZero() || s.now().Add(RefreshBefore).Before(s.access.Expiry)) {
		return s.access.AccessToken, nil
	}
	return s.refreshLocked(ctx)
}

// Refresh drops the access token in memory and fetches a new one: for a
// server that refused the current token although it had not expired.
func (s *Source) Refresh(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshLocked(ctx)
}

// Info describes the current access token (zero before the first Token).
func (s *Source) Info() Info {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Info{Expiry: s.info.Expiry, Scopes: append([]string(nil), s.info.Scopes...)}
}

// refreshLocked trades the refresh token for a new access token.
func (s *Source) refreshLocked(ctx context.Context) (string, error) {
	s.access = nil
	name := s.acct.Name
	rt, err := s.keys.Get(s.acct.OAuth2Key())
	switch {
	case errors.Is(err, config.ErrNotFound) || (err == nil && rt == ""):
		return "", fmt.Errorf("account %s: %w (no refresh token in the keyring under %s): sign in first: popterm account login %s",
			name, ErrNotSignedIn, s.acct.OAuth2Key(), name)
	case err != nil:
		return "", keyringError(s.acct, "reading", err)
	}
	cfg, err := OAuthConfig(ctx, s.acct)
	if err != nil {
		return "", err
	}
	tok, err := cfg.TokenSource(s.httpContext(ctx), &oauth2.Token{RefreshToken: rt}).Token()
	if err != nil {
		return "", tokenError(name, "refreshing the access token", err)
	}
	if tok.AccessToken == "" {
		return "", fmt.Errorf("account %s: the provider's token endpoint returned no access token", name)
	}
	if tok.RefreshToken != "" && tok.RefreshToken != rt {
		// A rotated refresh token: the old one may stop working at once.
		if err := s.keys.Set(s.acct.OAuth2Key(), tok.RefreshToken); err != nil {
			return "", keyringError(s.acct, "storing the renewed", err)
		}
	}
	s.access = &oauth2.Token{AccessToken: tok.AccessToken, TokenType: tok.TokenType, Expiry: tok.Expiry}
	s.info = Info{Expiry: tok.Expiry, Scopes: grantedScopes(tok)}
	return tok.AccessToken, nil
}

// httpContext gives x/oauth2 an HTTP client with a timeout.
func (s *Source) httpContext(ctx context.Context) context.Context {
	c := s.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: httpTimeout}
	}
	return context.WithValue(ctx, oauth2.HTTPClient, c)
}

// grantedScopes reads the "scope" member of a token response.
func grantedScopes(tok *oauth2.Token) []string {
	s, _ := tok.Extra("scope").(string)
	return strings.Fields(s)
}

// tokenError turns the token endpoint's refusal into one line. A refused
// grant (invalid_grant: revoked, expired, or the password changed) wraps
// config.ErrSignInAgain and says to sign in again. The provider's text is
// quoted (callers sanitize before printing); the response body is not,
// since a server might echo what it was sent.
func tokenError(name, doing string, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return fmt.Errorf("account %s: %s: %w", name, doing, err)
	}
	why := re.ErrorCode
	if why == "" && re.Response != nil {
		why = re.Response.Status
	}
	if re.ErrorDescription != "" {
		why += ": " + firstSentence(re.ErrorDescription)
	}
	switch re.ErrorCode {
	case "invalid_grant":
		return fmt.Errorf("account %s: %w (%s); sign in again: popterm account login %s", name, config.ErrSignInAgain, why, name)
	case "invalid_client", "unauthorized_client":
		return fmt.Errorf("account %s: %s: the provider does not accept the client (%s): check oauth2_client_id and oauth2_client_secret (docs/config.md)", name, doing, why)
	}
	return fmt.Errorf("account %s: %s: the provider refused (%s)", name, doing, why)
}

// firstSentence keeps a provider's description short: Microsoft's run to
// several lines with trace IDs.
func firstSentence(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// Save stores the refresh token of a new sign-in in the keyring (and
// nowhere else).
func Save(keys config.Store, acct *config.Account, tok *oauth2.Token) error {
	if tok.RefreshToken == "" {
		hint := "ask for offline access"
		if acct.OAuth2.Provider == config.OAuth2Microsoft || acct.OAuth2.Provider == config.OAuth2Custom {
			hint = "include the offline_access scope in oauth2_scopes"
		}
		return fmt.Errorf("account %s: the provider gave no refresh token, so popterm could not sign in again later (%s)", acct.Name, hint)
	}
	if keys == nil {
		keys = config.Keyring()
	}
	if err := keys.Set(acct.OAuth2Key(), tok.RefreshToken); err != nil {
		return keyringError(acct, "storing", err)
	}
	return nil
}

// keyringError says why the refresh token could not be read or stored
// ("doing the refresh token"). An unusable keyring is not met with the
// password advice of config's keyring errors: a sign-in has no password;
// its refresh token lives only in the OS keyring, so the cures are
// unlocking the keyring or fetching tokens with oauth2_token_cmd instead.
func keyringError(acct *config.Account, doing string, err error) error {
	var ke *config.KeyringError
	if !errors.As(err, &ke) {
		return fmt.Errorf("account %s: %s the refresh token: %w", acct.Name, doing, err)
	}
	return fmt.Errorf("account %s: %s the refresh token: %w (%s); popterm keeps the sign-in's refresh token only in the OS keyring (service %s, key %s): unlock the keyring, or get tokens from a command of your own with oauth2_token_cmd instead of oauth2 (docs/config.md)",
		acct.Name, doing, config.ErrKeyringUnavailable, ke.Reason, config.KeyringService, acct.OAuth2Key())
}
