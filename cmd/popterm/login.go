package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/signin"
	"github.com/popterm/popterm/ui"
)

// cmdAccountLogin signs an account in with its OAuth 2.0 provider: the
// browser flow, or the device flow with --device, and keeps the refresh
// token in the OS keyring.
func cmdAccountLogin(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "account login", "account login [--device] NAME")
	device := fs.Bool("device", false, "sign in on another device with a code (for terminals without a browser, e.g. over SSH)")
	_, acct, code := parseAccount(e, fs, args, "login")
	if code != exitOK {
		return code
	}
	return login(ctx, e, acct, *device)
}

// login runs the sign-in of acct and stores its refresh token.
func login(ctx context.Context, e *env, acct *config.Account, device bool) int {
	if acct.OAuth2.Provider == "" {
		return fail(e, exitUsage, "account login: account %s has no oauth2 sign-in: set oauth2 = \"google\", \"microsoft\" or \"custom\" and oauth2_client_id in %s (docs/config.md explains how to get a client ID)", acct.Name, e.configPathOr("the config"))
	}
	oc, err := signin.OAuthConfig(ctx, acct)
	if err != nil {
		return fail(e, exitUsage, "account login: %s", message.SanitizeLine(err.Error()))
	}
	opts := signin.Options{Out: e.stderr, LoginHint: acct.Username, Offline: acct.OAuth2.Provider == config.OAuth2Google}
	var tok *oauth2.Token
	if device {
		tok, err = signin.Device(ctx, oc, opts)
	} else {
		tok, err = signin.AuthCode(ctx, oc, opts)
	}
	if err == nil {
		err = signin.Save(e.secrets(), acct, tok)
	}
	if err != nil {
		msg := message.SanitizeLine(err.Error())
		switch {
		case errors.Is(err, signin.ErrCancelled):
			return fail(e, exitFailure, "account login: %s: nothing saved", msg)
		case errors.Is(err, signin.ErrTimeout) && !device:
			msg += fmt.Sprintf("; run popterm account login %s again (with --device where no browser can reach this machine)", acct.Name)
		case errors.Is(err, signin.ErrTimeout):
			msg += fmt.Sprintf("; run popterm account login --device %s again", acct.Name)
		}
		return fail(e, exitFailure, "account login: %s", msg)
	}
	fmt.Fprintf(e.stdout, "signed in account %s; the refresh token is in the OS keyring (service %s, key %s)\n",
		acct.Name, config.KeyringService, acct.OAuth2Key())
	if scopes, _ := tok.Extra("scope").(string); scopes != "" {
		fmt.Fprintf(e.stdout, "granted scopes: %s\n", message.SanitizeLine(scopes))
	}
	return exitOK
}

// configPathOr is --config, or what to call the config file otherwise.
func (e *env) configPathOr(def string) string {
	if e.configPath != "" {
		return e.configPath
	}
	if p, err := config.DefaultPath(); err == nil {
		return p
	}
	return def
}

// signinCredentials are the credentials of an account with the built-in
// sign-in: one token source (refresh token from the keyring, access tokens
// in memory) for every login of the process.
func signinCredentials(e *env, acct *config.Account) mailbox.Credentials {
	src := signin.NewSource(acct, e.keyring) // nil: the OS keyring
	return mailbox.Credentials{Token: src.Token, Refresh: src.Refresh}
}

// testSignin gets an access token for `account test` and says when it
// expires and what it allows.
func testSignin(ctx context.Context, e *env, acct *config.Account) (func(context.Context) (string, error), error) {
	src := signin.NewSource(acct, e.secrets())
	if _, err := src.Token(ctx); err != nil {
		return nil, err
	}
	info := src.Info()
	when := "an unknown time (the provider did not say)"
	if !info.Expiry.IsZero() {
		when = fmt.Sprintf("%s (in %s)", info.Expiry.Local().Format("15:04:05"), time.Until(info.Expiry).Round(time.Minute))
	}
	scopes := "not reported by the provider"
	if len(info.Scopes) > 0 {
		scopes = message.SanitizeLine(strings.Join(info.Scopes, " "))
	}
	fmt.Fprintf(e.stdout, "  OAuth2 (%s): access token valid until %s; scopes: %s\n", acct.OAuth2.Provider, when, scopes)
	return src.Token, nil
}

// providerAdvice says what popterm knows about signing in to the provider
// of an address or host: Microsoft accepts only OAuth 2.0 for POP3, Google
// prefers it. needed is set when a password cannot work (a Microsoft host).
func providerAdvice(username, host string) (advice string, needed bool) {
	domain := strings.ToLower(username[strings.LastIndexByte(username, '@')+1:])
	host = strings.ToLower(host)
	msHost := host == "outlook.office365.com" || strings.HasSuffix(host, ".office365.com") ||
		host == "pop-mail.outlook.com" || host == "pop3.live.com"
	msDomain := domain == "outlook.com" || domain == "hotmail.com" || domain == "live.com" || domain == "msn.com"
	switch {
	case domain == "gmail.com" || domain == "googlemail.com" || host == "pop.gmail.com":
		return "Gmail prefers OAuth 2.0 sign-in to app passwords: add --oauth2 google --oauth2-client-id ID (docs/config.md explains how to register one) and popterm signs in with your browser", false
	case msHost || msDomain:
		return "Outlook.com and Microsoft 365 accept only OAuth 2.0 for POP3 (passwords are refused): add --oauth2 microsoft --oauth2-client-id ID (docs/config.md explains how to register one)", msHost
	}
	return "", false
}

// oauth2Flags are the sign-in flags of `account add`.
type oauth2Flags struct {
	provider, clientID, clientSecret, tenant string
	authURL, tokenURL, deviceURL, revokeURL  string
	scopes                                   string
	device                                   bool
}

