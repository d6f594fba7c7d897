package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadSample(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/data")
	cfg, err := Load(filepath.Join("..", "docs", "config.sample.toml"))
	if err != nil {
		t.Fatalf("the sample config does not load: %v", err)
	}
	if got := cfg.AccountNames(); strings.Join(got, ",") != "work,home,gmail" {
		t.Fatalf("accounts = %v", got)
	}
	w, err := cfg.Account("")
	if err != nil {
		t.Fatal(err)
	}
	if w.Name != "work" || w.Addr() != "pop.example.com:995" || w.PasswordCmd != "pass show mail/work" || w.StoreDir != "/data/popterm/work" {
		t.Errorf("work = %+v", w)
	}
	h, _ := cfg.Account("home")
	if h.Username != "alice" || h.Host != "mail.example.net" || h.Port != 995 || h.TLS != TLSImplicit || h.Auth != AuthAuto {
		t.Errorf("home from url = %+v", h)
	}
	if g, _ := cfg.Account("gmail"); g.OAuth2.Provider != OAuth2Google || g.OAuth2.ClientID == "" || !g.UsesToken() {
		t.Errorf("gmail = %+v", g.OAuth2)
	}
	if cfg.UI.SessionIdle != 5*time.Minute || !cfg.UI.ConfirmCommit || cfg.Keys["down"][2] != "ctrl+n" {
		t.Errorf("ui = %+v keys = %v", cfg.UI, cfg.Keys)
	}
}

func TestLoadDefaults(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/xdg/data")
	path := writeConfig(t, `
[[account]]
name = "a"
host = "pop.example.com"
username = "u"

[[account]]
name = "b"
host = "pop.example.org"
tls = "starttls"
username = "u"
`)
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	a, b := cfg.Accounts[0], cfg.Accounts[1]
	want := Account{Name: "a", Host: "pop.example.com", Port: 995, TLS: TLSImplicit, Username: "u", Auth: AuthAuto,
		LeaveOnServer: true, DeleteOnServer: true, Prefetch: Prefetch{Mode: PrefetchAll}, Timeout: 30 * time.Second,
		MinRate: 8 << 10, StoreDir: "/xdg/data/popterm/a", CheckInterval: 10 * time.Minute}
	if !a.peersKnown {
		t.Error("Load did not record the accounts sharing a legacy keyring key")
	}
	if !sameAccount(a, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", a, want)
	}
	if b.Port != 110 {
		t.Errorf("starttls port = %d, want 110", b.Port)
	}
	if _, err := cfg.Account(""); err == nil || !strings.Contains(err.Error(), "default_account") {
		t.Errorf("no default among two: err = %v", err)
	}
	if cfg.UI != DefaultUI() {
		t.Errorf("ui = %+v", cfg.UI)
	}
	if len(cfg.Warnings) != 0 {
		t.Errorf("warnings for a 0600 file: %v", cfg.Warnings)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	if !errors.Is(err, fs.ErrNotExist) || !IsNotExist(err) {
		t.Fatalf("err = %v, want fs.ErrNotExist", err)
	}
}

func TestLoadWarnsWhenReadable(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	path := writeConfig(t, "")
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Warnings) != 1 || !strings.Contains(cfg.Warnings[0], "chmod 600") {
		t.Errorf("warnings = %v", cfg.Warnings)
	}
}

