package signin

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/internal/oauthtest"
)

// testAccount is an account whose custom provider is srv.
func testAccount(srv *oauthtest.Server) *config.Account {
	a := config.NewAccount("work")
	a.Host, a.Username = "127.0.0.1", srv.User
	a.OAuth2 = config.OAuth2Settings{
		Provider: config.OAuth2Custom, ClientID: srv.ClientID,
		AuthURL: srv.AuthURL(), TokenURL: srv.TokenURL(), DeviceURL: srv.DeviceURL(),
		Scopes: []string{"pop3", "offline_access"},
	}
	return &a
}

// browser follows the authorization redirect as a browser would and keeps
// the landing page.
type browser struct{ pages chan string }

func newBrowser() *browser { return &browser{pages: make(chan string, 1)} }

func (b *browser) open(u string) error {
	go func() {
		resp, err := http.Get(u)
		if err != nil {
			b.pages <- err.Error()
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		b.pages <- string(body)
	}()
	return nil
}

// page is the landing page the browser got.
func (b *browser) page(t *testing.T) string {
	t.Helper()
	select {
	case p := <-b.pages:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("the browser got no page")
		return ""
	}
}

func oauthConfig(t *testing.T, a *config.Account) *oauth2.Config {
	t.Helper()
	cfg, err := OAuthConfig(t.Context(), a)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestAuthCodeFlow(t *testing.T) {
	srv := oauthtest.Start(t, "alice")
	a := testAccount(srv)
	b := newBrowser()
	var out strings.Builder
	tok, err := AuthCode(t.Context(), oauthConfig(t, a), Options{Out: &out, Open: b.open, LoginHint: "alice"})
	if err != nil {
		t.Fatalf("AuthCode: %v\n%s", err, out.String())
	}
	if !strings.HasPrefix(tok.AccessToken, "at-") || !strings.HasPrefix(tok.RefreshToken, "rt-") {
		t.Fatalf("tokens %+v", tok)
	}
	for _, want := range []string{srv.AuthURL() + "?", "code_challenge_method=S256", "login_hint=alice", "Ctrl-C"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("instructions lack %q:\n%s", want, out.String())
		}
	}
	// The browser got the landing page before the flow returned.
	if page := b.page(t); !strings.Contains(page, "Sign-in worked") {
		t.Errorf("landing page: %s", page)
	}
}

func TestAuthCodeWrongState(t *testing.T) {
	srv := oauthtest.Start(t, "alice")
	srv.SetWrongState(true)
	b := newBrowser()
	_, err := AuthCode(t.Context(), oauthConfig(t, testAccount(srv)), Options{Open: b.open})
	if !errors.Is(err, ErrWrongState) {
		t.Fatalf("err = %v, want ErrWrongState", err)
	}
	if page := b.page(t); !strings.Contains(page, "sign-in failed") || strings.Contains(page, "Sign-in worked") {
		t.Errorf("landing page: %s", page)
	}
	if len(srv.Issued()) != 0 {
		t.Errorf("tokens were issued despite the wrong state: %d", len(srv.Issued()))
	}
}

// TestWrongVerifierRefused: a code is worth nothing without its PKCE
// verifier, and the refusal reads as one line.
func TestWrongVerifierRefused(t *testing.T) {
	srv := oauthtest.Start(t, "alice")
	cfg := oauthConfig(t, testAccount(srv))
	cfg.RedirectURL = "http://127.0.0.1:9/"
	verifier := oauth2.GenerateVerifier()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := resp.Location()
	code := loc.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %s", loc)
	}
	_, err = cfg.Exchange(t.Context(), code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
	if err == nil {
		t.Fatal("a wrong verifier got tokens")
	}
	if msg := exchangeError(err).Error(); !strings.Contains(msg, "invalid_grant") || strings.Contains(msg, "\n") {
		t.Errorf("message %q", msg)
	}
	// Without PKCE the authorization endpoint refuses at once.
	resp, err = noRedirect.Get(cfg.AuthCodeURL("st"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc, _ := resp.Location(); loc.Query().Get("error") != "invalid_request" {
		t.Errorf("no PKCE: redirected to %s", loc)
	}
}

func TestAuthCodeTimeoutAndCancel(t *testing.T) {
	srv := oauthtest.Start(t, "alice")
	cfg := oauthConfig(t, testAccount(srv))
	ignore := func(string) error { return nil }
	_, err := AuthCode(t.Context(), cfg, Options{Open: ignore, Timeout: 100 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "gave up") {
		t.Errorf("timeout: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = AuthCode(ctx, cfg, Options{Open: ignore})
	if !errors.Is(err, ErrCancelled) {
		t.Errorf("cancel: %v", err)
	}
	// A browser that cannot start is not fatal: the URL is printed.
	var out strings.Builder
	_, err = AuthCode(t.Context(), cfg, Options{Out: &out, Open: func(string) error { return errors.New("no display") }, Timeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) || !strings.Contains(out.String(), "could not open a browser: no display") {
		t.Errorf("no browser: %v\n%s", err, out.String())
	}
}

func TestDeviceFlow(t *testing.T) {
	for _, slow := range []bool{false, true} {
		t.Run(map[bool]string{false: "pending", true: "slow_down"}[slow], func(t *testing.T) {
			t.Parallel()
			srv := oauthtest.Start(t, "alice")
			srv.SetSlowDown(slow)
			var out strings.Builder
			tok, err := Device(t.Context(), oauthConfig(t, testAccount(srv)), Options{Out: &out})
			if err != nil {
				t.Fatalf("Device: %v", err)
			}
			if tok.RefreshToken == "" || !strings.Contains(out.String(), "WDJB-MJHT") || !strings.Contains(out.String(), srv.URL+"/activate") {
				t.Errorf("token %+v, output:\n%s", tok, out.String())
			}
			if srv.Polls() != 2 || srv.TooSoon() != 0 {
				t.Errorf("polls %d, too soon %d: the client did not honour the interval", srv.Polls(), srv.TooSoon())
			}
		})
	}
}

func TestSourceRefreshes(t *testing.T) {
	srv := oauthtest.Start(t, "alice", oauthtest.WithAccessTTL(time.Hour), oauthtest.WithRotation())
	a := testAccount(srv)
	keys := config.NewMemStore()
	src := NewSource(a, keys)
	if _, err := src.Token(t.Context()); !errors.Is(err, ErrNotSignedIn) || !strings.Contains(err.Error(), "popterm account login work") {
		t.Fatalf("before sign-in: %v", err)
	}
	tok, err := Device(t.Context(), oauthConfig(t, a), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Save(keys, a, tok); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	src.Now = func() time.Time { return now }
	first, err := src.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := src.Token(t.Context()); again != first || srv.Refreshes() != 1 {
		t.Fatalf("a fresh token was refreshed again (%d refreshes)", srv.Refreshes())
	}
	info := src.Info()
	if info.Expiry.Before(now.Add(50*time.Minute)) || strings.Join(info.Scopes, " ") != "pop3 offline_access" {
		t.Errorf("info %+v", info)
	}
	// Rotation: the keyring holds the newest refresh token.
	if rt, _ := keys.Get(a.OAuth2Key()); rt == tok.RefreshToken {
		t.Error("the rotated refresh token was not stored")
	}
	// Shortly before expiry, Token refreshes by itself.
	now = now.Add(time.Hour - time.Minute)
	second, err := src.Token(t.Context())
	if err != nil || second == first || srv.Refreshes() != 2 {
		t.Fatalf("near expiry: %v, %d refreshes", err, srv.Refreshes())
	}
	// A forced refresh (the server refused the token) gets a new one.
	if third, err := src.Refresh(t.Context()); err != nil || third == second {
		t.Fatalf("Refresh: %v", err)
	}
	// A revoked grant: the sentence, and the credentials error.
	srv.RevokeAll()
	_, err = src.Refresh(t.Context())
	if !errors.Is(err, config.ErrSignInAgain) || !strings.HasSuffix(err.Error(), "sign in again: popterm account login work") {
		t.Fatalf("revoked: %v", err)
	}
}

func TestSaveNeedsRefreshToken(t *testing.T) {
	a := config.NewAccount("ms")
	a.OAuth2.Provider = config.OAuth2Microsoft
	err := Save(config.NewMemStore(), &a, &oauth2.Token{AccessToken: "x"})
	if err == nil || !strings.Contains(err.Error(), "offline_access") {
		t.Errorf("err = %v", err)
	}
}

func TestEndpointDefaults(t *testing.T) {
	ep, scopes := Endpoint(config.OAuth2Settings{Provider: config.OAuth2Microsoft, Tenant: "contoso.onmicrosoft.com"})
	if !strings.Contains(ep.AuthURL, "/contoso.onmicrosoft.com/oauth2/v2.0/authorize") || !strings.Contains(strings.Join(scopes, " "), "POP.AccessAsUser.All") {
		t.Errorf("microsoft: %+v %v", ep, scopes)
	}
	ep, _ = Endpoint(config.OAuth2Settings{Provider: config.OAuth2Microsoft})
	if !strings.Contains(ep.TokenURL, "/common/") {
		t.Errorf("default tenant: %s", ep.TokenURL)
	}
	ep, scopes = Endpoint(config.OAuth2Settings{Provider: config.OAuth2Google, Scopes: []string{"x"}})
	if ep.DeviceAuthURL == "" || !strings.HasPrefix(ep.AuthURL, "https://accounts.google.com/") || len(scopes) != 1 || scopes[0] != "x" {
		t.Errorf("google: %+v %v", ep, scopes)
	}
}

func TestBrowserCommand(t *testing.T) {
	const u = "https://id.example/a?x=1&y=$(rm -rf ~)"
	tests := []struct {
		goos, env, name string
		args            []string
	}{
		{"linux", "", "xdg-open", []string{u}},
		{"darwin", "", "open", []string{u}},
		{"windows", "", "rundll32", []string{"url.dll,FileProtocolHandler", u}},
		{"linux", "firefox", "firefox", []string{u}},
		{"linux", ":w3m -o x:lynx", "w3m", []string{"-o", "x"}},
		{"linux", "links %s", "links", []string{u}},
	}
	tests[4].args = append(tests[4].args, u)
	for _, tt := range tests {
		name, args := browserCommand(u, tt.goos, tt.env)
		if name != tt.name || strings.Join(args, "|") != strings.Join(tt.args, "|") {
			t.Errorf("%s %q: %s %q", tt.goos, tt.env, name, args)
		}
	}
}

// failingKeys is a keyring that cannot be reached.
type failingKeys struct{}

func (failingKeys) Get(user string) (string, error) {
	return "", &config.KeyringError{Doing: "reading", User: user, Reason: "no session D-Bus: run inside a desktop session or dbus-run-session"}
}
func (failingKeys) Set(user, _ string) error {
	return &config.KeyringError{Doing: "storing", User: user, Reason: "the keyring is locked"}
}
func (failingKeys) Delete(user string) error { return failingKeys{}.Set(user, "") }

// Without a keyring, a sign-in account is told where its refresh token
// lives and what to do, never to set password_cmd (it has no password).
func TestKeyringUnavailableAdvice(t *testing.T) {
	srv := oauthtest.Start(t, "alice")
	a := testAccount(srv)
	check := func(what string, err error) {
		t.Helper()
		msg := err.Error()
		if !errors.Is(err, config.ErrKeyringUnavailable) || strings.Contains(msg, "password") ||
			!strings.Contains(msg, "oauth2_token_cmd") || !strings.Contains(msg, "OS keyring") ||
			!strings.Contains(msg, "unlock the keyring") || !strings.Contains(msg, "oauth2:work") {
			t.Errorf("%s: %v", what, err)
		}
	}
	_, err := NewSource(a, failingKeys{}).Token(t.Context())
	check("Token", err)
	check("Save", Save(failingKeys{}, a, &oauth2.Token{RefreshToken: "rt"}))

	// The real OS keyring with no session bus to reach it (no other test
	// of this package connects to the bus, which godbus would keep).
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/no-bus")
	_, err = NewSource(a, config.Keyring()).Token(t.Context())
	check("the OS keyring without D-Bus", err)
}

func TestRevoke(t *testing.T) {
	srv := oauthtest.Start(t, "alice")
	a := testAccount(srv)
	keys := config.NewMemStore()
	tok, err := Device(t.Context(), oauthConfig(t, a), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := Save(keys, a, tok); err != nil {
		t.Fatal(err)
	}
	// No endpoint known: nothing is sent, the grant stays.
	if err := Revoke(t.Context(), a, tok.RefreshToken, nil); err != nil || len(srv.RefreshTokens()) != 1 {
		t.Fatalf("without oauth2_revoke_url: %v, %d grants", err, len(srv.RefreshTokens()))
	}
	a.OAuth2.RevokeURL = srv.RevokeURL()
	if err := Revoke(t.Context(), a, tok.RefreshToken, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.RefreshTokens()); n != 0 {
		t.Fatalf("%d grants left after the revocation", n)
	}
	if _, err := NewSource(a, keys).Token(t.Context()); !errors.Is(err, config.ErrSignInAgain) {
		t.Errorf("a revoked token still refreshes: %v", err)
	}
	// A provider that refuses: an error without the token.
	a.OAuth2.RevokeURL = srv.URL + "/no-such-endpoint"
	err = Revoke(t.Context(), a, tok.RefreshToken, nil)
	if err == nil || !strings.Contains(err.Error(), "404") || strings.Contains(err.Error(), tok.RefreshToken) {
		t.Errorf("refused revocation: %v", err)
	}
	if got := RevokeURL(config.OAuth2Settings{Provider: config.OAuth2Google}); got != GoogleRevokeURL {
		t.Errorf("google: %q", got)
	}
	if got := RevokeURL(config.OAuth2Settings{Provider: config.OAuth2Microsoft}); got != "" {
		t.Errorf("microsoft: %q", got)
	}
}