func (f *oauth2Flags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.provider, "oauth2", "", "sign in with OAuth 2.0: google, microsoft or custom")
	fs.StringVar(&f.clientID, "oauth2-client-id", "", "the client ID you registered with the provider (docs/config.md)")
	fs.StringVar(&f.clientSecret, "oauth2-client-secret", "", "the client secret, when the provider gave one (Google desktop clients)")
	fs.StringVar(&f.tenant, "oauth2-tenant", "", "Microsoft tenant (default common)")
	fs.StringVar(&f.authURL, "oauth2-auth-url", "", "authorization endpoint (custom, or to override)")
	fs.StringVar(&f.tokenURL, "oauth2-token-url", "", "token endpoint (custom, or to override)")
	fs.StringVar(&f.deviceURL, "oauth2-device-url", "", "device authorization endpoint (custom, or to override)")
	fs.StringVar(&f.revokeURL, "oauth2-revoke-url", "", "token revocation endpoint, used by account remove (Google's for google)")
	fs.StringVar(&f.scopes, "oauth2-scopes", "", "scopes separated by spaces (default: the provider's)")
	fs.BoolVar(&f.device, "device", false, "sign in with a code on another device (no browser here)")
}

// apply sets the account's oauth2 keys from the flags.
func (f *oauth2Flags) apply(a *config.Account) {
	if f.provider == "" {
		return
	}
	a.OAuth2 = config.OAuth2Settings{
		Provider: strings.ToLower(f.provider), ClientID: f.clientID,
		ClientSecret: f.clientSecret, Tenant: f.tenant,
		AuthURL: f.authURL, TokenURL: f.tokenURL, DeviceURL: f.deviceURL,
		RevokeURL: f.revokeURL,
		Scopes:    strings.Fields(f.scopes),
	}
}

// addSignin saves a new account that signs in with OAuth 2.0, then signs it
// in. The account stays saved when the sign-in fails: `popterm account
// login NAME` finishes it.
func addSignin(ctx context.Context, e *env, cfg *config.Config, acct config.Account, f addFlags) int {
	if f.passwordStdin || f.passwordCmd != "" {
		return fail(e, exitUsage, "account add: an account with --oauth2 signs in with a token and has no password: drop --password-stdin / --password-cmd")
	}
	if err := saveNewAccount(e, cfg, acct, "", false, f.makeDefault); err != nil {
		return fail(e, exitFailure, "account add: %v", err)
	}
	noteBackup(e, cfg)
	fmt.Fprintf(e.stdout, "added account %s (%s, %s) to %s; signing in with %s...\n", acct.Name, acct.KeyringUser(), config.TLSModeName(acct.TLS), cfg.Path, acct.OAuth2.Provider)
	return signinSaved(ctx, e, cfg, acct.Name, f.oauth2.device, !f.noProbe)
}

// signinSaved signs in an account just saved in cfg and, when test is set,
// tests it. A failed sign-in leaves the account saved and says how to
// finish.
func signinSaved(ctx context.Context, e *env, cfg *config.Config, name string, device, test bool) int {
	saved, err := cfg.Account(name)
	if err != nil {
		return fail(e, exitFailure, "account add: %v", err)
	}
	if code := login(ctx, e, saved, device); code != exitOK {
		fmt.Fprintf(e.stderr, "popterm: the account is saved; sign in later with: popterm account login %s\n", name)
		return code
	}
	if !test {
		return exitOK
	}
	return testAccountNamed(ctx, e, saved)
}

// signIn starts the device sign-in of an account for the reader, whose
// saved sign-in the provider refused: the reader shows the code, and the
// wait stores the new refresh token in the keyring, where the engine's
// token source reads it on its next login.
func (r *reader) signIn(ctx context.Context, name string) (ui.DeviceSignIn, error) {
	acct, err := r.cfg.Account(name)
	if err != nil {
		return ui.DeviceSignIn{}, err
	}
	if acct.OAuth2.Provider == "" {
		return ui.DeviceSignIn{}, fmt.Errorf("account %s has no oauth2 sign-in", name)
	}
	oc, err := signin.OAuthConfig(ctx, acct)
	if err != nil {
		return ui.DeviceSignIn{}, err
	}
	d, err := signin.StartDevice(ctx, oc, signin.Options{LoginHint: acct.Username})
	if err != nil {
		return ui.DeviceSignIn{}, err
	}
	return ui.DeviceSignIn{URL: d.URL, Code: d.Code, CompleteURL: d.CompleteURL, Wait: func(ctx context.Context) error {
		tok, err := d.Wait(ctx)
		if err != nil {
			return err
		}
		return signin.Save(r.e.secrets(), acct, tok)
	}}, nil
}

// revokeSignin asks the provider of a removed sign-in account to revoke
// its refresh token (when a revocation endpoint is known), so that the
// grant ends at the provider too. It never fails the removal: a failure is
// a note that says where to revoke by hand.
func revokeSignin(ctx context.Context, e *env, acct *config.Account) {
	if acct.OAuth2.Provider == "" || signin.RevokeURL(acct.OAuth2) == "" {
		return
	}
	rt, err := e.secrets().Get(acct.OAuth2Key())
	if err != nil || rt == "" {
		return // nothing to revoke (or the keyring's error follows)
	}
	if err := signin.Revoke(ctx, acct, rt, nil); err != nil {
		fmt.Fprintf(e.stderr, "popterm: note: the sign-in could not be revoked at the provider (%s); the token is deleted here anyway, and you can end popterm's access in your account's security settings\n",
			message.SanitizeLine(err.Error()))
		return
	}
	fmt.Fprintln(e.stdout, "revoked its sign-in at the provider")
}