// TestLoadErrors checks that each bad config gives one line naming the file,
// the line, the key and what was expected.
func TestLoadErrors(t *testing.T) {
	const head = "[[account]]\nname = \"w\"\nhost = \"h\"\nusername = \"u\"\n"
	tests := []struct {
		name, body string
		line       int
		want       []string
	}{
		{"unknown key suggests", head + "usernme = \"x\"\n", 5, []string{`usernme`, `did you mean "username"?`}},
		{"unknown top key", "defualt_account = \"w\"\n", 1, []string{`did you mean "default_account"?`}},
		{"unknown ui key", "[ui]\nconfirm_comit = true\n", 2, []string{`in [ui]`, `did you mean "confirm_commit"?`}},
		{"unknown table", "[uii]\n", 1, []string{`uii`, `did you mean "ui"?`}},
		{"bare number duration", head + "timeout = 30\n", 5, []string{"timeout", `expected a duration string with a unit`, "got a number"}},
		{"unitless duration string", head + "timeout = \"30\"\n", 5, []string{"timeout", `no unit`}},
		{"unitless min_rate", head + "min_rate = \"8000\"\n", 5, []string{"min_rate", `a size per second, like "8KB"`, `"8000"`}},
		{"zero min_rate", head + "min_rate = \"0KB\"\n", 5, []string{"min_rate", `"0KB"`}},
		{"bad tls", head + "tls = \"tsl\"\n", 5, []string{"tls", `"implicit", "starttls" or "none"`, `"tsl"`}},
		{"bad auth", head + "auth = \"plian\"\n", 5, []string{"auth", `did you mean "plain"?`}},
		{"port type", head + "port = \"995\"\n", 5, []string{"port", "expected a port number", "got a string"}},
		{"port range", head + "port = 70000\n", 5, []string{"port", "70000"}},
		{"check too often", head + "check_interval = \"10s\"\n", 5, []string{"check_interval", "shorter than a minute"}},
		{"check unitless", head + "check_interval = \"10\"\n", 5, []string{"check_interval", "no unit"}},
		{"notify control", "[ui]\nnotify_cmd = \"a\\u001bb\"\n", 2, []string{"notify_cmd", "control characters"}},
		{"bad prefetch", head + "prefetch = \"newer_than:30\"\n", 5, []string{"prefetch", `"newer_than:30d"`}},
		{"bad size", head + "prefetch = \"smaller_than:10\"\n", 5, []string{"prefetch"}},
		{"bad pin", head + "tls_cert_sha256 = \"abcd\"\n", 5, []string{"tls_cert_sha256", "64 hex digits"}},
		{"negative days", head + "delete_after_days = -1\n", 5, []string{"delete_after_days"}},
		{"bool as string", head + "leave_on_server = \"yes\"\n", 5, []string{"leave_on_server", "true or false"}},
		{"missing host", "[[account]]\nname = \"w\"\nusername = \"u\"\n", 1, []string{"host", "missing"}},
		{"missing name", "\n[[account]]\nhost = \"h\"\nusername = \"u\"\n", 2, []string{"name", "missing"}},
		{"unsafe name", "[[account]]\nname = \"a/x\"\nhost = \"h\"\nusername = \"u\"\n", 2, []string{"name", `'/'`}},
		{"dot name", "[[account]]\nname = \".hidden\"\nhost = \"h\"\nusername = \"u\"\n", 2, []string{"starts with a dot"}},
		{"duplicate names", head + head, 6, []string{"name", "unique"}},
		{"cleartext", head + "tls = \"none\"\n", 5, []string{"tls", "allow_cleartext_auth"}},
		{"cleartext apop", head + "tls = \"none\"\nauth = \"apop\"\n", 5, []string{"tls", "allow_cleartext_auth"}},
		{"cleartext cram-md5", head + "tls = \"none\"\nauth = \"cram-md5\"\n", 5, []string{"tls", "allow_cleartext_auth"}},
		{"oauth needs cmd", head + "auth = \"xoauth2\"\n", 5, []string{"auth", "oauth2_token_cmd"}},
		{"default unknown", "default_account = \"wrk\"\n" + head, 1, []string{"default_account", `did you mean "w"?`}},
		{"url and host", "[[account]]\nname = \"w\"\nhost = \"h\"\nurl = \"pop://u@h\"\n", 4, []string{"url", "not both"}},
		{"bad url", "[[account]]\nname = \"w\"\nurl = \"imap://u@h\"\n", 3, []string{"url", "not a pop:// URL"}},
		{"keys not list", "[keys]\nquit = \"q\"\n", 2, []string{"quit", "a list of keys"}},
		{"syntax", "[[account]\n", 1, []string{"column"}},
		{"ui duration", "[ui]\nsession_idle = \"5\"\n", 2, []string{"session_idle"}},
		{"unknown theme", "[ui]\ntheme = \"drak\"\n", 2, []string{"[ui]", "theme", `"mono"`, `did you mean "dark"?`}},
		{"password in file", head + "password = \"hunter2\"\n", 5, []string{"password", "never go in the config", "popterm account passwd"}},
	}
	for _, tt := range append(tests, oauth2LoadErrors...) {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.body)
			_, err := Load(path)
			if err == nil {
				t.Fatal("loaded without error")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("error is %T, not *Error: %v", err, err)
			}
			if ce.Line != tt.line {
				t.Errorf("line = %d, want %d (%s)", ce.Line, tt.line, msg)
			}
			wantPrefix := path + ":" + strconv.Itoa(tt.line) + ": "
			if !strings.HasPrefix(msg, wantPrefix) {
				t.Errorf("error %q does not start with %q", msg, wantPrefix)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, "hunter2") {
				t.Errorf("error %q repeats a password from the file", msg)
			}
		})
	}
}

