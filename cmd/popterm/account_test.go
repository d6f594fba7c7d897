package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/pop3/pop3test"
)

// acctEnv runs popterm commands against one config file and one in-memory
// keyring, with XDG folders in a temporary directory.
type acctEnv struct {
	t       *testing.T
	dir     string // holds the config and data folders
	cfgPath string
	keyring config.Store
}

func newAcctEnv(t *testing.T, keyring config.Store) *acctEnv {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	return &acctEnv{t: t, dir: dir, cfgPath: filepath.Join(dir, "config", "popterm", "config.toml"), keyring: keyring}
}

func (a *acctEnv) run(stdin string, args ...string) (int, string, string) {
	a.t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, keyring: a.keyring}
	code := run(context.Background(), append([]string{"--config", a.cfgPath}, args...), e)
	return code, out.String(), errOut.String()
}

func (a *acctEnv) config() *config.Config {
	a.t.Helper()
	cfg, err := config.Load(a.cfgPath)
	if err != nil {
		a.t.Fatalf("loading the saved config: %v", err)
	}
	return cfg
}

// tlsServer starts a pop3test server with a self-signed certificate, in
// implicit TLS or STLS mode, and returns it with the certificate's pin.
func tlsServer(t *testing.T, implicit bool, users map[string]string) (*pop3test.Server, string) {
	t.Helper()
	srv, _, pin, err := pop3test.TLSConfigs()
	if err != nil {
		t.Fatal(err)
	}
	s := pop3test.NewTest(t, pop3test.Config{TLS: srv, Implicit: implicit, Users: users, UTF8: true})
	return s, pin
}

func hostPort(t *testing.T, addr string) (string, string) {
	t.Helper()
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return h, p
}

