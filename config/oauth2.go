package config

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// OAuth2 providers accepted by the oauth2 key.
const (
	OAuth2Google    = "google"
	OAuth2Microsoft = "microsoft"
	OAuth2Custom    = "custom"
)

// ErrSignInAgain marks a refused refresh (the provider answered
// invalid_grant: the grant was revoked or has expired). The only cure is a
// new sign-in; errors wrapping it say "sign in again: popterm account login
// NAME" and are of the credentials kind.
var ErrSignInAgain = errors.New("the saved sign-in was refused")

// ErrNotSignedIn marks an account with the built-in sign-in whose refresh
// token is not in the keyring (never signed in, or the token was deleted);
// errors wrapping it say "sign in first: popterm account login NAME".
var ErrNotSignedIn = errors.New("not signed in")

// OAuth2Settings is an account's built-in OAuth 2.0 sign-in (the oauth2_*
// keys). Provider is "" when the account does not use it. Endpoints and
// scopes left empty take the provider's defaults (package signin).
type OAuth2Settings struct {
	Provider        string // OAuth2Google, OAuth2Microsoft or OAuth2Custom
	ClientID        string
	ClientSecret    string // not secret for desktop clients (Google gives one anyway)
	ClientSecretCmd string // a command printing the client secret, instead of ClientSecret
	AuthURL         string // authorization endpoint (code flow)
	TokenURL        string // token endpoint
	DeviceURL       string // device authorization endpoint (RFC 8628)
	RevokeURL       string // token revocation endpoint (RFC 7009), used by account remove
	Scopes          []string
	Tenant          string // Microsoft only: "common" unless set
}

// validateOAuth2 checks the oauth2_* keys.
func (a *Account) validateOAuth2() []fieldErr {
	o := a.OAuth2
	var errs []fieldErr
	add := func(key, format string, args ...any) { errs = append(errs, fieldf(key, format, args...)) }
	if o.Provider == "" {
		for key, v := range map[string]string{
			"oauth2_client_id": o.ClientID, "oauth2_client_secret": o.ClientSecret,
			"oauth2_client_secret_cmd": o.ClientSecretCmd, "oauth2_auth_url": o.AuthURL,
			"oauth2_token_url": o.TokenURL, "oauth2_device_url": o.DeviceURL, "oauth2_tenant": o.Tenant,
			"oauth2_revoke_url": o.RevokeURL,
		} {
			if v != "" {
				add(key, `needs oauth2 = "google", "microsoft" or "custom" in the same account`)
			}
		}
		if len(o.Scopes) > 0 {
			add("oauth2_scopes", `needs oauth2 = "google", "microsoft" or "custom" in the same account`)
		}
		return errs
	}
	providers := []string{OAuth2Google, OAuth2Microsoft, OAuth2Custom}
	if !slices.Contains(providers, o.Provider) {
		msg := fmt.Sprintf(`expected "google", "microsoft" or "custom", got %q`, o.Provider)
		if s := suggest(o.Provider, providers); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		add("oauth2", "%s", msg)
	}
	if !slices.Contains([]string{AuthAuto, "", AuthXOAUTH2, AuthOAUTHBEARER}, a.Auth) {
		add("auth", `the oauth2 sign-in logs in with a token: use auth = "xoauth2", "oauthbearer" or leave auth out, not %q`, a.Auth)
	}
	if a.OAuth2TokenCmd != "" {
		add("oauth2_token_cmd", "give either oauth2 (built-in sign-in) or oauth2_token_cmd, not both")
	}
	if a.PasswordCmd != "" {
		add("password_cmd", "an account with oauth2 signs in with a token and has no password: remove password_cmd")
	}
	if strings.TrimSpace(o.ClientID) == "" {
		add("oauth2", "oauth2_client_id is missing: the client ID you registered with the provider (docs/config.md explains how)")
	}
	if o.ClientSecret != "" && o.ClientSecretCmd != "" {
		add("oauth2_client_secret", "give either oauth2_client_secret or oauth2_client_secret_cmd, not both")
	}
	for key, v := range map[string]string{"oauth2_auth_url": o.AuthURL, "oauth2_token_url": o.TokenURL, "oauth2_device_url": o.DeviceURL, "oauth2_revoke_url": o.RevokeURL} {
		if v == "" {
			continue
		}
		if err := checkEndpoint(v); err != nil {
			add(key, "%v", err)
		}
	}
	if o.Provider == OAuth2Custom {
		if o.TokenURL == "" {
			add("oauth2", `oauth2 = "custom" needs oauth2_token_url, the provider's token endpoint`)
		}
		if o.AuthURL == "" && o.DeviceURL == "" {
			add("oauth2", `oauth2 = "custom" needs oauth2_auth_url (browser sign-in) or oauth2_device_url (device sign-in)`)
		}
	}
	if o.Tenant != "" && o.Provider != OAuth2Microsoft {
		add("oauth2_tenant", `only oauth2 = "microsoft" has a tenant`)
	} else if o.Tenant != "" && !validTenant(o.Tenant) {
		add("oauth2_tenant", "expected %s, got %q", accountKeys()["oauth2_tenant"], o.Tenant)
	}
	for _, s := range o.Scopes {
		if strings.TrimSpace(s) == "" || strings.ContainsAny(s, " \t\"\\") || hasControl(s) {
			add("oauth2_scopes", "expected scopes without spaces, quotes or control characters, got %q", s)
			break
		}
	}
	for key, v := range map[string]string{"oauth2_client_id": o.ClientID, "oauth2_client_secret": o.ClientSecret, "oauth2_client_secret_cmd": o.ClientSecretCmd} {
		if hasControl(v) {
			add(key, "control characters are not allowed")
		}
	}
	return errs
}

// checkEndpoint accepts an https URL, or http on a loopback host.
func checkEndpoint(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("expected %s, got %q", expectURL, s)
	}
	if u.Scheme == "http" {
		host := u.Hostname()
		ip := net.ParseIP(host)
		if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Errorf("%q would send the sign-in over the network without TLS: use https", s)
		}
	}
	return nil
}

// validTenant accepts a tenant name or ID: letters, digits, ".", "-".
func validTenant(t string) bool {
	for _, r := range t {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return len(t) <= 100
}

// ClientSecret returns the account's OAuth2 client secret: the first line
// printed by oauth2_client_secret_cmd, else oauth2_client_secret ("" when
// there is none, as for public clients).
func ClientSecret(ctx context.Context, a *Account) (string, error) {
	if a.OAuth2.ClientSecretCmd != "" {
		return runSecretCmd(ctx, a, "oauth2_client_secret_cmd", a.OAuth2.ClientSecretCmd)
	}
	return a.OAuth2.ClientSecret, nil
}