func TestLoadManyErrorsCounted(t *testing.T) {
	path := writeConfig(t, "[[account]]\nname = \"w\"\nhost = \"h\"\nusername = \"u\"\ntls = \"x\"\nauth = \"y\"\n")
	_, err := Load(path)
	var ce *Error
	if !errors.As(err, &ce) || ce.Line != 5 || ce.More != 1 || !strings.Contains(err.Error(), "and 1 more problem") {
		t.Fatalf("err = %v", err)
	}
}

func TestSaveRoundTrip(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/xdg/data")
	dir := filepath.Join(t.TempDir(), "new")
	path := filepath.Join(dir, "config.toml")
	cfg := New(path)
	a := NewAccount("work")
	a.Host, a.Username = "pop.example.com", "alice@example.com"
	a.TLSCertSHA256 = strings.Repeat("AB:", 31) + "AB"
	a.Prefetch = Prefetch{Mode: PrefetchNewerThan, NewerThan: 30 * 24 * time.Hour}
	a.Timeout = 2 * time.Minute
	a.MinRate = 64 << 10
	a.CheckInterval = 30 * time.Minute
	if err := cfg.AddAccount(a); err != nil {
		t.Fatal(err)
	}
	b := NewAccount("home")
	b.Host, b.Username, b.TLS, b.Port, b.Auth = "mail.example.net", "bob", TLSStartTLS, 1110, AuthCRAMMD5
	b.LeaveOnServer, b.DeleteAfterDays, b.StoreDir = false, 7, "/elsewhere/home"
	b.PasswordCmd = "pass show home"
	b.CheckInterval = 0 // no checks
	if err := cfg.AddAccount(b); err != nil {
		t.Fatal(err)
	}
	if err := cfg.AddAccount(b); err == nil {
		t.Fatal("duplicate name accepted")
	}
	cfg.UI.SessionIdle = 10 * time.Minute
	cfg.UI.Bell, cfg.UI.NotifyCmd = false, "notify-send --app-name=popterm"
	cfg.Keys["quit"] = []string{"x"}
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700} {
			st, err := os.Stat(p)
			if err != nil || st.Mode().Perm() != want {
				t.Errorf("%s: mode %v, err %v; want %v", p, st.Mode().Perm(), err, want)
			}
		}
	}
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), "# popterm configuration") {
		t.Errorf("no comment header:\n%s", data)
	}
	if strings.Contains(string(data), "store_dir = \"/xdg") || strings.Contains(string(data), "leave_on_server = true") {
		t.Errorf("defaults written:\n%s", data)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatalf("reloading what Save wrote: %v\n%s", err, data)
	}
	if got.DefaultAccount != "work" || len(got.Accounts) != 2 {
		t.Fatalf("reloaded %+v", got)
	}
	a.TLSCertSHA256 = strings.Repeat("ab", 32)
	if !sameAccount(got.Accounts[0], a) || !sameAccount(got.Accounts[1], b) {
		t.Errorf("round trip:\n got %+v\n     %+v\nwant %+v\n     %+v", got.Accounts[0], got.Accounts[1], a, b)
	}
	if got.UI != cfg.UI || got.Keys["quit"][0] != "x" {
		t.Errorf("ui %+v keys %v", got.UI, got.Keys)
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only config.toml", len(entries))
	}
	// Remove the default: the next one becomes the default.
	if _, err := got.RemoveAccount("work"); err != nil || got.DefaultAccount != "home" {
		t.Errorf("remove: err %v, default %q", err, got.DefaultAccount)
	}
	if _, err := got.RemoveAccount("nope"); err == nil {
		t.Error("removing a missing account succeeded")
	}
}

