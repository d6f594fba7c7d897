package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/oauthtest"
	"github.com/popterm/popterm/internal/testenv"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/signin"
)

// signinAccount writes a config with one account that signs in at srv and
// reads mail from Dovecot d with XOAUTH2.
func signinAccount(t *testing.T, a *acctEnv, name string, srv *oauthtest.Server, d *dovecottest.Server) {
	t.Helper()
	writeSigninConfig(t, a, name, srv, d.TLSAddr(), d.CAFile(), d.User)
}

// writeSigninConfig writes the config of signinAccount for any server.
func writeSigninConfig(t *testing.T, a *acctEnv, name string, srv *oauthtest.Server, addr, caFile, user string) {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	doc := fmt.Sprintf(`[[account]]
name = %q
host = %q
port = %s
username = %q
ca_file = %q
auth = "xoauth2"
oauth2 = "custom"
oauth2_client_id = %q
oauth2_auth_url = %q
oauth2_token_url = %q
oauth2_device_url = %q
oauth2_scopes = ["pop3", "offline_access"]
`, name, host, port, user, caFile, srv.ClientID, srv.AuthURL(), srv.TokenURL(), srv.DeviceURL())
	if err := os.MkdirAll(filepath.Dir(a.cfgPath), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(a.cfgPath, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
}

// useCurlAsBrowser makes OpenBrowser start curl, which follows the
// authorization server's redirect to popterm's loopback address as a
// browser would.
func useCurlAsBrowser(t *testing.T) {
	curl := testenv.LookPath(t, "curl")
	t.Setenv("BROWSER", curl+" -fsSL -o /dev/null")
}

// assertNoTokensOnDisk searches every regular file under dir for tokens.
func assertNoTokensOnDisk(t *testing.T, dir string, tokens []string) {
	t.Helper()
	if len(tokens) == 0 {
		t.Fatal("no tokens to look for")
	}
	files := 0
	err := filepath.WalkDir(dir, func(path string, de fs.DirEntry, err error) error {
		if err != nil || !de.Type().IsRegular() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, tok := range tokens {
			if bytes.Contains(data, []byte(tok)) {
				t.Errorf("a token (%.6s...) is in %s", tok, path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 3 {
		t.Fatalf("only %d files under %s: the search proves nothing", files, dir)
	}
}

// TestSigninDovecot walks the whole sign-in against the test authorization
// server and a real Dovecot that checks XOAUTH2 tokens itself, with the
// refresh token in the real gnome-keyring: the browser flow, a sync, the
// device flow, account test, a revoked grant (exit 3 and the sentence),
// account remove; no token is ever in a file.
func TestSigninDovecot(t *testing.T) {
	requireKeyring(t)
	useCurlAsBrowser(t)
	srv := oauthtest.Start(t, "alice")
	d := dovecottest.Start(t, dovecottest.WithOAuth2(srv.IntrospectURL()))
	a := newAcctEnv(t, nil) // the real OS keyring
	name := fmt.Sprintf("oa-%d", os.Getpid())
	key := "oauth2:" + name
	t.Cleanup(func() { config.Keyring().Delete(key) })
	signinAccount(t, a, name, srv, d)

	code, out, errOut := a.run("", "account", "login", name)
	if code != exitOK || !strings.Contains(out, "signed in account "+name) || !strings.Contains(errOut, srv.AuthURL()) {
		t.Fatalf("login: exit %d, out %q, stderr %q", code, out, errOut)
	}
	got, ok := secretToolLookup(t, key)
	if !ok || got != srv.RefreshTokens()[0] {
		t.Fatalf("secret-tool lookup service popterm username %s: %v (want the refresh token)", key, ok)
	}

	d.Deliver(d.User, []byte("From: a@example.com\nSubject: signed in\n\nbody\n"))
	if code, out, errOut := a.run("", "--account", name, "sync"); code != exitOK {
		t.Fatalf("sync: exit %d, out %q, stderr %q", code, out, errOut)
	}
	if _, out, _ := a.run("", "--account", name, "list"); !strings.Contains(out, "signed in") {
		t.Fatalf("list after sync: %q", out)
	}
	if srv.Refreshes() != 1 || srv.Introspections() == 0 {
		t.Errorf("refreshes %d, introspections %d", srv.Refreshes(), srv.Introspections())
	}

	// The device flow replaces the grant; sync works with the new one.
	code, out, errOut = a.run("", "account", "login", "--device", name)
	if code != exitOK || !strings.Contains(errOut, "WDJB-MJHT") {
		t.Fatalf("login --device: exit %d, out %q, stderr %q", code, out, errOut)
	}
	d.Deliver(d.User, []byte("From: a@example.com\nSubject: by device\n\nbody\n"))
	if code, out, errOut := a.run("", "--account", name, "sync"); code != exitOK {
		t.Fatalf("sync after --device: exit %d, out %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = a.run("", "account", "test", name)
	if code != exitOK || !strings.Contains(out, "access token valid until") || !strings.Contains(out, "scopes: pop3 offline_access") || !strings.Contains(out, "works") {
		t.Fatalf("test: exit %d, out %q, stderr %q", code, out, errOut)
	}

	// A revoked grant: exit 3 and the sentence.
	srv.RevokeAll()
	code, out, errOut = a.run("", "--account", name, "sync")
	if code != exitCredentials || !strings.Contains(errOut, "sign in again: popterm account login "+name) || strings.Contains(errOut, "passwd") {
		t.Fatalf("revoked: exit %d, out %q, stderr %q", code, out, errOut)
	}
	assertNoTokensOnDisk(t, filepath.Dir(a.dir), srv.Issued())

	if code, out, errOut := a.run("", "account", "remove", name); code != exitOK || !strings.Contains(out, "OAuth2 refresh token") {
		t.Fatalf("remove: exit %d, out %q, stderr %q", code, out, errOut)
	}
	if got, ok := secretToolLookup(t, key); ok && got != "" {
		t.Fatal("the refresh token survived account remove")
	}
}

// TestSigninWrongState: an answer with another state is refused and
// nothing is stored.
func TestSigninWrongState(t *testing.T) {
	useCurlAsBrowser(t)
	srv := oauthtest.Start(t, "alice")
	srv.SetWrongState(true)
	ks := config.NewMemStore()
	a := newAcctEnv(t, ks)
	writeSigninConfig(t, a, "oa", srv, "127.0.0.1:1", "", "alice")
	code, _, errOut := a.run("", "account", "login", "oa")
	if code != exitFailure || !strings.Contains(errOut, "wrong state") || ks.Len() != 0 {
		t.Fatalf("wrong state: exit %d, stderr %q, keyring %d", code, errOut, ks.Len())
	}
	// Not signed in: account test says what to do.
	code, _, errOut = a.run("", "account", "test", "oa")
	if code == exitOK || !strings.Contains(errOut, "sign in first: popterm account login oa") {
		t.Fatalf("test before login: exit %d, stderr %q", code, errOut)
	}
}

// TestSigninRefreshOnAuthRefusal: Dovecot refuses an access token the
// client still believes valid; the engine refreshes once and logs in once
// more, and the sync succeeds.
func TestSigninRefreshOnAuthRefusal(t *testing.T) {
	srv := oauthtest.Start(t, "alice")
	d := dovecottest.Start(t, dovecottest.WithOAuth2(srv.IntrospectURL()))
	ks := config.NewMemStore()
	a := newAcctEnv(t, ks)
	signinAccount(t, a, "oa", srv, d)
	acct, err := a.config().Account("oa")
	if err != nil {
		t.Fatal(err)
	}
	oc, err := signin.OAuthConfig(t.Context(), acct)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := signin.Device(t.Context(), oc, signin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := signin.Save(ks, acct, tok); err != nil {
		t.Fatal(err)
	}
	src := signin.NewSource(acct, ks)
	if _, err := src.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv.ExpireAccessTokens() // the cached token is now refused by Dovecot
	st, err := cache.Open(acct.StoreDir, cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	eng := mailbox.New(acct, st, mailbox.Credentials{Token: src.Token, Refresh: src.Refresh})
	defer eng.Close()
	d.Deliver(d.User, []byte("From: a@example.com\nSubject: retried\n\nbody\n"))
	if _, err := eng.Sync(t.Context(), mailbox.SyncOptions{}); err != nil {
		t.Fatalf("sync with a refused token: %v", err)
	}
	if srv.Refreshes() != 2 {
		t.Errorf("refreshes = %d, want 2 (the first token, then one retry)", srv.Refreshes())
	}
	// Revoked: the retry's refresh fails with the credentials kind.
	srv.ExpireAccessTokens()
	srv.RevokeAll()
	_, err = eng.Sync(t.Context(), mailbox.SyncOptions{})
	if mailbox.Classify(err) != mailbox.KindCredentials || !strings.Contains(err.Error(), "sign in again: popterm account login oa") {
		t.Fatalf("revoked: %v (kind %v)", err, mailbox.Classify(err))
	}
}

// TestAccountAddRecognisesProviders: Microsoft hosts need OAuth, Gmail
// addresses get a note.
func TestAccountAddRecognisesProviders(t *testing.T) {
	a := newAcctEnv(t, config.NewMemStore())
	code, _, errOut := a.run("pw\n", "account", "add", "--name", "ms", "--host", "outlook.office365.com", "--user", "bob@outlook.com", "--password-stdin", "--no-probe")
	if code != exitUsage || !strings.Contains(errOut, "accept only OAuth 2.0") || !strings.Contains(errOut, "--oauth2 microsoft") {
		t.Fatalf("outlook with a password: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = a.run("pw\n", "account", "add", "--name", "g", "--host", "pop.gmail.com", "--user", "carol@gmail.com", "--password-stdin", "--no-probe")
	if code != exitOK || !strings.Contains(errOut, "Gmail prefers OAuth 2.0") {
		t.Fatalf("gmail: exit %d, stderr %q", code, errOut)
	}
}

// TestTwoAccountsOneServer: two accounts of one user on one server keep
// their own passwords, and removing one leaves the other's.
func TestTwoAccountsOneServer(t *testing.T) {
	ks := config.NewMemStore()
	a := newAcctEnv(t, ks)
	for _, acct := range []struct{ name, pw string }{{"first", "pw one"}, {"second", "pw two"}} {
		code, _, errOut := a.run(acct.pw+"\n", "account", "add", "--name", acct.name, "--host", "pop.example.com", "--user", "alice", "--password-stdin", "--no-probe")
		if code != exitOK {
			t.Fatalf("add %s: exit %d, stderr %q", acct.name, code, errOut)
		}
	}
	cfg := a.config()
	for _, want := range []struct{ name, pw string }{{"first", "pw one"}, {"second", "pw two"}} {
		acct, _ := cfg.Account(want.name)
		if got, err := config.Password(t.Context(), acct, ks); err != nil || got != want.pw {
			t.Errorf("%s: password %q, %v", want.name, got, err)
		}
	}
	if code, _, errOut := a.run("", "account", "remove", "first"); code != exitOK {
		t.Fatalf("remove: exit %d, stderr %q", code, errOut)
	}
	second, _ := a.config().Account("second")
	if got, err := config.Password(t.Context(), second, ks); err != nil || got != "pw two" {
		t.Errorf("removing the first account lost the second's password: %q, %v", got, err)
	}
}

// TestAccountAddSignin: `account add --oauth2` saves the account, signs it
// in with the browser and tests it against Dovecot.
func TestAccountAddSignin(t *testing.T) {
	useCurlAsBrowser(t)
	srv := oauthtest.Start(t, "alice")
	d := dovecottest.Start(t, dovecottest.WithOAuth2(srv.IntrospectURL()))
	ks := config.NewMemStore()
	a := newAcctEnv(t, ks)
	host, port, _ := net.SplitHostPort(d.TLSAddr())
	code, out, errOut := a.run("", "account", "add", "--name", "oa", "--host", host, "--port", port, "--user", d.User,
		"--ca-file", d.CAFile(), "--oauth2", "custom", "--oauth2-client-id", srv.ClientID,
		"--oauth2-auth-url", srv.AuthURL(), "--oauth2-token-url", srv.TokenURL(), "--oauth2-revoke-url", srv.RevokeURL(), "--oauth2-scopes", "pop3 offline_access")
	if code != exitOK || !strings.Contains(out, "signed in account oa") || !strings.Contains(out, "account oa works") {
		t.Fatalf("add: exit %d, out %q, stderr %q", code, out, errOut)
	}
	acct, err := a.config().Account("oa")
	if err != nil || acct.OAuth2.Provider != config.OAuth2Custom || strings.Join(acct.OAuth2.Scopes, " ") != "pop3 offline_access" ||
		acct.OAuth2.RevokeURL != srv.RevokeURL() {
		t.Fatalf("saved %+v, %v", acct, err)
	}
	if rt, err := ks.Get(acct.OAuth2Key()); err != nil || rt != srv.RefreshTokens()[0] {
		t.Fatalf("keyring: %v", err)
	}
	if _, out, _ := a.run("", "account", "list"); !strings.Contains(out, "oauth2 sign-in (custom)") {
		t.Errorf("list: %q", out)
	}
}

// TestRemoveRevokesSignin: account remove revokes the grant at the
// provider's oauth2_revoke_url; a provider that refuses leaves a note and
// the removal still succeeds; a keyring that cannot be reached gives
// advice about the refresh token, not about password_cmd.
func TestRemoveRevokesSignin(t *testing.T) {
	srv := oauthtest.Start(t, "alice")
	ks := config.NewMemStore()
	a := newAcctEnv(t, ks)
	signinWithRevoke := func(name, revokeURL string) {
		t.Helper()
		writeSigninConfig(t, a, name, srv, "127.0.0.1:1", "", "alice")
		f, err := os.OpenFile(a.cfgPath, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(f, "oauth2_revoke_url = %q\n", revokeURL)
		f.Close()
		if code, out, errOut := a.run("", "account", "login", "--device", name); code != exitOK {
			t.Fatalf("login: exit %d, out %q, stderr %q", code, out, errOut)
		}
	}

	signinWithRevoke("oa", srv.RevokeURL())
	if n := len(srv.RefreshTokens()); n != 1 {
		t.Fatalf("%d grants after the sign-in", n)
	}
	code, out, errOut := a.run("", "account", "remove", "oa")
	if code != exitOK || !strings.Contains(out, "revoked its sign-in at the provider") || !strings.Contains(out, "OAuth2 refresh token") {
		t.Fatalf("remove: exit %d, out %q, stderr %q", code, out, errOut)
	}
	if n := len(srv.RefreshTokens()); n != 0 || ks.Len() != 0 {
		t.Fatalf("after remove: %d grants at the provider, %d keyring entries", n, ks.Len())
	}

	signinWithRevoke("ob", srv.URL+"/refuses")
	code, out, errOut = a.run("", "account", "remove", "ob")
	if code != exitOK || !strings.Contains(errOut, "note: the sign-in could not be revoked at the provider") ||
		!strings.Contains(errOut, "404") || ks.Len() != 0 || strings.Contains(out, "revoked its sign-in") {
		t.Fatalf("refused revocation: exit %d, out %q, stderr %q, keyring %d", code, out, errOut, ks.Len())
	}
	if _, err := a.config().Account("ob"); err == nil {
		t.Fatal("the account was not removed")
	}
	for _, tok := range srv.Issued() {
		if strings.Contains(out+errOut, tok) {
			t.Fatal("a token is in the output")
		}
	}
}

// lockedKeyring is an OS keyring whose collection is locked: the error
// config gives for it (the same process cannot lose its session bus once
// connected, so the unreachable keyring itself is tested in signin).
type lockedKeyring struct{}

func (lockedKeyring) Get(user string) (string, error) {
	return "", lockedKeyring{}.err("reading", user)
}
func (lockedKeyring) Set(user, _ string) error { return lockedKeyring{}.err("storing", user) }
func (lockedKeyring) Delete(user string) error { return lockedKeyring{}.err("deleting", user) }
func (lockedKeyring) err(doing, user string) error {
	return &config.KeyringError{Doing: doing, User: user, Reason: "the keyring is locked or has no login collection: unlock it, e.g. with gnome-keyring-daemon --unlock"}
}

// TestSigninWithoutKeyring: with a keyring that cannot be used, login,
// sync and remove of a sign-in account say where the refresh token lives
// and suggest unlocking the keyring or oauth2_token_cmd, never
// password_cmd.
func TestSigninWithoutKeyring(t *testing.T) {
	srv := oauthtest.Start(t, "alice")
	d := dovecottest.Start(t, dovecottest.WithOAuth2(srv.IntrospectURL()))
	a := newAcctEnv(t, lockedKeyring{})
	signinAccount(t, a, "oa", srv, d)
	for _, args := range [][]string{{"account", "login", "--device", "oa"}, {"--account", "oa", "sync"}} {
		code, out, errOut := a.run("", args...)
		if code == exitOK || strings.Contains(errOut, "password") || !strings.Contains(errOut, "oauth2_token_cmd") ||
			!strings.Contains(errOut, "only in the OS keyring") || !strings.Contains(errOut, "unlock") {
			t.Errorf("%v: exit %d, out %q, stderr %q", args, code, out, errOut)
		}
	}
	code, out, errOut := a.run("", "account", "remove", "oa")
	if code != exitFailure || strings.Contains(errOut, "password_cmd") || !strings.Contains(errOut, "refresh token is still in the OS keyring") {
		t.Errorf("remove: exit %d, out %q, stderr %q", code, out, errOut)
	}
}