func TestAccountLifecycle(t *testing.T) {
	ks := config.NewMemStore()
	a := newAcctEnv(t, ks)
	s, pin := tlsServer(t, true, map[string]string{"alice": "correct horse"})
	host, port := hostPort(t, s.Addr())
	add := []string{"account", "add", "--name", "work", "--host", host, "--port", port, "--tls", "implicit",
		"--user", "alice", "--tls-cert-sha256", pin, "--password-stdin"}

	// A wrong password fails the probe: exit 3, nothing saved.
	code, _, errOut := a.run("wrong\n", add...)
	if code != exitCredentials || !strings.Contains(errOut, "nothing saved") || strings.Count(strings.TrimSpace(errOut), "\n") != 1 {
		t.Fatalf("wrong password: exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(a.cfgPath); !os.IsNotExist(err) || ks.Len() != 0 {
		t.Fatalf("a failed probe saved something: stat %v, keyring %d", err, ks.Len())
	}
	// A wrong pin fails before any password is sent.
	bad := append([]string(nil), add...)
	bad[len(bad)-2] = strings.Repeat("00", 32)
	if code, _, errOut := a.run("correct horse\n", bad...); code == exitOK || !strings.Contains(errOut, "pinned") {
		t.Fatalf("wrong pin: exit %d, stderr %q", code, errOut)
	}

	// Without a pin the self-signed certificate is refused, and the error
	// says how to pin it.
	if code, _, errOut := a.run("correct horse\n", append(add[:len(add)-3:len(add)-3], "--password-stdin")...); code == exitOK || !strings.Contains(errOut, "--tls-cert-sha256 "+pin) {
		t.Fatalf("unpinned self-signed: exit %d, stderr %q", code, errOut)
	}

	code, out, errOut := a.run("correct horse\n", add...)
	if code != exitOK {
		t.Fatalf("add: exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"TLS 1.3", "with PLAIN", "TOP: yes", "UIDL: yes", "UTF8: yes", "added account work", "OS keyring"} {
		if !strings.Contains(out, want) {
			t.Errorf("add output lacks %q:\n%s", want, out)
		}
	}
	user := "alice@" + s.Addr()
	key := "password:work" // the account's own key (config.Account.PasswordKey)
	if pw, err := ks.Get(key); err != nil || pw != "correct horse" {
		t.Fatalf("keyring holds %q, %v", pw, err)
	}
	data, _ := os.ReadFile(a.cfgPath)
	if bytes.Contains(data, []byte("correct horse")) {
		t.Fatal("the password was written to the config file")
	}
	if st, _ := os.Stat(a.cfgPath); st.Mode().Perm() != 0o600 {
		t.Errorf("config mode %v", st.Mode().Perm())
	}
	cfg := a.config()
	if acct, _ := cfg.Account(""); acct.Name != "work" || acct.TLSCertSHA256 != pin || acct.Addr() != s.Addr() {
		t.Errorf("saved account %+v", acct)
	}

	if code, _, errOut := a.run("x\n", add...); code != exitUsage || !strings.Contains(errOut, "already exists") {
		t.Errorf("duplicate: exit %d, stderr %q", code, errOut)
	}

	// A second account from a POP URL, without probing or password.
	code, out, errOut = a.run("", "account", "add", "--name", "home", "--no-probe", "pop://bob;auth=+APOP@mail.example.net:110")
	if code != exitOK || !strings.Contains(out, "account passwd home") {
		t.Fatalf("add from URL: exit %d, out %q, stderr %q", code, out, errOut)
	}
	if h, _ := a.config().Account("home"); h.Auth != config.AuthAPOP || h.TLS != config.TLSStartTLS || h.Port != 110 || h.Username != "bob" {
		t.Errorf("home = %+v", h)
	}

	code, out, _ = a.run("", "account", "list")
	if code != exitOK {
		t.Fatalf("list: exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "* work") || !strings.Contains(lines[0], user) ||
		!strings.Contains(lines[0], "implicit TLS") || !strings.Contains(lines[0], "keyring") || !strings.HasPrefix(lines[1], "  home") {
		t.Errorf("list:\n%s", out)
	}

	if code, out, errOut := a.run("", "account", "test", "work"); code != exitOK || !strings.Contains(out, "account work works") {
		t.Errorf("test: exit %d, out %q, stderr %q", code, out, errOut)
	}

	// passwd tests the new password first: the server refuses it, so the
	// old one stays.
	if code, out, errOut := a.run("new secret\n", "account", "passwd", "--password-stdin", "work"); code != exitCredentials ||
		!strings.Contains(errOut, "refused the new password") || !strings.Contains(errOut, "old one is kept") || strings.Contains(out, "stored") {
		t.Fatalf("passwd with a refused password: exit %d, out %q, stderr %q", code, out, errOut)
	}
	if pw, _ := ks.Get(key); pw != "correct horse" {
		t.Fatalf("a refused password replaced the old one: %q", pw)
	}
	// One the server accepts is stored.
	if code, out, errOut := a.run("correct horse\n", "account", "passwd", "--password-stdin", "work"); code != exitOK || !strings.Contains(out, "stored") {
		t.Fatalf("passwd: exit %d, out %q, stderr %q", code, out, errOut)
	}
	// --no-probe stores it untested; the server now refuses it.
	if code, out, errOut := a.run("new secret\n", "account", "passwd", "--password-stdin", "--no-probe", "work"); code != exitOK || !strings.Contains(out, "stored") {
		t.Fatalf("passwd --no-probe: exit %d, out %q, stderr %q", code, out, errOut)
	}
	if pw, _ := ks.Get(key); pw != "new secret" {
		t.Errorf("after passwd the keyring holds %q", pw)
	}
	if code, _, errOut := a.run("", "account", "test", "work"); code != exitCredentials || strings.Contains(errOut, "new secret") {
		t.Errorf("test with a wrong password: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := a.run("", "account", "passwd", "work"); code != exitUsage || !strings.Contains(errOut, "--password-stdin") {
		t.Errorf("passwd without a terminal: exit %d, stderr %q", code, errOut)
	}

	// The store folder is named (kept) only when it exists.
	storeDir := filepath.Join(a.dir, "data", "popterm", "work")
	if err := os.MkdirAll(storeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = a.run("", "account", "remove", "work")
	if code != exitOK || !strings.Contains(out, storeDir) || !strings.Contains(out, "deleted its password") {
		t.Fatalf("remove: exit %d, out %q, stderr %q", code, out, errOut)
	}
	if _, err := ks.Get(key); err == nil {
		t.Error("the secret survived remove")
	}
	cfg = a.config()
	if names := cfg.AccountNames(); len(names) != 1 || names[0] != "home" || cfg.DefaultAccount != "home" {
		t.Errorf("after remove: accounts %v default %q", names, cfg.DefaultAccount)
	}
	if code, out, _ := a.run("\n", "account", "add", "--name", "gone", "--host", "h", "--user", "u", "--no-probe"); code != exitOK {
		t.Fatalf("add --no-probe: exit %d, %q", code, out)
	}
	if code, out, _ := a.run("", "account", "remove", "gone"); code != exitOK || strings.Contains(out, "stays in") {
		t.Errorf("remove of a never-synced account: exit %d, out %q", code, out)
	}
	if code, _, errOut := a.run("", "account", "remove", "work"); code != exitUsage || !strings.Contains(errOut, "no account") {
		t.Errorf("second remove: exit %d, stderr %q", code, errOut)
	}
	// Without a password in the keyring, test says how to store one.
	if code, _, errOut := a.run("", "account", "test", "home"); code != exitUsage || !strings.Contains(errOut, "popterm account passwd home") {
		t.Errorf("test without password: exit %d, stderr %q", code, errOut)
	}
}

func TestAccountAddStartTLSAndCleartext(t *testing.T) {
	ks := config.NewMemStore()
	a := newAcctEnv(t, ks)
	s, pin := tlsServer(t, false, nil)
	host, port := hostPort(t, s.Addr())
	code, out, errOut := a.run(pop3test.DefaultPassword+"\n", "account", "add", "--name", "stls", "--host", host, "--port", port,
		"--tls", "starttls", "--user", pop3test.DefaultUser, "--tls-cert-sha256", pin, "--password-stdin")
	if code != exitOK || !strings.Contains(out, "TLS 1.3") {
		t.Fatalf("starttls: exit %d, out %q, stderr %q", code, out, errOut)
	}

	plain := pop3test.NewTest(t, pop3test.Config{})
	host, port = hostPort(t, plain.Addr())
	args := []string{"account", "add", "--name", "plain", "--host", host, "--port", port, "--tls", "none", "--user", pop3test.DefaultUser, "--password-stdin"}
	if code, _, errOut := a.run(pop3test.DefaultPassword+"\n", args...); code != exitUsage || !strings.Contains(errOut, "allow_cleartext_auth") {
		t.Fatalf("cleartext without consent: exit %d, stderr %q", code, errOut)
	}
	code, out, errOut = a.run(pop3test.DefaultPassword+"\n", append(args, "--allow-cleartext-auth")...)
	if code != exitOK || !strings.Contains(out, "encryption:  none") || !strings.Contains(out, "warning: no TLS") {
		t.Fatalf("cleartext allowed: exit %d, out %q, stderr %q", code, out, errOut)
	}
}

func TestAccountAddUsageErrors(t *testing.T) {
	a := newAcctEnv(t, config.NewMemStore())
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"account", "add", "--host", "h", "--user", "u"}, "--name is required"},
		{[]string{"account", "add", "--name", "n", "--user", "u"}, "--host"},
		{[]string{"account", "add", "--name", "n", "--host", "h"}, "--user"},
		{[]string{"account", "add", "--name", "../x", "--host", "h", "--user", "u"}, "name"},
		{[]string{"account", "add", "--name", "n", "--host", "h", "--user", "u", "--tls", "ssl"}, "tls"},
		{[]string{"account", "add", "--name", "n", "--host", "h", "--user", "u", "--tls-cert-sha256", "xx"}, "64 hex"},
		{[]string{"account", "add", "--name", "n", "--host", "h", "--user", "u"}, "no password"},
		{[]string{"account", "add", "--name", "n", "imap://u@h"}, "not a pop:// URL"},
		{[]string{"account", "add"}, "needs a terminal"},
		{[]string{"account", "frob"}, "unknown command"},
		{[]string{"account", "passwd"}, "which account"},
	}
	for _, tt := range tests {
		code, _, errOut := a.run("", tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want usage error with %q", tt.args, code, errOut, tt.want)
		}
	}
	if _, err := os.Stat(a.cfgPath); !os.IsNotExist(err) {
		t.Error("a failed add created the config file")
	}
}

// Bad configs give one line naming file:line, for every account command.
func TestAccountBadConfig(t *testing.T) {
	a := newAcctEnv(t, config.NewMemStore())
	os.MkdirAll(filepath.Dir(a.cfgPath), 0o700)
	os.WriteFile(a.cfgPath, []byte("[[account]]\nname = \"w\"\nhost = \"h\"\nusername = \"u\"\ntimeout = 30\n"), 0o600)
	for _, args := range [][]string{{"account", "list"}, {"account", "test", "w"}, {"account", "remove", "w"}, {"account", "passwd", "w"}} {
		code, _, errOut := a.run("pw\n", args...)
		if code != exitUsage || !strings.HasPrefix(errOut, "popterm: "+a.cfgPath+":5: ") || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "timeout") {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut)
		}
	}
}

// TestKeyringAccountCommands runs add, test and remove against the real
// Secret Service and checks with secret-tool what is stored. Run it inside
// dbus-run-session with an unlocked gnome-keyring-daemon (see config's
// keyring tests).
func TestKeyringAccountCommands(t *testing.T) {
	requireKeyring(t)
	a := newAcctEnv(t, nil) // the real OS keyring
	s, pin := tlsServer(t, true, map[string]string{"kr-user": "kr pass ✓"})
	host, port := hostPort(t, s.Addr())
	user := "password:kr"
	t.Cleanup(func() { config.Keyring().Delete(user) })

	code, _, errOut := a.run("kr pass ✓\n", "account", "add", "--name", "kr", "--host", host, "--port", port,
		"--user", "kr-user", "--tls-cert-sha256", pin, "--password-stdin")
	if code != exitOK {
		t.Fatalf("add: exit %d, stderr %q", code, errOut)
	}
	if got, ok := secretToolLookup(t, user); !ok || got != "kr pass ✓" {
		t.Fatalf("secret-tool lookup service popterm username %s = %q, %v", user, got, ok)
	}
	if code, out, errOut := a.run("", "account", "test", "kr"); code != exitOK || !strings.Contains(out, "works") {
		t.Fatalf("test: exit %d, out %q, stderr %q", code, out, errOut)
	}
	if code, _, errOut := a.run("", "account", "remove", "kr"); code != exitOK {
		t.Fatalf("remove: exit %d, stderr %q", code, errOut)
	}
	if got, ok := secretToolLookup(t, user); ok && got != "" {
		t.Fatalf("secret-tool still finds %q after remove", got)
	}
	data, _ := os.ReadFile(a.cfgPath)
	if strings.Contains(string(data), "kr pass") {
		t.Fatal("the password reached the config file")
	}
}

// failingStore is a keyring that is not there (no Secret Service).
type failingStore struct{}

func (failingStore) Get(string) (string, error) { return "", config.ErrKeyringUnavailable }
func (failingStore) Set(string, string) error   { return config.ErrKeyringUnavailable }
func (failingStore) Delete(string) error        { return config.ErrKeyringUnavailable }

func TestAccountCredentialSources(t *testing.T) {
	srv, _, pin, err := pop3test.TLSConfigs()
	if err != nil {
		t.Fatal(err)
	}
	s := pop3test.NewTest(t, pop3test.Config{TLS: srv, Implicit: true, Tokens: map[string]string{pop3test.DefaultUser: "tok-123"}})
	host, port := hostPort(t, s.Addr())
	base := []string{"--host", host, "--port", port, "--user", pop3test.DefaultUser, "--tls-cert-sha256", pin}

	// No keyring at all: password_cmd and oauth2_token_cmd still work, and a
	// keyring password is refused with a pointer to password_cmd.
	a := newAcctEnv(t, failingStore{})
	code, out, errOut := a.run("", append([]string{"account", "add", "--name", "cmd", "--password-cmd", "echo " + pop3test.DefaultPassword}, base...)...)
	if code != exitOK || !strings.Contains(out, "password from password_cmd") {
		t.Fatalf("password_cmd: exit %d, out %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = a.run("", append([]string{"account", "add", "--name", "oauth", "--auth", "xoauth2", "--oauth2-token-cmd", "echo tok-123"}, base...)...)
	if code != exitOK || !strings.Contains(out, "with XOAUTH2") {
		t.Fatalf("xoauth2: exit %d, out %q, stderr %q", code, out, errOut)
	}
	code, _, errOut = a.run(pop3test.DefaultPassword+"\n", append([]string{"account", "add", "--name", "kr", "--password-stdin"}, base...)...)
	if code != exitFailure || !strings.Contains(errOut, "nothing saved") || !strings.Contains(errOut, "not available") {
		t.Fatalf("no keyring: exit %d, stderr %q", code, errOut)
	}
	if names := a.config().AccountNames(); strings.Join(names, ",") != "cmd,oauth" {
		t.Errorf("accounts %v", names)
	}
	code, out, _ = a.run("", "account", "list")
	if code != exitOK || !strings.Contains(out, "password: password_cmd") || !strings.Contains(out, "password: oauth2_token_cmd") {
		t.Errorf("list:\n%s", out)
	}
	for _, name := range []string{"cmd", "oauth"} {
		if code, _, errOut := a.run("", "account", "test", name); code != exitOK {
			t.Errorf("test %s: exit %d, stderr %q", name, code, errOut)
		}
	}
	// remove works without a keyring when the account never used it.
	if code, _, errOut := a.run("", "account", "remove", "cmd"); code != exitOK {
		t.Errorf("remove: exit %d, stderr %q", code, errOut)
	}
	// A URL's explicit port survives --tls.
	code, _, errOut = a.run("", "account", "add", "--name", "u", "--no-probe", "--tls", "implicit", "pop://x@h.example:2995")
	if acct, _ := a.config().Account("u"); code != exitOK || acct.Port != 2995 || acct.TLS != config.TLSImplicit {
		t.Errorf("url with --tls: exit %d, stderr %q, account %+v", code, errOut, acct)
	}
}

func TestAccountWarnsAndHelps(t *testing.T) {
	a := newAcctEnv(t, config.NewMemStore())
	if code, _, errOut := a.run("", "account"); code != exitUsage || !strings.Contains(errOut, "passwd NAME") {
		t.Errorf("bare account: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := a.run("", "account", "--help"); code != exitOK || !strings.Contains(errOut, "remove NAME") {
		t.Errorf("account --help: exit %d, stderr %q", code, errOut)
	}
	if code, out, _ := a.run("", "account", "list"); code != exitOK || !strings.Contains(out, "no accounts") {
		t.Errorf("list without config: exit %d, out %q", code, out)
	}
	os.MkdirAll(filepath.Dir(a.cfgPath), 0o700)
	os.WriteFile(a.cfgPath, []byte("[[account]]\nname = \"w\"\nhost = \"h\"\nusername = \"u\"\n"), 0o644)
	if code, out, errOut := a.run("", "account", "list"); code != exitOK || !strings.Contains(out, "* w") || !strings.Contains(errOut, "chmod 600") {
		t.Errorf("list of a 0644 config: exit %d, out %q, stderr %q", code, out, errOut)
	}
	// Adding to a hand-written file with comments keeps a copy and says so.
	os.WriteFile(a.cfgPath, []byte("# mine\n[[account]]\nname = \"w\"\nhost = \"h\"\nusername = \"u\"\n"), 0o600)
	if code, _, errOut := a.run("", "account", "add", "--name", "x", "--host", "h", "--user", "u", "--no-probe"); code != exitOK || !strings.Contains(errOut, a.cfgPath+".bak") {
		t.Errorf("add to a commented config: exit %d, stderr %q", code, errOut)
	}
	if bak, err := os.ReadFile(a.cfgPath + ".bak"); err != nil || !strings.HasPrefix(string(bak), "# mine") {
		t.Errorf("backup %q, %v", bak, err)
	}
}