// TestSaveKeepsCommentedFile checks that a hand-written file's comments,
// which a rewrite drops, survive in a .bak copy, and that a file popterm
// wrote itself gets no backup.
func TestSaveKeepsCommentedFile(t *testing.T) {
	const body = "# my notes\n[[account]]\nname = \"w\" # the work one\nhost = \"h\"\nusername = \"u\"\n"
	path := writeConfig(t, body)
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	bak, err := os.ReadFile(path + ".bak")
	if err != nil || string(bak) != body || cfg.Backup != path+".bak" {
		t.Fatalf("backup %q, %v; Backup %q", bak, err, cfg.Backup)
	}
	if st, _ := os.Stat(path + ".bak"); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v", st.Mode().Perm())
	}
	os.Remove(path + ".bak")
	again, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := again.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".bak"); !os.IsNotExist(err) || again.Backup != "" {
		t.Errorf("a file without comments of its own was backed up: %v, %q", err, again.Backup)
	}
}

func TestSaveFollowsSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks")
	}
	dir := t.TempDir()
	real := filepath.Join(dir, "real.toml")
	os.WriteFile(real, nil, 0o600)
	link := filepath.Join(dir, "config.toml")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	cfg := New(link)
	cfg.DefaultAccount = ""
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi, err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/cfg")
	if p, _ := DefaultPath(); p != filepath.Join("/cfg", "popterm", "config.toml") {
		t.Errorf("DefaultPath = %q", p)
	}
	t.Setenv("XDG_CONFIG_HOME", "relative/ignored")
	t.Setenv("HOME", "/home/u")
	if p, _ := DefaultPath(); runtime.GOOS != "windows" && p != "/home/u/.config/popterm/config.toml" {
		t.Errorf("DefaultPath with a relative XDG_CONFIG_HOME = %q", p)
	}
	t.Setenv("XDG_DATA_HOME", "")
	if d, _ := DefaultStoreDir("w"); runtime.GOOS != "windows" && d != "/home/u/.local/share/popterm/w" {
		t.Errorf("DefaultStoreDir = %q", d)
	}
	if _, err := DefaultStoreDir("../x"); err == nil {
		t.Error("unsafe name accepted")
	}
}

func TestLoadErrorHasNoControls(t *testing.T) {
	path := writeConfig(t, "[keys]\n\"a\\nb\\u001b[31m\" = []\n")
	_, err := Load(path)
	if err == nil || strings.ContainsAny(err.Error(), "\n\x1b") || !strings.Contains(err.Error(), ":2: ") {
		t.Fatalf("err = %q", err)
	}
}

func BenchmarkParseSample(b *testing.B) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "config.sample.toml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := Parse("config.toml", doc); err != nil {
			b.Fatal(err)
		}
	}
}

// sameAccount compares two accounts' settings (not what Load records about
// the other accounts of the file).
func sameAccount(x, y Account) bool {
	x.legacyPeers, x.peersKnown = nil, false
	y.legacyPeers, y.peersKnown = nil, false
	return reflect.DeepEqual(x, y)
}

// TestLoadMinRate: min_rate is a size per second, written like the other
// sizes, with or without "/s".
func TestLoadMinRate(t *testing.T) {
	for doc, want := range map[string]int64{"\"64KB\"": 64 << 10, "\"1MB/s\"": 1 << 20, "\"500B\"": 500} {
		path := writeConfig(t, "[[account]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\nmin_rate = "+doc+"\n")
		cfg, err := Load(path)
		if err != nil {
			t.Fatalf("min_rate = %s: %v", doc, err)
		}
		if got := cfg.Accounts[0].MinRate; got != want {
			t.Errorf("min_rate = %s: got %d, want %d", doc, got, want)
		}
	}
}

func TestLoadAcceptsByteOrderMark(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	doc := "\xef\xbb\xbf[[account]]\nname = \"work\"\nhost = \"pop.example.com\"\nusername = \"alice\"\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatalf("a config starting with a UTF-8 byte-order mark was refused: %v", err)
	}
	if len(cfg.Accounts) != 1 || cfg.Accounts[0].Host != "pop.example.com" {
		t.Errorf("accounts = %+v", cfg.Accounts)
	}
}
